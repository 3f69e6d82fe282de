import pytest


@pytest.mark.asyncio(loop_factories=["uvloop"])
async def test_may_run():
    pass
