import pytest


@pytest.fixture
async def client():
    """Auto mode: pytest-asyncio runs async fixtures under @pytest.fixture."""
    yield object()


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param
