"""The fixed tests run, and behave as docs/rules.md says (issue 11, "Fixes are proven").

The round trip of tests/test_fixes.py shows that a fix silences its finding; this shows what the
fix does to the test. Each `tests/cases/runnable_*` case is a small project with its code under
test in `src/` (a bug seeded where the rule's doc promises that the fixed test catches one) and
tests that make the mistakes the plugin reports. A copy of it is run with pytest and
pytest-asyncio, fixed with `flake8-async-tests --fix`, and run again:

* before the fix, each test does what the rule's doc says the mistake does (it is not run, errors
  at set-up, passes without testing anything, fails with an error that hides the mistake), with
  the warnings the doc quotes;
* the fix fixes every finding of the case (its `# error:` comments), and nothing is left;
* after the fix, the tests really run: they pass where the code under test is right and fail on
  the seeded bug, and the "never awaited" warnings of the mistakes are gone.

The projects run in a subprocess with their own pytest.ini (this repository's config turns
pytest-asyncio off), pytest-asyncio loaded explicitly and nothing else auto-loaded. docs/fixes.md
records the table of outcomes these expectations encode.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from casekit import CASES, expected_findings  # noqa: E402

#: A pytest plugin for the subprocess: each test's outcome (the worst of its phases) with its
#: report's text, and every warning of the run, written as JSON to $RECORD_OUTCOMES_TO.
RECORDER = '''\
import json
import os

OUTCOMES = {}
WARNINGS = []


def pytest_runtest_logreport(report):
    entry = OUTCOMES.setdefault(report.nodeid, {"outcome": "passed", "text": ""})
    if report.failed:
        entry["outcome"] = "failed" if report.when == "call" else "error"
        entry["text"] += report.longreprtext
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def pytest_warning_recorded(warning_message, when, nodeid, location):
    text = " ".join(str(warning_message.message).split())
    WARNINGS.append(f"{warning_message.category.__name__}: {text} "
                    f"({os.path.basename(warning_message.filename)}:{warning_message.lineno})")


def pytest_sessionfinish(session):
    with open(os.environ["RECORD_OUTCOMES_TO"], "w") as file:
        json.dump({"outcomes": OUTCOMES, "warnings": WARNINGS}, file)
'''

#: The warnings the mistakes cause: none of them is left after the fix (but the seeded bug's own).
MISTAKE_WARNINGS = re.compile(r"was never awaited|PytestDeprecationWarning|deprecated to return a value")
NOT_SUPPORTED = r"failed: .*async def functions are not natively supported"


@dataclass
class Expected:
    """tests: node id -> (outcome before the fix, outcome after), each `passed` or
    `failed: <regex>`/`error: <regex>` searched in the test's report; warned: regexes each found
    in a warning of the run before the fix; still_warned: the "never awaited" warnings left after
    it (the seeded bug's own), as regexes."""

    tests: dict[str, tuple[str, str]]
    warned: list[str] = field(default_factory=list)
    still_warned: list[str] = field(default_factory=list)


EXPECTED: dict[str, Expected] = {
    # ASYNC500, ASYNC505, ASYNC520 (pytest-asyncio in strict mode); seeded bug: the discount is added
    "runnable_strict_mode": Expected(
        tests={
            # ASYNC500: "pytest 9 fails the test without running it"
            "tests/test_unmarked.py::test_total": (NOT_SUPPORTED, "passed"),
            "tests/test_unmarked.py::test_total_with_discount": (NOT_SUPPORTED, "failed: assert 12 == 4"),
            # ASYNC520: "pytest 9 errors at the setup of every test that requests it"
            "tests/test_fixtures.py::test_basket_total": (
                "error: 'test_basket_total' requested an async fixture 'basket', with no plugin or hook "
                "that handled it", "passed"),
            "tests/test_fixtures.py::test_pears_with_discount": (
                "error: requested an async fixture 'pears'", "failed: assert 6 == 2"),
            # ASYNC505: scope= "still works", with a warning that points into pytest-asyncio
            "tests/test_loop_scope.py::test_first_runs_on_the_module_loop": ("passed", "passed"),
            "tests/test_loop_scope.py::test_second_shares_the_module_loop": ("passed", "passed"),
        },
        warned=[r'PytestDeprecationWarning: The "scope" keyword argument to the asyncio marker has been '
                r"deprecated\. .*\(plugin\.py:\d+\)"],
    ),
    # ASYNC502, ASYNC503; seeded bug: removing more than is in stock does not raise ValueError
    "runnable_unittest_classes": Expected(
        tests={
            # ASYNC502: "the test passes without running"
            "tests/test_testcase.py::TestAdd::test_add": ("passed", "passed"),
            "tests/test_testcase.py::TestRemove::test_remove_more_than_in_stock": (
                "passed", "failed: AssertionError: ValueError not raised"),
            # ASYNC503: "the set-up never runs, and the tests run against missing state"
            "tests/test_hooks.py::TestStock::test_stock": (
                "failed: AttributeError: 'TestStock' object has no attribute 'store'", "passed"),
            "tests/test_hooks.py::TestOpen::test_store_is_open": (
                "failed: AttributeError: 'TestOpen' object has no attribute 'store'", "passed"),
        },
        warned=[r"RuntimeWarning: coroutine 'TestAdd.test_add' was never awaited",
                r"DeprecationWarning: It is deprecated to return a value that is not None from a test case",
                r"RuntimeWarning: coroutine 'TestStock.setUp' was never awaited",
                r"RuntimeWarning: coroutine 'TestStock.tearDown' was never awaited"],
    ),
    # ASYNC600, ASYNC601, ASYNC603, ASYNC604, ASYNC605; seeded bugs: `refund` adds, `clear` keeps
    "runnable_coroutines": Expected(
        tests={
            # ASYNC600: "the body of the coroutine never runs, and the test passes anyway"
            "tests/test_ledger.py::test_post": ("passed", "passed"),
            "tests/test_ledger.py::test_refund": ("passed", "failed: assert 20 == 0"),
            # ASYNC601: "a coroutine object is always true"; a subscript raises TypeError
            "tests/test_ledger.py::test_new_ledger_is_empty": ("passed", "passed"),
            "tests/test_ledger.py::test_cleared_ledger_is_empty": ("passed", "failed: assert False"),
            "tests/test_ledger.py::test_summary_counts_entries": (
                "failed: TypeError: 'coroutine' object is not subscriptable", "passed"),
            # ASYNC603 / ASYNC604: "fails before its body runs" (Python 3.10: AttributeError)
            "tests/test_ledger.py::test_transaction_commits": (
                "failed: (TypeError: '_AsyncGeneratorContextManager' object does not support the context "
                "manager protocol|AttributeError: __enter__)", "passed"),
            "tests/test_ledger.py::test_negative_amounts_are_refused": (
                "failed: (TypeError: '\\w+' object does not support the asynchronous context manager "
                "protocol|AttributeError: __aenter__)", "passed"),
            # ASYNC605: "fails at once"
            "tests/test_ledger.py::test_history_lists_entries": (
                "failed: TypeError: 'async_generator' object is not iterable", "passed"),
        },
        warned=[r"RuntimeWarning: coroutine 'check_balance' was never awaited \(test_ledger\.py:17\)",
                r"RuntimeWarning: coroutine 'check_balance' was never awaited \(test_ledger\.py:25\)",
                r"RuntimeWarning: coroutine 'Ledger\.is_empty' was never awaited",
                r"RuntimeWarning: coroutine 'Ledger\.summary' was never awaited"],
    ),
    # ASYNC650, ASYNC651, ASYNC652; seeded bug: `touch_user` never awaits the API call
    "runnable_mocks": Expected(
        tests={
            # ASYNC650: "awaits it: TypeError: object MagicMock (or dict, ...) can't be used in 'await'"
            "tests/test_substitutes.py::test_load_profile": (
                "failed: TypeError: object dict can't be used in 'await' expression", "passed"),
            "tests/test_substitutes.py::test_load_profile_of_another_user": (
                "failed: TypeError: object dict can't be used in 'await' expression", "passed"),
            # ASYNC651: "pytest.raises(HTTPError) fails with DID NOT RAISE"
            "tests/test_substitutes.py::test_error_status_is_raised": ("failed: DID NOT RAISE", "passed"),
            # ASYNC652: the call assertion passes although the code under test forgets the await
            "tests/test_call_assertions.py::test_touch_user": (
                "passed", "failed: Expected update_last_seen to have been awaited once. Awaited 0 times."),
            "tests/test_call_assertions.py::test_touch_user_counts": ("passed", "failed: assert 0 == 1"),
            "tests/test_call_assertions.py::test_touch_user_happened": ("passed", "failed: assert 0\n"),
            "tests/test_call_assertions.py::test_rename_user": ("passed", "passed"),
        },
        warned=[r"RuntimeWarning: coroutine 'AsyncMockMixin._execute_mock_call' was never awaited "
                r"\(service\.py:20\)"],  # ASYNC651's AsyncMock, called without await by read_payload
        still_warned=[r"coroutine 'AsyncMockMixin._execute_mock_call' was never awaited \(service\.py:12\)"],
    ),
    # ASYNC700: the background task cannot run while time.sleep blocks the loop
    "runnable_blocking": Expected(
        tests={
            "tests/test_heartbeat.py::test_heartbeat_beats_while_the_test_waits": (
                "failed: assert 0 >= 1", "passed"),
            "tests/test_heartbeat.py::test_heartbeat_keeps_beating": ("failed: assert 0 >= 2", "passed"),
        },
    ),
}


def run_tests(project: Path, recorder: Path) -> dict:
    """Run the project's tests in a subprocess with its own config; their outcomes and warnings."""
    report = project.parent / f"{project.name}-outcomes.json"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PYTEST_") and key not in ("PYTHONWARNINGS", "PYTHONPATH")}
    env.update(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONPATH=str(recorder), RECORD_OUTCOMES_TO=str(report),
               PYTHONDONTWRITEBYTECODE="1")
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "pytest.ini", "--rootdir", ".", "-p", "asyncio",
         "-p", "record_outcomes", "-p", "no:cacheprovider", "-q"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr  # 1: some failed
    return json.loads(report.read_text())


def outcome_mismatches(when: str, expected: dict[str, str], run: dict) -> list[str]:
    wrong = []
    if set(run["outcomes"]) != set(expected):
        wrong.append(f"{when}: ran {sorted(run['outcomes'])}, expected {sorted(expected)}")
    for node_id, spec in expected.items():
        got = run["outcomes"].get(node_id, {"outcome": "not run", "text": ""})
        outcome, _, pattern = spec.partition(": ")
        if got["outcome"] != outcome or (pattern and not re.search(pattern, got["text"])):
            wrong.append(f"{when}: {node_id}: expected {spec!r}, got {got['outcome']}:\n"
                         f"{got['text'][-1500:]}")
    return wrong


@pytest.fixture(scope="module")
def recorder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("recorder")
    (folder / "record_outcomes.py").write_text(RECORDER)
    return folder


def test_pytest_asyncio_is_installed():
    """The runs below need it (`pip install -e '.[test]'` installs it); never skipped."""
    import pytest_asyncio  # noqa: F401


def test_every_runnable_case_has_expectations_and_every_fix_is_run():
    from flake8_async_tests.cli.fixes import FIXABLE

    runnable = sorted(p.name for p in CASES.iterdir() if p.name.startswith("runnable_"))
    assert runnable == sorted(EXPECTED)
    codes = {code for name in runnable for (_, _, code) in expected_findings(CASES / name)}
    assert sorted(FIXABLE - codes) == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_fixed_tests_run_and_behave_as_documented(name, tmp_path, recorder):
    expected = EXPECTED[name]
    project = tmp_path / name
    shutil.copytree(CASES / name, project, ignore=shutil.ignore_patterns(
        "__pycache__", ".flake8_async_tests_cache", ".pytest_cache"))
    before = run_tests(project, recorder)
    wrong = outcome_mismatches("before", {k: v[0] for k, v in expected.tests.items()}, before)
    wrong += [f"before: no warning matches {pattern!r}: {before['warnings']}" for pattern in expected.warned
              if not any(re.search(pattern, warning) for warning in before["warnings"])]

    fixed = subprocess.run(
        [sys.executable, "-m", "flake8_async_tests.cli", "--fix", "--async-tests-no-cache", "."],
        cwd=project, capture_output=True, text=True, timeout=300)
    assert (fixed.returncode, fixed.stdout) == (0, ""), fixed.stdout + fixed.stderr  # nothing left
    codes = Counter(code for (_, _, code) in expected_findings(CASES / name))
    summary = ", ".join(f"{code} {count}" for code, count in sorted(codes.items()))
    assert f"Fixed {sum(codes.values())} findings" in fixed.stderr and f"({summary})" in fixed.stderr, \
        fixed.stderr  # every finding of the case, and only those

    after = run_tests(project, recorder)
    wrong += outcome_mismatches("after", {k: v[1] for k, v in expected.tests.items()}, after)
    left = sorted({w for w in after["warnings"] if MISTAKE_WARNINGS.search(w)})
    expected_left = [w for w in left if any(re.search(p, w) for p in expected.still_warned)]
    if left != expected_left or len(expected_left) != len(expected.still_warned):
        wrong.append(f"after: warnings {left}, expected only {expected.still_warned}")
    assert wrong == [], "\n".join(wrong)
