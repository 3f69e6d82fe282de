import asyncio
import threading
import unittest

import pytest

from app.client import Pages, UserClient, get_user, numbers


async def test_fixture_chain_in_conftest(api):
    api.fetch(1)  # error: ASYNC600


class Holder:
    def __init__(self):
        self.lock = asyncio.Lock()
        self.plain = threading.Lock()


async def test_context_managers_through_names():
    lock = asyncio.Lock()
    with lock:  # error: ASYNC603
        pass
    holder = Holder()
    with holder.lock:  # error: ASYNC603
        pass
    async with holder.plain:  # error: ASYNC604
        pass
    async with lock:
        pass
    with holder.plain:
        pass


async def test_iteration_through_names(client):
    stream = client.stream()
    for item in stream:  # error: ASYNC605
        print(item)
    generator = numbers()
    async for item in generator:  # error: ASYNC606
        print(item)
    pages = Pages()
    async for page in pages:
        print(page)
    items = [1, 2]
    async for item in items:  # error: ASYNC606
        print(item)


def test_thread_and_timer_positions():
    threading.Thread(None, get_user).start()  # error: ASYNC600
    threading.Timer(1.0, get_user).start()  # error: ASYNC600
    threading.Timer(1.0, function=get_user).start()  # error: ASYNC600


class CleanupMixin:
    """Combined with IsolatedAsyncioTestCase elsewhere: addCleanup may await it."""

    def register(self):
        self.addCleanup(get_user, 1)


async def test_throw_and_frame_count_as_handled():
    local = UserClient()
    first = local.fetch(1)
    first.throw(RuntimeError)
    second = local.fetch(2)
    assert second.cr_frame is not None


def test_return_in_nested_function_hands_it_on(client):
    def later():
        return client.fetch(1)

    asyncio.run(later())


class TestCaseWithHelperTarget(unittest.TestCase):
    def test_thread(self):
        threading.Thread(target=get_user).start()  # error: ASYNC600


async def test_identity_comparison_means_the_object():
    """Like anyio's test_coro_attr: `is` compares the coroutine object on purpose."""
    local = UserClient()
    coroutine = local.fetch(1)
    handle = asyncio.ensure_future(coroutine)
    assert handle is not coroutine
    await handle


async def test_misuse_inside_pytest_raises_is_deliberate():
    """Like trio's test that `with open_nursery()` raises: the error is the test's point."""
    lock = asyncio.Lock()
    with pytest.raises((TypeError, AttributeError)):
        with lock:
            pass
    with pytest.raises(TypeError):
        await UserClient().format_user({"id": 1})


class TestDeliberateMisuse(unittest.TestCase):
    def test_async_for_over_a_list_raises(self):
        async def run():
            with self.assertRaises(TypeError):
                async for _item in [1, 2]:
                    pass

        asyncio.run(run())


async def test_dropped_coroutine_inside_raises_still_reported(client):
    with pytest.raises(KeyError):
        client.fetch(1)  # error: ASYNC600
