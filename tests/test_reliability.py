"""Inputs that once made findings disappear: deep expressions, contained internal errors.

Each test here is a crash or a silent loss found by scripts/fuzz.py or by issue 13's campaign."""

from __future__ import annotations

import ast
import logging
import sys
import textwrap
import time

import pytest
from astroid import nodes
from astroid.builder import AstroidBuilder

from flake8_async_tests import budget, inference, rendering
from flake8_async_tests.analysis import analyse
from flake8_async_tests.config import Settings
from flake8_async_tests.rules import CATALOGUE

#: Deeper than astroid's as_string() can render (it raised RecursionError from ~330 terms), within
#: what its builder can build (~480 terms on CPython 3.11).
DEEP_TERMS = 400
#: Python parses it; astroid's builder cannot.
UNBUILDABLE_TERMS = 700


def deep_concatenation(terms: int = DEEP_TERMS) -> str:
    return " + ".join(f'"s{i}"' for i in range(terms))


def first_binop(module: nodes.Module) -> nodes.BinOp:
    return next(module.nodes_of_class(nodes.BinOp))


def test_a_deep_expression_renders_as_a_bounded_prefix_of_its_source():
    module = inference.build_module(f"BIG = {deep_concatenation()}\n", "deep", "/tmp/deep.py")
    with pytest.raises(RecursionError):
        first_binop(module).as_string()  # what the rules called before
    text = rendering.short_text(first_binop(module), 40)
    # a bounded prefix, cut where no name or number is split (rendering.cut_at_boundary)
    assert text == deep_concatenation()[:36] + "..." == '"s0" + "s1" + "s2" + "s3" + "s4" + "...'
    assert rendering.expression_text(first_binop(module)).endswith(f'"s{DEEP_TERMS - 1}"')


def test_a_small_expression_renders_as_astroid_spells_it():
    module = inference.build_module("x = client.fetch( 'a',\n    b )\n", "small", "/tmp/small.py")
    call = next(module.nodes_of_class(nodes.Call))
    assert rendering.expression_text(call) == call.as_string() == "client.fetch('a', b)"
    assert rendering.short_text(call, 12) == "client..."  # never 'client.fe...'


def test_source_positions_count_utf8_bytes_in_a_latin1_file(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nname = 'é'; BIG = {}\n".format(
        deep_concatenation()).encode("latin-1"))
    module = AstroidBuilder(inference.MANAGER).file_build(str(path), "latin")
    assert module.file_bytes is None  # read back from the file, by its declared encoding
    assert rendering.short_text(first_binop(module), 20) == '"s0" + "s1" + "s2...'
    assert rendering.module_source(module).startswith("# -*- coding: latin-1 -*-\nname = 'é'")


DEEP_CONFTEST = f"""\
import pytest

BIG = {deep_concatenation(330)}


@pytest.fixture
async def client():  # error: ASYNC520
    return 1
"""
TEST_FILE = """\
import asyncio


async def test_never_run(client):  # error: ASYNC500
    await asyncio.sleep(0)
"""


def lint(path, settings: Settings | None = None) -> list[tuple[int, str]]:
    source = path.read_text()
    findings = analyse(str(path), source, settings or Settings(), ast.parse(source))
    return sorted((finding.line, finding.code) for finding in findings)


def test_findings_under_a_conftest_with_a_deep_expression_are_kept(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(DEEP_CONFTEST)
    (tmp_path / "tests" / "test_a.py").write_text(TEST_FILE)
    assert lint(tmp_path / "tests" / "test_a.py") == [(4, "ASYNC500")]
    assert lint(tmp_path / "tests" / "conftest.py") == [(7, "ASYNC520")]


class Exploding:
    """A rule that fails on every function, as a RecursionError deep in astroid would."""

    code = "ASYNC999"
    name = "exploding"
    opt_in = False
    every_module = True
    visits = (nodes.FunctionDef,)

    def check(self, node, ctx):
        raise RecursionError("maximum recursion depth exceeded")

    def finish(self, ctx):
        return ()


@pytest.fixture
def project_with_an_unmarked_test(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    (tmp_path / "test_a.py").write_text(textwrap.dedent("""\
        import asyncio


        async def test_never_run():
            await asyncio.sleep(0)
        """))
    return tmp_path / "test_a.py"


def test_a_rule_failing_keeps_the_other_findings_and_says_so_once(
        project_with_an_unmarked_test, monkeypatch, caplog):
    monkeypatch.setattr("flake8_async_tests.analysis.CATALOGUE", [*CATALOGUE, Exploding])
    monkeypatch.delenv("FLAKE8_ASYNC_TESTS_RAISE")
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        assert lint(project_with_an_unmarked_test) == [(4, "ASYNC500")]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "ASYNC999 RecursionError" in warnings[0], warnings


def test_a_rule_failing_raises_under_flake8_async_tests_raise(project_with_an_unmarked_test, monkeypatch):
    monkeypatch.setattr("flake8_async_tests.analysis.CATALOGUE", [*CATALOGUE, Exploding])
    with pytest.raises(RecursionError):
        lint(project_with_an_unmarked_test)


def test_a_file_astroid_cannot_build_is_reported_in_the_log(tmp_path, monkeypatch, caplog):
    path = tmp_path / "test_deep.py"
    path.write_text(f"import pytest\n\nx = {deep_concatenation(UNBUILDABLE_TERMS)}\n")
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        assert lint(path) == []
    assert any("astroid cannot build" in r.getMessage() for r in caplog.records)


def test_a_call_through_a_module_that_cannot_be_found_is_no_resource(tmp_path):
    """Found by scripts/fuzz.py: ASYNC801 looked the callee up in a module that import_module
    could not give (None), and raised."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    path = tmp_path / "test_a.py"
    path.write_text("import asyncio\n\n\nasync def test_x():\n    asyncio.nowhere.open_thing()\n")
    assert lint(path, Settings(all_code=True)) == []


def test_no_linted_module_outlives_its_analysis(tmp_path, monkeypatch):
    """Memory stays flat whatever the number of files: once a file is analysed nothing may keep
    its module alive (astroid's inference cache and its memo of failed imports did, ~1 MB a
    file). Counted in module objects, not RSS, so that the test is stable."""
    import gc
    import weakref

    from test_fuzz import load_fuzz

    linted: list[weakref.ref] = []
    forget = inference.forget_module
    monkeypatch.setattr(inference, "forget_module", lambda module: (linted.append(weakref.ref(module)),
                                                                    forget(module)))
    fuzz = load_fuzz()
    report = fuzz.run(seed=11, programs=60, workdir=tmp_path)
    assert report.errors == []
    gc.collect()
    alive = [ref() for ref in linted if ref() is not None]
    assert len(linted) > 40 and alive == [], f"{len(alive)} of {len(linted)} linted modules still alive"


# --- bounded by the input's size (issue 13, item 2) ------------------------------------------

def count_node_visits(monkeypatch) -> list[int]:
    """Every node astroid's nodes_of_class walks, from here on: the rules' scans of a test."""
    visits = [0]
    original = nodes.NodeNG.nodes_of_class

    def counting(self, klass, skip_klass=None):
        visits[0] += 1
        return original(self, klass, skip_klass)

    monkeypatch.setattr(nodes.NodeNG, "nodes_of_class", counting)
    return visits


def many_assertions_project(tmp_path, assertions: int):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (tmp_path / "app.py").write_text("async def run(handler):\n    await handler()\n")
    lines = ["from unittest.mock import AsyncMock", "from app import run", "", "",
             "async def test_many():", "    handler = AsyncMock()", "    await run(handler)"]
    lines += ["    handler.assert_called_once()"] * assertions
    (tmp_path / "test_many.py").write_text("\n".join(lines) + "\n")
    return tmp_path / "test_many.py"


def test_async652_reads_a_test_once_however_many_assertions_it_holds(tmp_path, monkeypatch):
    """1,000 assertions on one AsyncMock took 16 s: each rescanned the whole test (quadratic).
    Counted in node visits, not seconds: twice the assertions must cost about twice the work."""
    visits = count_node_visits(monkeypatch)
    costs = []
    for assertions in (100, 200):
        (tmp_path / str(assertions)).mkdir()
        path = many_assertions_project(tmp_path / str(assertions), assertions)
        visits[0] = 0
        assert lint(path) == [(8, "ASYNC652")]  # once per mock and test: the fix silences the rest
        costs.append(visits[0])
    assert costs[1] < 2.5 * costs[0], costs


def test_a_patch_target_of_thousands_of_parts_is_not_resolved_part_by_part(tmp_path, monkeypatch):
    """A 10,000-part target tried every prefix as a module (4-5 s, up to 1 GB)."""
    from flake8_async_tests.model import patches

    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("async def fetch():\n    pass\n")
    target = "pkg." + ".".join(f"p{i}" for i in range(5000))
    (tmp_path / "test_p.py").write_text(textwrap.dedent(f"""\
        from unittest.mock import MagicMock, patch


        async def test_long():
            with patch("{target}", MagicMock()):
                pass


        async def test_short():
            with patch("pkg.fetch", MagicMock()):
                pass
        """))
    imported = []
    original = patches.import_module
    monkeypatch.setattr(patches, "import_module", lambda name: imported.append(name) or original(name))
    assert lint(tmp_path / "test_p.py") == [(10, "ASYNC650")]  # the short target is still resolved
    assert len(imported) < 10, len(imported)


def test_a_module_too_large_to_read_is_unknown_and_said_so(tmp_path, monkeypatch, caplog):
    """A generated 3.7 MB module cost 96 s and 1 GB; over loading.MAX_MODULE_BYTES a module is
    not read, its findings are not reported (unknown, not guessed), and the log says which."""
    from flake8_async_tests import loading

    monkeypatch.setattr(loading, "MAX_MODULE_BYTES", 20_000)
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    filler = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(1000))
    (tmp_path / "app" / "big.py").write_text(filler + "async def target():\n    pass\n")
    (tmp_path / "app" / "small.py").write_text("async def target():\n    pass\n")
    (tmp_path / "test_p.py").write_text(textwrap.dedent("""\
        from unittest.mock import MagicMock, patch


        async def test_big():
            with patch("app.big.target", MagicMock()):
                pass


        async def test_small():
            with patch("app.small.target", MagicMock()):
                pass
        """))
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        assert lint(tmp_path / "test_p.py") == [(10, "ASYNC650")]
    assert any("big.py is larger than" in record.getMessage() for record in caplog.records)


def test_a_latin1_conftest_with_a_coding_cookie_is_read(tmp_path):
    """It was skipped (read as UTF-8 only): its hook marking every test went unseen."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    (tmp_path / "conftest.py").write_bytes(textwrap.dedent("""\
        # -*- coding: latin-1 -*-
        # Café: every test of this directory runs under pytest-asyncio.
        import pytest


        def pytest_collection_modifyitems(items):
            for item in items:
                item.add_marker(pytest.mark.asyncio)
        """).encode("latin-1"))
    (tmp_path / "test_a.py").write_text("async def test_marked_by_the_hook():\n    pass\n")
    assert lint(tmp_path / "test_a.py") == []


def test_a_worker_starting_afresh_after_every_file_finds_the_same(monkeypatch):
    """memory.py bounds a worker by starting afresh past MEMORY_LIMIT_MB: dropping the
    projects, conftests and modules it keeps. Forced after every file of every case project,
    the findings are exactly the cases' (as a new worker's would be)."""
    from casekit import CASES, actual_findings, expected_findings
    from flake8_async_tests import memory

    monkeypatch.setattr(memory, "_BLOCKS_LIMIT", [0])  # past the limit, always
    before = memory.STARTS_AFRESH[0]
    files = 0  # .py files, some of which hold nothing to analyse
    for name in AFRESH_CASES:
        files += len(list((CASES / name).rglob("*.py")))
        assert actual_findings(CASES / name) == expected_findings(CASES / name), name
    assert memory.STARTS_AFRESH[0] - before > files // 2  # after every file analysed


#: Cases whose findings rest on other modules: conftests, project code, libraries, patch targets.
AFRESH_CASES = ("mocks", "mocks_await_sites", "fixtures_strict", "shared_state_code_under_test",
                "unittest_classes", "anyio_mixed_conftest", "resources", "coroutines_spellings")


# --- time bounds (budget.py) -------------------------------------------------------------------

def burn_cpu(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_an_inference_past_its_budget_answers_unknown(monkeypatch):
    """A per-node budget: past it, astroid's own limit ends the inference with Uninferable,
    and infer_all answers None (unknown: the rules stay silent) instead of running on."""
    module = inference.build_module("def f():\n    return 1\n\nx = f()\n", "budgeted", "/tmp/budgeted.py")
    call = next(module.nodes_of_class(nodes.Call))
    assert [value.value for value in inference.infer_all(call)] == [1]
    cut_before = budget.STATISTICS["inferences cut short"]
    monkeypatch.setattr(budget, "NODE_SECONDS", -1.0)  # spent before it starts
    monkeypatch.setattr(budget.InferenceBudget, "EVERY", 1)
    from astroid import context
    context._invalidate_cache()  # the value above is cached by astroid
    assert inference.infer_all(call) is None
    assert budget.STATISTICS["inferences cut short"] == cut_before + 1


@pytest.fixture
def project_with_two_unmarked_tests(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    (tmp_path / "test_a.py").write_text("async def test_first():\n    pass\n\n\n"
                                        "async def test_second():\n    pass\n")
    return tmp_path / "test_a.py"


def test_a_file_past_its_bound_stops_keeps_its_findings_and_says_so(
        project_with_two_unmarked_tests, monkeypatch, caplog):
    """The bound is asked after each node: past it (here from the first test's def on), the
    walk stops, what was found is kept, and the log says so."""
    asked = []
    monkeypatch.setattr(budget, "file_time_is_up", lambda: asked.append(1) or len(asked) >= 2)
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        assert lint(project_with_two_unmarked_tests) == [(1, "ASYNC500")]  # not test_second's
    assert any("to analyse; analysis stopped" in record.getMessage() for record in caplog.records)


class CutShort:
    """A rule whose inference of the module runs past its budget, and which would report."""

    code = "ASYNC998"
    name = "cut-short"
    opt_in = False
    every_module = True
    visits = (nodes.Module,)

    def check(self, node, ctx):
        inference.infer_all(node.body[0])
        yield ctx  # never a Finding: the dispatcher must drop it

    def finish(self, ctx):
        return ()


def test_after_an_inference_cut_short_nothing_more_is_reported(
        project_with_two_unmarked_tests, monkeypatch, caplog):
    """A cut-short inference leaves astroid answering 'unknown' for what it was inferring; a
    rule's exemption that needs an answer would then report falsely. So the check that saw the
    cut and all that follow report nothing (a missing finding, never a false one)."""
    assert lint(project_with_two_unmarked_tests) == [(1, "ASYNC500"), (5, "ASYNC500")]
    monkeypatch.setattr("flake8_async_tests.analysis.CATALOGUE", [CutShort, *CATALOGUE])
    monkeypatch.setattr(budget, "NODE_SECONDS", -1.0)
    monkeypatch.setattr(budget.InferenceBudget, "EVERY", 1)
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        assert lint(project_with_two_unmarked_tests) == []
    assert any("ran past its budget; analysis stopped" in record.getMessage() for record in caplog.records)


def test_reading_modules_and_full_collections_are_not_charged():
    """The bounds must not change a finding between a cold cache and a warm one, nor with the
    heap's size: building a module and a full garbage collection stop the clock."""
    import gc

    assert budget._pause_during_full_collections in gc.callbacks
    started = budget.clock()
    with budget.reading():
        burn_cpu(0.05)
    budget._pause_during_full_collections("start", {"generation": 2})
    burn_cpu(0.05)
    budget._pause_during_full_collections("stop", {"generation": 2})
    assert budget.clock() - started < 0.02
    burn_cpu(0.05)
    assert budget.clock() - started >= 0.05


def test_restarts_follow_the_live_objects_once_the_limit_was_reached(monkeypatch):
    """CPython keeps freed memory: after a restart the resident size stays at the limit. The
    first restart is decided by the resident size, the next ones by the live objects."""
    from flake8_async_tests import memory

    monkeypatch.setattr(memory, "_BLOCKS_LIMIT", [])
    monkeypatch.setattr(memory, "start_afresh", lambda: None)
    monkeypatch.setattr(memory, "resident_mb", lambda: memory.MEMORY_LIMIT_MB + 1)
    assert memory.keep_within_limit()  # the first time: by the resident size
    assert memory._BLOCKS_LIMIT[0] > sys.getallocatedblocks()
    assert not memory.keep_within_limit()  # still at the limit, but holding no more than then
    monkeypatch.setattr(memory, "_BLOCKS_LIMIT", [sys.getallocatedblocks() // 2])
    assert memory.keep_within_limit()  # live objects past the threshold
