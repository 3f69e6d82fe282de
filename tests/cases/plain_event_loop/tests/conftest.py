import asyncio

import pytest


@pytest.fixture
def event_loop():  # error: ASYNC523
    """Like aiohttp's: a fresh loop object for sync tests, not a runner override."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
