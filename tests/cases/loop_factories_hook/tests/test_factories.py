import pytest


@pytest.mark.asyncio(loop_factories=["default"])
async def test_with_a_hook_in_the_conftest():
    pass


@pytest.mark.asyncio(loop_scpoe="module")  # error: ASYNC505
async def test_typo():
    pass
