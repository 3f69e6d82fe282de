import pytest

pytestmark = pytest.mark.anyio


async def test_uses_server(server):
    pass


def test_sync_requests_async_fixture(server):  # error: ASYNC521
    pass


def test_sync_with_backend_in_closure(server_with_backend):
    pass


def test_sync_requesting_backend(server, anyio_backend):
    pass


@pytest.mark.asyncio
async def test_asyncio_and_anyio():  # error: ASYNC504
    pass
