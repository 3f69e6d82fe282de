"""ASYNC50x: the test body never runs (no runner, a runner that ignores it, two runners)."""

from __future__ import annotations

from astroid import bases, nodes

from ..inference import infer_all, qualified_name, safe_infer
from ..model.fixtures import SCOPES
from ..model.marks import Mark, decorator_marks, pytestmark_marks
from ..rendering import config_source, expression_text
from .base import Context, Rule, and_more

ASYNCIO_MARK_KEYWORDS = ("loop_scope", "loop_factories", "scope")


def _mark_text(mark: Mark) -> str:
    return f"@pytest.mark.{mark.name}"


class AsyncTestWithoutRunner(Rule):
    code = "ASYNC500"
    name = "async-test-without-runner"
    message = "async test never runs: {why}; {fix}"
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
            why = f"-p no:{marked[0]} in addopts disables its {names} mark"
            fix = f"remove -p no:{marked[0]} from addopts"
        elif "asyncio" in disabled:
            why = "no anyio/trio mark and pytest-asyncio is off (-p no:asyncio)"
            fix = "mark it for the project's runner"
        else:
            why = f"no runner mark in strict mode ({config_source(ctx.setup.mode_source)})"
            fix = "add @pytest.mark.asyncio (or asyncio_mode = auto)"
        yield self.finding(node, test=node.name, why=why, fix=fix)


#: What each runner does with a sync test it is marked on (verified, pytest 9.2).
SYNC_MARK_CONSEQUENCES = {
    "asyncio": "does nothing (pytest-asyncio only warns)",
    "anyio": "does nothing",
    "trio": "fails it (pytest-trio rejects sync tests)",
}


class RunnerMarkOnSyncFunction(Rule):
    code = "ASYNC501"
    name = "runner-mark-on-sync-function"
    message = "{mark} on a {what} {consequence}; {fix}"
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
                        consequence="aborts collection on pytest 9",
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
                    fix="remove it, or make the test 'async def'",
                )


class AsyncTestInSyncTestCase(Rule):
    code = "ASYNC502"
    name = "async-test-in-sync-testcase"
    message = (
        "async test never runs in sync TestCase {cls!r}; "
        "inherit from unittest.IsolatedAsyncioTestCase"
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
                fix = f"make it sync, or use {twin}"
            yield self.finding(
                node,
                problem=f"async {node.name!r} never runs (never awaited)",
                fix=fix,
            )
        elif node.name in self.ASYNC_HOOKS and not kind.is_isolated_async:
            if _called_by_ancestry(node.name, kind.own_classes):
                return
            yield self.finding(
                node,
                problem=f"{node.name!r} is never called: {cls.node.name!r} is a sync unittest.TestCase",
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
            where = ", ".join(f"{m.name} ({m.level})" for m in _first_of_each(marks))
            yield self.finding(
                node,
                problem=(f"two runners, {where}: pytest-asyncio runs every variant on asyncio"
                         if "asyncio" in marked else f"two runners, {where}"),
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
                    problem=(f"pytest-trio and pytest-asyncio ({self._asyncio_source(marked, setup)}) "
                             "both run this test, so it fails"),
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
        return "asyncio mark" if "asyncio" in marked else f"auto mode, {config_source(setup.mode_source)}"

    def finish(self, ctx: Context):
        for kind, hits in self._per_module.items():
            node, detail = hits[0]
            others = and_more(len(hits))
            if kind == "trio":
                problem = (f"trio_mode and asyncio auto mode ({config_source(ctx.setup.mode_source)}) "
                           "both run this test: it fails")
                fix = "turn one mode off"
            elif kind == "both-auto":  # (the first test is reported: its fix covers the others)
                problem = (f"anyio_mode and asyncio_mode are both auto: this test{others} runs "
                           "only on asyncio")
                fix = "turn one of the two modes off"
            else:
                problem = f"pytest-asyncio takes this anyio_backend test: {detail} variants run on asyncio"
                fix = "mark it only @pytest.mark.anyio"
            yield self.finding(node, problem=problem, fix=fix)


def _names_never_returned(value: nodes.NodeNG, factory_names: frozenset[str] | None) -> list[str]:
    if factory_names is None or not isinstance(value, (nodes.List, nodes.Tuple)):
        return []
    return [e.value for e in value.elts
            if isinstance(e, nodes.Const) and isinstance(e.value, str) and e.value not in factory_names]


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


LOOP_FACTORIES_HOOK = "pytest_asyncio_loop_factories"
#: Calls that make an event loop: what a loop factory returns, never a factory itself.
LOOP_MAKERS = frozenset({
    "asyncio.new_event_loop", "asyncio.events.new_event_loop", "asyncio.get_event_loop",
    "asyncio.events.get_event_loop", "asyncio.EventLoop", "asyncio.SelectorEventLoop",
    "asyncio.ProactorEventLoop", "uvloop.new_event_loop", "uvloop.Loop",
})


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
            if node.name == LOOP_FACTORIES_HOOK and ctx.model.is_conftest \
                    and isinstance(node.parent, nodes.Module):
                yield from self._hook(node, ctx)
        for mark in marks:
            if mark.name == "asyncio" and mark.call is not None:
                problem = asyncio_mark_problem(mark, LOOP_FACTORIES_HOOK in ctx.model.hooks,
                                               _factory_names(ctx))
                if problem:
                    yield self.finding(mark.node, problem=problem)

    def _hook(self, function: nodes.FunctionDef, ctx: Context):
        """A conftest's loop factories hook whose result certainly aborts the run. pluggy asks the
        nearest conftest's hook first and takes the first result that is not None: so reported
        when no conftest below defines the hook too, and, for a hook returning None, when no
        conftest above does either."""
        hooks = ctx.model.hook_functions(LOOP_FACTORIES_HOOK) or []
        here = (function.root().file, function.lineno)
        if not hooks or (hooks[0].root().file, hooks[0].lineno) != here or \
                ctx.model.project.hook_defined_below(ctx.model.path.parent, LOOP_FACTORIES_HOOK):
            return
        result = hook_result(function)
        if result is not None and result.problem and (len(hooks) == 1 or result.problem != "returns None"):
            yield self.finding(result.where, problem=(
                f"{LOOP_FACTORIES_HOOK} {result.problem}: run aborts; return {{name: loop factory}}"))


def _factory_names(ctx: Context) -> frozenset[str] | None:
    """Every name the visible loop factories hooks can return; None when not certain."""
    hooks = ctx.model.hook_functions(LOOP_FACTORIES_HOOK)
    if not hooks:
        return None
    names: set[str] = set()
    for hook in hooks:
        result = hook_result(hook)
        if result is None or result.names is None or result.problem:
            return None  # unknown, or the hook's own finding says it all
        names |= result.names
    return frozenset(names)


class HookResult:
    """What a loop factories hook certainly returns: the factory names every return statement
    can give (None: not certain), and a problem that aborts the run (''; only for a hook with
    one way out, so that no condition decides it)."""

    def __init__(self, names: frozenset[str] | None, problem: str = "", where: nodes.NodeNG | None = None):
        self.names = names
        self.problem = problem
        self.where = where


def hook_result(function: nodes.FunctionDef) -> HookResult | None:
    """Read, never run: the hook's return statements, when each returns a dict literal with
    string keys (or None). A dict built in a variable, `**more`, or a call: not certain."""
    if function.is_generator():
        return None
    returns = [r for r in function.nodes_of_class(nodes.Return) if r.scope() is function]
    valued = [r for r in returns if r.value is not None and not _is_none(r.value)]
    if not valued:
        if _always_raises(function):
            return None
        return HookResult(frozenset(), "returns None", returns[0] if returns else function)
    names: set[str] = set()
    for statement in valued:
        if not isinstance(statement.value, nodes.Dict):
            return HookResult(None, _not_a_mapping(statement.value, single=len(returns) == 1), statement) \
                if len(returns) == 1 else None
        for key, _value in statement.value.items:
            if not (isinstance(key, nodes.Const) and isinstance(key.value, str)):
                return None  # `**more`, a computed name
            names.add(key.value)
    if len(returns) != 1 or function.body[-1] is not returns[0]:
        return HookResult(frozenset(names))
    return HookResult(frozenset(names), _mapping_problem(returns[0].value), returns[0])


def _is_none(value: nodes.NodeNG) -> bool:
    return isinstance(value, nodes.Const) and value.value is None


def _always_raises(function: nodes.FunctionDef) -> bool:
    return any(isinstance(statement, nodes.Raise) for statement in function.body)


def _not_a_mapping(value: nodes.NodeNG, single: bool) -> str:
    kinds = {nodes.List: "a list", nodes.Tuple: "a tuple", nodes.Set: "a set", nodes.Const: "a constant"}
    kind = next((text for node_type, text in kinds.items() if isinstance(value, node_type)), None)
    return f"returns {kind}, not a mapping" if kind and single else ""


def _mapping_problem(mapping: nodes.Dict) -> str:
    if not mapping.items:
        return "returns an empty mapping"
    for key, value in mapping.items:
        if key.value == "":
            return "maps an empty name"
        if _certainly_not_callable(value):
            return f"maps {key.value!r} to a non-callable"
    return ""


def _certainly_not_callable(value: nodes.NodeNG) -> bool:
    """A literal, or a call whose every inferred result is an instance of a class without
    __call__ (`asyncio.new_event_loop()` is a loop)."""
    if isinstance(value, (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Set, nodes.JoinedStr)):
        return True
    if not isinstance(value, nodes.Call):
        return False
    if qualified_name(value.func) in LOOP_MAKERS:
        return True
    results = infer_all(value)
    if not results:
        return False
    for result in results:
        if isinstance(result, nodes.Const):
            continue
        if not isinstance(result, bases.Instance) or isinstance(result, bases.BoundMethod):
            return False
        try:
            result.getattr("__call__")
        except Exception:  # astroid: AttributeInferenceError and kin mean "no __call__"
            continue
        return False
    return True


def loop_factories_value_problem(value: nodes.NodeNG) -> str:
    """`loop_factories=` values that abort the collection (verified, pytest-asyncio 1.5): a string,
    something that is not a sequence (a set, a dict), an empty sequence, a name that is not a
    non-empty string. Read from literals (and a name bound to one); '' when fine or unknown."""
    if isinstance(value, (nodes.Name, nodes.Attribute)):
        inferred = safe_infer(value)
        if isinstance(inferred, (nodes.Const, nodes.List, nodes.Tuple, nodes.Set, nodes.Dict)):
            value = inferred
    text = expression_text(value)
    why = ""
    if isinstance(value, nodes.Const) and isinstance(value.value, str):
        why = f"loop_factories={text} is a string, not a sequence of names"
    elif isinstance(value, (nodes.Set, nodes.Dict)) or isinstance(value, nodes.Const):
        why = f"loop_factories={text} is not a sequence of names"
    elif isinstance(value, (nodes.List, nodes.Tuple)):
        if not value.elts:
            why = f"loop_factories={text} is empty"
        for element in value.elts:
            if isinstance(element, nodes.Const) and (not isinstance(element.value, str) or not element.value):
                why = f"loop_factories={text} holds {expression_text(element)}, not a factory name"
                break
    if not why:
        return ""
    a_name = isinstance(value, nodes.Const) and isinstance(value.value, str) and value.value
    fix = f"; use loop_factories=[{text}]" if a_name else \
        "; list names the loop factories hook returns"
    return f"{why}: collection aborts{fix}"


def asyncio_mark_problem(mark: Mark, has_loop_factories_hook: bool = True,
                         factory_names: frozenset[str] | None = None) -> str:
    keywords = [key for key, _ in mark.keywords]
    if None in keywords:  # **kwargs: unknown
        return ""
    if mark.args:
        return ("pytest.mark.asyncio takes no positional argument: pytest-asyncio aborts the "
                "collection; use loop_scope=...")
    unknown = [key for key in keywords if key not in ASYNCIO_MARK_KEYWORDS]
    if unknown:
        return (f"pytest.mark.asyncio has no argument {unknown[0]!r}: it aborts the collection; "
                "use loop_scope or loop_factories")
    if "scope" in keywords and "loop_scope" in keywords:
        return ("pytest.mark.asyncio with both scope and loop_scope aborts the collection; "
                "keep loop_scope")
    for keyword in ("loop_scope", "scope"):
        value = mark.keyword(keyword)
        if isinstance(value, nodes.Const) and value.value not in SCOPES:
            return (f"{keyword}={value.value!r} is not a scope name: it aborts the collection; "
                    f"use one of {', '.join(SCOPES)}")
    if "loop_factories" in keywords:
        value = mark.keyword("loop_factories")
        problem = loop_factories_value_problem(value)
        if problem:
            return problem
        if not has_loop_factories_hook:
            return ("mark.asyncio(loop_factories=...) with no loop factories hook aborts collection; "
                    "define pytest_asyncio_loop_factories")
        unknown = _names_never_returned(value, factory_names)
        if unknown:
            offered = ", ".join(repr(name) for name in sorted(factory_names or ())) or "none"
            return (f"loop factory {unknown[0]!r} is not among the hook's ({offered}): that variant "
                    "is skipped; use one of those")
    if "scope" in keywords:
        return ("pytest.mark.asyncio(scope=...) is deprecated (its warning points elsewhere); "
                "use loop_scope=...")
    return ""


class AsyncGeneratorTest(Rule):
    code = "ASYNC506"
    name = "async-generator-test"
    message = (
        "async test with 'yield' never runs (pytest reports xfail); "
        "move set-up and tear-down into a fixture"
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
