"""ASYNC70x: the event loop stalled or re-entered from inside async test code.

A call is judged where it runs: directly in the body of an `async def` of test code (a test, a
fixture, an `asyncSetUp`, a helper of a test module, an async function nested in one). A call
inside a nested sync `def` or `lambda` runs wherever that function is sent (a thread, an
executor), and the function handed to `to_thread`/`run_in_executor` is passed, not called: both
are silent by construction.
"""

from __future__ import annotations

import re
from pathlib import Path

from astroid import nodes

from ..inference import qualified_name, safe_infer, single_assigned_value
from ..model.callables import unwrap
from ..model.expected_errors import inside_expected_error
from ..model.patches import values_assigned_to_self
from .base import Context, Rule

IN_A_THREAD = "asyncio.to_thread / anyio.to_thread.run_sync / trio.to_thread.run_sync"
SLEEP_FIX = "use 'await asyncio.sleep(...)' (anyio.sleep / trio.sleep under those runners)"
THREAD_FIX = f"use the library's async API, or run it in a thread ({IN_A_THREAD})"
HTTP_FIX = f"use an async client (httpx.AsyncClient, aiohttp), or run it in a thread ({IN_A_THREAD})"
SUBPROCESS_FIX = ("use an async subprocess (asyncio.create_subprocess_exec, anyio.run_process, "
                  f"trio.run_process), or run it in a thread ({IN_A_THREAD})")

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
    "sqlite3.connect": f"use aiosqlite, or run it in a thread ({IN_A_THREAD})",
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
    message = "{call} blocks the event loop in async {function!r}{chain}; {fix}"
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
    whose sync functions are not followed."""
    value = unwrap(safe_infer(func))
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
    message = ("{call} inside async {function!r} raises RuntimeError: an event loop is already "
               "running in this thread; 'await' the coroutine instead")
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


RULES = (BlockingCallInAsyncTest, NestedEventLoop)
