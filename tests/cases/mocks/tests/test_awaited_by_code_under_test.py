"""ASYNC653: a bare Mock/MagicMock handed to code that awaits it."""

import unittest
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, Mock

import pytest

from app import service
from app.api import UserClient
from app.service import Service, fetch_user


async def test_positional_argument():
    await fetch_user(MagicMock(), 1)  # error: ASYNC653


async def test_keyword_argument_through_module():
    await service.fetch_user(client=mock.Mock(), user_id=1)  # error: ASYNC653


async def test_local_bound_to_a_bare_mock():
    client = MagicMock()
    await fetch_user(client, 1)  # error: ASYNC653


async def test_the_parameter_itself_is_awaited():
    await service.fetch_many(Mock(), [1, 2])  # error: ASYNC653


async def test_async_with_on_a_plain_mock():
    await service.use_session(Mock())  # error: ASYNC653


async def test_constructor_stores_it_and_a_method_awaits_it():
    runner = Service(MagicMock(), cache=MagicMock())  # error: ASYNC653
    await runner.run(1)


class TestService(unittest.IsolatedAsyncioTestCase):
    async def test_run(self):
        self.service = Service(client=Mock(), cache=Mock())  # error: ASYNC653
        await self.service.run(1)


# -- the correct idioms: silent -----------------------------------------------------------


async def test_async_and_spec_mocks():
    await fetch_user(AsyncMock(), 1)
    await fetch_user(Mock(spec=UserClient), 1)
    await fetch_user(MagicMock(spec_set=UserClient), 1)
    Service(AsyncMock(), cache=MagicMock())


async def test_configured_mocks():
    client = MagicMock()
    client.fetch = AsyncMock(return_value={"id": 1})
    await fetch_user(client, 1)
    await fetch_user(MagicMock(fetch=AsyncMock()), 1)


async def test_configured_after_construction():
    runner = Service(MagicMock(), cache=MagicMock())
    runner.client.fetch = AsyncMock()
    await runner.run(1)


async def test_magic_mock_supports_async_with():
    await service.use_session(MagicMock())


async def test_parameters_that_are_not_awaited():
    await service.checked(MagicMock())
    Service(AsyncMock(), cache=MagicMock())


async def test_constructed_and_awaited_at_once():
    await service.Connection(MagicMock()).receive()  # error: ASYNC653


async def test_awaited_through_a_helper_method():
    connection = service.Connection(reader=Mock())  # error: ASYNC653
    await connection.receive_twice()


async def test_the_awaiting_method_is_never_called():
    connection = service.Connection(Mock())
    assert connection.name == "connection"
    connection.close()


def test_sync_test_cannot_await_anything():
    assert service.Connection(MagicMock()).name == "connection"


async def test_state_set_before_the_call_changes_the_path():
    connection = service.Connection(Mock())
    connection._busy = True
    with pytest.raises(RuntimeError):
        await connection.receive()


async def test_awaited_inside_pytest_raises():
    connection = service.Connection(Mock())
    with pytest.raises(RuntimeError):
        await connection.receive()


async def test_attribute_stored_on_one_branch_only():
    await service.Connector(resolver=MagicMock()).close()


async def test_awaited_only_on_one_branch():
    await service.fetch_if(MagicMock(), wanted=False)


async def test_call_not_awaited_by_the_test():
    pending = service.fetch_user(MagicMock(), 1)
    pending.close()


async def test_parameter_annotated_any():
    await service.fetch_anything(MagicMock(), 1)  # error: ASYNC653


async def test_error_expected_before_the_await():
    with pytest.raises(ValueError):
        await service.fetch_positive(MagicMock(), -1)


async def test_error_expected_after_the_await_gets_a_type_error_instead():
    with pytest.raises(LookupError):
        await service.fetch_or_fail(MagicMock(), 404)  # error: ASYNC653
