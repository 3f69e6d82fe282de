"""Which tests of the project request a fixture: the tests below a conftest, read from disk.

Why: some findings belong at a fixture's definition but depend on who requests it. An async
fixture under `@pytest.fixture` in strict mode works for the anyio and trio tests that request it
and fails every other test (ASYNC520); a function-scoped `event_loop` fixture is harmless for the
sync tests that drive it and silently ignored by pytest-asyncio's async tests (ASYNC523). Whether
"any module of the tree mentions anyio" is a poor stand-in: one anyio test elsewhere silenced
every fixture of a shared conftest.

How: the test modules under the fixture's directory (only its own module, for a fixture defined
in a test module) are read with Python's `ast` (cheap: no astroid, no imports followed). For each
test, the fixtures it requests — parameters, `usefixtures`, `getfixturevalue("name")`, and the
autouse fixtures it sees — are resolved as pytest resolves them (its class, its module, then the
conftest files from its directory up, nearest first), and followed through the fixtures they
request in turn. Conftest files are described by `Project.conftest` (fixtures they import or
take from `pytest_plugins` included). Runner marks are read in the spellings real code uses
(`@pytest.mark.anyio`, `@mark.anyio`, `anyio_mark = pytest.mark.anyio`, `pytestmark = [...]`,
marks of a base class in the same module).

Unknown stays unknown: a tree with more than TREE_FILE_LIMIT files, or a test module that does
not parse, gives no answer (None), and the rules stay silent.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import budget
from .fixtures import FIXTURE_DECORATORS
from .name_index import PROJECT_SKIPPED_DIRECTORIES

if TYPE_CHECKING:  # pragma: no cover
    from ..project import Project

#: Above this many test modules and conftest files under one directory, no answer.
TREE_FILE_LIMIT = 3000
MARK = re.compile(r"(?:^|\.)mark\.(\w+)")
RUNNER_MARKS = frozenset({"asyncio", "anyio", "trio"})


@dataclass(frozen=True)
class Definition:
    """One fixture definition, as far as requests are concerned."""

    key: tuple[str, int]  # (file, astroid's `lineno`: the first decorator's line)
    name: str
    arguments: tuple[str, ...]
    is_async: bool
    kind: str  # pytest, pytest_asyncio, pytest_trio
    autouse: bool


@dataclass
class TestRequests:
    """One test function and what it asks for, before resolution."""

    name: str
    path: Path
    line: int
    is_async: bool
    in_unittest_class: bool
    marks: frozenset[str]  # runner marks reaching it (function, class, module)
    requested: tuple[str, ...]
    class_fixtures: dict[str, Definition] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


@dataclass
class TestModuleRequests:
    path: Path
    fixtures: dict[str, Definition]
    tests: list[TestRequests]


@dataclass
class Request:
    """A test whose fixture closure reaches a definition."""

    test: TestRequests
    direct: bool  # the test names the fixture itself (not through another fixture)
    anyio_or_trio: bool  # anyio or trio runs the test (a mark, or anyio_backend in its closure)
    #: the decorator kinds (pytest, pytest_asyncio...) of the async fixtures of the closure that
    #: name the fixture themselves
    async_requesters: frozenset[str] = frozenset()


class FixtureUsers:
    """The requests of the fixtures of one project (built on first use, kept per process)."""

    def __init__(self, project: "Project") -> None:
        self.project = project
        self._modules: dict[Path, TestModuleRequests | None] = {}
        self._trees: dict[Path, list[Path] | None] = {}
        self._chains: dict[Path, list[dict[str, Definition]]] = {}
        self._closures: dict[tuple[Path, int], tuple] = {}

    def requests_of(self, defined_in: Path, key: tuple[str, int]) -> list[Request] | None:
        """The tests whose fixture closure reaches the definition `key` (a fixture defined in
        `defined_in`: a conftest, or a test module); None when that cannot be known."""
        if defined_in.name == "conftest.py":
            modules = self._test_modules_below(defined_in.parent)
        else:
            modules = [defined_in]
        if modules is None:
            return None
        found = []
        for path in modules:
            described = self._module(path)
            if described is None:
                return None
            for test in described.tests:
                closure = self._closures.get((path, test.line))
                if closure is None:
                    closure = self._closures[(path, test.line)] = self._closure(test, described)
                keys, names, direct, by_async = closure
                if key in keys:
                    anyio = bool(test.marks & {"anyio", "trio"}) or "anyio_backend" in names
                    found.append(Request(test, key in direct, anyio, frozenset(by_async.get(key, ()))))
        return found

    # -- resolution, as pytest does it -----------------------------------------------------

    def _closure(self, test: TestRequests, module: TestModuleRequests) -> tuple:
        """(keys of the definitions the test's fixture closure reaches, the names requested
        along the way, the keys the test requests itself, {key: kinds of the async fixtures
        that request it})."""
        pending = [(name, None) for name in list(test.requested) + self._autouse_names(test, module)]
        keys: set[tuple[str, int]] = set()
        names: set[str] = set()
        direct: set[tuple[str, int]] = set()
        by_async: dict[tuple[str, int], set[str]] = {}
        seen: set = set()
        while pending:
            name, requester = pending.pop()
            overriding = requester is not None and requester.name == name  # `def db(db)`
            definition = self._resolve(name, module, test, requester if overriding else None)
            if definition is not None and requester is not None and requester.is_async:
                by_async.setdefault(definition.key, set()).add(requester.kind)
            question = (name, requester.key if overriding else None)
            if question in seen:
                continue
            seen.add(question)
            names.add(name)
            if definition is None or definition.key in keys:
                continue
            keys.add(definition.key)
            pending += [(argument, definition) for argument in definition.arguments]
        for name in test.requested:
            definition = self._resolve(name, module, test, None)
            if definition is not None:
                direct.add(definition.key)
        return keys, names, direct, by_async

    def _resolve(self, name: str, module: TestModuleRequests, test: TestRequests | None,
                 overridden_by: Definition | None) -> Definition | None:
        """The definition of `name` a test of `module` gets (its class, its module, the conftest
        files nearest first); with `overridden_by`, the one that definition overrides."""
        candidates: list[Definition] = []
        if test is not None and name in test.class_fixtures:
            candidates.append(test.class_fixtures[name])
        if name in module.fixtures:
            candidates.append(module.fixtures[name])
        for definitions in self._conftest_definitions(module.path):
            if name in definitions:
                candidates.append(definitions[name])
        if overridden_by is not None:
            keys = [c.key for c in candidates]
            if overridden_by.key not in keys:
                return None
            candidates = candidates[keys.index(overridden_by.key) + 1:]
        return candidates[0] if candidates else None

    def _autouse_names(self, test: TestRequests, module: TestModuleRequests) -> list[str]:
        names = [d.name for d in test.class_fixtures.values() if d.autouse]
        names += [d.name for d in module.fixtures.values() if d.autouse]
        for definitions in self._conftest_definitions(module.path):
            names += [d.name for d in definitions.values() if d.autouse]
        return names

    def _conftest_definitions(self, path: Path) -> list[dict[str, Definition]]:
        """The fixtures of the conftest files that apply to `path`, nearest first."""
        directory = path.parent
        if directory not in self._chains:
            self._chains[directory] = [_definitions(c.fixtures) for c in self.project.conftest_chain(path)]
        return self._chains[directory]

    # -- reading the tree --------------------------------------------------------------------

    def _test_modules_below(self, directory: Path) -> list[Path] | None:
        if directory not in self._trees:
            found: list[Path] | None = []
            for current, subdirectories, files in os.walk(directory):
                subdirectories[:] = sorted(d for d in subdirectories if d not in PROJECT_SKIPPED_DIRECTORIES
                                           and not d.startswith(".") and not d.endswith(".egg-info"))
                found += [Path(current) / f for f in sorted(files)
                          if f.endswith(".py") and self.project.is_test_module(Path(current) / f)]
                if len(found) > TREE_FILE_LIMIT:
                    found = None
                    break
            self._trees[directory] = found
        return self._trees[directory]

    def _module(self, path: Path) -> TestModuleRequests | None:
        if path not in self._modules:
            with budget.reading():  # once per worker: not charged to the file that asks first
                self._modules[path] = read_test_module(path, self.project)
        return self._modules[path]


def _definitions(fixtures: dict) -> dict[str, Definition]:
    """model.fixtures.Fixture objects (of a conftest) -> Definitions, by requested name."""
    found = {}
    for name, fixture in fixtures.items():
        node = fixture.node
        found[name] = Definition(
            key=(node.root().file or "", node.lineno),
            name=name,
            arguments=tuple(fixture.arguments),
            is_async=fixture.is_async,
            kind=fixture.kind,
            autouse=fixture.autouse,
        )
    return found


# ---------------------------------------------------------------------------------------------
# One test module, read with Python's ast


def read_test_module(path: Path, project: "Project") -> TestModuleRequests | None:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = _ImportedNames(tree)
    aliases = _mark_aliases(tree, names)
    module_marks = _pytestmark(tree.body, names, aliases)
    described = TestModuleRequests(path, {}, [])
    classes = {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}
    pytest_module = project.matches_python_files(path)
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            definition = _fixture(statement, path, names, in_class=False)
            if definition is not None:
                described.fixtures[definition.name] = definition
            elif pytest_module and project.is_test_function_name(statement.name):
                described.tests.append(_test(statement, path, names, aliases, module_marks, {}, False))
        elif isinstance(statement, ast.ClassDef):
            _read_class(statement, described, project, names, aliases, module_marks, classes, pytest_module)
    return described


def _read_class(cls: ast.ClassDef, described: TestModuleRequests, project: "Project",
                names: "_ImportedNames", aliases: dict[str, str], inherited: frozenset[str],
                classes: dict[str, ast.ClassDef], pytest_module: bool) -> None:
    unittest_class = any("TestCase" in _dotted(base) for base in cls.bases)
    if not unittest_class and not (pytest_module and project.is_test_class_name(cls.name)):
        return
    marks = set(inherited) | _decorator_marks(cls.decorator_list, names, aliases) \
        | _pytestmark(cls.body, names, aliases)
    for base in cls.bases:  # marks of a base class in the same module reach its tests
        parent = classes.get(_dotted(base))
        if parent is not None and parent is not cls:
            marks |= _decorator_marks(parent.decorator_list, names, aliases)
            marks |= _pytestmark(parent.body, names, aliases)
    class_fixtures = {}
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            definition = _fixture(statement, described.path, names, in_class=True)
            if definition is not None:
                class_fixtures[definition.name] = definition
    for statement in cls.body:
        is_function = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        if is_function and statement.name not in class_fixtures:
            is_test = statement.name.startswith("test") if unittest_class \
                else project.is_test_function_name(statement.name)
            if is_test:
                described.tests.append(_test(statement, described.path, names, aliases, frozenset(marks),
                                             class_fixtures, unittest_class))
        elif isinstance(statement, ast.ClassDef):
            _read_class(statement, described, project, names, aliases, frozenset(marks), classes,
                        pytest_module)


def _test(function, path: Path, names: "_ImportedNames", aliases: dict[str, str],
          inherited: frozenset[str], class_fixtures: dict[str, Definition],
          unittest_class: bool) -> TestRequests:
    marks = set(inherited) | _decorator_marks(function.decorator_list, names, aliases)
    requested = _parameters(function, in_class=_is_method(function))
    parametrized = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _mark_of(decorator, names, aliases) == "parametrize" \
                and decorator.args:
            parametrized |= set(_strings(decorator.args[0], split=True))
        if isinstance(decorator, ast.Call) and _mark_of(decorator, names, aliases) == "usefixtures":
            for argument in decorator.args:
                requested += _strings(argument)
    requested = [name for name in requested if name not in parametrized]
    for node in ast.walk(function):  # request.getfixturevalue("db")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "getfixturevalue" and node.args:
            requested += _strings(node.args[0])
    return TestRequests(
        name=function.name, path=path, line=function.lineno,
        is_async=isinstance(function, ast.AsyncFunctionDef), in_unittest_class=unittest_class,
        marks=frozenset(m for m in marks if m in RUNNER_MARKS), requested=tuple(requested),
        class_fixtures=dict(class_fixtures),
    )


def _is_method(function) -> bool:
    arguments = function.args.posonlyargs + function.args.args
    return bool(arguments) and arguments[0].arg in ("self", "cls")


def _parameters(function, in_class: bool) -> list[str]:
    """The parameter names pytest fills with fixtures: not self/cls, none with a default."""
    arguments = function.args
    positional = [a.arg for a in arguments.posonlyargs + arguments.args]
    if arguments.defaults:
        positional = positional[: len(positional) - len(arguments.defaults)]
    if in_class and positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    keyword = [a.arg for a, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is None]
    return positional + keyword


def _fixture(function, path: Path, names: "_ImportedNames", in_class: bool) -> Definition | None:
    for decorator in function.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        qualified = names.qualify(_dotted(call.func if call else decorator))
        kind = FIXTURE_DECORATORS.get(qualified or "")
        if kind is None:
            continue
        keywords = {k.arg: k.value for k in (call.keywords if call else ()) if k.arg}
        name = keywords.get("name")
        autouse = keywords.get("autouse")
        return Definition(
            # astroid's line of a decorated function is its first decorator's: the same key
            key=(str(path), function.decorator_list[0].lineno),
            name=name.value if isinstance(name, ast.Constant) and isinstance(name.value, str)
            else function.name,
            arguments=tuple(_parameters(function, in_class)),
            is_async=isinstance(function, ast.AsyncFunctionDef),
            kind=kind,
            autouse=isinstance(autouse, ast.Constant) and autouse.value is True,
        )
    return None


class _ImportedNames:
    """Local name -> dotted name, from the module's imports (`from pytest import mark as m`)."""

    def __init__(self, tree: ast.Module) -> None:
        self.names: dict[str, str] = {}
        for statement in tree.body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    self.names[alias.asname or alias.name.split(".")[0]] = \
                        alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                for alias in statement.names:
                    self.names[alias.asname or alias.name] = f"{statement.module}.{alias.name}"

    def qualify(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        if head in self.names:
            return f"{self.names[head]}.{rest}" if rest else self.names[head]
        return dotted


def _dotted(expression: ast.AST) -> str:
    parts = []
    while isinstance(expression, ast.Attribute):
        parts.append(expression.attr)
        expression = expression.value
    if isinstance(expression, ast.Name):
        parts.append(expression.id)
        return ".".join(reversed(parts))
    return ""


def _mark_of(expression: ast.AST, names: _ImportedNames, aliases: dict[str, str]) -> str | None:
    """The mark a decorator or pytestmark element names ('anyio'), in any spelling."""
    if isinstance(expression, ast.Call):
        expression = expression.func
    dotted = _dotted(expression)
    if dotted in aliases:
        return aliases[dotted]
    qualified = names.qualify(dotted)
    match = MARK.search(qualified) if qualified.startswith(("pytest.", "_pytest.")) else None
    return match.group(1) if match else None


def _mark_aliases(tree: ast.Module, names: _ImportedNames) -> dict[str, str]:
    """`anyio_mark = pytest.mark.anyio` at module level: the alias names the mark."""
    aliases: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id != "pytestmark":
            mark = _mark_of(statement.value, names, aliases)
            if mark is not None:
                aliases[statement.targets[0].id] = mark
    return aliases


def _decorator_marks(decorators: list[ast.expr], names: _ImportedNames, aliases: dict[str, str]) -> set[str]:
    return {mark for mark in (_mark_of(d, names, aliases) for d in decorators) if mark}


def _pytestmark(body: list[ast.stmt], names: _ImportedNames, aliases: dict[str, str]) -> frozenset[str]:
    """The marks of `pytestmark = ...` (a mark, a list or tuple of them), `+=` and `.append`."""
    marks: set[str] = set()
    for statement in body:
        values: list[ast.expr] = []
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets) and statement.value:
                values.append(statement.value)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
                and _dotted(statement.value.func) in ("pytestmark.append", "pytestmark.extend"):
            values += statement.value.args
        for value in values:
            elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            marks |= {m for m in (_mark_of(e, names, aliases) for e in elements) if m}
    return frozenset(marks)


def _strings(expression: ast.AST, split: bool = False) -> list[str]:
    """String constants of an argument (`"a, b"` split on commas where `split`)."""
    values = expression.elts if isinstance(expression, (ast.List, ast.Tuple)) else [expression]
    found = []
    for value in values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found += [p.strip() for p in value.value.split(",")] if split else [value.value]
    return [name for name in found if name]
