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
