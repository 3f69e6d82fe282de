import asyncio
import unittest
from asyncio import get_event_loop as current_loop

import pytest
import pytest_asyncio


async def work():
    return 1


# The mistakes.

def test_sync_test_asks_for_the_current_loop():
    loop = asyncio.get_event_loop()  # error: ASYNC702
    assert loop.run_until_complete(work()) == 1


def test_alias():
    assert current_loop().run_until_complete(work()) == 1  # error: ASYNC702


@pytest.fixture
def loop_of_plain_fixture():
    return asyncio.get_event_loop()  # error: ASYNC702


async def test_new_loop_never_closed():
    loop = asyncio.new_event_loop()  # error: ASYNC702
    assert not loop.is_running()


def test_private_loop_never_closed():
    loop = asyncio.new_event_loop()  # error: ASYNC702
    assert loop.run_until_complete(work()) == 1


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # error: ASYNC702
    yield loop
    loop.close()


async def test_uses_the_fixture_loop(loop):
    future = loop.create_future()
    loop.call_soon(future.set_result, 1)
    assert await future == 1


async def test_closes_the_running_loop():
    asyncio.get_running_loop().close()  # error: ASYNC702


async def test_closes_the_current_loop_through_a_local():
    loop = asyncio.get_event_loop()
    await asyncio.sleep(0)
    loop.close()  # error: ASYNC702


class TestInAPlainClass:
    def test_method(self):
        assert asyncio.get_event_loop()  # error: ASYNC702


# The correct idioms beside them.

async def test_async_test_gets_the_running_loop():
    assert asyncio.get_event_loop() is asyncio.get_running_loop()


@pytest_asyncio.fixture
def loop_of_asyncio_fixture():
    return asyncio.get_event_loop()


def test_private_loop_closed():
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(work()) == 1
    finally:
        loop.close()


def test_loop_set_then_reset():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        assert asyncio.get_event_loop() is loop
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def test_loop_left_current_is_not_reported():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        assert loop.run_until_complete(work()) == 1
    finally:
        loop.close()


@pytest.fixture
def current_loop_for_sync_tests():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()


@pytest.fixture
def worker():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    worker = {"loop": loop}
    yield worker
    loop.close()


async def test_worker_uses_the_running_loop(worker):
    worker["loop"] = asyncio.get_running_loop()
    assert worker


def test_sync_test_of_the_fixture(current_loop_for_sync_tests):
    assert current_loop_for_sync_tests.run_until_complete(work()) == 1


def test_only_on_python_before_3_7():
    import sys
    if sys.version_info < (3, 7):
        loop = asyncio.new_event_loop()
        loop.run_until_complete(work())
    else:
        asyncio.run(work())


def test_reset_alone():
    asyncio.set_event_loop(None)


def test_expects_no_loop():
    with pytest.raises(RuntimeError):
        asyncio.get_event_loop()


@pytest.fixture
def closes_what_is_left():
    try:
        asyncio.get_event_loop().close()
    except RuntimeError:
        pass
    yield


async def test_closes_a_loop_of_its_own():
    other = asyncio.new_event_loop()
    other.close()


def test_loop_handed_to_an_owner():
    runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
    with runner:
        assert runner.run(work()) == 1


class TestWithItsOwnLoop(unittest.TestCase):
    def setUp(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)

    def tearDown(self):
        self.loop.close()
        asyncio.set_event_loop(None)

    def test_current(self):
        assert asyncio.get_event_loop() is self.loop


class TestIsolated(unittest.IsolatedAsyncioTestCase):
    def test_sync_method_runs_in_the_runner(self):
        assert asyncio.get_event_loop()

    async def test_async_method(self):
        assert asyncio.get_event_loop() is asyncio.get_running_loop()


def test_in_a_thread():
    def serve():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(work())
        loop.close()

    import threading
    thread = threading.Thread(target=serve)
    thread.start()
    thread.join()


def helper_not_a_test():
    return asyncio.get_event_loop()
