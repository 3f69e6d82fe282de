import asyncio
import unittest
from unittest.mock import AsyncMock

import anyio
import pytest
import respx
from pytest import raises

from app.client import Client, validate_reply
from helpers.replies import fetch_and_compare, log_reply, same_reply
from unreadable.testing import async_helper, same_rows


# -- reported ------------------------------------------------------------------------------------


async def test_only_awaits(client):  # error: ASYNC805
    await client.fetch("a")


@pytest.mark.parametrize("key", ["a", "b"])
async def test_decorated_reports_the_def_line(client, key):  # error: ASYNC805
    reply = await client.fetch(key)
    print(reply)


async def test_timeout_is_no_assertion(client):  # error: ASYNC805
    """fail_after fails only by raising, when the body hangs: that is what the rule questions."""
    with anyio.fail_after(1):
        await client.fetch("a")
    async with asyncio.timeout(1):
        await client.fetch("b")


async def test_code_under_test_asserts_internally(client):  # error: ASYNC805
    validate_reply(await client.fetch("a"))


async def test_helper_that_only_logs(client):  # error: ASYNC805
    log_reply(await client.fetch("a"))


async def test_swallowed_error(client):  # error: ASYNC805
    try:
        await client.fetch("")
    except ValueError:
        raise
    except KeyError as error:
        raise RuntimeError("translated") from error


async def test_placeholder():  # error: ASYNC805
    """To be written."""


async def test_ellipsis():  # error: ASYNC805
    ...


async def test_checkpoint_is_no_check():  # error: ASYNC805
    await anyio.lowlevel.checkpoint()
    expected = 1
    print(expected)


async def test_callback_that_fails_on_purpose(client):  # error: ASYNC805
    async def broken():
        raise ConnectionError("a stand-in that fails")

    await client.fetch(broken)


async def test_autouse_checks_do_not_count(client):  # error: ASYNC805
    """conftest's autouse `no_leaks` asserts after its yield for every test: generic hygiene."""
    await client.fetch("a")


@pytest.mark.skipif(False, reason="runs everywhere")
async def test_conditional_skip_still_runs(client):  # error: ASYNC805
    if client is None:
        pytest.skip("no client")
    await client.fetch("a")


@respx.mock(assert_all_called=False)
async def test_router_told_not_to_check(client):  # error: ASYNC805
    await client.fetch("a")


async def test_a_flag_named_check_is_no_check(client):  # error: ASYNC805
    check = client is not None
    print(bool, check)
    await client.fetch("a")


def make_handler():
    async def handler(request):
        assert request, "runs only if the test drives it"

    return handler


async def test_helper_builds_something_that_asserts(client):  # error: ASYNC805
    await client.fetch(make_handler())


async def test_comparison_without_assert(client):  # error: ASYNC805
    reply = await client.fetch("a")
    reply == {"key": "a"}


async def test_comparison_bound_to_underscore(client):  # error: ASYNC805
    _ = await client.fetch("a") is not None


@async_helper
async def test_decorator_from_unreadable_testing_package(client):  # error: ASYNC805
    await client.fetch("a")


class BaseChecks:
    async def test_inherited(self, client):
        assert await client.fetch("a")


class TestOverride(BaseChecks):
    async def test_inherited(self, client):
        await super().test_inherited(client)


class TestInAClass:
    async def test_method(self, client):  # error: ASYNC805
        await client.fetch("a")

    async def _check(self, reply):
        assert reply

    async def test_method_with_checking_helper(self, client):
        await self._inspect(await client.fetch("a"))

    async def _inspect(self, reply):
        await self._check(reply)


# -- silent ----------------------------------------------------------------------------------------


async def test_asserts(client):
    assert await client.fetch("a") == {"key": "a"}


async def test_pytest_raises(client):
    with pytest.raises(AssertionError):
        await client.fetch("")


async def test_raises_imported_and_called(client):
    raises(TypeError, len, 1)


async def test_pytest_fail(client):
    try:
        await client.fetch("a")
    except ValueError:
        pytest.fail("must not raise ValueError")


async def test_warns(client):
    with pytest.warns(DeprecationWarning):
        await client.fetch("a")


async def test_mock_assertion():
    callback = AsyncMock()
    await callback(1)
    callback.assert_awaited_once_with(1)


async def test_raise_assertion_error(client):
    if await client.fetch("a") != {"key": "a"}:
        raise AssertionError("wrong reply")


async def test_hand_written_check(client):
    reply = await client.fetch("a")
    if reply["key"] != "a":
        raise RuntimeError(f"unexpected {reply!r}")


async def test_hand_written_check_mentioning_skips(client):
    if not await client.fetch("a"):
        raise RuntimeError("skipped a reply")


async def test_check_after_trying(client):
    try:
        await client.fetch("")
    except AssertionError:
        pass
    else:
        raise Exception("did not raise")


async def test_assert_that_style(client):
    assert_that = print
    assert_that(await client.fetch("a"))


async def test_expect_style(page):
    await expect(page).to_have_title("Shop")  # noqa: F821


async def test_verify_and_check_names(client, data_regression):
    data_regression.check(await client.fetch("a"))


async def test_helper_in_helper_module(client):
    same_reply(await client.fetch("a"), {"key": "a"})


async def test_helper_two_calls_deep(client):
    await fetch_and_compare(client, "a", {"key": "a"})


def _local_helper(reply):
    assert reply["key"] == "a"


async def test_nose_style_helper(client):
    eq_(await client.fetch("a"), {"key": "a"})  # noqa: F821


async def test_helper_from_unreadable_testing_package(client):
    same_rows(await client.fetch("a"), [])


async def test_benchmark(benchmark, client):
    """A benchmark measures; it is not meant to check."""
    await client.fetch("a")


@pytest.mark.parametrize("compare", [same_reply, pytest.param(_local_helper, id="local")])
async def test_parametrized_checker(client, compare):
    compare(await client.fetch("a"), {"key": "a"})


@pytest.mark.parametrize(("key", "make_key"), [("a", str), ("b", lambda k: k)])
async def test_parametrized_factory(client, key, make_key):  # error: ASYNC805
    await client.fetch(make_key(key))


async def test_local_helper(client):
    _local_helper(await client.fetch("a"))


async def test_checker_from_a_fixture(client, same_as):
    same_as(await client.fetch("a"), {"key": "a"})


async def test_fixture_checks_after_yield(client, recorder):
    recorder.append(await client.fetch("a"))


async def test_requested_teardown_check(no_leaks, client):
    """Asked for by name: the author chose that check for this test."""
    await client.fetch("a")


async def test_fixture_of_fixture_checks(recording_client):
    await recording_client.fetch("a")


@pytest.mark.usefixtures("recorder")
async def test_usefixtures_that_checks(client):
    await client.fetch("a")


async def test_plugin_fixture_that_verifies(httpx_mock, client):
    httpx_mock.add_response(json={"key": "a"})
    await client.fetch("a")


@respx.mock
async def test_respx_router_checks_routes(client):
    respx.get("https://example.org/")
    await client.fetch("a")


async def test_respx_router_as_context(client):
    async with respx.mock(base_url="https://example.org") as router:
        router.get("/")
        await client.fetch("a")


async def test_callback_that_asserts(client):
    def on_reply(reply):
        assert reply

    await client.fetch(on_reply)


async def test_passes_a_check_on(client):
    results = [await client.fetch("a")]
    list(map(unittest.TestCase().assertTrue, results))


@pytest.mark.xfail(reason="known bug: raises")
async def test_expected_to_fail(client):
    await client.fetch("")


@pytest.mark.skip(reason="not written yet")
async def test_skipped():
    pass


async def test_skips_itself():
    pytest.skip("needs a server")


async def test_raises_skip_itself():
    raise unittest.SkipTest("needs a server")


async def test_xfails_itself(client):
    pytest.xfail("known bug")
    await client.fetch("")


def test_sync_test_is_not_this_rules_business():
    Client()


@pytest.fixture
async def fixture_without_assert(client):
    await client.fetch("a")
    yield


async def helper_without_assert(client):
    await client.fetch("a")


class Helpers:
    async def test_not_collected(self):
        pass

    def __init__(self):
        pass
