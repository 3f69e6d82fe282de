"""ASYNC650: a coroutine function replaced by something that cannot be awaited."""

import asyncio
import unittest
import unittest.mock
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock, create_autospec, patch

import pytest

from app import api, service
from app.api import UserClient


async def test_patch_positional_new():
    with patch("app.service.get_user", MagicMock(return_value={"id": 1})):  # error: ASYNC650
        await service.load_profile(1)


async def test_patch_new_keyword_through_module_alias():
    with mock.patch("app.service.get_user", new=MagicMock()):  # error: ASYNC650
        await service.load_profile(1)


async def test_patch_new_callable():
    with unittest.mock.patch("app.api.get_user", new_callable=MagicMock):  # error: ASYNC650
        await api.get_user(1)


@patch("app.service.get_user", Mock(return_value={"id": 1}))  # error: ASYNC650
async def test_decorator():
    await service.load_profile(1)


async def test_patch_object_on_class():
    with patch.object(UserClient, "fetch", MagicMock()):  # error: ASYNC650
        await service.fetch_user(UserClient(), 1)


async def test_patch_object_on_fixture_instance(client):
    with patch.object(client, "fetch", new=lambda user_id: {"id": user_id}):  # error: ASYNC650
        await service.fetch_user(client, 1)


async def test_start_and_stop():
    patcher = patch("app.service.get_user", MagicMock())  # error: ASYNC650
    patcher.start()
    try:
        await service.load_profile(1)
    finally:
        patcher.stop()


async def test_mocker(mocker):
    mocker.patch("app.service.get_user", new=MagicMock())  # error: ASYNC650
    mocker.patch.object(api, "get_user", MagicMock(return_value=1))  # error: ASYNC650
    await service.load_profile(1)


async def test_monkeypatch(monkeypatch):
    monkeypatch.setattr(api, "get_user", lambda user_id: {"id": user_id})  # error: ASYNC650
    monkeypatch.setattr("app.service.get_user", MagicMock())  # error: ASYNC650

    def fake_get_user(user_id):
        return {"id": user_id}

    monkeypatch.setattr(service, "get_user", fake_get_user)  # error: ASYNC650
    await service.load_profile(1)


async def test_plain_assignment(client):
    client.fetch = MagicMock(return_value={"id": 1})  # error: ASYNC650
    await service.fetch_user(client, 1)


def test_class_attribute_assignment():
    original = UserClient.close
    UserClient.close = Mock()  # error: ASYNC650
    UserClient.close = original


async def test_local_mock_passed_as_new():
    fake = MagicMock()
    with patch("app.service.get_user", fake):  # error: ASYNC650
        await service.load_profile(1)


class TestUnittestStyle(unittest.IsolatedAsyncioTestCase):
    @patch.object(api, "get_user", new=MagicMock(return_value=None))  # error: ASYNC650
    async def test_it(self):
        await service.load_profile(1)


# -- the correct idioms: silent -----------------------------------------------------------


async def test_patch_without_new_makes_an_async_mock():
    with patch("app.service.get_user") as get_user:
        get_user.return_value = {"id": 1}
        await service.load_profile(1)
    get_user.assert_awaited_once_with(1)


async def test_async_substitutes(mocker, monkeypatch, client):
    with patch("app.service.get_user", AsyncMock(return_value={"id": 1})):
        await service.load_profile(1)
    with patch("app.service.get_user", new_callable=AsyncMock):
        await service.load_profile(1)
    with patch.object(UserClient, "fetch", autospec=True):
        await service.fetch_user(client, 1)
    mocker.patch("app.service.get_user", return_value={"id": 1})
    mocker.patch.object(api, "get_user", side_effect=RuntimeError)

    async def fake_get_user(user_id):
        return {"id": user_id}

    monkeypatch.setattr(api, "get_user", fake_get_user)
    client.fetch = AsyncMock(return_value={"id": 1})


async def test_spec_and_autospec(client, monkeypatch):
    with patch("app.service.get_user", Mock(spec=api.get_user)):
        await service.load_profile(1)
    with patch("app.service.get_user", MagicMock(spec_set=api.get_user)):
        await service.load_profile(1)
    client.fetch = create_autospec(client.fetch)
    monkeypatch.setattr(api, "get_user", create_autospec(api.get_user))


async def test_substitutes_that_raise(monkeypatch):
    with patch("app.service.get_user", MagicMock(side_effect=RuntimeError("down"))):
        pass
    with patch("app.service.get_user", Mock(side_effect=ValueError)):
        pass

    def boom(user_id):
        raise RuntimeError("down")

    monkeypatch.setattr(api, "get_user", boom)


async def test_substitutes_that_fail_the_test_if_called(monkeypatch):
    def must_not_be_called(*args, **kwargs):
        """The code under test must not get here."""
        pytest.fail("get_user should not be called")

    def counted(user_id, calls=[]):
        calls.append(user_id)
        raise AssertionError("unexpected call")

    monkeypatch.setattr(api, "get_user", must_not_be_called)
    monkeypatch.setattr(api, "get_user", counted)
    monkeypatch.setattr(api, "get_user", lambda user_id: pytest.fail("no"))


class TestFailingSubstitute(unittest.TestCase):
    def test_it(self):
        def forbidden(user_id):
            self.fail("get_user should not be called")

        with patch.object(api, "get_user", forbidden):
            pass


async def test_substitute_that_only_sometimes_raises(monkeypatch):
    def fake_get_user(user_id):
        if user_id < 0:
            raise ValueError(user_id)
        return {"id": user_id}

    monkeypatch.setattr(api, "get_user", fake_get_user)  # error: ASYNC650


async def test_substitutes_whose_result_is_awaitable(monkeypatch):
    future = asyncio.get_running_loop().create_future()
    future.set_result({"id": 1})
    with patch("app.service.get_user", MagicMock(return_value=future)):
        await service.load_profile(1)
    with patch("app.service.get_user", MagicMock(return_value=api.get_user(1))):
        await service.load_profile(1)
    monkeypatch.setattr(api, "get_user", lambda user_id: api.get_user(user_id))
    monkeypatch.setattr(api, "get_user", MagicMock(side_effect=api.get_user))

    fake = MagicMock()
    fake.return_value = future
    with patch("app.service.get_user", fake):
        await service.load_profile(1)


async def test_sync_targets_with_sync_substitutes(monkeypatch, client):
    monkeypatch.setattr(api, "format_user", MagicMock(return_value="user"))
    with patch("app.api.format_user", lambda user: "user"):
        pass
    client.cache_key = Mock(return_value="key")


async def test_disabled_with_none(monkeypatch):
    monkeypatch.setattr(api, "get_user", None)


async def test_unknown_targets(monkeypatch):
    with patch("app.service.does_not_exist", MagicMock(), create=True):
        pass
    with patch("os.getcwd", MagicMock()):
        pass
