"""Messages name what inference found and the fix, as RULES.md asks: a few checked word for word."""

from casekit import CASES, messages


def message_at(case: str, where: str) -> str:
    found = [line for line in messages(CASES / case) if line.startswith(where)]
    assert len(found) == 1, found
    return found[0].split(": ", 1)[1]


def test_sync_mock_awaited_names_the_awaited_use_and_the_spec():
    assert message_at("mocks", "tests/test_awaited_by_code_under_test.py:15:") == (
        "ASYNC653 'fetch_user' awaits 'client.fetch(...)' (service.py:12) but receives MagicMock(); "
        "awaiting a MagicMock raises TypeError; pass AsyncMock() or Mock(spec=UserClient)"
    )


def test_no_spec_suggested_for_an_any_annotation():
    text = message_at("mocks", "tests/test_awaited_by_code_under_test.py:124:")
    assert text.endswith("pass AsyncMock() (or a Mock with a spec)")


def test_call_assertion_names_the_one_word_fix():
    text = message_at("mocks", "tests/test_call_assertions.py:16:")
    assert text.startswith("ASYNC652 assert_called_once_with() on 'client.fetch', an AsyncMock")
    assert text.endswith("use assert_awaited_once_with(...)")


def test_sync_substitute_names_the_target_and_where_it_is():
    text = message_at("mocks", "tests/test_sync_substitutes.py:16:")
    assert text.startswith("ASYNC650 'app.service.get_user' is a coroutine function (api.py:")


def test_sync_get_event_loop_says_why_it_depends_on_order():
    text = message_at("event_loop", "tests/test_manual_loop.py:16:")
    assert text.startswith("ASYNC702 asyncio.get_event_loop() in 'test_sync_test_asks_for_the_current_loop' "
                           "passes only while no async test has run before it")
    assert "There is no current event loop" in text


def test_unclosed_resource_names_the_alias_and_the_closing_call():
    text = message_at("resources", "tests/test_resources.py:23:")
    assert text.startswith("ASYNC801 Session() (that is aiohttp.ClientSession) is bound to 'session' "
                           "and never closed")
    assert text.endswith("use 'async with ... as session:' or 'await session.close()'")


def test_dropped_writer_is_named():
    text = message_at("resources", "tests/test_resources.py:42:")
    assert text.startswith("ASYNC801 the StreamWriter of asyncio.open_connection() is bound to '_'")


def test_factory_names_what_it_returns():
    text = message_at("resources", "tests/test_resources.py:68:")
    assert text.startswith("ASYNC801 make_session() (it returns a new aiohttp.ClientSession()) is bound")
