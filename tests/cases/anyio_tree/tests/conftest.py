import pytest


@pytest.fixture
async def server():
    """Used by anyio tests below this conftest, which never mentions anyio itself."""
    yield "server"
