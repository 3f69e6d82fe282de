"""Shared by anyio tests (tests/with_anyio) and pytest-asyncio tests (tests/with_asyncio), in
strict mode: anyio runs the async fixtures its tests request; nothing runs the others."""
import pytest


@pytest.fixture
async def server():
    """Requested by anyio tests: anyio runs it."""
    yield "server"


@pytest.fixture
async def app():
    """Reached by an anyio test through the sync fixture `client`: anyio runs it."""
    yield "app"


@pytest.fixture
def client(app):
    return app


@pytest.fixture
async def database():  # error: ASYNC520
    """Requested only by a pytest-asyncio test: it errors at setup."""
    yield "db"


@pytest.fixture
async def settings():
    """Requested by a test that asks for anyio_backend itself: anyio runs that test."""
    yield {}


@pytest.fixture
async def spare():
    """Requested by no test: nothing fails, nothing to say."""
    yield 1
