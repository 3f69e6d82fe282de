import asyncio
from unittest import mock

import pytest


@pytest.fixture
def event_loop():
    """Like aiohttp's: sync fixtures build test doubles on a loop object; nothing is reported."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def protocol(event_loop):
    protocol = mock.Mock()
    protocol.drained = event_loop.create_future()
    return protocol
