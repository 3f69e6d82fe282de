import pytest


@pytest.mark.asyncio
async def test_x():
    pass
