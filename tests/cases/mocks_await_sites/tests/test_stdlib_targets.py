"""Patch targets in the standard library and through re-exports resolve: `asyncio.sleep` is
`asyncio.tasks.sleep` (re-exported by `from .tasks import *`), `shop.retry.asyncio.sleep` is the
same function reached through a module attribute of a module, `shop.fetch_stock` comes from
`from .inventory import *`."""

from unittest import mock
from unittest.mock import AsyncMock, MagicMock, patch

from shop import inventory
from shop.retry import retry


async def flaky():
    return 1


async def test_sleep_patched_with_a_magic_mock():
    with patch("asyncio.sleep", MagicMock()):  # error: ASYNC650
        await retry(flaky)


async def test_sleep_patched_through_the_module_that_imports_asyncio():
    with patch("shop.retry.asyncio.sleep", new_callable=MagicMock):  # error: ASYNC650
        await retry(flaky)


async def test_sleep_monkeypatched(monkeypatch):
    monkeypatch.setattr("asyncio.sleep", lambda delay: None)  # error: ASYNC650
    await retry(flaky)


async def test_re_exported_project_function():
    with mock.patch("shop.fetch_stock", MagicMock(return_value={})):  # error: ASYNC650
        await inventory.available("apple")


async def test_sleep_call_asserted_not_awaited(mocker):
    sleep = mocker.patch("asyncio.sleep")
    job = AsyncMock(side_effect=[ConnectionError, 1])
    await retry(job)
    sleep.assert_called_once_with(1)  # error: ASYNC652


# -- the correct idioms: silent -----------------------------------------------------------


async def test_sleep_patched_without_new():
    with patch("asyncio.sleep") as sleep:
        await retry(flaky)
    sleep.assert_not_called()


async def test_sleep_patched_with_an_async_mock():
    with patch("shop.retry.asyncio.sleep", new_callable=AsyncMock) as sleep:
        await retry(AsyncMock(side_effect=[ConnectionError, 1]))
    sleep.assert_awaited_once_with(1)
