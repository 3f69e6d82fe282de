import pytest


async def test_unmarked_runs_in_auto_mode(client):
    pass


def test_sync_with_async_fixture(client):
    pass


@pytest.mark.trio
async def test_trio_under_auto_mode():  # error: ASYNC504
    pass


@pytest.mark.asyncio
@pytest.mark.anyio
async def test_two_marks():  # error: ASYNC504
    pass


@pytest.mark.anyio
async def test_anyio_variants_run_on_asyncio():  # error: ASYNC504
    pass


async def test_requests_anyio_backend(anyio_backend):
    pass
