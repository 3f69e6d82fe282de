"""ASYNC80x: work started by a test and then lost, or its failures thrown away.

A task is lost when nothing keeps hold of it: the call's result is dropped, or bound to a local
that the function never mentions again. Any later mention — awaited, cancelled, gathered,
checked, returned, passed on, stored — counts as keeping hold of it: precision first.
"""

from __future__ import annotations

from astroid import nodes

from ..inference import qualified_name, safe_infer
from ..model.callables import unwrap
from .base import Context, Rule
from .event_loop import is_event_loop

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
    message = ("task from {call} {how}: if it fails, its exception is only logged, never raised in "
               "the test, and if it is still running at the end it is cancelled unseen; keep it "
               "and 'await' it, or use asyncio.TaskGroup")
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        if not ctx.model.is_test_code(node) or not isinstance(node.scope(), nodes.FunctionDef):
            return
        how = _lost(node)
        if how is None:
            return
        call = _task_call(node.func)
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
        return f"is bound to {name!r}, which is never used again"
    return None


def _task_call(func: nodes.NodeNG) -> str | None:
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


#: Calls whose awaited result is the only report of the awaited work's failures.
GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})
WAIT = frozenset({"asyncio.wait", "asyncio.tasks.wait"})


class GatheredExceptionsDiscarded(Rule):
    code = "ASYNC802"
    name = "gathered-exceptions-discarded"
    message = ("{call} {how}: the failures of the awaited work are in that result, so the test "
               "passes whatever they were; {fix}")
    visits = (nodes.Await,)

    def check(self, node: nodes.Await, ctx: Context):
        call = node.value
        if not isinstance(call, nodes.Call) or not ctx.model.is_test_code(node):
            return
        function = node.scope()
        if not isinstance(function, nodes.FunctionDef) or _in_fixture_teardown(node, ctx):
            return
        name = qualified_name(call.func)
        if name in GATHER and _keyword_true(call, "return_exceptions"):
            if isinstance(node.parent, nodes.Expr) and not _cancelled_just_before(node.parent):
                yield self.finding(node, call="gather(..., return_exceptions=True)",
                                   how="has its result dropped",
                                   fix="check it (assert not any(isinstance(r, BaseException) "
                                       "for r in results)), or drop return_exceptions=True")
        elif name in WAIT:
            how = _wait_result_ignored(node, function)
            if how is not None and not _cancelled_just_before(node.statement()):
                yield self.finding(node, call="asyncio.wait(...)", how=how,
                                   fix="read each done task's result() (or exception()), or "
                                       "use asyncio.gather")


def _keyword_true(call: nodes.Call, name: str) -> bool:
    for keyword in call.keywords or ():
        if keyword.arg == name:
            return isinstance(keyword.value, nodes.Const) and keyword.value.value is True
    return False


def _in_fixture_teardown(node: nodes.NodeNG, ctx: Context) -> bool:
    """After the `yield` of a fixture: draining background work at teardown is the idiom."""
    function = node.scope()
    if ctx.model.fixture_for(function) is None:
        return False
    line = node.lineno
    return any(y.lineno < line and y.scope() is function for y in function.nodes_of_class(nodes.Yield))


def _cancelled_just_before(statement: nodes.NodeNG) -> bool:
    """The usual clean-up: the tasks were cancelled, and gathering them only waits for them to
    finish (`for t in tasks: t.cancel()` then `await gather(*tasks, return_exceptions=True)`):
    a `.cancel()` in one of the three statements before."""
    sibling = statement.previous_sibling()
    for _ in range(3):
        if sibling is None:
            return False
        for attribute in sibling.nodes_of_class(nodes.Attribute):
            if attribute.attrname == "cancel":
                return True
        sibling = sibling.previous_sibling()
    return False


def _wait_result_ignored(node: nodes.Await, function: nodes.FunctionDef) -> str | None:
    """How `await asyncio.wait(...)` loses the finished tasks' outcome, or None."""
    parent = node.parent
    if isinstance(parent, nodes.Expr):
        return None if _results_read_later(parent, function) else "has its result dropped"
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.Tuple) and parent.targets[0].elts:
        done = parent.targets[0].elts[0]
        if isinstance(done, nodes.AssignName):
            uses = [n for n in function.nodes_of_class(nodes.Name) if n.name == done.name]
            if not uses and not _results_read_later(parent, function):
                return f"has its done set {done.name!r} never read"
    return None


def _results_read_later(statement: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """Does the function read a task's outcome after the wait (`task.result()`, `.exception()`)?"""
    for attribute in function.nodes_of_class(nodes.Attribute):
        if attribute.attrname in ("result", "exception") and attribute.lineno >= statement.lineno:
            return True
    return False


RULES = (TaskNeverAwaited, GatheredExceptionsDiscarded)
