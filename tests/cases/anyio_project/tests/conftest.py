import pytest


@pytest.fixture(params=[pytest.param("asyncio"), pytest.param(("trio", {}), id="trio")])
def anyio_backend(request):
    return request.param


@pytest.fixture
async def server():
    """anyio runs async fixtures for anyio tests: no ASYNC520 here."""
    yield "server"


@pytest.fixture
async def server_with_backend(anyio_backend):
    yield "server"
