import asyncio

import pytest


@pytest.fixture
def event_loop():  # error: ASYNC523
    """Reported here, once: async tests below request it, and pytest-asyncio 1.x ignores it."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def scheduler(event_loop):
    """A sync fixture builds on the loop object: not reported for the async tests using it."""
    return event_loop


@pytest.fixture
async def clock(event_loop):
    """An async fixture pytest-asyncio runs (auto mode), in its own loop, not in this one."""
    return event_loop.time()
