"""The facts about one linted module that the rules share: tests, classes, fixtures, runners.

Facts only, no findings. Built once per file, lazily where a fact costs inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from astroid import nodes

from ..inference import give_fixture_values
from ..project import ANYIO_OR_TRIO, Conftest, Project
from .decorators import decorator_name, unknown_decorators
from .fixture_users import Request
from .fixtures import Fixture, fixture_of, fixtures_in, requested_names
from .marks import Mark, RUNNER_MARKS, decorator_marks, mark_from_expression, pytestmark_marks
from .name_index import Names, callee_name, dynamic_names, imported_packages, source_names
from .unittest_classes import TestCaseKind, classify
from ..rendering import module_source, short_text


@dataclass
class TestClass:
    node: nodes.ClassDef
    kind: TestCaseKind
    collected: bool  # pytest collects it (name pattern, no __init__, or a unittest TestCase)
    marks: list[Mark]  # its own and its ancestors' class marks
    fixtures: dict[str, Fixture]
    parent: "TestClass | None" = None


@dataclass
class TestFunction:
    node: nodes.FunctionDef
    cls: TestClass | None
    marks: list[Mark]  # function-level marks only

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, nodes.AsyncFunctionDef)

    @property
    def in_unittest_class(self) -> bool:
        return self.cls is not None and self.cls.kind.is_testcase


@dataclass
class Runners:
    """Who runs one async test."""

    names: set[str] = field(default_factory=set)  # asyncio, anyio, trio, unittest, custom
    unknown: str = ""  # why we cannot know (a hook, a decorator, an unresolved base class)
    marks: list[Mark] = field(default_factory=list)  # the runner marks that reach the test


class TestModule:
    def __init__(self, module: nodes.Module, path: Path, project: Project, source: str = "") -> None:
        self.module = module
        self.source = source
        self.path = path
        self.project = project
        self.setup = project.setup
        self.is_conftest = path.name == "conftest.py"
        self.is_test_module = project.is_test_module(path)
        #: pytest collects its functions and Test* classes too (not only its unittest classes)
        self.is_pytest_module = self.is_test_module and project.matches_python_files(path)
        self.module_marks = pytestmark_marks(module, "module")
        self.fixtures: dict[str, Fixture] = {}
        self.class_info: dict[nodes.ClassDef, TestClass] = {}
        self.tests: list[TestFunction] = []
        self._tests_by_node: dict[nodes.FunctionDef, TestFunction] = {}
        self._fixtures_by_node: dict[nodes.FunctionDef, Fixture] = {}
        self._fixture_values_given = False
        self._runners: dict[nodes.FunctionDef, Runners] = {}
        #: memos that several rules share for this file (what a call replaces, which mock...)
        self.rule_caches: dict[str, dict] = {}
        self._collect()

    # -- collection ------------------------------------------------------------------------

    def _collect(self) -> None:
        from ..project import imported_fixtures

        requestable = _requestable_names(self.module)
        self.fixtures = dict(imported_fixtures(self.module, lambda name, _import: name in requestable))
        self.fixtures.update(fixtures_in(self.module))
        for fixture in self.fixtures.values():
            self._fixtures_by_node[fixture.node] = fixture
        for statement in self.module.body:
            if isinstance(statement, nodes.FunctionDef) and self.is_pytest_module:
                self._maybe_test(statement, None)
            elif isinstance(statement, nodes.ClassDef):
                self._collect_class(statement, None)

    def _collect_class(self, node: nodes.ClassDef, parent: TestClass | None) -> None:
        kind = classify(node)
        collected = self.is_test_module and (
            kind.is_testcase
            or (
                self.is_pytest_module
                and self.project.is_test_class_name(node.name)
                and "__init__" not in node.locals
                and (parent is None or parent.collected)
            )
        )
        if _dunder_test_false(node):
            collected = False
        marks = decorator_marks(node, "class") + pytestmark_marks(node, "class")
        for ancestor in kind.own_classes[1:]:
            marks += decorator_marks(ancestor, "class") + pytestmark_marks(ancestor, "class")
        info = TestClass(node, kind, collected, marks, fixtures_in(node), parent)
        self.class_info[node] = info
        for fixture in info.fixtures.values():
            self._fixtures_by_node[fixture.node] = fixture
        for statement in node.body:
            if isinstance(statement, nodes.FunctionDef) and collected:
                self._maybe_test(statement, info)
            elif isinstance(statement, nodes.ClassDef):
                self._collect_class(statement, info)

    def _maybe_test(self, node: nodes.FunctionDef, cls: TestClass | None) -> None:
        if node in self._fixtures_by_node or fixture_of(node) is not None:
            return
        if cls is not None and cls.kind.is_testcase:
            is_test = node.name.startswith("test")
        else:
            is_test = self.project.is_test_function_name(node.name)
        if not is_test or _dunder_test_false(node):
            return
        test = TestFunction(node, cls, decorator_marks(node, "function"))
        self.tests.append(test)
        self._tests_by_node[node] = test

    # -- lookups ---------------------------------------------------------------------------

    def test_for(self, node: nodes.NodeNG) -> TestFunction | None:
        return self._tests_by_node.get(node)

    def fixture_for(self, node: nodes.NodeNG) -> Fixture | None:
        return self._fixtures_by_node.get(node)

    @property
    def all_fixtures(self) -> list[Fixture]:
        return list(self._fixtures_by_node.values())

    @cached_property
    def conftests(self) -> list[Conftest]:
        return self.project.conftest_chain(self.path)

    @cached_property
    def runner_hook(self) -> str:
        """A conftest hook that may run or mark async tests: runner facts become unknown."""
        for conftest in self.conftests + self.project.addopts_plugins():
            if conftest.runner_hook:
                return conftest.runner_hook
        return ""

    @cached_property
    def legacy_event_loop(self) -> Fixture | None:
        """A visible `event_loop` fixture that widens the loop's scope: the project runs
        pytest-asyncio < 1.0, where loop scopes work differently (ASYNC522/524 do not apply)."""
        fixture = self.project.resolve_fixture("event_loop", self.path, self.fixtures)
        if fixture is not None and fixture.scope != "function":
            return fixture
        return None

    @cached_property
    def uses_anyio_or_trio(self) -> bool:
        """Does anything in this module, its conftest files or (for a conftest) the tree below
        mention anyio or trio? If not, neither runs this module's async fixtures."""
        if self.setup.trio_mode or self.setup.anyio_auto:
            return True
        if ANYIO_OR_TRIO.search(self.source or module_source(self.module)):
            return True
        if self.is_conftest and self.project.tree_uses_anyio_or_trio(self.path.parent):
            return True
        return any(conftest.uses_anyio_or_trio for conftest in self.conftests)

    def anyio_or_trio_may_run(self, fixture: Fixture) -> bool:
        """May anyio or trio run this async fixture (ASYNC520)? They run the async fixtures in
        the closure of their own tests (anyio: those with `anyio_backend` in it). So: yes under
        trio_mode / anyio's auto mode; no where nothing mentions them; otherwise yes when an
        anyio or trio test requests it (through other fixtures too), when no test is seen
        requesting it, or when the tree cannot be read (project.fixture_users)."""
        if self.setup.trio_mode or self.setup.anyio_auto:
            return True
        if not self.uses_anyio_or_trio:
            return False
        requests = self.fixture_requests(fixture)
        return requests is None or not requests or any(r.anyio_or_trio for r in requests)

    def fixture_requests(self, fixture: Fixture) -> list[Request] | None:
        """The tests (below a conftest, or of the fixture's own test module) that get this
        fixture, read from disk; None when unknown."""
        path = Path(fixture.node.root().file or self.path)
        return self.project.fixture_users.requests_of(path, (str(path), fixture.node.lineno))

    @cached_property
    def hooks(self) -> set[str]:
        """The pytest hooks the conftest chain and the -p plugins implement."""
        found: set[str] = set()
        for conftest in self.conftests + self.project.addopts_plugins():
            found |= conftest.hooks
        return found

    def hook_functions(self, hook: str) -> list[nodes.FunctionDef] | None:
        """The definitions of `hook` that apply to this module (its conftest chain and the -p
        plugins), nearest first; None when one of them is not a plain function we can read."""
        found: list[nodes.FunctionDef] = []
        for conftest in self.conftests + self.project.addopts_plugins():
            if hook not in conftest.hooks:
                continue
            functions = conftest.hook_functions.get(hook)
            if not functions:
                return None
            found += functions
        return found

    def class_chain(self, cls: TestClass | None) -> list[TestClass]:
        chain = []
        while cls is not None:
            chain.append(cls)
            cls = cls.parent
        return chain

    def resolve_fixture(self, name: str, requester: nodes.FunctionDef) -> Fixture | None:
        """The fixture `name` that pytest gives to `requester` (a test or fixture function)."""
        class_fixtures = []
        scope = requester.parent
        while isinstance(scope, nodes.ClassDef):
            info = self.class_info.get(scope)
            if info is not None:
                class_fixtures.append(info.fixtures)
                for ancestor in info.kind.own_classes[1:]:
                    class_fixtures.append(fixtures_in(ancestor))
            scope = scope.parent
        fixture = self.project.resolve_fixture(name, self.path, self.fixtures, class_fixtures)
        if fixture is not None and fixture.node is requester:
            # a fixture requesting its own name asks for the one it overrides (conftest's)
            return self.project.resolve_fixture(name, self.path, {}, [])
        return fixture

    def requested_fixtures(self, function: nodes.FunctionDef,
                           marks: list[Mark]) -> list[tuple[str, nodes.NodeNG]]:
        """(name, node to report at) for each fixture a test or fixture asks for.

        Arguments fed by `@pytest.mark.parametrize` are not fixtures.
        """
        parametrized = set()
        for mark in marks:
            if mark.name == "parametrize" and mark.args:
                parametrized.update(parametrize_names(mark.args[0]))
        requested = []
        arguments = {arg.name: arg for arg in function.args.args or []}
        arguments.update({arg.name: arg for arg in function.args.kwonlyargs or []})
        for name in requested_names(function):
            if name not in parametrized:
                requested.append((name, arguments.get(name, function)))
        for mark in marks:
            if mark.name == "usefixtures":
                for arg in mark.args:
                    if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                        requested.append((arg.value, arg))
        return requested

    def marks_reaching(self, test: TestFunction) -> list[Mark]:
        """Function, class (and base classes), then module marks, as pytest applies them."""
        marks = list(test.marks)
        for cls in self.class_chain(test.cls):
            marks += cls.marks
        marks += self.module_marks
        return marks

    # -- runners ---------------------------------------------------------------------------

    def runners_of(self, test: TestFunction) -> Runners:
        """Who runs `test` (worked out once per test: five rules ask, each for every test)."""
        if test.node not in self._runners:
            self._runners[test.node] = self._find_runners(test)
        return self._runners[test.node]

    def _find_runners(self, test: TestFunction) -> Runners:
        runners = Runners()
        disabled = self.setup.disabled_plugins
        for mark in self.marks_reaching(test):
            if mark.name in RUNNER_MARKS and mark.name not in disabled:
                runners.names.add(mark.name)
                runners.marks.append(mark)
        if test.cls is not None:
            kind = test.cls.kind
            if kind.runs_coroutines:
                runners.names.add("unittest")
            if not kind.complete:
                runners.unknown = "a base class could not be resolved"
        if test.is_async:
            if self.setup.asyncio_auto and not (test.cls and test.cls.kind.is_testcase):
                runners.names.add("asyncio")
            if self.setup.trio_mode and "trio" not in disabled:
                runners.names.add("trio")
            if (self.setup.anyio_auto or self._requests_anyio_backend(test)) and "anyio" not in disabled:
                runners.names.add("anyio")
        decorator = self.unknown_decorator(test.node)
        if decorator == "custom":
            runners.names.add("custom")
        elif decorator:
            runners.unknown = runners.unknown or decorator
        if self.runner_hook:
            runners.unknown = runners.unknown or self.runner_hook
        if self.setup.asyncio_mode is None:
            runners.unknown = runners.unknown or "the pytest config cannot be read"
        return runners

    def _requests_anyio_backend(self, test: TestFunction) -> bool:
        """Does `anyio_backend` reach the test's closure (itself, or through the fixtures it
        requests)? anyio's plugin runs any coroutine test that has it (verified, anyio 4.16)."""
        requested = self.requested_fixtures(test.node, self.marks_reaching(test))
        pending = [(name, test.node) for name, _ in requested]
        seen: set[str] = set()
        while pending and len(seen) < 50:
            name, requester = pending.pop()
            if name == "anyio_backend":
                return True
            if name in seen:
                continue
            seen.add(name)
            fixture = self.resolve_fixture(name, requester)
            if fixture is not None and fixture.node is not requester:
                pending += [(argument, fixture.node) for argument in fixture.arguments]
        return False

    # -- what inference needs to know about fixtures ---------------------------------------

    def ensure_fixture_values(self) -> None:
        """Let inference see fixture values for the parameters of every test and fixture here.

        Done once, and only when a rule is about to infer: most files never need it."""
        if self._fixture_values_given:
            return
        self._fixture_values_given = True
        requesters = [(test.node, self.marks_reaching(test)) for test in self.tests]
        requesters += [(fixture.node, fixture.marks) for fixture in self.all_fixtures]
        for function, marks in requesters:
            fixtures = {}
            for name, _where in self.requested_fixtures(function, marks):
                fixture = self.resolve_fixture(name, function)
                if fixture is not None and fixture.node is not function:
                    fixtures[name] = fixture.node
            give_fixture_values(function, fixtures)

    # -- which names may be what (model.name_index): cheap tests that spare inference ----------

    def may_be_coroutine_function(self, expression: nodes.NodeNG) -> bool:
        """Can `expression` (a callee) be a coroutine function at all?"""
        return self._may_be(expression, "async_defs")

    def may_name_coroutine_function(self, name: str) -> bool:
        """Is there an async def called `name` that this module can reach?"""
        return self._defines(name, "async_defs")

    def may_be_sync_function(self, expression: nodes.NodeNG) -> bool:
        """Can `expression` (a callee) be a sync `def`?"""
        return self._may_be(expression, "sync_defs")

    def may_make_async_protocol_object(self, expression: nodes.NodeNG) -> bool:
        """Can calling `expression` give an async context manager or async iterable: an async
        def (an async generator, an @asynccontextmanager) or a class of a module that defines
        `__aenter__`/`__aiter__`/`__anext__`?"""
        return self._may_be(expression, "async_defs") or self._may_be(expression, "async_protocol_classes")

    def may_use_package(self, package: str) -> bool:
        """Can objects of the top-level `package` reach this module: does any project file,
        this one included, import it by name?"""
        index = self.project.name_index
        return not index.complete or package in index.imported or package in self._own_imports

    @cached_property
    def _own_imports(self) -> frozenset[str]:
        """The packages this module's text imports (read once: rules ask for every call)."""
        return frozenset(imported_packages(self.source.encode("utf-8", "replace")))

    def _may_be(self, expression: nodes.NodeNG, kind: str) -> bool:
        name = callee_name(expression)
        return name is None or name in self._dynamic_names or self._defines(name, kind)

    def _defines(self, name: str, kind: str) -> bool:
        index = self.project.name_index
        return not index.complete or name in getattr(self._own_names, kind) \
            or name in getattr(index.names, kind)

    @cached_property
    def _dynamic_names(self) -> frozenset[str]:
        return dynamic_names(self.module)

    @cached_property
    def _own_names(self) -> Names:
        return source_names(self.source or module_source(self.module))

    def is_test_code(self, node: nodes.NodeNG) -> bool:
        """Test modules and conftest files are test code throughout; elsewhere only fixtures
        (and everything, with the option async-tests-all-code)."""
        if self.is_test_module or self.is_conftest or self.project.settings.all_code:
            return True
        scope = node.scope()
        while isinstance(scope, (nodes.FunctionDef, nodes.Lambda)):
            if isinstance(scope, nodes.FunctionDef) and self.fixture_for(scope) is not None:
                return True
            scope = scope.parent.scope() if scope.parent else None
        return False

    # -- pytest-asyncio's loops ---------------------------------------------------------------

    def asyncio_runs_fixture(self, fixture: Fixture) -> bool:
        """pytest-asyncio runs this async fixture (its own decorator, or any in auto mode)."""
        if not fixture.is_async or "asyncio" in self.setup.disabled_plugins:
            return False
        return fixture.kind == "pytest_asyncio" or (fixture.kind == "pytest" and self.setup.asyncio_auto)

    def fixture_loop_scope(self, fixture: Fixture) -> tuple[str | None, str]:
        """(loop scope, where it came from): loop_scope=, else the configured default, else
        (unset or 'fixture-scope') the fixture's own scope."""
        if fixture.loop_scope:
            return fixture.loop_scope, f"loop_scope={fixture.loop_scope!r}"
        default = self.setup.default_fixture_loop_scope
        if default and default != "fixture-scope":
            key = "asyncio_default_fixture_loop_scope"
            return default, f"{key} in {self.project.config.describe(key)}"
        return fixture.scope, "its scope"

    def test_loop_scope(self, test: TestFunction) -> str:
        """The closest asyncio mark's loop_scope (pytest-asyncio reads only the closest mark),
        else the configured default, else function."""
        for mark in self.marks_reaching(test):
            if mark.name == "asyncio":
                scope = mark.string_keyword("loop_scope") or mark.string_keyword("scope")
                if scope:
                    return scope
                break
        return self.setup.default_test_loop_scope or "function"

    def unknown_decorator(self, function: nodes.FunctionDef) -> str:
        """'custom' for a configured runner decorator; a description for any decorator whose
        effect we cannot see; '' when every decorator is a mark or known to be transparent."""
        configured = self.project.settings.runner_decorators
        for decorator in unknown_decorators(function):
            name = decorator_name(decorator)
            if name and (name in configured or any(name.endswith("." + c) for c in configured)):
                return "custom"
            if mark_from_expression(decorator, "function") is None:  # a mark through an alias
                return f"decorator {short_text(decorator)!r}"
        return ""


def _requestable_names(module: nodes.Module) -> set[str]:
    """Every name a function of the module may request as a fixture: its parameter names, and
    its string constants (`usefixtures("db")`, `request.getfixturevalue("db")`)."""
    names = set()
    for node in module.nodes_of_class((nodes.Arguments, nodes.Const)):
        if isinstance(node, nodes.Arguments):
            names.update(arg.name for arg in (node.posonlyargs or []) + (node.args or [])
                         + (node.kwonlyargs or []))
        elif isinstance(node.value, str):
            names.add(node.value)
    return names


def _dunder_test_false(node: nodes.FunctionDef | nodes.ClassDef) -> bool:
    for binding in node.locals.get("__test__", []) if isinstance(node, nodes.ClassDef) else []:
        statement = binding.statement()
        value = getattr(statement, "value", None)
        if isinstance(value, nodes.Const) and value.value is False:
            return True
    return False


def parametrize_names(argnames: nodes.NodeNG) -> list[str]:
    """The argument names of `@pytest.mark.parametrize("a, b", ...)` (a string or a sequence)."""
    if isinstance(argnames, nodes.Const) and isinstance(argnames.value, str):
        return [name.strip() for name in argnames.value.split(",") if name.strip()]
    if isinstance(argnames, (nodes.List, nodes.Tuple)):
        return [e.value for e in argnames.elts if isinstance(e, nodes.Const) and isinstance(e.value, str)]
    return []
