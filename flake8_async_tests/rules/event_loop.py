"""ASYNC70x: the event loop stalled or re-entered from inside async test code.

A call is judged where it runs: directly in the body of an `async def` of test code (a test, a
fixture, an `asyncSetUp`, a helper of a test module, an async function nested in one). A call
inside a nested sync `def` or `lambda` runs wherever that function is sent (a thread, an
executor), and the function handed to `to_thread`/`run_in_executor` is passed, not called: both
are silent by construction.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from astroid import nodes

from ..inference import qualified_name, safe_infer, single_assigned_value
from ..model.callables import unwrap
from ..model.expected_errors import inside_expected_error
from ..model.fixtures import requested_names
from ..model.patches import values_assigned_to_self
from ..rendering import short_text
from .base import Context, Rule
from .callees import definition_of
from .local_flow import creation_statement, fate

#: The fixes name asyncio's spelling; docs/rules.md gives anyio's and trio's.
IN_A_THREAD = "asyncio.to_thread"
SLEEP_FIX = "use 'await asyncio.sleep(...)'"
THREAD_FIX = f"use an async API, or {IN_A_THREAD}"
HTTP_FIX = f"use httpx.AsyncClient or {IN_A_THREAD}"
SUBPROCESS_FIX = f"use an async subprocess or {IN_A_THREAD}"

#: Functions that block the thread, by the qualified name they are imported under.
BLOCKING_FUNCTIONS: dict[str, str] = {
    "time.sleep": SLEEP_FIX,
    **{f"requests.{verb}": HTTP_FIX for verb in
       ("get", "post", "put", "patch", "delete", "head", "options", "request")},
    **{f"requests.api.{verb}": HTTP_FIX for verb in
       ("get", "post", "put", "patch", "delete", "head", "options", "request")},
    **{f"httpx.{verb}": HTTP_FIX for verb in
       ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")},
    "urllib.request.urlopen": HTTP_FIX,
    **{f"subprocess.{name}": SUBPROCESS_FIX for name in
       ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")},
    "os.system": SUBPROCESS_FIX,
    "os.wait": SUBPROCESS_FIX,
    "os.waitpid": SUBPROCESS_FIX,
    "builtins.input": THREAD_FIX,
    "psycopg2.connect": "use an async driver (asyncpg, psycopg 3's AsyncConnection)",
    "sqlite3.connect": f"use aiosqlite, or {IN_A_THREAD}",
    "pymysql.connect": "use an async driver (aiomysql, asyncmy)",
}
#: Methods that block, by the qualified name astroid gives their definition. Not here, on
#: purpose (real suites, 2026-11-30): waits on threads (`threading.Event.wait`,
#: `queue.Queue.get`, `concurrent.futures.Future.result`) — async test suites join their
#: worker threads so, bounded, when the thread does not need the loop — and plain socket calls
#: (`accept`, `connect`, `recv` against a socket the test just connected: the kernel has already
#: done the work). Add them with `async-tests-blocking-calls` where they are mistakes.
BLOCKING_METHODS: dict[str, str] = {
    **{f"requests.sessions.Session.{verb}": HTTP_FIX for verb in
       ("get", "post", "put", "patch", "delete", "head", "options", "request", "send")},
    **{f"httpx._client.Client.{verb}": HTTP_FIX for verb in
       ("get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream")},
    "subprocess.Popen.wait": SUBPROCESS_FIX,
    "subprocess.Popen.communicate": SUBPROCESS_FIX,
}
#: How far a chain of the project's sync helpers is followed to a blocking call.
MAX_CHAIN = 4
#: flake8-async's and ruff's codes for blocking calls in async functions (ASYNC2xx): a line that
#: silences one of them has already been judged deliberate by its author.
NEIGHBOUR_NOQA = re.compile(r"#\s*noqa\s*:[^#]*\bASYNC2\d\d\b", re.IGNORECASE)
#: Directory names that hold test helpers rather than the code under test.
TEST_DIRECTORIES = frozenset({"tests", "test", "testing", "testutils", "test_utils"})


def running_async_function(node: nodes.NodeNG, ctx: Context) -> nodes.AsyncFunctionDef | None:
    """The `async def` of test code whose own body `node` runs in, if any."""
    scope = node.scope()
    if isinstance(scope, nodes.AsyncFunctionDef) and ctx.model.is_test_code(scope):
        return scope
    return None


class BlockingCallInAsyncTest(Rule):
    code = "ASYNC700"
    name = "blocking-call-in-async-test"
    message = "{call} blocks the event loop{chain}; {fix}"
    visits = (nodes.Call,)

    def __init__(self) -> None:
        self._chains: dict[int, tuple[list[str], str, str] | None] = {}
        self._lines: list[str] | None = None

    def check(self, node: nodes.Call, ctx: Context):
        if isinstance(node.parent, nodes.Await):
            return  # an awaited call is no sync call (ASYNC602's business if it is one)
        function = running_async_function(node, ctx)
        if function is None or self._silenced(node, ctx):
            return
        found = self._blocking(node, ctx, depth=0, seen=set())
        if found is None:
            return
        names, target, fix = found
        call = f"{names[0]}()"
        chain = ""
        if len(names) > 1:
            chain = " (" + " → ".join(f"'{name}'" for name in names[:-1]) + f" → {target})"
        elif names[0] != target:
            call = f"{names[0]}() (that is {target})"
        yield self.finding(node, call=call, function=function.name, chain=chain, fix=fix)

    def _silenced(self, node: nodes.Call, ctx: Context) -> bool:
        if self._lines is None:
            self._lines = ctx.model.source.splitlines()
        line = self._lines[node.lineno - 1] if 0 < node.lineno <= len(self._lines) else ""
        return NEIGHBOUR_NOQA.search(line) is not None

    def _blocking(self, call: nodes.Call, ctx: Context, depth: int,
                  seen: set[int]) -> tuple[list[str], str, str] | None:
        """(the names called, from this call down to the blocking one; the blocking function's
        qualified name; the fix) when `call` blocks, directly or through the project's sync
        helpers."""
        spelled = _spelled(call.func)
        direct = _blocking_target(call.func, ctx)
        if direct is not None:
            target, fix = direct
            return [spelled or target], target, fix
        if depth + 1 >= MAX_CHAIN or not ctx.model.may_be_sync_function(call.func):
            return None
        helper = _project_helper(call.func, ctx)
        if helper is None or id(helper) in seen:
            return None
        inner = self._helper_blocks(helper, ctx, depth + 1, seen | {id(helper)})
        if inner is None:
            return None
        names, target, fix = inner
        return [spelled or helper.name, *names], target, fix

    def _helper_blocks(self, helper: nodes.FunctionDef, ctx: Context, depth: int,
                       seen: set[int]) -> tuple[list[str], str, str] | None:
        key = id(helper)
        if key not in self._chains:
            self._chains[key] = None
            for call in helper.nodes_of_class(nodes.Call):
                if call.scope() is not helper:
                    continue  # a nested def or lambda runs elsewhere
                found = self._blocking(call, ctx, depth, seen)
                if found is not None:
                    self._chains[key] = found
                    break
        return self._chains[key]


def _spelled(func: nodes.NodeNG) -> str | None:
    if isinstance(func, nodes.Name):
        return func.name
    if isinstance(func, nodes.Attribute):
        return func.attrname if not isinstance(func.expr, nodes.Name) else f"{func.expr.name}.{func.attrname}"
    return None


def _blocking_target(func: nodes.NodeNG, ctx: Context) -> tuple[str, str] | None:
    """(qualified name, fix) when `func` is a blocking function or method."""
    extra = ctx.settings.blocking_calls
    name = qualified_name(func)
    if name in BLOCKING_FUNCTIONS:
        return name, BLOCKING_FUNCTIONS[name]
    if name in extra:
        return name, THREAD_FIX
    if not isinstance(func, nodes.Attribute):
        return None
    candidates = [q for q in (*BLOCKING_METHODS, *extra) if q.endswith("." + func.attrname)]
    if not any(ctx.model.may_use_package(q.split(".")[0]) for q in candidates):
        return None  # no such method in any package the project imports: nothing to infer
    value = unwrap(safe_infer(func))
    if not isinstance(value, nodes.FunctionDef) or isinstance(value, nodes.AsyncFunctionDef):
        return None
    qname = value.qname()
    if qname in BLOCKING_METHODS:
        return qname, BLOCKING_METHODS[qname]
    if qname in extra:
        return qname, THREAD_FIX
    return None


def _project_helper(func: nodes.NodeNG, ctx: Context) -> nodes.FunctionDef | None:
    """The sync function of the test code `func` calls (a helper in a test module, a conftest,
    or a module under a tests directory); None for the code under test and for libraries,
    whose sync functions are not followed. Found by name (rules/callees.py), not inference: this
    runs for every call in async test code."""
    name = qualified_name(func)
    if name is not None and "." in name and not _may_be_test_helper_module(name.rsplit(".", 1)[0], ctx):
        return None  # imported from the code under test or a library: not followed, not read
    value = definition_of(func)
    if not isinstance(value, nodes.FunctionDef) or isinstance(value, nodes.AsyncFunctionDef):
        return None
    if value.decorators is not None:
        return None  # a decorator may run it anywhere
    root = value.root()
    if root is ctx.model.module:
        return value
    path = Path(root.file) if root.file else None
    if path is None:
        return None
    project = ctx.model.project
    if path.name == "conftest.py" or project.is_test_module(path):
        return value
    try:
        relative = path.relative_to(project.rootdir)
    except ValueError:
        return None
    return value if TEST_DIRECTORIES & set(relative.parts[:-1]) else None


def _may_be_test_helper_module(module_name: str, ctx: Context) -> bool:
    """Can the module of this dotted name hold test helpers — a test module, a conftest, a
    module under a tests directory, or a package beside the test file (`from helpers.waiting
    import ...` with tests/helpers/)? Decided from the name and two file checks, before any
    module is read: every call of async test code asks."""
    parts = module_name.split(".")
    if any(part in TEST_DIRECTORIES or part.startswith("test") or part.endswith("_test")
           or part == "conftest" for part in parts):
        return True
    return _beside(ctx.model.path.parent, parts[0])


@lru_cache(maxsize=256)
def _beside(directory: Path, name: str) -> bool:
    return (directory / name).is_dir() or (directory / f"{name}.py").is_file()


#: Calls that start an event loop of their own, by qualified name.
LOOP_STARTERS = frozenset({"asyncio.run", "asyncio.runners.run", "anyio.run", "anyio._core._eventloop.run"})
#: Methods that run an event loop, by the qualified name astroid gives their definition.
LOOP_METHODS = frozenset({
    "asyncio.base_events.BaseEventLoop.run_until_complete",
    "asyncio.base_events.BaseEventLoop.run_forever",
    "asyncio.events.AbstractEventLoop.run_until_complete",
    "asyncio.events.AbstractEventLoop.run_forever",
    "asyncio.runners.Runner.run",
})


class NestedEventLoop(Rule):
    code = "ASYNC701"
    name = "nested-event-loop"
    message = ("{call} in async code raises RuntimeError (a loop is already running); "
               "'await' the coroutine instead")
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        function = running_async_function(node, ctx)
        if function is None or inside_expected_error(node):
            return
        starter = _loop_starter(node.func)
        if starter is not None:
            yield self.finding(node, call=starter, function=function.name)


#: Calls that give an asyncio event loop (their own return value is not inferable: C code and
#: the loop policy stand between).
LOOP_FACTORIES = frozenset({
    "asyncio.new_event_loop", "asyncio.get_event_loop", "asyncio.get_running_loop",
    "asyncio.events.new_event_loop", "asyncio.events.get_event_loop",
    "asyncio.events.get_running_loop",
})


def _loop_starter(func: nodes.NodeNG) -> str | None:
    name = qualified_name(func)
    if name in LOOP_STARTERS:
        return f"{name}()"
    if isinstance(func, nodes.Attribute) and func.attrname in ("run_until_complete", "run_forever", "run"):
        if func.attrname != "run" and is_event_loop(func.expr):
            return f"{func.attrname}()"
        value = unwrap(safe_infer(func))
        if isinstance(value, nodes.FunctionDef) and value.qname() in LOOP_METHODS:
            return f"{func.attrname}()"
    return None


def is_event_loop(expression: nodes.NodeNG) -> bool:
    """`asyncio.new_event_loop()` and friends, directly, through a local bound once, or through
    an attribute of `self` that the class only ever sets to one of them (`self.loop = ...` in
    `setUp`)."""
    if isinstance(expression, nodes.Name):
        expression = single_assigned_value(expression)
    elif _is_self_attribute(expression):
        cls = _enclosing_class(expression)
        values = values_assigned_to_self(cls, expression.attrname) if cls is not None else None
        return bool(values) and all(is_event_loop(value) for value in values)
    return isinstance(expression, nodes.Call) and qualified_name(expression.func) in LOOP_FACTORIES


def _is_self_attribute(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Attribute) and isinstance(expression.expr, nodes.Name) \
        and expression.expr.name == "self"


def _enclosing_class(node: nodes.NodeNG) -> nodes.ClassDef | None:
    """The class around a method, or around the function nested in a method (`self.loop`
    used in an `async def main()` of a test method)."""
    scope = node.scope()
    while scope is not None and not isinstance(scope, nodes.ClassDef):
        scope = scope.parent.scope() if scope.parent else None
    return scope


GET_EVENT_LOOP = frozenset({"asyncio.get_event_loop", "asyncio.events.get_event_loop"})
NEW_EVENT_LOOP = frozenset({"asyncio.new_event_loop", "asyncio.events.new_event_loop"})
SET_EVENT_LOOP = frozenset({"asyncio.set_event_loop", "asyncio.events.set_event_loop"})
RUNNING_LOOP = frozenset({"asyncio.get_running_loop", "asyncio.events.get_running_loop",
                          *GET_EVENT_LOOP})
#: Exceptions whose handler shows the author expects `get_event_loop()` to fail.
HANDLES_RUNTIME_ERROR = frozenset({"RuntimeError", "Exception", "BaseException"})
#: Methods of a loop that close it or hand the closing on (`addCleanup(loop.close)`).
LOOP_CLOSERS = frozenset({"close", "shutdown_asyncgens", "shutdown_default_executor"})
ORDER_DEPENDENT = "in sync code fails after any async test ran"


class ManualEventLoopInTest(Rule):
    """The event loop managed by hand in test code, in the forms verified to break a test or
    make it depend on the tests run before it (docs/rules.md has the table)."""

    code = "ASYNC702"
    name = "manual-event-loop-in-test"
    message = "{call} {consequence}; {fix}"
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        function = node.scope()
        if not isinstance(function, nodes.FunctionDef) or not ctx.model.is_test_code(node):
            return
        fixture = ctx.model.fixture_for(function)
        if fixture is not None and fixture.name == "event_loop":
            return  # the removed fixture's own body: ASYNC523 reports the definition
        name = qualified_name(node.func)
        if name in GET_EVENT_LOOP:
            found = self._sync_get_event_loop(node, function, ctx)
        elif name in NEW_EVENT_LOOP:
            found = self._unclosed_new_loop(node, function)
        elif name in SET_EVENT_LOOP:
            found = self._loop_left_current(node, function, ctx)
        elif isinstance(node.func, nodes.Attribute) and node.func.attrname == "close" and not node.args:
            found = self._running_loop_closed(node, function)
        else:
            found = None
        if found is not None:
            call, consequence, fix = found
            yield self.finding(node, call=call, function=function.name, consequence=consequence, fix=fix)

    def _sync_get_event_loop(self, node, function, ctx):
        """`asyncio.get_event_loop()` where no loop runs: a sync test, or the body of a plain
        `@pytest.fixture` (a sync `@pytest_asyncio.fixture` runs in the runner's loop)."""
        if isinstance(function, nodes.AsyncFunctionDef) or _tolerates_failure(node):
            return None
        test = ctx.model.test_for(function)
        fixture = ctx.model.fixture_for(function)
        if test is not None:
            if test.cls is not None and (test.cls.kind.runs_coroutines or not test.cls.kind.complete):
                return None  # an IsolatedAsyncioTestCase (or unknown) runs it inside its loop
        elif fixture is None or fixture.kind != "pytest":
            return None
        if _sets_a_loop(function) or _sets_a_loop(_enclosing_class(function)) \
                or any(_sets_a_loop(other.node) for other in _fixtures_around(function, ctx)):
            return None  # the test code makes a loop current itself
        return ("asyncio.get_event_loop()", ORDER_DEPENDENT,
                "use asyncio.get_running_loop() in async code")

    def _unclosed_new_loop(self, node, function):
        statement = creation_statement(node)
        if statement is None:
            return None
        ending = fate(statement, LOOP_CLOSERS, passes_through=_is_set_event_loop)
        if not ending.lost or inside_expected_error(node) or only_on_old_python(node):
            return None
        how = "is dropped open" if ending.name is None else f"is left open in {ending.name!r}"
        return ("asyncio.new_event_loop()",
                f"{how}: a later test warns 'unclosed event loop'",
                "close it in a finally")

    def _loop_left_current(self, node, function, ctx):
        """A fixture that makes its own loop current and hands it to async tests: they run in
        pytest-asyncio's loop, not in this one. (Other `set_event_loop(loop)` calls left
        unreset are not reported: on real suites the library under test resets the loop, the
        test restores a saved one, or nothing reads the current loop afterwards.)"""
        fixture = ctx.model.fixture_for(function)
        if fixture is None or fixture.is_async or not node.args or _is_none(node.args[0]):
            return None
        if not _hands_out(function, node.args[0]) or _resets_loop(function):
            return None
        users = [test.name for test in ctx.model.tests if test.is_async
                 and fixture.name in requested_names(test.node)
                 and ctx.model.resolve_fixture(fixture.name, test.node) is fixture]
        if not users:
            return None
        return (f"asyncio.set_event_loop({_short(node.args[0])})",
                "in a fixture is not the loop its async tests run in",
                "use asyncio.get_running_loop() in them")

    def _running_loop_closed(self, node, function):
        if not isinstance(function, nodes.AsyncFunctionDef) or inside_expected_error(node):
            return None
        loop = node.func.expr
        if isinstance(loop, nodes.Name):
            loop = single_assigned_value(loop)
        if not isinstance(loop, nodes.Call) or qualified_name(loop.func) not in RUNNING_LOOP \
                or loop.scope() is not function:
            return None
        return (f"{_short(node.func.expr)}.close()",
                "in async code closes the running loop: RuntimeError",
                "leave the loop to its runner")


def only_on_old_python(node: nodes.NodeNG) -> bool:
    """In the body of `if sys.version_info < (3, N):` for an N no supported Python is below
    (3.10): code that never runs."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, nodes.Module):
        if isinstance(parent, nodes.If) and child in parent.body:
            test = parent.test
            if isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0][0] == "<" \
                    and qualified_name(test.left) == "sys.version_info":
                bound = test.ops[0][1]
                if isinstance(bound, nodes.Tuple) and all(isinstance(e, nodes.Const) for e in bound.elts) \
                        and tuple(e.value for e in bound.elts) <= (3, 10):
                    return True
        child, parent = parent, parent.parent
    return False


def _fixtures_around(function: nodes.FunctionDef, ctx: Context):
    """The fixtures that run before `function`: those it requests, and the autouse ones."""
    for name in requested_names(function):
        fixture = ctx.model.resolve_fixture(name, function)
        if fixture is not None:
            yield fixture
    for fixture in ctx.model.all_fixtures:
        if fixture.autouse:
            yield fixture


def _listed(names: list[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:2])
    return shown + (f" and {len(names) - 2} more" if len(names) > 2 else "")


def _short(node: nodes.NodeNG) -> str:
    return short_text(node, 40)


def _is_set_event_loop(call: nodes.Call) -> bool:
    return qualified_name(call.func) in SET_EVENT_LOOP


def _set_event_loop_calls(scope: nodes.NodeNG | None):
    if scope is None:
        return
    for call in scope.nodes_of_class(nodes.Call):
        if _is_set_event_loop(call):
            yield call, call.args[0] if call.args else None
        elif any(qualified_name(arg) in SET_EVENT_LOOP for arg in call.args):
            yield call, call.args[-1]  # addCleanup(asyncio.set_event_loop, None)


def _is_none(node: nodes.NodeNG | None) -> bool:
    return isinstance(node, nodes.Const) and node.value is None


def _sets_a_loop(scope: nodes.NodeNG | None) -> bool:
    return any(not _is_none(argument) for _call, argument in _set_event_loop_calls(scope))


def _resets_loop(scope: nodes.NodeNG | None) -> bool:
    return any(_is_none(argument) for _call, argument in _set_event_loop_calls(scope))


def _hands_out(function: nodes.FunctionDef, loop: nodes.NodeNG) -> bool:
    """Does the fixture give its requesters the loop it made current (`yield loop`)? A fixture
    that hands out something else (a worker, a server) while a loop is current is not this
    mistake: its async tests may well use the running loop."""
    if not isinstance(loop, nodes.Name):
        return False
    return any(isinstance(node.value, nodes.Name) and node.value.name == loop.name
               and node.scope() is function
               for node in function.nodes_of_class((nodes.Yield, nodes.Return)))


def _tolerates_failure(node: nodes.NodeNG) -> bool:
    """Inside `try: ... except RuntimeError:` (or broader), `pytest.raises`, or `pytest.warns`:
    the author expects the call to fail or warn."""
    if inside_expected_error(node):
        return True
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Module)):
        if isinstance(parent, nodes.Try) and child in parent.body:
            for handler in parent.handlers:
                if handler.type is None:
                    return True
                names = handler.type.elts if isinstance(handler.type, nodes.Tuple) else [handler.type]
                if any(isinstance(n, nodes.Name) and n.name in HANDLES_RUNTIME_ERROR for n in names):
                    return True
        if isinstance(parent, nodes.With) and child in parent.body:
            for expression, _target in parent.items:
                if isinstance(expression, nodes.Call) and qualified_name(expression.func) in (
                        "pytest.warns", "pytest.deprecated_call"):
                    return True
        child, parent = parent, parent.parent
    return False


RULES = (BlockingCallInAsyncTest, NestedEventLoop, ManualEventLoopInTest)
