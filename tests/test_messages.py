"""Messages name what inference found and the fix (RULES.md), short enough for an editor's
status line: on every case finding the fix ends within the first 120 characters, and a name that
had to be shortened is never cut inside an identifier. A few messages are checked word for word."""

import re

import pytest
from astroid import extract_node

from casekit import CASES, case_names, linted_location, messages
from flake8_async_tests.rendering import call_text, compact, cut_at_boundary, short_text
from flake8_async_tests.rules import CATALOGUE

#: What an editor's status line shows of a message (the code is shown beside it).
STATUS_LINE = 120
IDENTIFIER_BEFORE_ELLIPSIS = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.\.\.")


def all_case_messages() -> list[tuple[str, str, str]]:
    """(case, 'path:line:col', message without the code) for every finding of every case."""
    found = []
    for case in case_names():
        for line in messages(CASES / case):
            where, text = line.split(": ", 1)
            code, message = text.split(" ", 1)
            found.append((case, f"{where} {code}", message))
    return found


@pytest.fixture(scope="module")
def case_messages():
    return all_case_messages()


def message_at(case: str, where: str) -> str:
    found = [line for line in messages(CASES / case) if line.startswith(where)]
    assert len(found) == 1, found
    return found[0].split(": ", 1)[1]


def test_every_rule_is_measured_on_some_case(case_messages):
    reported = {where.split()[-1] for _case, where, _message in case_messages}
    assert {rule.code for rule in CATALOGUE} <= reported


def test_the_fix_ends_within_a_status_line(case_messages):
    """Shape `<what is wrong>; <the fix>`, the fix last and whole within STATUS_LINE."""
    too_long = [f"{case}/{where} [{len(message)}] {message}"
                for case, where, message in case_messages
                if len(message) > STATUS_LINE]
    assert not too_long, "\n".join(too_long)
    shapeless = [f"{case}/{where} {message}" for case, where, message in case_messages
                 if "; " not in message]
    assert not shapeless, "\n".join(shapeless)


def test_no_shortened_name_is_cut_inside_an_identifier(case_messages):
    """Whatever stands right before a '...' is a whole identifier (or word) of the linted
    sources: the case's Python files and its pytest config (ASYNC850/851 quote it)."""
    identifiers: dict[str, set[str]] = {}
    cut = []
    for case, where, message in case_messages:
        if case not in identifiers:
            sources = [path for path in linted_location(CASES / case).rglob("*")
                       if path.suffix in (".py", ".ini", ".toml", ".cfg") and path.is_file()]
            text = " ".join(path.read_text(errors="replace") for path in sources)
            identifiers[case] = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        for name in IDENTIFIER_BEFORE_ELLIPSIS.findall(message):
            if name not in identifiers[case]:
                cut.append(f"{case}/{where}: {name!r} in {message}")
    assert not cut, "\n".join(cut)


def test_cutting_backs_off_to_an_identifier_boundary():
    assert cut_at_boundary("client.fetch_user(user_id=1, name='x')", 32) == "client.fetch_user(user_id=1,..."
    assert cut_at_boundary("self.checkout.store.mark(1)", 16) == "self.checkout..."
    assert cut_at_boundary("short", 10) == "short"
    # one long name is kept whole, past the limit: a message must name what it is about
    name = "mock_get_user_by_email_address_async"
    assert cut_at_boundary(name, 30) == name
    assert cut_at_boundary(f"{name}(1)", 30) == f"{name}..."
    node = extract_node("session.get_profile_of_user(1, 2, 3)")
    assert short_text(node, 20) == "session..."


def test_a_long_call_keeps_its_whole_callee():
    node = extract_node("client.fetch_profile_page(user_id=1, include_history=True, page_size=50)")
    assert call_text(node) == "client.fetch_profile_page(...)"
    assert call_text(extract_node("client.fetch(1)")) == "client.fetch(1)"


def test_compact_drops_arguments_before_cutting():
    assert compact("mocker.patch.object(service, 'get_user').fetch", 30) == "mocker.patch.object(...).fetch"
    assert compact("MagicMock(return_value={'id': 1})", 20) == "MagicMock(...)"


def test_a_call_over_three_lines_is_shown_by_its_callee():
    text = message_at("multiline_findings", "tests/test_multiline.py:15:")
    assert text == ("ASYNC600 coroutine 'client.fetch_profile_page(...)' is never awaited "
                    "('ProfileClient.fetch_profile_page' is async); add 'await'")


def test_sync_mock_awaited_names_the_awaited_use_and_the_spec():
    assert message_at("mocks", "tests/test_awaited_by_code_under_test.py:15:") == (
        "ASYNC653 'fetch_user' awaits 'client.fetch(...)' (service.py:12) on MagicMock(); "
        "pass AsyncMock() or Mock(spec=UserClient)"
    )


def test_no_spec_suggested_for_an_any_annotation():
    text = message_at("mocks", "tests/test_awaited_by_code_under_test.py:124:")
    assert text.endswith("; pass AsyncMock()")


def test_call_assertion_names_the_one_word_fix():
    text = message_at("mocks", "tests/test_call_assertions.py:16:")
    assert text == ("ASYNC652 assert_called_once_with() on AsyncMock 'client.fetch' passes unawaited; "
                    "use assert_awaited_once_with(...)")


def test_sync_substitute_names_the_target():
    text = message_at("mocks", "tests/test_sync_substitutes.py:16:")
    assert text.startswith("ASYNC650 'app.service.get_user' is async but replaced by MagicMock")


def test_sync_get_event_loop_says_when_it_fails():
    text = message_at("event_loop", "tests/test_manual_loop.py:16:")
    assert text == ("ASYNC702 asyncio.get_event_loop() in sync code fails after any async test ran; "
                    "use asyncio.get_running_loop() in async code")


def test_unclosed_resource_names_the_alias_and_the_closing_call():
    text = message_at("resources", "tests/test_resources.py:23:")
    assert text == ("ASYNC801 Session() (= aiohttp.ClientSession) in 'session' is never closed; "
                    "use 'async with' or 'await session.close()'")


def test_dropped_writer_is_named():
    text = message_at("resources", "tests/test_resources.py:42:")
    assert text.startswith("ASYNC801 StreamWriter of asyncio.open_connection() in '_' is never closed")


def test_factory_names_what_it_returns():
    text = message_at("resources", "tests/test_resources.py:68:")
    assert text.startswith("ASYNC801 make_session() (a new aiohttp.ClientSession()) in 'session'")
