"""ASYNC802: a test that gathers or waits for work, swallows its failures, and checks nothing.

`gather(..., return_exceptions=True)` returns a failure as a value and `asyncio.wait` keeps it in
the done set: neither raises. The rule claims that such a failure goes unnoticed, so it reports
only where nothing could notice it. On real suites (2026-11-30) almost every gather or wait
whose result is dropped was followed by assertions on the work's effects, came after the
test's assertions as a shutdown, or drained tasks the test had just cancelled; those are all
silent here. What is left is a test whose only work is the swallowed one.
"""

from __future__ import annotations

from astroid import nodes

from ..inference import qualified_name
from ..rendering import expression_text
from .assertions import AsyncTestAssertsNothing
from .base import Context, Rule
from .coroutines import uses_of

GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})
WAIT = frozenset({"asyncio.wait", "asyncio.tasks.wait"})


class GatheredExceptionsDiscarded(Rule):
    code = "ASYNC802"
    name = "gathered-exceptions-discarded"
    message = "{call} {how}, and the test checks nothing else; {fix}"
    visits = (nodes.Call,)

    def __init__(self) -> None:
        self._checks = AsyncTestAssertsNothing()

    def check(self, node: nodes.Call, ctx: Context):
        name = qualified_name(node.func)
        if name in GATHER:
            if not _returns_exceptions(node):
                return  # a failure raises out of the gather and fails the test
            fix = "drop return_exceptions=True or check results"
        elif name in WAIT:
            fix = "use asyncio.gather or check done tasks' .result()"
        else:
            return
        if not isinstance(node.parent, nodes.Await):
            return
        how = _discarded(node.parent)
        function = node.scope()
        test = ctx.model.test_for(function)
        if how is None or test is None or not test.is_async:
            return  # fixtures and helpers drain background work; only a test's own result counts
        if _cancels_before(function, node) or self._checks.checks_something(test, ctx.model):
            return
        call = f"{expression_text(node.func)}(...)"
        yield self.finding(node, call=call, test=function.name, how=how, fix=fix)


def _returns_exceptions(call: nodes.Call) -> bool:
    return any(keyword.arg == "return_exceptions" and isinstance(keyword.value, nodes.Const)
               and keyword.value.value is True for keyword in call.keywords or ())


def _discarded(awaited: nodes.Await) -> str | None:
    """How the result is thrown away: not looked at, or bound to names never read again."""
    statement = awaited.parent
    if isinstance(statement, nodes.Expr):
        return "drops its results"
    if not isinstance(statement, nodes.Assign) or statement.value is not awaited \
            or len(statement.targets) != 1:
        return None
    target = statement.targets[0]
    if not isinstance(target, (nodes.Tuple, nodes.AssignName)):
        return None  # stored in an attribute or a container: read elsewhere
    function = statement.scope()
    if any(uses_of(name, function) for name in target.nodes_of_class(nodes.AssignName)):
        return None
    return "never reads its results"


def _cancels_before(function: nodes.FunctionDef, node: nodes.Call) -> bool:
    """A `.cancel()` anywhere before: gathering cancelled tasks is the clean-up idiom."""
    return any(isinstance(call.func, nodes.Attribute) and call.func.attrname == "cancel"
               and call.lineno < node.lineno for call in function.nodes_of_class(nodes.Call))


RULES = (GatheredExceptionsDiscarded,)
