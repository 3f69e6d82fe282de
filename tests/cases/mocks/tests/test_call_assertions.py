"""ASYNC652: a call assertion on an AsyncMock passes even if the code under test never awaited it."""

import unittest
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, create_autospec, patch

import pytest

from app import service
from app.api import UserClient


async def test_constructed_async_mock():
    client = AsyncMock()
    await service.fetch_user(client, 1)
    client.fetch.assert_called_once_with(1)  # error: ASYNC652


async def test_patch_of_async_target_as_context_manager():
    with patch("app.service.get_user") as get_user:
        await service.load_profile(1)
    get_user.assert_called_once()  # error: ASYNC652


@patch("app.service.get_user")
async def test_patch_decorator_injects_async_mock(get_user):
    await service.load_profile(1)
    get_user.assert_called_with(1)  # error: ASYNC652
    assert get_user.called  # the same mock: reported once per test
    assert get_user.call_count == 1


@patch("app.service.get_user")
async def test_counted_calls(get_user):
    await service.load_profile(1)
    assert get_user.called  # error: ASYNC652


@patch("app.service.get_user")
async def test_call_count(get_user):
    await service.load_profile(1)
    assert get_user.call_count == 1  # error: ASYNC652


async def test_mocker_patch_returns_async_mock(mocker):
    get_user = mocker.patch("app.service.get_user", return_value={"id": 1})
    await service.load_profile(1)
    get_user.assert_any_call(1)  # error: ASYNC652


async def test_started_patcher():
    patcher = mock.patch.object(service, "get_user")
    get_user = patcher.start()
    await service.load_profile(1)
    patcher.stop()
    get_user.assert_has_calls([mock.call(1)])  # error: ASYNC652


async def test_spec_child(client):
    fake = Mock(spec=UserClient)
    await service.fetch_user(fake, 1)
    fake.fetch.assert_called_once()  # error: ASYNC652
    autospecced = create_autospec(UserClient, instance=True)
    await service.fetch_user(autospecced, 1)
    autospecced.fetch.assert_called_once_with(1)  # error: ASYNC652


async def test_async_mock_from_a_fixture(fake_client, patched_get_user):
    await service.fetch_user(fake_client, 1)
    fake_client.fetch.assert_called_once_with(1)  # error: ASYNC652
    await service.load_profile(1)
    patched_get_user.assert_called_once()  # error: ASYNC652


class TestService(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.client = AsyncMock(spec=UserClient)

    async def test_run(self):
        await service.Service(self.client, MagicMock()).run(1)
        self.assertTrue(self.client.fetch.called)  # error: ASYNC652
        self.client.fetch.assert_called_once_with(1)

    async def test_count(self):
        await service.Service(self.client, MagicMock()).run(1)
        self.assertEqual(self.client.fetch.call_count, 1)  # error: ASYNC652


# -- the correct idioms: silent -----------------------------------------------------------


async def test_await_assertions():
    client = AsyncMock()
    await service.fetch_user(client, 1)
    client.fetch.assert_awaited_once_with(1)


async def test_call_assertion_beside_an_await_assertion():
    with patch("app.service.get_user") as get_user:
        await service.load_profile(1)
    get_user.assert_called_once_with(1)
    get_user.assert_awaited_once()


async def test_negative_checks_cannot_hide_a_missing_await():
    client = AsyncMock()
    client.fetch.assert_not_called()
    assert not client.fetch.called
    assert client.fetch.call_count == 0
    unittest.TestCase().assertFalse(client.fetch.called)


async def test_the_test_awaits_the_mock_itself():
    callback = AsyncMock()
    await callback(1)
    callback.assert_called_once_with(1)


async def test_sync_mocks_and_sync_children(mocker):
    formatter = MagicMock()
    formatter("user")
    formatter.assert_called_once()
    fake = Mock(spec=UserClient)
    fake.cache_key(1)
    fake.cache_key.assert_called_once_with(1)
    format_user = mocker.patch("app.api.format_user")
    format_user.assert_not_called()
    with patch("app.api.format_user") as format_user:
        format_user.assert_called_once()


async def test_patch_of_unknown_target():
    with patch("app.service.does_not_exist", create=True) as missing:
        missing.assert_called_once()


async def test_retries_counted_on_a_side_effect():
    client = AsyncMock()
    client.fetch.side_effect = [TimeoutError, TimeoutError, {"id": 1}]
    await service.fetch_user(client, 1)
    assert client.fetch.call_count == 3  # without the await nothing raises: this fails


async def test_exception_expected_from_the_side_effect():
    with patch("app.service.get_user", side_effect=LookupError) as get_user:
        with pytest.raises(LookupError):
            await service.load_profile(1)
    get_user.assert_called_once_with(1)


async def test_a_side_effect_alone_does_not_excuse_a_single_call_check():
    client = AsyncMock()
    client.fetch.side_effect = [{"id": 1}]
    await service.fetch_user(client, 1)
    assert client.fetch.call_count == 1  # error: ASYNC652


async def test_the_tests_own_callback_awaits_the_mocks():
    first = AsyncMock()
    second = AsyncMock()
    connections = [first, second]

    async def notify_all(message):
        for connection in connections:
            await connection.send(message)

    await service.fetch_many(AsyncMock(side_effect=notify_all), ["hello"])
    first.send.assert_called_once_with("hello")


async def test_first_error_stops_the_code_under_test():
    holder = MagicMock()
    holder.fetch = AsyncMock(side_effect=ConnectionError("down"))
    await service.fetch_user(holder, 1)
    assert holder.fetch.call_count == 1  # without the await no error: the count would differ


class TestCountedRetries(unittest.IsolatedAsyncioTestCase):
    async def test_it(self):
        self.client = MagicMock()
        self.client.fetch = AsyncMock(side_effect=[TimeoutError(), {"id": 1}])
        await service.fetch_user(self.client, 1)
        self.assertEqual(self.client.fetch.call_count, 2)  # the retry needs the awaited error
