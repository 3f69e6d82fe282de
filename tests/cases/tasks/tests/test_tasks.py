import asyncio
import unittest

import pytest


async def work():
    await asyncio.sleep(0)


class Application:
    """A framework object that tracks the tasks it starts (not asyncio's create_task)."""

    def create_task(self, coroutine):
        return coroutine


async def test_dropped():
    asyncio.create_task(work())  # error: ASYNC800
    asyncio.ensure_future(work())  # error: ASYNC800
    loop = asyncio.get_running_loop()
    loop.create_task(work())  # error: ASYNC800


async def test_bound_and_forgotten():
    task = asyncio.create_task(work())  # error: ASYNC800
    await asyncio.sleep(0)


async def test_kept():
    task = asyncio.create_task(work())
    await task
    other = asyncio.create_task(work())
    other.cancel()
    tasks = [asyncio.create_task(work()) for _ in range(3)]
    await asyncio.gather(*tasks)
    gathered = asyncio.create_task(work())
    await asyncio.wait([gathered])
    async with asyncio.TaskGroup() as group:
        group.create_task(work())


async def test_nested_helper():
    async def start_background():
        asyncio.create_task(work())  # error: ASYNC800

    await start_background()


async def test_framework_task_tracking():
    app = Application()
    app.create_task(work())


@pytest.fixture
async def background():
    task = asyncio.create_task(work())
    yield
    task.cancel()


@pytest.fixture
async def leaked_background():
    asyncio.create_task(work())  # error: ASYNC800
    yield


class TestLoopAttribute(unittest.TestCase):
    def setUp(self):
        self.loop = asyncio.new_event_loop()

    def tearDown(self):
        self.loop.close()

    def test_scheduled_and_dropped(self):
        async def main():
            self.loop.create_task(work())  # error: ASYNC800

        self.loop.run_until_complete(main())
