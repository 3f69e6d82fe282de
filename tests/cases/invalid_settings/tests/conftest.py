# error: ASYNC851, ASYNC851, ASYNC851
import pytest


@pytest.fixture
async def unknown_mode():
    """asyncio_mode is invalid: no finding depends on it."""
    yield 1
