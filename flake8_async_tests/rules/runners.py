"""ASYNC50x: the test body never runs (no runner, a runner that ignores it, two runners)."""

from __future__ import annotations

from astroid import nodes

from ..model.fixtures import SCOPES
from ..model.marks import Mark, decorator_marks, pytestmark_marks
from .base import Context, Rule, and_more

ASYNCIO_MARK_KEYWORDS = ("loop_scope", "loop_factories", "scope")


def _mark_text(mark: Mark) -> str:
    return f"@pytest.mark.{mark.name}"


class AsyncTestWithoutRunner(Rule):
    code = "ASYNC500"
    name = "async-test-without-runner"
    message = "async test {test!r} is never run: {why}; {fix}"
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node, ctx: Context):
        model = ctx.model
        test = model.test_for(node)
        if test is None or test.in_unittest_class:
            return
        runners = model.runners_of(test)
        if runners.names or runners.unknown:
            return
        disabled = ctx.setup.disabled_plugins
        marked = sorted({m.name for m in model.marks_reaching(test) if m.is_runner})
        if marked:
            names = ", ".join(f"{name}" for name in marked)
            why = f"its {names} mark does nothing: the plugin is disabled (-p no:{marked[0]} in addopts)"
            fix = "remove -p no:... from addopts"
        elif "asyncio" in disabled:
            why = ("it has no anyio/trio mark and pytest-asyncio is disabled "
                   "(-p no:asyncio in addopts)")
            fix = "mark it for the runner the project uses"
        else:
            why = (f"it has no asyncio/anyio/trio mark and pytest-asyncio runs in strict mode "
                   f"({ctx.setup.mode_source})")
            fix = "add @pytest.mark.asyncio (or set asyncio_mode = auto)"
        yield self.finding(node, test=node.name, why=why, fix=fix)


#: What each runner does with a sync test it is marked on (verified, pytest 9.2).
SYNC_MARK_CONSEQUENCES = {
    "asyncio": "does nothing: the test is not async (pytest-asyncio only warns)",
    "anyio": "does nothing: the test is not async",
    "trio": "fails it: pytest-trio rejects sync tests ('is marked trio but is not async')",
}


class RunnerMarkOnSyncFunction(Rule):
    code = "ASYNC501"
    name = "runner-mark-on-sync-function"
    message = "{mark} on {what} {name!r} {consequence}; {fix}"
    visits = (nodes.FunctionDef,)

    def check(self, node, ctx: Context):
        model = ctx.model
        fixture = model.fixture_for(node)
        if fixture is not None:
            for mark in fixture.marks:
                if mark.is_runner:
                    fix = (
                        "use @pytest_asyncio.fixture" if mark.name == "asyncio" and fixture.is_async
                        else "remove the mark"
                    )
                    yield self.finding(
                        mark.node, mark=_mark_text(mark), what="fixture", name=fixture.name,
                        consequence=("aborts the collection on pytest 9 ('Marks cannot be applied "
                                     "to fixtures') and did nothing before"),
                        fix=fix,
                    )
            return
        test = model.test_for(node)
        if test is None or test.is_async:
            return
        for mark in test.marks:
            if mark.is_runner:
                yield self.finding(
                    mark.node, mark=_mark_text(mark), what="sync test", name=node.name,
                    consequence=SYNC_MARK_CONSEQUENCES[mark.name],
                    fix="remove the mark, or make the test 'async def'",
                )


class AsyncTestInSyncTestCase(Rule):
    code = "ASYNC502"
    name = "async-test-in-sync-testcase"
    message = (
        "async test {test!r} never runs: {cls!r} is a unittest.TestCase, which calls it without "
        "awaiting, so it passes; inherit from unittest.IsolatedAsyncioTestCase"
    )
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node, ctx: Context):
        test = ctx.model.test_for(node)
        if test is None or test.cls is None or not test.cls.kind.plain_sync_testcase:
            return
        if ctx.model.unknown_decorator(node) or ctx.model.runner_hook:
            return
        yield self.finding(node, test=node.name, cls=test.cls.node.name)


class AsyncHookNeverAwaited(Rule):
    code = "ASYNC503"
    name = "async-hook-never-awaited"
    message = "{problem}; {fix}"
    visits = (nodes.FunctionDef,)

    SYNC_HOOKS = ("setUp", "tearDown", "setUpClass", "tearDownClass")
    ASYNC_HOOKS = ("asyncSetUp", "asyncTearDown")

    def check(self, node, ctx: Context):
        cls = ctx.model.class_info.get(node.parent)
        if cls is None:
            return
        kind = cls.kind
        if not (kind.is_testcase and kind.complete) or kind.custom_runner or kind.library_runner:
            return
        if node.name in self.SYNC_HOOKS and isinstance(node, nodes.AsyncFunctionDef):
            if node.name in ("setUp", "tearDown") and kind.is_isolated_async:
                fix = f"rename it {'asyncSetUp' if node.name == 'setUp' else 'asyncTearDown'}"
            elif node.name in ("setUp", "tearDown"):
                fix = (f"inherit from unittest.IsolatedAsyncioTestCase and rename it "
                       f"{'asyncSetUp' if node.name == 'setUp' else 'asyncTearDown'}")
            else:
                twin = "asyncSetUp" if node.name == "setUpClass" else "asyncTearDown"
                fix = f"unittest has no async class-level hook: make it sync, or use {twin}"
            yield self.finding(
                node,
                problem=f"async {node.name!r} is called without being awaited: its body never runs",
                fix=fix,
            )
        elif node.name in self.ASYNC_HOOKS and not kind.is_isolated_async:
            if _called_by_ancestry(node.name, kind.own_classes):
                return
            yield self.finding(
                node,
                problem=(f"{node.name!r} is never called: {cls.node.name!r} is a unittest.TestCase, "
                         "not an IsolatedAsyncioTestCase"),
                fix="inherit from unittest.IsolatedAsyncioTestCase",
            )


def _called_by_ancestry(name: str, classes: list[nodes.ClassDef]) -> bool:
    """Does a project base class call the hook itself (`self.loop.run_until_complete(self.asyncSetUp())`)?"""
    for cls in classes:
        for attribute in cls.nodes_of_class(nodes.Attribute):
            if attribute.attrname == name:
                return True
        for const in cls.nodes_of_class(nodes.Const):
            if const.value == name:
                return True
    return False


class ConflictingRunners(Rule):
    code = "ASYNC504"
    name = "conflicting-runners"
    message = "{problem}; {fix}"
    visits = (nodes.AsyncFunctionDef,)

    def __init__(self) -> None:
        # conflicts that come from the configuration (or from anyio_backend) are reported once
        # per module, at the first test they hit: {kind: [(test node, detail), ...]}
        self._per_module: dict[str, list[tuple[nodes.NodeNG, str]]] = {}

    def check(self, node, ctx: Context):
        model = ctx.model
        test = model.test_for(node)
        if test is None or test.in_unittest_class or model.runners_of(test).unknown:
            return
        setup = ctx.setup
        marks = [m for m in model.marks_reaching(test)
                 if m.is_runner and m.name not in setup.disabled_plugins]
        marked = {m.name for m in marks}
        if len(marked) > 1:
            where = ", ".join(f"{m.name} ({m.level} mark)" for m in _first_of_each(marks))
            yield self.finding(
                node,
                problem=(f"test {node.name!r} has two runners: {where}; pytest-asyncio takes it "
                         "and the other runner's variants silently run on asyncio"
                         if "asyncio" in marked else
                         f"test {node.name!r} has two runners: {where}"),
                fix="keep one runner mark",
            )
            return
        asyncio_takes = "asyncio" in marked or setup.asyncio_auto
        trio_takes = "trio" in marked or setup.trio_mode
        requested = {name for name, _ in model.requested_fixtures(node, model.marks_reaching(test))}
        anyio_takes = "anyio" in marked or setup.anyio_auto or "anyio_backend" in requested
        if asyncio_takes and trio_takes:
            if marked:
                yield self.finding(
                    node,
                    problem=(f"test {node.name!r} is run by pytest-trio and by pytest-asyncio "
                             f"({self._asyncio_source(marked, setup)}): it fails with "
                             "'a coroutine was expected, got None'"),
                    fix="let one plugin run it",
                )
            else:
                self._per_module.setdefault("trio", []).append((node, ""))
        elif asyncio_takes and anyio_takes:
            if setup.anyio_auto and setup.asyncio_auto and not marked:
                self._per_module.setdefault("both-auto", []).append((node, ""))
                return
            lost = [b for b in anyio_backends(model, node) if b != "asyncio"]
            if lost:
                self._per_module.setdefault("anyio", []).append((node, ", ".join(lost)))

    @staticmethod
    def _asyncio_source(marked: set[str], setup) -> str:
        return "asyncio mark" if "asyncio" in marked else f"auto mode, {setup.mode_source}"

    def finish(self, ctx: Context):
        for kind, hits in self._per_module.items():
            node, detail = hits[0]
            others = and_more(len(hits))
            if kind == "trio":
                problem = (f"trio_mode and asyncio auto mode ({ctx.setup.mode_source}) both take "
                           f"test {node.name!r}{others}: it fails with 'a coroutine was expected, got None'")
                fix = "turn one of the two modes off"
            elif kind == "both-auto":
                problem = (f"anyio_mode and asyncio_mode are both auto: pytest-asyncio takes test "
                           f"{node.name!r}{others}, and anyio's other backends silently run on asyncio")
                fix = "turn one of the two modes off"
            else:
                problem = (f"test {node.name!r}{others} uses anyio_backend but pytest-asyncio runs "
                           f"it: its {detail} variants silently run on asyncio")
                fix = "mark anyio tests only with @pytest.mark.anyio, and keep asyncio_mode strict"
            yield self.finding(node, problem=problem, fix=fix)


def _first_of_each(marks: list[Mark]) -> list[Mark]:
    seen: dict[str, Mark] = {}
    for mark in marks:
        seen.setdefault(mark.name, mark)
    return [seen[name] for name in sorted(seen)]


def anyio_backends(model, function: nodes.FunctionDef) -> list[str]:
    """The backend names of the visible `anyio_backend` fixture's params ([] when unknown)."""
    fixture = model.resolve_fixture("anyio_backend", function)
    if fixture is None or fixture.params is None:
        return []
    params = fixture.params
    if not isinstance(params, (nodes.List, nodes.Tuple)):
        return []
    names = []
    for element in params.elts:
        if isinstance(element, nodes.Call) and element.args:  # pytest.param("trio", id=...)
            element = element.args[0]
        if isinstance(element, nodes.Tuple) and element.elts:  # ("trio", {options})
            element = element.elts[0]
        if isinstance(element, nodes.Const) and isinstance(element.value, str):
            names.append(element.value)
    return names


class InvalidMarkArgument(Rule):
    code = "ASYNC505"
    name = "invalid-mark-argument"
    message = "{problem}"
    visits = (nodes.FunctionDef, nodes.ClassDef, nodes.Module)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Module):
            marks = pytestmark_marks(node, "module")
        elif isinstance(node, nodes.ClassDef):
            marks = decorator_marks(node, "class") + pytestmark_marks(node, "class")
        else:
            marks = decorator_marks(node, "function")
        for mark in marks:
            if mark.name == "asyncio" and mark.call is not None:
                problem = asyncio_mark_problem(mark, "pytest_asyncio_loop_factories" in ctx.model.hooks)
                if problem:
                    yield self.finding(mark.node, problem=problem)


def asyncio_mark_problem(mark: Mark, has_loop_factories_hook: bool = True) -> str:
    keywords = [key for key, _ in mark.keywords]
    if None in keywords:  # **kwargs: unknown
        return ""
    if mark.args:
        return ("pytest.mark.asyncio takes no positional argument: pytest-asyncio aborts the "
                "collection; use loop_scope=...")
    unknown = [key for key in keywords if key not in ASYNCIO_MARK_KEYWORDS]
    if unknown:
        return (f"pytest.mark.asyncio has no argument {unknown[0]!r}: pytest-asyncio aborts the "
                "collection; it accepts only loop_scope and loop_factories")
    if "scope" in keywords and "loop_scope" in keywords:
        return ("pytest.mark.asyncio with both scope and loop_scope aborts the collection; "
                "keep loop_scope")
    for keyword in ("loop_scope", "scope"):
        value = mark.keyword(keyword)
        if isinstance(value, nodes.Const) and value.value not in SCOPES:
            return (f"{keyword}={value.value!r} is not a scope name ({', '.join(SCOPES)}): "
                    "pytest-asyncio aborts the collection")
    if "loop_factories" in keywords and not has_loop_factories_hook:
        return ("pytest.mark.asyncio(loop_factories=...) needs a pytest_asyncio_loop_factories "
                "hook, and no conftest defines one: pytest-asyncio aborts the collection")
    if "scope" in keywords:
        return ("pytest.mark.asyncio(scope=...) is deprecated and its warning points into "
                "pytest-asyncio, not here; use loop_scope=...")
    return ""


class AsyncGeneratorTest(Rule):
    code = "ASYNC506"
    name = "async-generator-test"
    message = (
        "async test {test!r} contains 'yield': pytest reports it as xfail and never runs it; "
        "remove the yield (set-up and tear-down belong in a fixture)"
    )
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node, ctx: Context):
        test = ctx.model.test_for(node)
        if test is None or test.in_unittest_class or not node.is_generator():
            return
        if ctx.model.runners_of(test).names:  # with no runner at all, ASYNC500 reports it
            yield self.finding(node, test=node.name)


RULES = (
    AsyncTestWithoutRunner,
    RunnerMarkOnSyncFunction,
    AsyncTestInSyncTestCase,
    AsyncHookNeverAwaited,
    ConflictingRunners,
    InvalidMarkArgument,
    AsyncGeneratorTest,
)
