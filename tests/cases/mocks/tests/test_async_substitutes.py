"""ASYNC651: a sync function replaced by something async: callers get a coroutine they drop."""

import unittest
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, patch

import pytest

from app import api
from app.api import Response, UserClient


def test_raise_for_status_replaced_by_async_mock():
    response = Response(500)
    response.raise_for_status = AsyncMock(side_effect=RuntimeError)  # error: ASYNC651
    with pytest.raises(RuntimeError):
        response.raise_for_status()


async def test_patch_string_target_with_async_mock():
    with patch("app.api.format_user", AsyncMock(return_value="user")):  # error: ASYNC651
        pass
    with mock.patch("app.api.format_user", new_callable=AsyncMock):  # error: ASYNC651
        pass


@patch.object(UserClient, "cache_key", new=AsyncMock(return_value="key"))  # error: ASYNC651
async def test_decorator_on_method():
    pass


async def test_mocker_and_monkeypatch(mocker, monkeypatch, client):
    mocker.patch("app.api.user_ids", new=AsyncMock(return_value=[1]))  # error: ASYNC651
    mocker.patch.object(client, "cache_key", AsyncMock())  # error: ASYNC651

    async def fake_format(user):
        return "user"

    monkeypatch.setattr(api, "format_user", fake_format)  # error: ASYNC651
    monkeypatch.setattr("app.api.user_ids", AsyncMock(return_value=[]))  # error: ASYNC651


class TestInUnittest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = UserClient()
        self.client.cache_key = AsyncMock(return_value="key")  # error: ASYNC651


# -- the correct idioms: silent -----------------------------------------------------------


async def test_sync_substitutes_for_sync_targets(monkeypatch, client):
    response = Response(500)
    response.raise_for_status = MagicMock(side_effect=RuntimeError)
    monkeypatch.setattr(api, "format_user", lambda user: "user")
    client.cache_key = MagicMock(return_value="key")
    with patch("app.api.format_user"):
        pass
    with patch.object(UserClient, "cache_key", autospec=True):
        pass


async def test_async_substitute_for_a_function_that_returns_a_coroutine(monkeypatch):
    monkeypatch.setattr(api, "later", AsyncMock(return_value={"id": 1}))


async def test_async_substitute_for_async_targets(monkeypatch, client):
    client.fetch = AsyncMock(return_value={"id": 1})
    monkeypatch.setattr(api, "get_user", AsyncMock())


async def test_stub_methods_and_properties_are_not_known_sync(client):
    client.send = AsyncMock()  # the stub only raises: a subclass may well be async
    with patch.object(UserClient, "name", new=AsyncMock()):  # a property, not a function
        pass
