"""ASYNC80x: work started by a test and then lost.

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


RULES = (TaskNeverAwaited,)
