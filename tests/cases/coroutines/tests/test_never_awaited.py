import asyncio
import functools
import threading
import unittest
from unittest.mock import AsyncMock

import pytest
from app import client as client_module
from app.client import UserClient, get_user
from app.client import get_user as fetch_user


async def test_fixture_method(client):
    client.fetch(1)  # error: ASYNC600


async def test_async_fixture_value(made_client):
    made_client.fetch(1)  # error: ASYNC600


async def test_local_instance():
    local = UserClient()
    local.fetch(2)  # error: ASYNC600
    UserClient.connect()  # error: ASYNC600


async def test_imported_function_and_alias():
    get_user(1)  # error: ASYNC600
    fetch_user(2)  # error: ASYNC600
    client_module.get_user(3)  # error: ASYNC600


async def test_partial():
    functools.partial(get_user, 1)()  # error: ASYNC600


async def test_async_mock():
    mock = AsyncMock()
    mock()  # error: ASYNC600
    await mock()


def test_sync_test_drops_it(client):
    client.fetch(1)  # error: ASYNC600


async def test_bound_and_forgotten(client):
    pending = client.fetch(1)  # error: ASYNC600
    assert True


def test_returns_a_coroutine(client):
    return client.fetch(1)  # error: ASYNC600


async def test_attribute_of_self_set_in_init(client):
    client.session.close()  # error: ASYNC600


async def test_pytest_raises_with_async_callable(client):
    with pytest.raises(KeyError):
        pass
    pytest.raises(KeyError, client.fetch, 1)  # error: ASYNC600


def test_thread_target():
    threading.Thread(target=get_user).start()  # error: ASYNC600


class TestSyncCase(unittest.TestCase):
    def test_assert_raises(self):
        self.assertRaises(KeyError, get_user, 1)  # error: ASYNC600

    def test_cleanup(self):
        self.addCleanup(get_user, 1)  # error: ASYNC600


class TestAsyncCase(unittest.IsolatedAsyncioTestCase):
    async def test_cleanup_is_awaited_here(self):
        self.addCleanup(get_user, 1)


# -- the correct idioms next to the mistakes ----------------------------------------------


async def test_awaited(client):
    await client.fetch(1)
    user = await get_user(1)
    assert user


async def test_handed_on(client):
    await asyncio.gather(client.fetch(1), client.fetch(2))
    await asyncio.gather(*[client.fetch(i) for i in range(3)])
    task = asyncio.create_task(client.fetch(1))
    await task
    await asyncio.wait_for(client.fetch(1), timeout=1)
    coroutine = client.fetch(1)
    await coroutine


async def test_stored_and_closed(client):
    coroutines = [client.fetch(1)]
    await asyncio.gather(*coroutines)
    dropped = client.fetch(2)
    dropped.close()
    kept = {"pending": client.fetch(3)}
    await kept["pending"]


def test_asyncio_run_in_sync_test(client):
    asyncio.run(client.fetch(1))
    loop = asyncio.new_event_loop()  # error: ASYNC702
    loop.run_until_complete(get_user(1))


async def test_sync_helper_returning_coroutine(client):
    await client.later(1)
    client.format_user({"id": 1})
    client.cached(1)


def helper_returns_coroutine(client):
    return client.fetch(1)


async def test_async_generator_is_not_a_coroutine(client):
    client.stream()


async def test_async_comprehension(client):
    users = [await client.fetch(i) for i in range(3)]
    assert users


async def test_with_raises_and_await(client):
    with pytest.raises(KeyError):
        await client.fetch(1)


def unknown_decorator(function):
    return function


@unknown_decorator
async def decorated_helper():
    pass


async def test_unknown_decorator_makes_it_unknown():
    decorated_helper()


# Callees whose name is no async def's: bound dynamically, so inference still looks at them.


async def test_bound_method_alias(client):
    fetch = client.fetch
    fetch(1)  # error: ASYNC600
    later = functools.partial(get_user, 1)
    later()  # error: ASYNC600


class TestAsyncMockAttribute(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.notify = AsyncMock()

    async def test_it(self):
        self.notify("user 1")  # error: ASYNC600


async def test_library_coroutine_function():
    asyncio.sleep(0)  # error: ASYNC600
