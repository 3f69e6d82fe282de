import asyncio
import threading
from contextlib import suppress
from unittest.mock import AsyncMock, MagicMock, Mock

import pytest
from app.client import (
    AsyncOnly,
    Pages,
    RefusesSyncWith,
    SyncOnly,
    UserClient,
    numbers,
    sync_transaction,
    transaction,
)


async def test_await_on_sync(client):
    await client.format_user({"id": 1})  # error: ASYNC602
    await client.cached(1)  # error: ASYNC602
    await asyncio.sleep(0)
    await client.later(1)


async def test_await_on_bare_mock():
    mock = MagicMock()
    await mock()  # error: ASYNC602
    plain = Mock()
    await plain.method()  # error: ASYNC602


async def test_configured_mocks_are_fine():
    mock = MagicMock()
    mock.return_value = asyncio.sleep(0)
    await mock()
    spec = MagicMock(spec=UserClient)
    await spec.fetch(1)
    async_mock = AsyncMock()
    await async_mock()


async def test_sync_with_on_async_cm():
    with asyncio.Lock():  # error: ASYNC603
        pass
    with transaction():  # error: ASYNC603
        pass
    with AsyncOnly():  # error: ASYNC603
        pass
    with RefusesSyncWith():  # error: ASYNC603
        pass
    async with transaction():
        pass
    async with asyncio.Lock():
        pass
    with SyncOnly(), pytest.raises(KeyError):
        raise KeyError


async def test_async_with_on_sync_cm():
    async with sync_transaction():  # error: ASYNC604
        pass
    async with SyncOnly():  # error: ASYNC604
        pass
    async with threading.Lock():  # error: ASYNC604
        pass
    async with suppress(KeyError):  # error: ASYNC604
        pass
    with sync_transaction(), threading.Lock():
        pass


async def test_sync_iteration_of_async(client):
    for item in client.stream():  # error: ASYNC605
        print(item)
    items = list(Pages())  # error: ASYNC605
    squares = [x for x in client.stream()]  # error: ASYNC605
    async for item in client.stream():
        print(item, items, squares)
    collected = [x async for x in Pages()]
    assert collected == []


async def test_async_iteration_of_sync():
    async for item in [1, 2]:  # error: ASYNC606
        print(item)
    async for item in numbers():  # error: ASYNC606
        print(item)
    async for item in range(3):  # error: ASYNC606
        print(item)
    values = [x async for x in numbers()]  # error: ASYNC606
    for item in numbers():
        print(item, values)
