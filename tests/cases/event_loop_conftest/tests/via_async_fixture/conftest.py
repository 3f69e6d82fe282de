import asyncio

import pytest


@pytest.fixture
def event_loop():  # error: ASYNC523
    """Only an async fixture requests it, for async tests: pytest-asyncio runs both elsewhere."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
async def started_at(event_loop):
    return event_loop.time()
