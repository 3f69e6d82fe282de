"""ASYNC703/704 (opt-in): async tests whose verdict depends on how long things take.

Both rules read one `async def` of test code at a time. What they need is name resolution
(qualified names through imports and aliases, locals bound once), not inference of the code
under test: a clock or a sleep is recognised by what it is called.

ASYNC703 follows clock readings through locals and arithmetic into assertions. An interval is
the difference of two readings of one clock; the reading taken later in the source is its end.
An upper bound (`elapsed < 0.5`, `pytest.approx`, `assertAlmostEqual`) is what a slow CI
machine breaks. A lower bound (`elapsed >= 0.1`: the sleep really slept) survives load, since
load only makes things slower; only a clock that follows the system time (time.time(),
datetime.now()) breaks it, when the clock is stepped back.

ASYNC704 reads the statements after `await sleep(x > 0)`. An assertion reached before anything
else is awaited can only have been made true, during the sleep, by work running concurrently;
such work must have been started earlier in the same function and not joined since. Then the
sleep is the only synchronisation, and a slow machine makes the assertion fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from astroid import nodes

from ..inference import qualified_name, safe_infer, single_assigned_value
from ..model.callables import unwrap
from ..model.expected_errors import EXPECTED_ERROR_CONTEXTS, EXPECTED_ERROR_METHODS
from ..rendering import call_text, expression_text, short_text
from .base import Context, Rule
from .event_loop import is_event_loop, running_async_function
from .resources import task_call
from .shared_state import encloses

# ---------------------------------------------------------------------------------------------
# ASYNC703

#: Clocks by qualified name, and the family of clocks whose readings can be subtracted.
CLOCKS: dict[str, str] = {
    "time.time": "system", "time.time_ns": "system",
    "time.monotonic": "monotonic", "time.monotonic_ns": "monotonic",
    "time.perf_counter": "perf_counter", "time.perf_counter_ns": "perf_counter",
    "timeit.default_timer": "perf_counter",
    "datetime.datetime.now": "datetime", "datetime.datetime.utcnow": "datetime",
    "datetime.datetime.today": "datetime",
}
#: Families that follow the system time, which can be set back (NTP, an operator, a VM resume).
SYSTEM_TIME_FAMILIES = frozenset({"system", "datetime"})
#: asyncio's loop clock (time.monotonic() underneath), by the name astroid gives the method.
LOOP_TIME_METHODS = frozenset({
    "asyncio.base_events.BaseEventLoop.time", "asyncio.events.AbstractEventLoop.time",
})
#: Libraries whose `current_time()` reads the running loop's clock (virtual under a mock clock).
RUNNER_CLOCK_LIBRARIES = ("trio", "anyio")
#: How many locals and wrappers are followed from a comparison to a clock reading.
MAX_DEPTH = 6
#: unittest comparisons, as the operator they assert between their first two arguments.
UNITTEST_COMPARISONS = {"assertLess": "<", "assertLessEqual": "<=", "assertGreater": ">",
                        "assertGreaterEqual": ">="}
#: Parameters (fixtures), decorators and context managers that put the test on a clock it
#: controls: trio's mock_clock/autojump_clock, freezegun, time-machine, looptime.
CONTROLLED_CLOCK_NAMES = re.compile(r"clock|freez|frozen|time_machine|looptime", re.IGNORECASE)
CONTROLLED_CLOCK_CALLS = re.compile(r"MockClock|freeze_time|time_machine|looptime|travel")

UPPER, LOWER = "upper", "lower"


@dataclass(frozen=True)
class Reading:
    """One call that reads a clock."""

    call: nodes.Call
    clock: str  # as the message names it: 'time.monotonic()'
    family: str

    @property
    def position(self) -> tuple[int, int]:
        return self.call.lineno or 0, self.call.col_offset or 0


@dataclass(frozen=True)
class Bound:
    """An assertion that bounds the interval from `earlier` to `later`."""

    side: str  # UPPER (also two-sided: approx, isclose) or LOWER
    earlier: Reading
    later: Reading

    @property
    def flaky(self) -> bool:
        return self.side == UPPER or self.later.family in SYSTEM_TIME_FAMILIES


class WallClockTimingAssertion(Rule):
    code = "ASYNC703"
    name = "wall-clock-timing-assertion"
    message = "{side} bound on {interval}: {why}; {fix}"
    opt_in = True
    visits = (nodes.Assert, nodes.Call, nodes.If)

    def check(self, node: nodes.NodeNG, ctx: Context):
        if isinstance(node, nodes.Call) and not (
                isinstance(node.func, nodes.Attribute) and node.func.attrname.startswith("assert")):
            return
        function = running_async_function(node, ctx)
        if function is None:
            return
        bounds = _asserted_bounds(node, function)
        if not bounds:
            return
        flaky = [bound for bound in bounds if bound.flaky and not _polls_deadline(node, bound, function)]
        if not flaky or _controlled_clock(function, ctx):
            return
        bound = next((b for b in flaky if b.side == UPPER), flaky[0])
        yield self.finding(node, side=bound.side, interval=_readings_text(bound),
                           function=function.name, why=_why(bound), fix=_timing_fix(bound))


def _readings_text(bound: Bound) -> str:
    """'two time.monotonic() readings (lines 3 and 5)', or each reading with its line."""
    earlier, later = bound.earlier, bound.later
    if earlier.clock == later.clock:
        return f"elapsed {later.clock} (lines {earlier.position[0]}-{later.position[0]})"
    return f"{earlier.clock} (line {earlier.position[0]}) to {later.clock} (line {later.position[0]})"


def _why(bound: Bound) -> str:
    if bound.side == LOWER:
        return "system time can go back"
    return "flaky on slow CI"


def _timing_fix(bound: Bound) -> str:
    if bound.side == LOWER:
        return "measure with time.monotonic()"
    return "assert the outcome instead"


def _asserted_bounds(node: nodes.NodeNG, function: nodes.FunctionDef) -> list[Bound]:
    """The bounds on clock intervals that `node` asserts, if it is an assertion."""
    if isinstance(node, nodes.Assert):
        return _bounds(node.test, negated=False)
    if isinstance(node, nodes.If):
        if _only_fails(node.body):
            return _bounds(node.test, negated=True)  # the condition is the failure
        return []
    func = node.func
    if not isinstance(func, nodes.Attribute) or not func.attrname.startswith("assert"):
        return []
    args = node.args
    if func.attrname in UNITTEST_COMPARISONS and len(args) >= 2:
        bound = _compared(args[0], UNITTEST_COMPARISONS[func.attrname], args[1])
        return [bound] if bound else []
    if func.attrname == "assertAlmostEqual" and len(args) >= 2:
        bound = _compared(args[0], "approx", args[1])
        return [bound] if bound else []
    if func.attrname in ("assertTrue", "assertFalse") and args:
        return _bounds(args[0], negated=func.attrname == "assertFalse")
    return []


def _only_fails(body: list[nodes.NodeNG]) -> bool:
    """`pytest.fail(...)` or `raise AssertionError(...)`, alone: an assertion spelled as an if."""
    if len(body) != 1:
        return False
    statement = body[0]
    if isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Call):
        return qualified_name(statement.value.func) == "pytest.fail"
    if isinstance(statement, nodes.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, nodes.Call) else statement.exc
        return qualified_name(raised) == "builtins.AssertionError"
    return False


def _polls_deadline(node: nodes.NodeNG, bound: Bound, function: nodes.FunctionDef) -> bool:
    """Checked on each turn of a loop that started timing before it: a polling loop's timeout
    (`while not ready(): assert monotonic() < deadline; await sleep(0.01)`), the correct idiom."""
    parent = node.parent
    while parent is not None and parent is not function:
        if isinstance(parent, (nodes.While, nodes.For)) and not encloses(parent, bound.earlier.call):
            return True
        parent = parent.parent
    return False


def _bounds(expression: nodes.NodeNG, negated: bool) -> list[Bound]:
    """The interval bounds an assertion's condition states (`not`, `and`/`or` looked through)."""
    found: list[Bound] = []
    if isinstance(expression, nodes.Compare):
        left = expression.left
        for operator, right in expression.ops:
            bound = _compared(left, _negate(operator) if negated else operator, right)
            if bound is not None:
                found.append(bound)
            left = right
    elif isinstance(expression, nodes.BoolOp):
        for value in expression.values:
            found += _bounds(value, negated)
    elif isinstance(expression, nodes.UnaryOp) and expression.op == "not":
        found += _bounds(expression.operand, not negated)
    elif isinstance(expression, nodes.Call) and not negated and len(expression.args) >= 2 \
            and qualified_name(expression.func) == "math.isclose":
        bound = _compared(expression.args[0], "approx", expression.args[1])
        if bound is not None:
            found.append(bound)
    return found


def _negate(operator: str) -> str:
    return {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}.get(operator, operator)


def _compared(left: nodes.NodeNG, operator: str, right: nodes.NodeNG) -> Bound | None:
    """The bound `left <operator> right` puts on a clock interval; 'approx' is two-sided."""
    if operator == "==" and (_is_approx(left) or _is_approx(right)):
        operator = "approx"
    if operator not in ("<", "<=", ">", ">=", "approx"):
        return None  # == on a real clock never holds: a test doing it runs on a virtual one
    interval = _interval(_add(_terms(left, 0), _terms(right, 0), -1))
    if interval is None:
        return None
    earlier, later, sign = interval
    if operator == "approx":
        return Bound(UPPER, earlier, later)
    less = operator in ("<", "<=")
    return Bound(UPPER if less == (sign > 0) else LOWER, earlier, later)


def _is_approx(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Call) and qualified_name(expression.func) == "pytest.approx"


Terms = dict[Reading, int]


def _terms(expression: nodes.NodeNG | None, depth: int) -> Terms:
    """The clock readings `expression` adds up, with their signs (`end - start` ->
    {end: 1, start: -1}); empty when it holds none we can see."""
    if expression is None or depth > MAX_DEPTH:
        return {}
    depth += 1
    if isinstance(expression, nodes.Call):
        reading = _clock_reading(expression)
        if reading is not None:
            return {reading: 1}
        return _terms_through_call(expression, depth)
    if isinstance(expression, nodes.Attribute) and expression.attrname in ("seconds", "microseconds"):
        return _terms(expression.expr, depth)  # parts of a timedelta
    if isinstance(expression, nodes.BinOp):
        left, right = _terms(expression.left, depth), _terms(expression.right, depth)
        if expression.op in ("+", "-"):
            return _add(left, right, 1 if expression.op == "+" else -1)
        if expression.op in ("*", "/", "//") and not right:
            return left  # scaled to milliseconds, averaged per operation
        if expression.op == "*" and not left:
            return right
        return {}
    if isinstance(expression, nodes.UnaryOp) and expression.op == "-":
        return {reading: -sign for reading, sign in _terms(expression.operand, depth).items()}
    if isinstance(expression, nodes.Name):
        return _terms(single_assigned_value(expression), depth)
    return {}


def _terms_through_call(call: nodes.Call, depth: int) -> Terms:
    """`(end - start).total_seconds()`, `round(elapsed, 2)`, `abs(elapsed - 1)`."""
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "total_seconds" and not call.args:
        return _terms(func.expr, depth)
    if not call.args:
        return {}
    name = qualified_name(func)
    if name in ("builtins.round", "builtins.int", "builtins.float"):
        return _terms(call.args[0], depth)
    if name == "builtins.abs":
        terms = _terms(call.args[0], depth)
        interval = _interval(terms)
        if interval is None:
            return terms
        earlier, later, _sign = interval
        return {later: 1, earlier: -1}  # the distance, whichever way it was written
    return {}


def _add(left: Terms, right: Terms, sign: int) -> Terms:
    total = dict(left)
    for reading, coefficient in right.items():
        total[reading] = total.get(reading, 0) + sign * coefficient
    return {reading: coefficient for reading, coefficient in total.items() if coefficient}


def _interval(terms: Terms) -> tuple[Reading, Reading, int] | None:
    """(earlier reading, later reading, sign) when `terms` is ±(later - earlier) plus a
    clock-free rest: two readings of one clock family with opposite signs."""
    if len(terms) != 2:
        return None
    (first, first_sign), (second, second_sign) = terms.items()
    if {first_sign, second_sign} != {1, -1} or first.family != second.family:
        return None
    plus, minus = (first, second) if first_sign == 1 else (second, first)
    if plus.position > minus.position:
        return minus, plus, 1
    if plus.position < minus.position:
        return plus, minus, -1
    return None


def _clock_reading(call: nodes.Call) -> Reading | None:
    func = call.func
    name = qualified_name(func)
    if name in CLOCKS:
        return Reading(call, f"{name}()", CLOCKS[name])
    if name and name.split(".")[0] in RUNNER_CLOCK_LIBRARIES and name.endswith(".current_time"):
        return Reading(call, f"{name.split('.')[0]}.current_time()", "runner")
    if isinstance(func, nodes.Attribute) and func.attrname == "time" and not call.args:
        if is_event_loop(func.expr) or _is_loop_time(func):
            return Reading(call, "loop.time()", "monotonic")
        return None
    if isinstance(func, nodes.Name):
        return _helper_reading(call, func)
    return None


def _is_loop_time(func: nodes.Attribute) -> bool:
    value = unwrap(safe_infer(func))
    return isinstance(value, nodes.FunctionDef) and value.qname() in LOOP_TIME_METHODS


def _helper_reading(call: nodes.Call, func: nodes.Name) -> Reading | None:
    """`now()` where the test module defines `def now(): return time.monotonic()`."""
    _scope, bindings = func.lookup(func.name)
    if len(bindings) != 1 or type(bindings[0]) is not nodes.FunctionDef:
        return None
    helper = bindings[0]
    readings = []
    for statement in helper.nodes_of_class(nodes.Return):
        value = statement.value
        if statement.scope() is not helper:
            continue
        if not isinstance(value, nodes.Call) or isinstance(value.func, nodes.Name):
            return None  # not a clock read directly (helpers of helpers are not followed)
        reading = _clock_reading(value)
        if reading is None:
            return None
        readings.append(reading)
    if not readings:
        return None
    families = {reading.family for reading in readings}
    if len(families) != 1:
        return None
    return Reading(call, f"{func.name}() (→ {readings[0].clock})", families.pop())


def _controlled_clock(function: nodes.FunctionDef, ctx: Context) -> bool:
    """Does the test run on a clock it controls (a mock clock fixture, frozen time)? Then
    intervals are exact and bounds on them are deterministic."""
    scope: nodes.NodeNG | None = function
    while isinstance(scope, (nodes.FunctionDef, nodes.ClassDef)):
        if isinstance(scope, nodes.FunctionDef):
            if any(CONTROLLED_CLOCK_NAMES.search(name) for name in scope.argnames()):
                return True
        decorators = scope.decorators.nodes if scope.decorators else []
        if any(CONTROLLED_CLOCK_NAMES.search(expression_text(d)) for d in decorators):
            return True
        scope = scope.parent.scope() if scope.parent else None
    for call in function.nodes_of_class(nodes.Call):
        func = call.func
        name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
        if CONTROLLED_CLOCK_CALLS.search(name):
            return True
    return any(CONTROLLED_CLOCK_NAMES.search(expression_text(mark.node)) for mark in ctx.model.module_marks)


# ---------------------------------------------------------------------------------------------
# ASYNC704

#: Libraries whose `sleep` suspends the task for a time.
SLEEP_LIBRARIES = ("asyncio", "anyio", "trio")
#: Event-loop methods that schedule a callback to run later.
LOOP_CALLBACKS = frozenset({"call_soon", "call_later", "call_at", "call_soon_threadsafe"})
#: Constructors of threads, by qualified name (`.start()` on one runs it concurrently).
THREADS = frozenset({"threading.Thread", "threading.Timer"})
#: Calls that start a process, by qualified name.
PROCESSES = frozenset({
    "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
    "asyncio.subprocess.create_subprocess_exec", "asyncio.subprocess.create_subprocess_shell",
    "subprocess.Popen",
})
#: Context managers that join the tasks started in their block, by the last part of the name.
TASK_GROUPS = frozenset({"create_task_group", "open_nursery", "TaskGroup"})
#: Calls that leave the state the assertions read as it was: output, and `task.cancel()`.
NOT_ACTIONS = frozenset({
    "print", "debug", "info", "warning", "error", "exception", "log", "cancel",
})
#: Context managers that may cancel their block, by the last part of the name.
CANCEL_SCOPES = frozenset({
    "fail_after", "fail_at", "move_on_after", "move_on_at", "CancelScope", "timeout", "timeout_at",
})
#: Names under which a task group or nursery is usually passed around (pytest-trio's fixture).
TASK_GROUP_NAMES = re.compile(r"nursery|task_group|^tg\d*$")
#: Assertion methods that check something did not happen: a slow machine cannot break them.
NEGATIVE_ASSERT_METHODS = frozenset({
    "assertFalse", "assertNotIn", "assert_not_called", "assert_not_awaited",
})
COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)


@dataclass(frozen=True)
class Start:
    """A call that starts work running concurrently with the test."""

    call: nodes.Call
    kind: str  # task, callback, thread, process
    handle: str | None  # the local that holds the task, thread or process


class SleepToSynchronize(Rule):
    code = "ASYNC704"
    name = "sleep-to-synchronize"
    message = "{sleep} waiting for {start} (line {start_line}) is racy; {fix}"
    opt_in = True
    visits = (nodes.Await,)

    def check(self, node: nodes.Await, ctx: Context):
        call = node.value
        if not isinstance(call, nodes.Call) or not isinstance(node.parent, nodes.Expr):
            return
        library = _sleep_library(call)
        if library is None:
            return
        function = running_async_function(node, ctx)
        if function is None or not _positive_delay(call):
            return
        statement = node.parent
        if _in_polling_loop(statement, function):
            return
        assertion = _assertion_after(statement, function)
        if assertion is None:
            return
        starts = [start for start in _starts_before(statement, function)
                  if not _joined_before(start, statement, function)
                  and not _checked_since(start, statement, function)]
        if not starts:
            return  # nothing runs meanwhile: the time passing is what the test is about
        if _controlled_clock(function, ctx):
            return  # on trio's autojump clock a sleep ends once every task is blocked
        start = starts[-1]
        yield self.finding(statement, sleep=short_text(call, 30), start=call_text(start.call, 26),
                           start_line=start.call.lineno, assertion_line=assertion.lineno,
                           function=function.name, fix=_sleep_fix(start, library))


def _sleep_fix(start: Start, library: str) -> str:
    if start.kind == "task" and start.handle:
        return f"await {start.handle!r} under a timeout"
    if start.kind == "process":
        waited = f"{start.handle}.wait()" if start.handle else "the process's wait()"
        return f"await {waited}"
    if start.kind == "thread":
        return "join the thread, or wait on an Event"
    if start.kind == "callback":
        return "wait on a Future the callback sets"
    if library == "trio":
        return "wait on a trio.Event it sets"
    if library == "anyio":
        return "wait on an anyio.Event it sets"
    return "wait on an asyncio.Event it sets"


def _sleep_library(call: nodes.Call) -> str | None:
    name = qualified_name(call.func)
    if not name or "." not in name:
        return None
    library, _, function = name.rpartition(".")
    library = library.split(".")[0]
    return library if library in SLEEP_LIBRARIES and function == "sleep" else None


def _positive_delay(call: nodes.Call) -> bool:
    """A delay known to be above zero: `sleep(0)` only lets other tasks take a step."""
    delay = call.args[0] if call.args else next(
        (keyword.value for keyword in call.keywords or [] if keyword.arg in ("delay", "seconds")), None)
    value = safe_infer(delay) if delay is not None else None
    if not isinstance(value, nodes.Const) or isinstance(value.value, bool):
        return False
    return isinstance(value.value, (int, float)) and value.value > 0


def _in_polling_loop(statement: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """`while not done: await sleep(0.01)`, `for _ in range(50): ... break`: waiting for a
    condition, with the sleep as the poll interval — the correct idiom."""
    child, parent = statement, statement.parent
    while parent is not None and parent is not function:
        if isinstance(parent, (nodes.While, nodes.AsyncFor)):
            return True
        if isinstance(parent, nodes.For) and child in parent.body and _repeats(parent):
            return True
        child, parent = parent, parent.parent
    return False


def _repeats(loop: nodes.For) -> bool:
    """A `for` that retries rather than walks cases: it leaves early, or ignores its variable."""
    for node in _own_nodes(loop.body):
        if isinstance(node, (nodes.Break, nodes.Return)):
            return True
    targets = {name.name for name in loop.target.nodes_of_class(nodes.AssignName)}
    used = {name.name for name in _own_nodes(loop.body) if isinstance(name, nodes.Name)}
    return not targets & used


def _own_nodes(statements: list[nodes.NodeNG]) -> Iterator[nodes.NodeNG]:
    """Every node of `statements`, not descending into nested functions, classes and lambdas."""
    stack = list(reversed(statements))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)):
            continue
        stack.extend(reversed(list(node.get_children())))


# -- what the sleep is followed by -----------------------------------------------------------

def _assertion_after(statement: nodes.NodeNG, function: nodes.FunctionDef) -> nodes.NodeNG | None:
    """The first assertion that runs after `statement` before anything else is awaited, in its
    block or, past its end, after the enclosing `if` / `with` (a `with` exits without awaiting)."""
    child = statement
    while child is not function:
        parent = child.parent
        block = _block_holding(parent, child)
        if block is None:
            return None
        for following in block[block.index(child) + 1:]:
            if _fails(following):
                return None  # the sleep is expected to be cut short
            verdict = _first_assertion(following)
            if verdict is not None:
                return verdict or None
            if _acts(following):
                return None  # later assertions may check what the test itself just did
        if type(parent) is not nodes.If and not (type(parent) is nodes.With and _plain_with(parent)):
            return None  # a loop repeats, a try may be cut short, an `async with` awaits on exit
        child = parent
    return None


def _acts(statement: nodes.NodeNG) -> bool:
    """A call made for its effect (`connection.terminate()`, `event.set()`), other than output
    and `cancel()` (which only takes effect at the task's next await)."""
    if not isinstance(statement, nodes.Expr) or not isinstance(statement.value, nodes.Call):
        return False
    func = statement.value.func
    name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
    return name not in NOT_ACTIONS and not name.startswith("assert")  # a negative assertion


def _fails(statement: nodes.NodeNG) -> bool:
    return isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Call) \
        and qualified_name(statement.value.func) == "pytest.fail"


def _plain_with(with_node: nodes.With) -> bool:
    """A `with` whose block runs to its end: not `pytest.raises`, not a cancel scope or timeout
    (`fail_after`, `move_on_after`, `CancelScope`) that may cut the sleep short."""
    if _expects_error(with_node):
        return False
    for expression, _target in with_node.items:
        func = expression.func if isinstance(expression, nodes.Call) else expression
        name = qualified_name(func) or (func.attrname if isinstance(func, nodes.Attribute) else "")
        if name.rsplit(".", 1)[-1] in CANCEL_SCOPES:
            return False
    return True


def _block_holding(parent: nodes.NodeNG, child: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and child in block:
            return block
    return None


def _expects_error(with_node: nodes.With) -> bool:
    """`with pytest.raises(...)`: the block is expected to stop early."""
    for expression, _target in with_node.items:
        if isinstance(expression, nodes.Call):
            func = expression.func
            if qualified_name(func) in EXPECTED_ERROR_CONTEXTS:
                return True
            if isinstance(func, nodes.Attribute) and func.attrname in EXPECTED_ERROR_METHODS:
                return True
    return False


def _first_assertion(statement: nodes.NodeNG) -> nodes.NodeNG | bool | None:
    """The first positive assertion in `statement` reached before an await; False when an
    await (or a yield to the test) comes first; None when it has neither."""
    awaits = nodes.Await, nodes.AsyncWith, nodes.AsyncFor, nodes.Yield, nodes.YieldFrom
    for node in _own_nodes([statement]):
        if isinstance(node, awaits):
            return False
        if _is_positive_assertion(node):
            if any(isinstance(inner, awaits) for inner in _own_nodes([node])):
                return False  # it waits for something itself
            return node
    return None


def _is_positive_assertion(node: nodes.NodeNG) -> bool:
    """An assertion that something happened: `assert x`, `self.assertEqual`, `mock.assert_called`,
    `with pytest.raises`. `assert not task.done()` holds the more surely the slower the machine."""
    if isinstance(node, nodes.Assert):
        test = node.test
        if isinstance(test, nodes.UnaryOp) and test.op == "not":
            return False
        return not (isinstance(test, nodes.Compare)
                    and all(_still_nothing(operator, value) for operator, value in test.ops))
    if isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute):
        name = node.func.attrname
        return name.startswith("assert") and name not in NEGATIVE_ASSERT_METHODS
    if isinstance(node, nodes.With):
        return _expects_error(node)
    return False


def _still_nothing(operator: str, value: nodes.NodeNG) -> bool:
    """`x not in seen`, `process.returncode is None`, `task.done() is False`."""
    if operator == "not in":
        return True
    return operator == "is" and isinstance(value, nodes.Const) and value.value in (None, False)


# -- what was started before it --------------------------------------------------------------

def _starts_before(statement: nodes.NodeNG, function: nodes.FunctionDef) -> list[Start]:
    """Concurrent work started by `function` itself, above `statement`."""
    where = (statement.lineno or 0, statement.col_offset or 0)
    starts = []
    for call in function.nodes_of_class(nodes.Call):
        if (call.lineno or 0, call.col_offset or 0) >= where or _function_of(call) is not function:
            continue
        start = _start(call)
        if start is not None:
            starts.append(start)
    return starts


def _function_of(node: nodes.NodeNG) -> nodes.NodeNG:
    """The function `node` runs in (a comprehension runs in its function)."""
    scope = node.scope()
    while isinstance(scope, COMPREHENSIONS):
        scope = scope.parent.scope()
    return scope


def _start(call: nodes.Call) -> Start | None:
    func = call.func
    awaited = isinstance(call.parent, nodes.Await)
    if task_call(func) is not None:
        return None if awaited else Start(call, "task", _handle(call))
    if isinstance(func, nodes.Attribute):
        attribute, receiver = func.attrname, func.expr
        if attribute in ("create_task", "start_soon") and not awaited:
            return Start(call, "task", _handle(call) if attribute == "create_task" else None)
        if attribute == "start" and awaited and _is_task_group(receiver):
            return Start(call, "task", None)  # returns once started; runs on after
        if attribute in LOOP_CALLBACKS:
            return Start(call, "callback", None)
        if attribute == "run_in_executor" and not awaited:
            return Start(call, "thread", _handle(call))
        if attribute == "start" and not call.args and _is_thread(receiver):
            handle = receiver.name if isinstance(receiver, nodes.Name) else None
            return Start(call, "thread", handle)
    name = qualified_name(func)
    if name in PROCESSES:
        return Start(call, "process", _handle(call.parent if awaited else call))
    if name == "asyncio.gather" and not awaited:
        return Start(call, "task", _handle(call))
    return None


def _short(expression: nodes.NodeNG, limit: int) -> str:
    return short_text(expression, limit)


def _handle(node: nodes.NodeNG) -> str | None:
    """The local a task ends up in: `task = ...`, `tasks = [... for ...]`, `tasks.append(...)`."""
    parent = node.parent
    while isinstance(parent, (nodes.List, nodes.Tuple, nodes.Comprehension) + COMPREHENSIONS):
        parent = parent.parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName):
        return parent.targets[0].name
    if isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) \
            and parent.func.attrname in ("append", "add") and isinstance(parent.func.expr, nodes.Name):
        return parent.func.expr.name
    return None


def _is_task_group(receiver: nodes.NodeNG) -> bool:
    """`tg` in `async with anyio.create_task_group() as tg`, or a nursery passed in by name."""
    if not isinstance(receiver, nodes.Name):
        return False
    if TASK_GROUP_NAMES.search(receiver.name):
        return True
    _scope, bindings = receiver.lookup(receiver.name)
    for binding in bindings:
        owner = binding.parent
        if isinstance(owner, (nodes.With, nodes.AsyncWith)):
            for expression, target in owner.items:
                if target is binding and isinstance(expression, nodes.Call):
                    name = qualified_name(expression.func) or ""
                    if name.rsplit(".", 1)[-1] in TASK_GROUPS:
                        return True
    return False


def _is_thread(receiver: nodes.NodeNG) -> bool:
    if isinstance(receiver, nodes.Name):
        receiver = single_assigned_value(receiver)
    return isinstance(receiver, nodes.Call) and qualified_name(receiver.func) in THREADS


def _joined_before(start: Start, statement: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """Has the work finished before the sleep: started in an `async with` (a task group joins on
    exit) that ends before it, or its handle awaited, joined or cancelled in between?"""
    parent = start.call.parent
    while parent is not None and parent is not function:
        if isinstance(parent, nodes.AsyncWith) and not encloses(parent, statement):
            return True
        parent = parent.parent
    if start.handle is None:
        return False
    begin = (start.call.lineno or 0, start.call.col_offset or 0)
    end = (statement.lineno or 0, statement.col_offset or 0)
    for name in function.nodes_of_class(nodes.Name):
        if name.name != start.handle or not begin < (name.lineno or 0, name.col_offset or 0) < end:
            continue
        if _waits_for(name):
            return True
    return False


def _checked_since(start: Start, statement: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """Has the test, since the start, awaited something other than a sleep and then asserted?
    It synchronises with that work by other means, and a sleep after such a checkpoint waits for
    time to pass (a TTL, a timer of the code under test) rather than for the work."""
    begin = (start.call.lineno or 0, start.call.col_offset or 0)
    end = (statement.lineno or 0, statement.col_offset or 0)
    between = [node for node in _own_nodes(function.body)
               if begin < (node.lineno or 0, node.col_offset or 0) < end]
    between.sort(key=lambda node: (node.lineno or 0, node.col_offset or 0))
    awaited = False
    for node in between:
        if isinstance(node, nodes.Await) and not (
                isinstance(node.value, nodes.Call) and _sleep_library(node.value)):
            awaited = True
        elif awaited and _is_positive_assertion(node):
            return True
    return False


def _waits_for(name: nodes.Name) -> bool:
    """`await task`, `await asyncio.wait_for(task, 1)`, `task.cancel()`, `thread.join()`."""
    node: nodes.NodeNG = name
    while not node.is_statement and not isinstance(node, nodes.Await):
        node = node.parent
    if isinstance(node, nodes.Await):
        return True
    parent = name.parent
    return isinstance(parent, nodes.Attribute) and parent.attrname in ("cancel", "join", "wait", "result")


RULES = (WallClockTimingAssertion, SleepToSynchronize)
