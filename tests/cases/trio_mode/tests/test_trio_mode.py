import pytest


async def test_unmarked_runs_under_trio():
    pass


@pytest.mark.asyncio
async def test_asyncio_mark_in_trio_mode():  # error: ASYNC504
    pass
