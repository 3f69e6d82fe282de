import asyncio

import pytest


@pytest.fixture
def event_loop():  # error: ASYNC523
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


async def test_uses_the_module_loop(event_loop):
    future = event_loop.create_future()
    assert future.get_loop() is not asyncio.get_running_loop()
