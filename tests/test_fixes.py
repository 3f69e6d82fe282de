"""The fixes of `flake8-async-tests --fix` (flake8_async_tests/cli/fixes.py).

Each fix: the mistake in the spellings real code uses is rewritten, and the shapes where the fix
could change more than the finding are left alone. The round trip runs on a copy of every case
project: fix, re-lint, and nothing that was fixed is reported again; every file still parses.

Run as a script on a copy of a real suite, it prints the numbers docs/fixes.md records:
`python tests/test_fixes.py /tmp/copy-of-suite/tests [flake8-async-tests options]` (the files
under that folder are fixed; the project around it is read as usual).
"""

from __future__ import annotations

import ast
import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from flake8_async_tests.cli import config, fix_file, lint, runs_on_asyncio_only
from flake8_async_tests.cli.fixes import apply
from flake8_async_tests.config import Settings
from flake8_async_tests.rules.base import Finding

sys.path.insert(0, str(Path(__file__).parent))
from casekit import CASES, case_names, fresh_process_state, settings_for  # noqa: E402


def options_for(settings: Settings) -> config.Options:
    return config.Options(settings=settings, exclude=[], per_file_ignores=[], config_path=None)


def round_trip(root: Path, settings: Settings) -> dict:
    """Fix every file under `root` in place, re-lint in a fresh state, and compare."""
    options = options_for(settings)
    before: Counter = Counter()
    fixed: Counter = Counter()
    fixed_at: set[tuple[str, int, str]] = set()
    for path in sorted(root.rglob("*.py")):
        original = path.read_bytes()
        outcome = fix_file(str(path), original, options)
        before.update(f.code for f in outcome.before)
        fixed.update(f.code for f in outcome.fixed)
        fixed_at.update((str(path), f.line, f.code) for f in outcome.fixed)
        if outcome.source != original:
            try:
                ast.parse(original)
            except SyntaxError:
                raise AssertionError(f"{path} did not parse and was changed")
            ast.parse(outcome.source)  # every fixed file parses
            path.write_bytes(outcome.source)
    fresh_process_state()
    after: Counter = Counter()
    again: list[tuple[str, int, str]] = []
    unconverged: list[str] = []
    for path in sorted(root.rglob("*.py")):
        findings = lint(str(path), path.read_bytes(), options)
        for finding in findings:
            after[finding.code] += 1
            if (str(path), finding.line, finding.code) in fixed_at:
                again.append((str(path), finding.line, finding.code))
        asyncio_only = runs_on_asyncio_only(str(path), path.read_text())
        if apply(path.read_bytes(), findings, asyncio_only=asyncio_only)[1]:
            unconverged.append(str(path))  # a fresh run would still find something to fix
    return {"before": before, "fixed": fixed, "after": after, "again": again, "unconverged": unconverged,
            "fixed_at": sorted(fixed_at)}


#: code -> the case projects whose round trip fixed it (filled by the tests below)
FIXED_IN_CASES: dict[str, set[str]] = {}
CASE_NAMES = case_names()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_fix_round_trip_on_case(name, tmp_path):
    copy = tmp_path / name
    shutil.copytree(CASES / name, copy)
    result = round_trip(copy, settings_for(CASES / name))
    for code in result["fixed"]:
        FIXED_IN_CASES.setdefault(code, set()).add(name)
    assert (result["again"], result["unconverged"]) == ([], []), result


def test_the_round_trip_exercised_every_fix(request):
    """Each fix was applied (and re-linted) on at least one case project."""
    from flake8_async_tests.cli.fixes import FIXABLE

    ran = [item for item in request.session.items if item.name.startswith("test_fix_round_trip_on_case")]
    if len(ran) < len(CASE_NAMES):
        pytest.skip("needs every case's round trip in this session")
    assert sorted(FIXABLE - set(FIXED_IN_CASES)) == []


# --- each fix, on a small source ------------------------------------------------------------------

def fixed(source: str, *findings: tuple[int, int, str, str]) -> tuple[str, list[str]]:
    source = textwrap.dedent(source)
    result, applied = apply(source.encode(), [Finding(*f) for f in findings])
    return result.decode(), [f.code for f in applied]


def test_call_assertions_become_await_assertions():
    source = """\
    async def test_x(m):
        m.fetch.assert_called_once_with(1)  # keep me
        assert m.fetch.call_count == 2
        assert m.fetch.called
        assert m.fetch.called is True
    """
    result, codes = fixed(source, (2, 4, "ASYNC652", ""), (3, 11, "ASYNC652", ""),
                          (4, 11, "ASYNC652", ""), (5, 11, "ASYNC652", ""))
    assert "m.fetch.assert_awaited_once_with(1)  # keep me" in result
    assert "m.fetch.await_count == 2" in result
    assert "assert m.fetch.await_count\n" in result
    assert "assert m.fetch.called is True" in result  # an int is never `is True`: left alone
    assert codes == ["ASYNC652"] * 3


def test_await_is_added_in_async_code_only():
    source = """\
    async def test_x(client):
        client.fetch(1)
        name = client.fetch(2)["name"]
        assert all(client.ok(x) for x in [1])
        lambda: client.fetch(3)

    def test_sync(client):
        client.fetch(4)
    """
    never = "coroutine {!r} is never awaited (x); add 'await'"
    result, codes = fixed(
        source,
        (2, 4, "ASYNC600", never.format("client.fetch(1)")),
        (3, 11, "ASYNC601", "coroutine 'client.fetch(2)' is subscripted instead of its result (x); "
                            "add 'await'"),
        (4, 15, "ASYNC601", "coroutine 'client.ok(x)' is tested instead of its result (x); add 'await'"),
        (5, 12, "ASYNC600", never.format("client.fetch(3)")),
        (8, 4, "ASYNC600", "coroutine 'client.fetch(4)' is never awaited (x); make the test async ..."),
    )
    assert "    await client.fetch(1)\n" in result
    assert 'name = (await client.fetch(2))["name"]' in result
    assert "all(client.ok(x) for x in [1])" in result  # an await would make it an async generator
    assert "lambda: client.fetch(3)" in result
    assert "    client.fetch(4)" in result
    assert codes == ["ASYNC600", "ASYNC601"]


def test_the_reported_call_of_a_chain_is_awaited():
    result, _ = fixed("async def t(a):\n    a.b(1).c(2)\n",
                      (2, 4, "ASYNC600", "coroutine 'a.b(1)' is never awaited (x); add 'await'"))
    assert "(await a.b(1)).c(2)" in result


def test_async_fixture_and_mark_and_the_imports_they_need():
    source = """\
    import pytest


    # a comment stays with its function
    @pytest.fixture(autouse=True)
    async def db():
        yield 1


    async def test_unmarked(db):
        pass
    """
    result, codes = fixed(
        source, (6, 0, "ASYNC520", ""),
        (10, 0, "ASYNC500", "async test 'test_unmarked' is never run: ...; add @pytest.mark.asyncio (or set "
                            "asyncio_mode = auto)"),
    )
    assert result == textwrap.dedent("""\
    import pytest
    import pytest_asyncio


    # a comment stays with its function
    @pytest_asyncio.fixture(autouse=True)
    async def db():
        yield 1


    @pytest.mark.asyncio
    async def test_unmarked(db):
        pass
    """)
    assert codes == ["ASYNC520", "ASYNC500"]


def test_an_async_fixture_with_a_wider_scope_is_not_fixed():
    """Its loop (and its tests') would be a decision: see fixes._function_scoped."""
    source = """\
    import pytest


    @pytest.fixture(scope="module")
    async def db():
        yield 1


    @pytest.fixture(scope="function")
    async def conn():
        yield 1
    """
    result, codes = fixed(source, (5, 0, "ASYNC520", ""), (10, 0, "ASYNC520", ""))
    assert '@pytest.fixture(scope="module")' in result
    assert '@pytest_asyncio.fixture(scope="function")' in result
    assert codes == ["ASYNC520"]


def test_asyncio_500_with_another_reason_is_not_fixed():
    _, codes = fixed("async def test_x():\n    pass\n",
                     (1, 0, "ASYNC500", "async test 'test_x' is never run: ...; remove -p no:..."))
    assert codes == []


def test_with_and_for_statements():
    source = """\
    async def test_x(lock, other, stream):
        with lock:
            pass
        with lock, other:
            pass
        async with other:
            pass
        for item in stream:
            pass
        squares = [x for x in stream]
        lazy = (x for x in stream)

    def helper(lock):
        with lock:
            pass
    """
    result, codes = fixed(
        source, (2, 9, "ASYNC603", ""), (4, 9, "ASYNC603", ""), (6, 15, "ASYNC604", ""),
        (8, 16, "ASYNC605", ""), (10, 26, "ASYNC605", ""), (11, 23, "ASYNC605", ""), (14, 9, "ASYNC603", ""),
    )
    assert "    async with lock:\n" in result
    assert "    with lock, other:\n" in result  # `other` is not reported: both change or neither
    assert "    with other:\n" in result
    assert "async for item in stream" in result and "[x async for x in stream]" in result
    assert "(x for x in stream)" in result  # an async generator expression is another value
    assert "def helper(lock):\n    with lock:" in result  # no `async with` in a sync def
    assert codes == ["ASYNC603", "ASYNC604", "ASYNC605", "ASYNC605"]


def test_mock_classes_are_swapped_with_their_import():
    source = """\
    from unittest.mock import MagicMock, patch
    from unittest import mock

    async def test_x(client, monkeypatch, mocker):
        client.fetch = MagicMock(return_value=1)
        with patch("app.fetch", new_callable=mock.MagicMock):
            pass
        monkeypatch.setattr("app.fetch", MagicMock())
        mocker.patch.object(client, "fetch", made_elsewhere)
        client.key = mock.AsyncMock()
    """
    result, codes = fixed(
        source, (5, 4, "ASYNC650", ""), (6, 9, "ASYNC650", ""), (8, 4, "ASYNC650", ""),
        (9, 4, "ASYNC650", ""),
        (10, 4, "ASYNC651", ""),
    )
    assert "from unittest.mock import AsyncMock, MagicMock, patch" in result
    assert "client.fetch = AsyncMock(return_value=1)" in result
    assert "new_callable=mock.AsyncMock" in result
    assert 'monkeypatch.setattr("app.fetch", AsyncMock())' in result
    assert "made_elsewhere" in result  # not a mock made here: not offered
    assert "client.key = mock.MagicMock()" in result
    assert codes == ["ASYNC650", "ASYNC650", "ASYNC650", "ASYNC651"]


def test_unittest_fixes():
    source = """\
    import unittest
    from unittest import TestCase


    class TestA(unittest.TestCase):
        async def test_a(self):
            pass


    class TestB(TestCase):
        async def test_b(self):
            pass


    class TestC(unittest.IsolatedAsyncioTestCase):
        async def setUp(self):
            pass


    class TestD(unittest.IsolatedAsyncioTestCase):
        async def tearDown(self):
            await super().tearDown()
    """
    plain = "async test {!r} never runs: {!r} is a unittest.TestCase, ...; inherit from ..."
    result, codes = fixed(
        source,
        (6, 4, "ASYNC502", plain.format("test_a", "TestA")),
        (11, 4, "ASYNC502", plain.format("test_b", "TestB")),
        (16, 4, "ASYNC503", "async 'setUp' is called without being awaited: ...; rename it asyncSetUp"),
        (21, 4, "ASYNC503", "async 'tearDown' is called without being awaited: ...; rename it asyncTearDown"),
    )
    assert "class TestA(unittest.IsolatedAsyncioTestCase):" in result
    assert "from unittest import IsolatedAsyncioTestCase, TestCase" in result
    assert "class TestB(IsolatedAsyncioTestCase):" in result
    assert "async def asyncSetUp(self):" in result
    assert "async def tearDown(self):" in result  # super().tearDown() would reach the sync hook
    assert codes == ["ASYNC502", "ASYNC502", "ASYNC503"]


def test_a_hook_is_renamed_unless_its_own_class_has_the_async_one():
    """Another class's asyncSetUp does not block the rename (it did: the runnable case's setUp
    then stayed unrenamed, and its renamed tearDown ran without the set-up)."""
    source = """\
    import unittest


    class TestA(unittest.IsolatedAsyncioTestCase):
        async def setUp(self):
            pass


    class TestB(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            pass


    class TestC(unittest.IsolatedAsyncioTestCase):
        async def setUp(self):
            pass

        async def asyncSetUp(self):
            pass
    """
    message = "async 'setUp' is called without being awaited: ...; rename it asyncSetUp"
    result, codes = fixed(source, (5, 4, "ASYNC503", message), (15, 4, "ASYNC503", message))
    assert result.count("async def asyncSetUp(self):") == 3  # TestA's renamed, TestC's left alone
    assert codes == ["ASYNC503"]


def test_mark_scope_becomes_loop_scope():
    source = '@pytest.mark.asyncio(scope="module")\nasync def test_x():\n    pass\n'
    result, codes = fixed(source, (1, 1, "ASYNC505", "pytest.mark.asyncio(scope=...) is deprecated ..."))
    assert result.startswith('@pytest.mark.asyncio(loop_scope="module")')
    _, codes = fixed(source, (1, 1, "ASYNC505", "pytest.mark.asyncio takes no positional argument ..."))
    assert codes == []


def test_time_sleep_becomes_asyncio_sleep():
    source = """\
    import time
    from time import sleep

    async def test_x():
        time.sleep(0.1)
        sleep(1)

    async def test_y():
        requests.get("x")
    """
    result, codes = fixed(
        source, (5, 4, "ASYNC700", "time.sleep() blocks the event loop in async 'test_x'; use ..."),
        (6, 4, "ASYNC700", "sleep() (that is time.sleep) blocks the event loop in async 'test_x'; use ..."),
        (9, 4, "ASYNC700", "requests.get() (that is requests.api.get) blocks the event loop ..."),
    )
    assert "import asyncio\n" in result
    assert "    await asyncio.sleep(0.1)\n    await asyncio.sleep(1)\n" in result
    assert 'requests.get("x")' in result
    assert codes == ["ASYNC700", "ASYNC700"]
    # under anyio or trio the sleep is theirs: not offered
    finding = Finding(5, 4, "ASYNC700", "time.sleep() blocks the event loop in async 'test_x'; use ...")
    assert apply(textwrap.dedent(source).encode(), [finding], asyncio_only=False)[1] == []


def test_asyncio_only_looks_at_the_file_its_conftests_and_configs(tmp_path):
    (tmp_path / "tests").mkdir()
    test = tmp_path / "tests" / "test_a.py"
    assert runs_on_asyncio_only(str(test), "import asyncio\n")
    assert not runs_on_asyncio_only(str(test), "import trio\n")
    assert not runs_on_asyncio_only(str(test), "@pytest.fixture(params=['asyncio', 'trio'])\n")
    assert runs_on_asyncio_only(str(test), '"""Like anyio and trio do."""  # trio too\n')
    (tmp_path / "pytest.ini").write_text("[pytest]\nanyio_mode = auto\n")
    assert not runs_on_asyncio_only(str(test), "import asyncio\n")


def test_a_file_that_does_not_parse_is_left_alone():
    source = b"async def test_x(m):\n    m.assert_called_once(\n"
    assert apply(source, [Finding(2, 4, "ASYNC652", "")]) == (source, [])


def test_encoding_and_line_endings_are_kept():
    source = "# -*- coding: latin-1 -*-\r\nasync def test_x(m):  # café\r\n    m.f.assert_called()\r\n"
    result, _ = apply(source.encode("latin-1"), [Finding(3, 4, "ASYNC652", "")])
    assert result == source.replace("assert_called", "assert_awaited").encode("latin-1")


def test_columns_count_bytes_like_python():
    """The analysis reports ast's columns (UTF-8 bytes): a non-ASCII line still finds its node."""
    source = "async def test_x(m):\n    é = 1; m.f.assert_called()\n"
    column = len("    é = 1; ".encode())
    result, codes = fixed(source, (2, column, "ASYNC652", ""))
    assert "m.f.assert_awaited()" in result and codes == ["ASYNC652"]


if __name__ == "__main__":  # numbers for docs/fixes.md, on a copy of a real suite
    from flake8_async_tests.cli import build_parser

    target = Path(sys.argv[1])
    parsed = build_parser().parse_args(["--isolated", *sys.argv[2:]])
    numbers = round_trip(target, config.resolve(parsed).settings)
    for key in ("before", "fixed", "after"):
        print(key, sum(numbers[key].values()), dict(sorted(numbers[key].items())))
    print("found again after the fix:", numbers["again"])
    print("not converged:", numbers["unconverged"])
    for path, line, code in numbers["fixed_at"]:
        print(f"fixed {path}:{line}: {code}")
