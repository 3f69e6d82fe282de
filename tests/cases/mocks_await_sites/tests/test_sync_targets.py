"""An AsyncMock over a sync method is ASYNC651's mistake, reported at the replacement; ASYNC652's
advice (assert_awaited_once) would make the test fail, so it stays silent on that mock. Two
findings on one mock never give opposite fixes."""

import asyncio
from unittest.mock import AsyncMock, MagicMock, patch

from shop import inventory
from shop.limits import Limiter


async def job():
    return 1


async def make_token():
    return "token"


async def test_async_mock_assigned_over_a_sync_method():
    limiter = Limiter()
    limiter._semaphore.release = AsyncMock()  # error: ASYNC651
    await limiter.run(job)
    limiter._semaphore.release.assert_called_once()


async def test_async_mock_patched_over_a_sync_method():
    limiter = Limiter()
    with patch.object(asyncio.Semaphore, "release", new_callable=AsyncMock) as release:  # error: ASYNC651
        await limiter.run(job)
    release.assert_called_once()


async def test_async_mock_patched_over_a_re_exported_sync_method():
    with patch("asyncio.Semaphore.release", new_callable=AsyncMock) as release:  # error: ASYNC651
        await Limiter().run(job)
    release.assert_called_once()


async def test_coroutine_result_of_an_async_mock_over_a_sync_method():
    semaphore = asyncio.Semaphore(1)
    semaphore.release = AsyncMock(return_value=make_token())  # error: ASYNC651
    semaphore.release.assert_called_once()


def test_sync_substitute_called_synchronously(monkeypatch):
    monkeypatch.setattr(inventory, "fetch_stock", MagicMock(return_value={}))  # error: ASYNC650
    inventory.fetch_stock("apple")


def test_sync_substitute_assigned_and_called_on_one_line():
    inventory.fetch_stock = MagicMock(return_value={}); inventory.fetch_stock("apple")  # error: ASYNC650


def test_async_mock_over_a_sync_method_called_by_the_test():
    semaphore = asyncio.Semaphore(1)
    semaphore.release = AsyncMock()  # error: ASYNC651
    semaphore.release()
    assert semaphore.release.called


async def test_sync_substitute_awaited_by_the_test():
    with patch("shop.inventory.fetch_stock", MagicMock(return_value={})):  # error: ASYNC650
        await inventory.fetch_stock("apple")
