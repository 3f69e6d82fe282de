import asyncio

import pytest


@pytest.fixture(scope="session")
def event_loop():  # error: ASYNC523
    """Like python-telegram-bot's: a session loop for pytest-asyncio < 1.0."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
async def bot():
    yield object()
