"""ASYNC654: an AsyncMock whose return value is itself a coroutine."""

import unittest.mock
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, patch

from app import api, service
from app.api import UserClient, get_user


async def test_constructor_argument():
    fake = AsyncMock(return_value=get_user(1))  # error: ASYNC654
    await service.fetch_many(fake, [1])


async def test_module_spellings(client):
    unittest.mock.AsyncMock(return_value=api.get_user(1))  # error: ASYNC654
    mock.AsyncMock(return_value=client.fetch(1))  # error: ASYNC654


async def test_patch_of_async_target_with_return_value(mocker):
    with patch("app.service.get_user", return_value=get_user(1)):  # error: ASYNC654
        await service.load_profile(1)
    mocker.patch.object(service, "get_user", return_value=api.get_user(1))  # error: ASYNC654


async def test_assigned_return_value():
    fake = AsyncMock()
    fake.return_value = get_user(1)  # error: ASYNC654
    with patch("app.service.get_user") as patched:
        patched.return_value = get_user(1)  # error: ASYNC654
        await service.load_profile(1)


async def test_child_of_a_spec_mock():
    client = MagicMock(spec=UserClient)
    client.fetch.return_value = UserClient().fetch(1)  # error: ASYNC654
    await service.fetch_user(client, 1)


# -- the correct idioms: silent -----------------------------------------------------------


async def test_plain_results_and_side_effects():
    AsyncMock(return_value={"id": 1})
    AsyncMock(side_effect=get_user)
    with patch("app.service.get_user", return_value={"id": 1}):
        await service.load_profile(1)
    fake = AsyncMock()
    fake.return_value = await get_user(1)
    fake.side_effect = get_user


async def test_sync_mock_returning_a_coroutine_is_an_awaitable_substitute():
    sync_fake = MagicMock(return_value=get_user(1))
    with patch("app.service.get_user", sync_fake):
        await service.load_profile(1)
    with patch("app.api.format_user") as format_user:
        format_user.return_value = "user"
