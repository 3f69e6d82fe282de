"""Run the plugin over a case project and read the findings its comments expect.

A case is a small project under tests/cases/<name>/ with its own pytest config file (so that it
does not inherit this repository's). A line that must be reported ends with a comment
`# error: ASYNC500` (several codes: `# error: ASYNC500, ASYNC501`). Plugin options for the case
come from an optional `case.json` (the fields of config.Settings). Every other line must stay
silent: the comparison is exact.

A case about projects *without* a pytest config file says so in its case.json
(`"no_pytest_config": true`) and has none. Inside this repository pytest (and the plugin) would
walk up to this repository's pyproject.toml and take its settings, so such a case is linted
from a copy outside the repository (`linted_location`), where nothing above it configures
pytest; tests/test_cases.py checks both.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import tempfile
import tokenize
from collections import Counter
from pathlib import Path

from flake8_async_tests.analysis import analyse
from flake8_async_tests.config import Settings

CASES = Path(__file__).parent / "cases"
EXPECTATION = re.compile(r"#\s*error:\s*(?P<codes>ASYNC\d{3}(?:\s*,\s*ASYNC\d{3})*)")
CONFIG_NAMES = ("pytest.ini", ".pytest.ini", "pytest.toml", "pyproject.toml", "tox.ini", "setup.cfg")


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


#: The case suite's module cache: outside the repository, shared by the whole test session.
CACHE_DIR = tempfile.mkdtemp(prefix="flake8-async-tests-cases-")


#: Where cases without a pytest config file are copied to be linted (outside the repository).
CONFIGLESS_COPIES = Path(tempfile.mkdtemp(prefix="flake8-async-tests-configless-"))


def case_options(case: Path) -> dict:
    options = case / "case.json"
    return json.loads(options.read_text()) if options.exists() else {}


def has_no_pytest_config(case: Path) -> bool:
    """Does the case stand for a project without a pytest config file (see the docstring)?"""
    return bool(case_options(case).get("no_pytest_config"))


def linted_location(case: Path) -> Path:
    """Where the case is linted: in place, or (a case without a pytest config file) from a copy
    outside the repository, made once per session so that warm runs find their cache."""
    if not has_no_pytest_config(case):
        return case
    copy = CONFIGLESS_COPIES / case.name
    if not copy.exists():
        shutil.copytree(case, copy, ignore=shutil.ignore_patterns("__pycache__", ".flake8_async_tests_cache"))
    return copy


def settings_for(case: Path, cache_dir: str = CACHE_DIR) -> Settings:
    data = case_options(case)
    data.pop("no_pytest_config", None)
    data.setdefault("cache_dir", cache_dir)
    for key in ("enable", "selected_in_full"):
        if key in data:
            data[key] = frozenset(data[key])
    for key in ("disable", "blocking_calls", "resources", "runner_decorators"):
        if key in data:
            data[key] = tuple(data[key])
    return Settings(**data)


def expected_findings(case: Path) -> Counter:
    found: Counter = Counter()
    for path in sorted(case.rglob("*.py")):
        source = path.read_text()
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        except (tokenize.TokenError, SyntaxError):
            tokens = []
        for token in tokens:
            if token.type == tokenize.COMMENT:
                match = EXPECTATION.search(token.string)
                if match:
                    for code in match.group("codes").split(","):
                        found[(str(path.relative_to(case)), token.start[0], code.strip())] += 1
    return found


def flake8_tree(source: str) -> ast.Module | None:
    """The tree flake8 hands a plugin (None where flake8 would report E999 instead)."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def fresh_process_state() -> None:
    """Forget what this process learnt, as the next flake8 process would start: projects,
    conftests and every module built from a file (the on-disk cache stays)."""
    from flake8_async_tests import loading, project

    project.Project._instances.clear()
    project._config_for_directory.cache_clear()
    project._has_init.cache_clear()
    loading.forget_file_modules()


def actual_findings(case: Path, cache_dir: str = CACHE_DIR) -> Counter:
    settings = settings_for(case, cache_dir)
    case = linted_location(case)
    found: Counter = Counter()
    for path in sorted(case.rglob("*.py")):
        source = path.read_text()
        for finding in analyse(str(path), source, settings, flake8_tree(source)):
            found[(str(path.relative_to(case)), finding.line, finding.code)] += 1
    return found


def messages(case: Path) -> list[str]:
    """Every finding with its message, for reading a case's output."""
    settings = settings_for(case)
    case = linted_location(case)
    lines = []
    for path in sorted(case.rglob("*.py")):
        for f in sorted(analyse(str(path), path.read_text(), settings)):
            lines.append(f"{path.relative_to(case)}:{f.line}:{f.col + 1}: {f.code} {f.message}")
    return lines
