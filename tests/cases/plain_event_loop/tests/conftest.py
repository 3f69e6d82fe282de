import asyncio

import pytest


@pytest.fixture
def event_loop():
    """Like aiohttp's: a fresh loop object for sync tests, not a runner override."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
