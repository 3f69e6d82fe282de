"""ASYNC800/801: work started by a test and then lost, and resources left open.

A task is lost when nothing keeps hold of it: the call's result is dropped, or bound to a local
that the function never mentions again. Any later mention — awaited, cancelled, gathered,
checked, returned, passed on, stored — counts as keeping hold of it: precision first.

A resource (a session, a connection, a file, a stream, a process) is left open when only its
own methods are ever called (rules/local_flow.py). Those that hold nothing until they connect
are reported only once an awaited method has talked to the other side; on real suites most
clients built in tests were only inspected, or talked to a patched transport (2026-11-30).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from astroid import nodes

from ..inference import qualified_name, safe_infer
from ..model.callables import unwrap
from ..model.expected_errors import inside_expected_error
from ..rendering import expression_text
from .base import Context, Rule
from .callees import definition_of
from .event_loop import is_event_loop
from .local_flow import creation_statement, fate

#: Functions that schedule a coroutine as an asyncio task, by qualified name.
TASK_FUNCTIONS = frozenset({
    "asyncio.create_task", "asyncio.tasks.create_task",
    "asyncio.ensure_future", "asyncio.tasks.ensure_future",
})
#: The event loop's own method, by the qualified name astroid gives its definition.
LOOP_CREATE_TASK = frozenset({
    "asyncio.base_events.BaseEventLoop.create_task",
    "asyncio.events.AbstractEventLoop.create_task",
})


class TaskNeverAwaited(Rule):
    code = "ASYNC800"
    name = "task-never-awaited"
    message = "task from {call} {how} (errors unseen); 'await' it, or use asyncio.TaskGroup"
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        if not ctx.model.is_test_code(node) or not isinstance(node.scope(), nodes.FunctionDef):
            return
        how = _lost(node)
        if how is None:
            return
        call = task_call(node.func)
        if call is not None:
            yield self.finding(node, call=call, how=how)


def _lost(call: nodes.Call) -> str | None:
    """How the task `call` creates is lost, or None when something keeps hold of it."""
    parent = call.parent
    if isinstance(parent, nodes.Expr):
        return "is dropped"
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName):
        name = parent.targets[0].name
        function = call.scope()
        for declaration in function.nodes_of_class((nodes.Global, nodes.Nonlocal)):
            if name in declaration.names:
                return None  # stored beyond the function
        for use in function.nodes_of_class(nodes.Name):
            if use.name == name:
                return None  # mentioned again: awaited, cancelled, passed on...
        return f"is bound to {name!r} and never used"
    return None


def task_call(func: nodes.NodeNG) -> str | None:
    """'asyncio.create_task()' / 'loop.create_task()' when `func` schedules an asyncio task
    (ASYNC704 asks too: a task is work that runs while the test sleeps)."""
    name = qualified_name(func)
    if name in TASK_FUNCTIONS:
        return f"{name}()"
    if isinstance(func, nodes.Attribute) and func.attrname == "create_task":
        if is_event_loop(func.expr):
            return "loop.create_task()"
        value = unwrap(safe_infer(func))
        if isinstance(value, nodes.FunctionDef) and value.qname() in LOOP_CREATE_TASK:
            return "loop.create_task()"
    return None


@dataclass(frozen=True)
class Resource:
    """What a call creates that must be closed, and how to close it."""

    what: str
    close: str  # the fix, spelled for a name `{name}`
    #: what the fix calls it when the test gave it no name
    usual_name: str = "resource"
    #: the object holds nothing (no socket, no connection) until an awaited method connects it
    idle_until_used: bool = False
    #: keywords that hand it something it then does not own, nor close
    not_owner_keywords: frozenset[str] = frozenset()
    #: for a call that returns a tuple: the position of the resource in it
    position: int | None = None


def _resources() -> dict[str, Resource]:
    closed_by_async_with = "'async with' or 'await {name}.%s()'"
    session = Resource("aiohttp.ClientSession", closed_by_async_with % "close", "session")
    connector = Resource("aiohttp connector", "'await {name}.close()', or hand it to a ClientSession",
                         "connector", idle_until_used=True)
    httpx_client = Resource("httpx.AsyncClient", closed_by_async_with % "aclose", "client",
                            idle_until_used=True)
    connection = Resource("asyncpg connection", "'await {name}.close()' in a finally", "connection")
    pool = Resource("asyncpg pool", closed_by_async_with % "close", "pool")
    file = Resource("aiofiles file", "'async with' or 'await {name}.close()'",
                    "file")
    writer = Resource("StreamWriter", "close() and 'await wait_closed()'",
                      "writer", position=1)
    process = Resource("subprocess", "'await {name}.wait()' (kill it first if needed)",
                       "process")
    redis = Resource("redis.asyncio client", closed_by_async_with % "aclose", "client",
                     idle_until_used=True, not_owner_keywords=frozenset({"connection_pool"}))
    table = {
        "aiohttp.ClientSession": session, "aiohttp.client.ClientSession": session,
        "aiohttp.TCPConnector": connector, "aiohttp.connector.TCPConnector": connector,
        "aiohttp.UnixConnector": connector, "aiohttp.connector.UnixConnector": connector,
        "httpx.AsyncClient": httpx_client, "httpx._client.AsyncClient": httpx_client,
        "asyncpg.connect": connection, "asyncpg.connection.connect": connection,
        "asyncpg.create_pool": pool, "asyncpg.pool.create_pool": pool,
        "aiofiles.open": file, "aiofiles.threadpool.open": file,
        "asyncio.open_connection": writer, "asyncio.streams.open_connection": writer,
        "asyncio.open_unix_connection": writer, "asyncio.streams.open_unix_connection": writer,
    }
    for name in ("create_subprocess_exec", "create_subprocess_shell"):
        table[f"asyncio.{name}"] = table[f"asyncio.subprocess.{name}"] = process
    for name in ("Redis", "StrictRedis", "from_url", "Redis.from_url", "client.Redis",
                 "client.StrictRedis", "utils.from_url", "client.Redis.from_url"):
        table[f"redis.asyncio.{name}"] = redis
    return table


RESOURCES = _resources()
#: Methods that close (or hand over the closing of) a resource: any mention of one keeps hold.
CLOSERS = frozenset({
    "close", "aclose", "wait_closed", "__aexit__", "__aenter__", "terminate", "kill", "wait",
    "communicate", "release", "disconnect", "shutdown", "detach",
})


class AsyncResourceNotClosed(Rule):
    code = "ASYNC801"
    name = "async-resource-not-closed"
    message = "{what} {how}; use {fix}"
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        if not isinstance(node.scope(), nodes.FunctionDef) or not ctx.model.is_test_code(node):
            return
        statement = creation_statement(node)
        extra = ctx.settings.resources
        if statement is None or not any(ctx.model.may_use_package(package) for package in _packages(extra)):
            return
        found = _created_resource(node, _resource_table(extra), ctx)
        if found is None:
            return
        what, resource = found
        if any(keyword.arg in resource.not_owner_keywords for keyword in node.keywords or ()):
            return  # built around something it does not own (`Redis(connection_pool=pool)`)
        ending = fate(statement, CLOSERS, resource.position)
        if not ending.lost or expects_failure(node) or _tests_the_warning(node.scope()):
            return
        if resource.idle_until_used and (_io_replaced_for(node.scope()) or not any(
                _does_io(member) for member in ending.members)):
            return  # it never connected: nothing is open
        if any(_provokes_failure(member) for member in ending.members):
            return  # a failed operation closes the connection it broke
        how = "is dropped unclosed" if ending.name is None else f"in {ending.name!r} is never closed"
        fix = resource.close.format(name=ending.name or resource.usual_name)
        yield self.finding(node, what=what, how=how, fix=fix)


@lru_cache(maxsize=8)
def _resource_table(extra: tuple[str, ...]) -> dict[str, Resource]:
    """The built-in resources and those of `async-tests-resources`."""
    return {**RESOURCES, **{name: Resource(name, "'async with' or 'await {name}.close()'")
                            for name in extra}}


@lru_cache(maxsize=8)
def _packages(extra: tuple[str, ...]) -> frozenset[str]:
    """The top-level packages a resource can come from: none imported, nothing to look for."""
    return frozenset(name.split(".")[0] for name in _resource_table(extra))


def _created_resource(call: nodes.Call, table: dict[str, Resource],
                      ctx: Context) -> tuple[str, Resource] | None:
    """(how to name what `call` makes, the resource) when it creates one: by the name it is
    imported under, by the definition that name leads to (a re-export), or through a factory of
    the project that returns a new one (rules/callees.py: names, not inference)."""
    spelled = expression_text(call.func)
    name = qualified_name(call.func)
    if name in table:
        return _described(spelled, name, table[name]), table[name]
    if not (ctx.model.may_be_sync_function(call.func) or ctx.model.may_be_coroutine_function(call.func)
            or (name or "").split(".")[0] in _packages(ctx.settings.resources)):
        return None
    definition = definition_of(call.func)
    if definition is None:
        return None
    if definition.qname() in table:
        resource = table[definition.qname()]
        return _described(spelled, definition.qname(), resource), resource
    return _made_by(spelled, definition, table) if isinstance(definition, nodes.FunctionDef) else None


def _made_by(spelled: str, factory: nodes.FunctionDef,
             table: dict[str, Resource]) -> tuple[str, Resource] | None:
    made = _factory_product(factory, table)
    if made is None:
        return None
    inner, resource = made
    return f"{spelled}() (a new {inner}())", resource


def _described(spelled: str, qualified: str, resource: Resource) -> str:
    """An alias is named with what it stands for: 'the StreamWriter of connect() (that is
    asyncio.open_connection)'."""
    call = f"{spelled}()"
    if spelled.rsplit(".", 1)[-1] != qualified.rsplit(".", 1)[-1]:
        call += f" (= {qualified})"
    return f"{resource.what} of {call}" if resource.position is not None else call


def _factory_product(function: nodes.FunctionDef, table: dict[str, Resource]) -> tuple[str, Resource] | None:
    """What a factory of test code returns, when every return gives a resource it has just
    made (`return aiohttp.ClientSession(...)`): a factory that returns a shared or cached object
    is not the caller's to close."""
    found = None
    for returned in function.nodes_of_class(nodes.Return):
        if returned.scope() is not function or returned.value is None:
            return None
        value = returned.value
        if isinstance(value, nodes.Await):
            value = value.value
        if not isinstance(value, nodes.Call):
            return None
        name = qualified_name(value.func)
        if name not in table or table[name].position is not None:
            return None
        found = (expression_text(value.func), table[name])
    return found


#: Context managers inside which an operation is expected to fail, or its I/O is replaced.
FAILURE_OR_STAND_IN_CONTEXTS = frozenset({
    "pytest.raises", "mock.patch", "mock.patch.object", "patch", "patch.object",
})
#: Fixtures that replace an HTTP client's transport (pytest-httpx, respx).
STAND_IN_FIXTURES = frozenset({"httpx_mock", "respx_mock"})


def expects_failure(node: nodes.NodeNG) -> bool:
    """Inside `pytest.raises`, `assertRaises`, a `try:` with handlers, or a `mock.patch` block:
    the operation is expected to fail (a failed connect leaves nothing open) or touches no
    real I/O."""
    if inside_expected_error(node):
        return True
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Module)):
        if isinstance(parent, nodes.Try) and child in parent.body and parent.handlers:
            return True
        if isinstance(parent, nodes.With) and child in parent.body:
            for expression, _target in parent.items:
                if isinstance(expression, nodes.Call) and _replaces_io(expression.func):
                    return True
        child, parent = parent, parent.parent
    return False


def _replaces_io(func: nodes.NodeNG) -> bool:
    name = qualified_name(func) or ""
    return name.removeprefix("unittest.") in FAILURE_OR_STAND_IN_CONTEXTS


def _io_replaced_for(function: nodes.FunctionDef) -> bool:
    """A test decorated with `mock.patch`/`respx.mock`, or asking for pytest-httpx's or respx's
    mock fixture: its clients talk to stand-ins, not to sockets."""
    if set(function.argnames()) & STAND_IN_FIXTURES:
        return True
    for decorator in function.decorators.nodes if function.decorators else ():
        func = decorator.func if isinstance(decorator, nodes.Call) else decorator
        if _replaces_io(func) or qualified_name(func) in ("respx.mock", "respx.router.mock"):
            return True
    return False


def _does_io(member: nodes.Attribute) -> bool:
    """`await client.get(...)`, `async with client.get(...)`, `async for x in client.scan()`:
    a method whose result is awaited talks to the other side. Attribute reads and sync calls
    do not (`conn.limit`, `client._transport_for_url(url)`)."""
    call = member.parent
    if not isinstance(call, nodes.Call) or call.func is not member:
        return False
    parent = call.parent
    return isinstance(parent, nodes.Await) or (
        isinstance(parent, nodes.AsyncWith) and any(call is item for item, _ in parent.items)
    ) or (isinstance(parent, nodes.AsyncFor) and parent.iter is call)


def _provokes_failure(member: nodes.Attribute) -> bool:
    """An awaited operation the test expects to fail: the library closes what broke."""
    return _does_io(member) and expects_failure(member)


def _tests_the_warning(function: nodes.FunctionDef) -> bool:
    """A test of the resource's own finaliser leaves it open on purpose: it mentions
    ResourceWarning, or collects garbage to make the finaliser run."""
    if any(name.name == "ResourceWarning" for name in function.nodes_of_class(nodes.Name)):
        return True
    return any(qualified_name(call.func) == "gc.collect" for call in function.nodes_of_class(nodes.Call))


RULES = (TaskNeverAwaited, AsyncResourceNotClosed)
