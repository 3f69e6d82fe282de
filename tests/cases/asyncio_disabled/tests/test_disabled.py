import pytest


async def test_nothing_runs_it():  # error: ASYNC500
    pass


@pytest.mark.asyncio
async def test_mark_of_a_disabled_plugin():  # error: ASYNC500
    pass
