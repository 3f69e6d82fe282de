#!/usr/bin/env python3
"""Fuzz the plugin with generated async-test-shaped programs, in one process, every rule on.

Why a composer of our own and not only random Python: the plugin's inference only does work on
programs that look like tests — fixtures in conftests, marks, mocks and patch targets, TestCase
classes, event loops, tasks — inside projects with a pytest config. Each run writes several
small projects (each with its own config variant, some of which pytest itself rejects) into a
temporary folder, and lints every file of each through `analysis.analyse` with
FLAKE8_ASYNC_TESTS_RAISE=1, every opt-in rule enabled and all-code mode on: any exception is
an internal error (a finding lost in real use). `--aggressive` adds the inputs real editors and
CI give: half-typed files, null bytes, expressions nested as deep as CPython parses, patch
targets of hundreds of dotted parts.

It prints one line: "N programs, K internal errors, slowest file X s, peak RSS Y MB", and with
`--keep DIR` copies each project holding an internal error there, to reproduce with flake8.

    python scripts/fuzz.py --programs 10000 --seed 1 [--aggressive] [--keep /tmp/fuzz-crashes]

tests/test_fuzz.py runs a bounded slice (fixed seed, a few hundred programs). Standard library
only.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

os.environ["FLAKE8_ASYNC_TESTS_RAISE"] = "1"

#: pytest config files: (file name, text). The last ones are configs pytest or pytest-asyncio
#: reject; the plugin must neither crash nor half-apply them.
CONFIGS = [
    ("pytest.ini", "[pytest]\nasyncio_mode = strict\n"),
    ("pytest.ini", "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"),
    ("pyproject.toml", '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'),
    ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-p no:asyncio --strict-markers"\n'),
    ("setup.cfg", "[tool:pytest]\naddopts = --asyncio-mode=auto\n"),
    ("tox.ini", "[pytest]\ntrio_mode = true\n"),
    ("pytest.ini", "[pytest]\nanyio_mode = auto\n"),
    ("pytest.toml", '[pytest]\nasyncio_mode = "strict"\n'),
    ("pytest.ini", "[pytest]\nasyncio_mode = sometimes\n"),
    ("pytest.ini", "[pytest]\naddopts = \"--asyncio-mode=auto\n"),
    ("pyproject.toml", "[tool.pytest.ini_options\nasyncio_mode = 'auto'\n"),
    ("setup.cfg", "[tool:pytest]\n  bad indentation = x\nasyncio_mode\n"),
    (None, ""),  # no pytest config at all
]

IMPORTS = [
    "import asyncio", "import os", "import sys", "import time", "import unittest", "import pytest",
    "import pytest_asyncio", "import anyio", "import trio", "import aiohttp",
    "from unittest import mock", "from unittest.mock import AsyncMock, MagicMock, Mock, patch",
    "from app import service", "from app.service import Client, fetch_user, connect",
    "from app import *", "from . import helpers", "import app.service as svc",
]

LIBRARY = '''\
import asyncio

CACHE = {}
COUNTER = 0


async def fetch_user(user_id):
    await asyncio.sleep(0)
    return {"id": user_id}


def compute(x):
    return x * 2


async def stream(n):
    for i in range(n):
        yield i


class Client:
    def __init__(self, store=None):
        self.store = store
        self.lock = asyncio.Lock()

    async def fetch(self, key):
        return key

    def close(self):
        pass

    async def aclose(self):
        pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()


async def connect() -> Client:
    return Client()
'''

COROUTINE_CALLS = [
    "fetch_user(1)", "service.fetch_user({n})", "Client().fetch({n})", "client.fetch('k')",
    "asyncio.sleep(0)", "m.fetch()", "anyio.sleep(0)", "trio.sleep(0)", "self.client.fetch(1)",
    "unknown_coroutine()", "getattr(service, 'fetch_user')(1)", "svc.connect()", "connect()",
    "asyncio.wait_for(fetch_user(1), timeout=0.1)", "(lambda: fetch_user(1))()",
    "service.Client.fetch(Client(), 1)", "asyncio.to_thread(service.compute, 1)",
]
EXPRESSIONS = [
    "1", "{n}", "'text'", "None", "True", "client", "m", "service.CACHE", "[1, 2, 3]", "{{'a': 1}}",
    "service.compute({n})", "Client()", "len(items)", "x if x else y", "not done", "-{n}",
    "f'{{client!r}}'", "b'bytes'", "...", "(yield)", "lambda: 1", "{{*a, *b}}", "a[1:2]",
]
PATCH_TARGETS = [
    "app.service.fetch_user", "app.service.Client.fetch", "app.service.compute", "os.getcwd",
    "asyncio.sleep", "missing.module.name", "app.service", "", ".", "app..service", "app.service.",
    "builtins.open", "time.sleep", "app.service.Client", "app.service.CACHE", "ünïcode.näme",
]
MARKS = [
    "@pytest.mark.asyncio", "@pytest.mark.asyncio(loop_scope='module')", "@pytest.mark.anyio",
    "@pytest.mark.trio", "@pytest.mark.parametrize('x', [1, 2])", "@pytest.mark.skip",
    "@pytest.mark.usefixtures('client')", "@pytest.mark.timeout(1)", "@pytest.mark.xfail",
    "@patch('{target}')", "@patch.object(Client, 'fetch', new_callable=AsyncMock)",
    "@mock.patch('{target}', new=AsyncMock())", "@pytest.mark.asyncio()", "@pytest.mark.flaky",
]
MODULE_MARKS = ["pytest.mark.asyncio", "pytest.mark.anyio",
                '[pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]']
FIXTURE_DECORATORS = [
    "@pytest.fixture", "@pytest.fixture()", "@pytest.fixture(scope='module')",
    "@pytest.fixture(autouse=True)", "@pytest_asyncio.fixture",
    "@pytest_asyncio.fixture(loop_scope='session')",
    "@pytest_asyncio.fixture(scope='module', loop_scope='module')", "@pytest.fixture(params=[1, 2])",
    "@pytest.fixture(name='renamed')",
]
FIXTURE_NAMES = ["client", "m", "loop", "session", "event_loop", "anyio_backend", "monkeypatch", "tmp_path"]


@dataclass
class Composer:
    """Random async-test-shaped modules; every choice comes from `rng` (a fixed seed reproduces)."""

    rng: random.Random
    aggressive: bool = False

    def pick(self, options):
        return self.rng.choice(options)

    def fill(self, template: str) -> str:
        return template.format(n=self.rng.randint(0, 99), target=self.patch_target())

    def patch_target(self) -> str:
        if self.aggressive and self.rng.random() < 0.05:
            return ".".join(f"p{i}" for i in range(self.rng.choice([50, 500, 2000])))
        if self.rng.random() < 0.1:
            parts = self.rng.randint(2, 12)
            return ".".join(self.pick(["app", "service", "Client", "x"]) for _ in range(parts))
        return self.pick(PATCH_TARGETS)

    def coroutine_call(self) -> str:
        return self.fill(self.pick(COROUTINE_CALLS))

    def expression(self, depth: int = 0) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return self.deep_expression()
        if roll < 0.2 and depth < 3:
            operator = self.pick(["+", "==", "and", "<", "|", "@"])
            return f"{self.expression(depth + 1)} {operator} {self.expression(depth + 1)}"
        if roll < 0.3:
            return self.coroutine_call()
        return self.fill(self.pick(EXPRESSIONS))

    def deep_expression(self) -> str:
        """Expressions nested as deep as the composer dares: CPython parses ~480-term chains and
        ~190 nested parentheses; astroid's own recursion gives out earlier."""
        terms = self.rng.choice([20, 100, 250] + ([400, 470] if self.aggressive else []))
        kind = self.rng.randrange(4)
        if kind == 0:
            return " + ".join(f"'s{i}'" for i in range(terms))
        if kind == 1:
            depth = min(terms, 150 if self.aggressive else 60)
            return "f(" * depth + "1" + ")" * depth
        if kind == 2:
            return "x" + ".a" * terms
        return "[" * min(terms, 60) + "1" + "]" * min(terms, 60)

    def statement(self, indent: int, depth: int, in_async: bool, in_class: bool) -> list[str]:
        pad = "    " * indent
        roll = self.rng.random()
        if depth > 0 and roll < 0.25:
            return self.compound(indent, depth, in_async, in_class)
        call = self.coroutine_call()
        simple = [
            f"await {call}" if in_async else f"asyncio.run({call})",
            call, f"result = {call}", f"task = asyncio.create_task({call})",
            f"asyncio.ensure_future({call})", f"await asyncio.gather({call}, {self.coroutine_call()})",
            f"asyncio.gather({call})", f"await asyncio.sleep({self.rng.choice([0, 0.1, 1, 5])})",
            f"time.sleep({self.rng.choice([0, 0.1, 1])})",
            f"asyncio.get_event_loop().run_until_complete({call})", "loop = asyncio.new_event_loop()",
            "asyncio.set_event_loop(loop)", "loop.close()", f"loop.run_until_complete({call})",
            "m = AsyncMock()", "m = MagicMock(spec=Client)", "m = Mock()",
            "m.fetch = AsyncMock(return_value=1)",
            "m.fetch.assert_called_once_with(1)", "m.fetch.assert_awaited_once()", "m.fetch.assert_called()",
            f"m.fetch.return_value = {self.expression()}", "m.fetch.side_effect = ValueError",
            "client.fetch = MagicMock()", "service.fetch_user = Mock()",
            f"monkeypatch.setattr(service, 'fetch_user', {self.pick(['lambda *a: 1', 'AsyncMock()'])})",
            f"monkeypatch.setattr('{self.patch_target()}', Mock())",
            "service.CACHE['k'] = 1", "service.COUNTER += 1", "os.environ['X'] = '1'", "sys.path.append('x')",
            "global COUNTER", "COUNTER = COUNTER + 1", f"assert {self.expression()}",
            f"{self.expression()} == {self.expression()}", "start = time.monotonic()",
            "assert time.monotonic() - start < 1", "session = aiohttp.ClientSession()",
            "reader, writer = await asyncio.open_connection('h', 1)" if in_async else "writer.close()",
            "self.assertEqual(1, 1)" if in_class else "assert True", f"print({self.expression()})",
            f"x = {self.expression()}", f"items = [{call} for _ in range(3)]",
            f"del {self.pick(['x', 'm', 'items'])}",
            "return", "return 1" if not in_async else f"return {call}", "pass", "...",
            f"(y := {self.expression()})", "raise unittest.SkipTest('no')", "pytest.skip('no')",
            f"value = {self.deep_expression()}", "nonlocal x" if depth % 2 else "x = 1",
            "yield" if self.rng.random() < 0.1 else "pass", f"f(*args, **{{'k': {call}}})",
        ]
        return [pad + self.pick(simple)]

    def compound(self, indent: int, depth: int, in_async: bool, in_class: bool) -> list[str]:
        pad = "    " * indent
        headers = [
            "if x:", "for item in items:", "while not done:", "try:", "with pytest.raises(ValueError):",
            f"with patch('{self.patch_target()}') as p:",
            "with patch.object(Client, 'fetch', new_callable=AsyncMock):",
            f"with mock.patch('{self.patch_target()}', return_value=1):", "else_block = 1\nif y:",
        ]
        if in_async:
            headers += ["async with Client() as client:", "async with anyio.create_task_group() as tg:",
                        "async for item in service.stream(3):", "async with asyncio.timeout(1):",
                        "async with asyncio.TaskGroup() as tg:", "async with session:"]
        header = self.pick(headers)
        if "\n" in header:
            first, header = header.split("\n")
            lines = [pad + first]
        else:
            lines = []
        lines.append(pad + header)
        body_count = self.rng.randint(1, 3)
        for _ in range(body_count):
            lines += self.statement(indent + 1, depth - 1, in_async, in_class)
        if header == "try:":
            handler = self.pick(["except Exception:", "finally:", "except* ValueError:"])
            lines += [pad + handler, pad + "    pass"]
        if self.rng.random() < 0.1:
            lines += [pad + f"def inner{depth}():"] + self.statement(indent + 1, depth - 1, False, in_class)
        return lines

    def function(self, name: str, indent: int, in_class: bool, fixture: bool) -> list[str]:
        pad = "    " * indent
        is_async = self.rng.random() < 0.7
        decorators = []
        if fixture:
            decorators.append(self.pick(FIXTURE_DECORATORS))
        else:
            for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
                decorators.append(self.fill(self.pick(MARKS)))
        params = (["self"] if in_class else []) + self.rng.sample(FIXTURE_NAMES, self.rng.randint(0, 3))
        if any(d.startswith(("@patch", "@mock.patch")) for d in decorators):
            params.append("patched")
        lines = [pad + d for d in decorators]
        lines.append(pad + f"{'async ' if is_async else ''}def {name}({', '.join(params)}):")
        depth = self.rng.choice([1, 2, 3, 4] + ([12, 40] if self.aggressive else []))
        if fixture and self.rng.random() < 0.6:
            made = self.pick(["Client()", "AsyncMock()", "await connect()" if is_async else "connect()",
                              "asyncio.new_event_loop()", "MagicMock()"])
            body = [pad + "    value = " + made]
            body.append(pad + "    yield value")
            body += self.statement(indent + 1, 1, is_async, in_class)
        else:
            body = []
            for _ in range(self.rng.randint(1, 6)):
                body += self.statement(indent + 1, depth, is_async, in_class)
        return lines + body

    def test_case_class(self, index: int) -> list[str]:
        base = self.pick(["unittest.IsolatedAsyncioTestCase", "unittest.TestCase", "", "object",
                          "unittest.IsolatedAsyncioTestCase, Mixin", "metaclass=Meta"])
        lines = [f"class Test{index}({base}):" if base else f"class Test{index}:"]
        if self.rng.random() < 0.3:
            marks = ["pytest.mark.asyncio", "[pytest.mark.anyio]", "pytest.mark.trio"]
            lines.append("    pytestmark = " + self.pick(marks))
        setups = ["asyncSetUp", "setUp", "asyncTearDown", "setup_method"]
        for setup in self.rng.sample(setups, self.rng.randint(0, 2)):
            lines += [f"    {'async ' if 'async' in setup else ''}def {setup}(self):",
                      "        self.client = Client()", "        self.m = AsyncMock()"]
        for number in range(self.rng.randint(1, 4)):
            lines += [""] + self.function(f"test_method_{number}", 1, True, fixture=False)
        return lines

    def module(self, conftest: bool = False) -> str:
        lines = self.rng.sample(IMPORTS, self.rng.randint(3, len(IMPORTS)))
        if self.rng.random() < 0.3:
            lines.append("pytestmark = " + self.pick(MODULE_MARKS))
        if self.rng.random() < 0.2:
            lines.append("COUNTER = 0\nREGISTRY = {}")
        pieces = self.rng.randint(1, 6)
        for index in range(pieces):
            roll = self.rng.random()
            lines.append("")
            if conftest or roll < 0.3:
                name = self.pick(FIXTURE_NAMES[:5]) + (f"_{index}" if index % 2 else "")
                lines += self.function(name, 0, False, fixture=True)
            elif roll < 0.5:
                lines += self.test_case_class(index)
            elif roll < 0.55:
                lines += ["def pytest_collection_modifyitems(items):", "    for item in items:",
                          "        item.add_marker(pytest.mark.asyncio)"]
            else:
                lines += self.function(f"test_{index}", 0, False, fixture=False)
        text = "\n".join(lines) + "\n"
        return self.damage(text) if self.aggressive and self.rng.random() < 0.15 else text

    def damage(self, text: str) -> str:
        """What an editor or a broken checkout hands flake8: half-typed, NUL bytes, odd line ends."""
        kind = self.rng.randrange(5)
        if kind == 0:
            return text[: self.rng.randrange(len(text))]
        if kind == 1:
            at = self.rng.randrange(len(text))
            return text[:at] + "\x00" + text[at:]
        if kind == 2:
            return text.replace("\n", "\r\n")
        if kind == 3:
            return "\ufeff" + text
        return text.replace("    ", "\t", 1)

    def project(self) -> dict[str, str]:
        """A small project: config, a library package, conftests, a few test modules."""
        files: dict[str, str] = {}
        config_name, config_text = self.pick(CONFIGS)
        if config_name:
            files[config_name] = config_text
        layout = self.pick(["src/app", "app"])
        files[f"{layout}/__init__.py"] = ""
        files[f"{layout}/service.py"] = LIBRARY
        files["tests/__init__.py"] = "" if self.rng.random() < 0.5 else None
        files["tests/helpers.py"] = "async def wait_for_it():\n    return 1\n"
        files["tests/conftest.py"] = self.module(conftest=True)
        if self.rng.random() < 0.3:
            files["tests/sub/conftest.py"] = self.module(conftest=True)
        for number in range(self.rng.randint(2, 6)):
            folder = self.pick(["tests", "tests/sub"]) if "tests/sub/conftest.py" in files else "tests"
            files[f"{folder}/test_generated_{number}.py"] = self.module()
        return {name: text for name, text in files.items() if text is not None}


@dataclass
class Report:
    programs: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    @property
    def peak_rss_mb(self) -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    def line(self) -> str:
        return (f"{self.programs} programs, {len(self.errors)} internal errors, "
                f"slowest file {self.slowest[0]:.2f} s, peak RSS {self.peak_rss_mb:.0f} MB")


def settings(cache_dir: str):
    from flake8_async_tests.config import Settings
    from flake8_async_tests.rules import CATALOGUE

    return Settings(enable=frozenset(rule.code for rule in CATALOGUE if rule.opt_in), all_code=True,
                    cache_dir=cache_dir)


def lint_file(path: Path, options) -> None:
    from flake8_async_tests.analysis import analyse

    source = path.read_bytes().decode("utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # flake8 reports E999 and runs no plugin on the file
    analyse(str(path), source, options, tree)


def where(error: BaseException) -> str:
    """The innermost frame of the plugin's code: what an internal error is reported by."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if "flake8_async_tests" in frame.filename]
    frame = frames[-1] if frames else traceback.extract_tb(error.__traceback__)[-1]
    place = f"{Path(frame.filename).name}:{frame.lineno} ({frame.name})"
    return f"{type(error).__name__} at {place}: {error}"[:300]


def run(seed: int, programs: int, aggressive: bool = False, keep: Path | None = None,
        workdir: Path | None = None, verbose: bool = False) -> Report:
    """Generate and lint projects until `programs` files are linted; every exception counts."""
    composer = Composer(random.Random(seed), aggressive)
    report = Report()
    root = Path(tempfile.mkdtemp(prefix="fuzz-", dir=workdir))
    options = settings(str(root / "cache"))
    project_number = 0
    try:
        while report.programs < programs:
            project_root = root / f"project_{project_number}"
            project_number += 1
            for name, text in composer.project().items():
                (project_root / name).parent.mkdir(parents=True, exist_ok=True)
                (project_root / name).write_text(text, encoding="utf-8")
            crashed = False
            for path in sorted(project_root.rglob("*.py")):
                if report.programs >= programs:
                    break
                report.programs += 1
                started = time.perf_counter()
                try:
                    lint_file(path, options)
                except Exception as error:  # an internal error: FLAKE8_ASYNC_TESTS_RAISE=1 raises them
                    report.errors.append((str(path.relative_to(root)), where(error)))
                    crashed = True
                    if verbose:
                        print(f"{path}: {where(error)}", file=sys.stderr)
                elapsed = time.perf_counter() - started
                if elapsed > report.slowest[0]:
                    report.slowest = (elapsed, str(path.relative_to(root)))
                if verbose and report.programs % 250 == 0:
                    print(report.line(), file=sys.stderr, flush=True)
            if crashed and keep is not None:
                shutil.copytree(project_root, keep / project_root.name, dirs_exist_ok=True)
            shutil.rmtree(project_root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", type=int, default=1000, help="how many files to lint")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--aggressive", action="store_true",
                        help="damaged files, deepest nesting, huge patch targets")
    parser.add_argument("--keep", type=Path, help="copy projects with internal errors here")
    parser.add_argument("--verbose", action="store_true",
                        help="print each internal error as it happens, and the totals every 250 programs")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    report = run(args.seed, args.programs, args.aggressive, args.keep, verbose=args.verbose)
    seen: dict[str, str] = {}
    for path, error in report.errors:
        seen.setdefault(error.split(":", 1)[0] + error.split("(", 1)[0], f"{path}: {error}")
    for example in seen.values():
        print(example)
    print(f"slowest: {report.slowest[1]}")
    print(report.line())
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
