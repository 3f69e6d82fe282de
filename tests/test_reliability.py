"""Inputs that once made findings disappear: deep expressions, contained internal errors.

Each test here is a crash or a silent loss found by scripts/fuzz.py or by issue 13's campaign."""

from __future__ import annotations

import ast
import logging
import textwrap

import pytest
from astroid import nodes
from astroid.builder import AstroidBuilder

from flake8_async_tests import inference, rendering
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
    assert text == deep_concatenation()[:37] + "..." == '"s0" + "s1" + "s2" + "s3" + "s4" + "s...'
    assert rendering.expression_text(first_binop(module)).endswith(f'"s{DEEP_TERMS - 1}"')


def test_a_small_expression_renders_as_astroid_spells_it():
    module = inference.build_module("x = client.fetch( 'a',\n    b )\n", "small", "/tmp/small.py")
    call = next(module.nodes_of_class(nodes.Call))
    assert rendering.expression_text(call) == call.as_string() == "client.fetch('a', b)"
    assert rendering.short_text(call, 12) == "client.fe..."


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
