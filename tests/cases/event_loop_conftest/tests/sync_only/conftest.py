import asyncio

import pytest


@pytest.fixture
def event_loop():
    """Overrides the one above for this directory, where only sync tests use it: a loop object
    they drive themselves (as aiohttp's suite does), nothing pytest-asyncio ignores."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
