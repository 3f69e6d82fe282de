"""ASYNC803/804 (opt-in): state shared across awaits and across tests.

ASYNC803 follows one async function's statements in execution order, as straight-line code
(both arms of an `if`, each loop body once, `try` handlers from any point of the body): where a
value of shared state (`self.x`, a module global, `Cls.x`, a closure variable) goes into a local,
which suspension points (`await`, `async with`, `async for`, `yield`) come next, and whether the
state is then written back from that local. Locks are recognised by name or inferred class; a
lock held in a caller, and cycles through a loop's back edge, are not seen (documented limits).

ASYNC804 lists what an async test or async fixture does to module-level state (its own
module's globals, objects and modules it imports), then stays silent wherever anything — the
function itself, a fixture it requests, an autouse fixture, a setUp/tearDown — resets, restores
or patches that same state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from astroid import nodes

from ..inference import qualified_name, safe_infer
from ..model.decorators import is_staticmethod
from ..model.expected_errors import inside_expected_error
from ..model.patches import (
    bound_value, is_monkeypatch, mock_api, single_binding, string_value, values_assigned_to_self,
)
from ..rendering import expression_text
from .base import Context, Rule

# ---------------------------------------------------------------------------------------------
# ASYNC803: read, suspend, write back

#: Words that name a lock in `async with self._write_lock:` (split on `_` and camelCase).
LOCK_WORDS = frozenset({"lock", "locks", "rlock", "mutex", "sem", "semaphore", "cond", "condition",
                        "limiter"})
#: Classes whose instances serialise an `async with` block (asyncio, anyio, trio, and lookalikes).
LOCK_CLASS = re.compile(r"Lock|Semaphore|Condition|Mutex|CapacityLimiter")
#: Methods that change a local list/dict/set in place: a copy changed so is no plain restore.
LOCAL_MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "popitem", "clear",
                            "update", "add", "discard", "setdefault", "sort", "reverse",
                            "appendleft", "extendleft", "difference_update", "intersection_update"})


@dataclass(frozen=True)
class StaleRead:
    """A local's value was computed from shared `state` at `read`."""

    state: str
    read: nodes.NodeNG
    locks: frozenset  # the lock regions held when it was read
    suspension: nodes.NodeNG | None = None  # the first suspension point since
    how: str = ""
    derived: bool = False  # a computation from the state, or changed since: not a plain copy
    checked: bool = False  # the state was compared again after the suspension


@dataclass
class Flow:
    """What is known just before a statement runs."""

    stale: dict[str, dict[str, StaleRead]] = field(default_factory=dict)  # local -> state -> read
    held: frozenset = frozenset()  # (lock spelling, the node that acquired it)

    def copy(self) -> "Flow":
        return Flow({local: dict(reads) for local, reads in self.stale.items()}, self.held)


def merge(*flows: Flow | None) -> Flow | None:
    """Where paths join: a read is stale if it is on any path; a lock is held if on any path
    (an unsure lock means silence)."""
    live = [flow for flow in flows if flow is not None]
    if not live:
        return None
    joined = live[0].copy()
    for flow in live[1:]:
        joined.held |= flow.held
        for local, reads in flow.stale.items():
            mine = joined.stale.setdefault(local, {})
            for state, read in reads.items():
                other = mine.get(state)
                mine[state] = read if other is None else StaleRead(
                    state, other.read, other.locks & read.locks,
                    other.suspension or read.suspension, other.how or read.how,
                    other.derived or read.derived, other.checked and read.checked)
    return joined


@dataclass(frozen=True)
class Read:
    state: str
    node: nodes.NodeNG
    checked: bool  # inside a comparison or a condition
    awaited: bool  # an argument of what is awaited: the result is new data, not a computation


@dataclass(frozen=True)
class Suspend:
    node: nodes.NodeNG
    how: str


@dataclass(frozen=True)
class LostUpdate:
    write: nodes.NodeNG
    state: str
    local: str  # '' for `self.x += await f()`
    read: nodes.NodeNG
    suspension: nodes.NodeNG
    how: str


class UpdateFlow:
    """One async function's read → suspend → write-back sequences."""

    def __init__(self, function: nodes.AsyncFunctionDef, yields_suspend: bool) -> None:
        self.function = function
        self.yields_suspend = yields_suspend
        self.declared = declared_names(function, (nodes.Global, nodes.Nonlocal))
        self.found: list[LostUpdate] = []
        self._locks: dict[str, bool] = {}
        self._loop_exits: list[list[Flow]] = []  # per enclosing loop: the flows at break/continue

    def run(self) -> list[LostUpdate]:
        self.block(self.function.body, Flow())
        return self.found

    # -- statements --------------------------------------------------------------------------

    def block(self, statements: Iterable[nodes.NodeNG], flow: Flow | None) -> Flow | None:
        for statement in statements:
            if flow is None:
                return None  # after return/raise/break/continue
            flow = self.statement(statement, flow)
        return flow

    def statement(self, node: nodes.NodeNG, flow: Flow) -> Flow | None:
        if isinstance(node, nodes.Assign):
            return self.assign(node.targets, node.value, node, flow)
        if isinstance(node, nodes.AnnAssign):
            return self.assign([node.target], node.value, node, flow) if node.value else flow
        if isinstance(node, nodes.AugAssign):
            return self.augmented(node, flow)
        if isinstance(node, nodes.Expr):
            self.apply(self.events(node.value), flow)
            self.local_mutations(node.value, flow)
            self.manual_lock(node.value, node, flow)
            return flow
        if isinstance(node, nodes.Assert):
            self.apply(self.events(node.test, checked=True), flow)
            return flow
        if isinstance(node, (nodes.Return, nodes.Raise)):
            for child in node.get_children():
                self.apply(self.events(child), flow)
            return None
        if isinstance(node, (nodes.Break, nodes.Continue)):
            if self._loop_exits:
                self._loop_exits[-1].append(flow)
            return None
        if isinstance(node, nodes.Delete):
            for target in node.targets:
                self.unbind(target, flow)
            return flow
        if isinstance(node, nodes.If):
            self.apply(self.events(node.test, checked=True), flow)
            return merge(self.block(node.body, flow.copy()), self.block(node.orelse, flow.copy()))
        if isinstance(node, nodes.While):
            self.apply(self.events(node.test, checked=True), flow)
            looped = merge(flow, *self.loop_body(node.body, flow))
            return self.block(node.orelse, looped) if looped is not None else None
        if isinstance(node, (nodes.For, nodes.AsyncFor)):
            return self.loop(node, flow)
        if isinstance(node, (nodes.With, nodes.AsyncWith)):
            return self.with_block(node, flow)
        if isinstance(node, (nodes.Try, getattr(nodes, "TryStar", nodes.Try))):
            return self.try_block(node, flow)
        if isinstance(node, nodes.Match):
            self.apply(self.events(node.subject), flow)
            cases = [self.block(case.body, flow.copy()) for case in node.cases]
            return merge(flow, *cases)
        if isinstance(node, (nodes.FunctionDef, nodes.ClassDef)):
            flow.stale.pop(node.name, None)
            return flow
        if isinstance(node, (nodes.Import, nodes.ImportFrom)):
            for name, alias in node.names:
                flow.stale.pop((alias or name).split(".")[0], None)
        return flow

    def loop(self, node: nodes.For | nodes.AsyncFor, flow: Flow) -> Flow | None:
        self.apply(self.events(node.iter), flow)
        is_async = isinstance(node, nodes.AsyncFor)
        if is_async:
            self.suspend(flow, node, "async for")
        self.unbind(node.target, flow)
        ends = self.loop_body(node.body, flow)
        for end in ends:
            if is_async:
                self.suspend(end, node, "async for")
        looped = merge(flow, *ends)
        return self.block(node.orelse, looped) if looped is not None else None

    def loop_body(self, body: list[nodes.NodeNG], flow: Flow) -> list[Flow]:
        """The flows that leave one pass of a loop body: its end, each break and continue."""
        self._loop_exits.append([])
        try:
            end = self.block(body, flow.copy())
        finally:
            exits = self._loop_exits.pop()
        return [end, *exits] if end is not None else exits

    def with_block(self, node: nodes.With | nodes.AsyncWith, flow: Flow) -> Flow | None:
        is_async = isinstance(node, nodes.AsyncWith)
        outside = flow.held
        for expression, variable in node.items:
            self.apply(self.events(expression), flow)
            if is_async:
                self.suspend(flow, node, "async with")
                if self.is_lock(expression):
                    flow.held = flow.held | {(spelling(expression), node)}
            if variable is not None:
                self.unbind(variable, flow)
        locked = flow.held != outside
        after = self.block(node.body, flow)
        if after is None:
            return None
        after.held = outside
        if is_async and not locked:  # a lock's __aexit__ releases without suspending
            self.suspend(after, node, "the end of async with")
        return after

    def try_block(self, node: nodes.Try, flow: Flow) -> Flow | None:
        body = self.block(node.body, flow.copy())
        anywhere = merge(flow, body)
        first = first_suspension(node.body)
        if first is not None:  # a handler may run after any statement of the body
            self.suspend(anywhere, *first)
        handlers = [self.block(handler.body, anywhere.copy()) for handler in node.handlers]
        orelse = self.block(node.orelse, body.copy()) if body is not None else None
        joined = merge(orelse, *handlers)
        if not node.finalbody:
            return joined
        final = self.block(node.finalbody, (joined or anywhere).copy())
        return final if joined is not None else None

    # -- assignments -------------------------------------------------------------------------

    def assign(self, targets: list[nodes.NodeNG], value: nodes.NodeNG, statement: nodes.NodeNG,
               flow: Flow) -> Flow:
        events = self.events(value)
        self.apply(events, flow)
        for target in targets:
            self.assign_target(target, value, events, statement, flow)
        return flow

    def assign_target(self, target: nodes.NodeNG, value: nodes.NodeNG, events: list,
                      statement: nodes.NodeNG, flow: Flow) -> None:
        if isinstance(target, nodes.AssignName) and target.name not in self.declared:
            flow.stale[target.name] = self.reads_into(value, events, flow)
            if not flow.stale[target.name]:
                del flow.stale[target.name]
            return
        if isinstance(target, (nodes.Tuple, nodes.List)):
            if isinstance(value, (nodes.Tuple, nodes.List)) and len(value.elts) == len(target.elts):
                for element, element_value in zip(target.elts, value.elts):
                    self.assign_target(element, element_value, self.events(element_value),
                                       statement, flow)
            else:
                for element in target.elts:  # `self.host, self.port = sock.getsockname()`
                    self.assign_target(element, value, events, statement, flow)
            return
        if isinstance(target, nodes.Starred):
            self.assign_target(target.value, value, events, statement, flow)
            return
        state = self.key_of(target)
        if state is not None:
            self.write(state, value, events, statement, flow)
        elif isinstance(target, (nodes.Subscript, nodes.AssignAttr)):
            self.changed_local(target, flow)

    def augmented(self, node: nodes.AugAssign, flow: Flow) -> Flow:
        target = node.target
        events = self.events(node.value)
        if isinstance(target, nodes.AssignName) and target.name not in self.declared:
            self.apply(events, flow)
            kept = {state: replace(read, derived=True)
                    for state, read in flow.stale.get(target.name, {}).items()}
            kept.update(self.reads_into(node.value, events, flow))
            if kept:
                flow.stale[target.name] = kept
            return flow
        state = self.key_of(target)
        if state is None:
            self.apply(events, flow)
            if isinstance(target, (nodes.Subscript, nodes.AssignAttr)):
                self.changed_local(target, flow)
            return flow
        # `self.x += await f()` loads self.x first, then suspends, then stores (verified)
        suspension = next((event for event in events if isinstance(event, Suspend)), None)
        if suspension is not None and not flow.held:
            self.found.append(LostUpdate(node, state, "", target, suspension.node, suspension.how))
        self.apply(events, flow)
        self.forget_state(state, flow)
        return flow

    def write(self, state: str, value: nodes.NodeNG, events: list, statement: nodes.NodeNG,
              flow: Flow) -> None:
        """`state = value`: report a value computed from a read made before a suspension."""
        found = self.read_then_suspend(state, events) if not flow.held else None
        rereads = any(isinstance(event, Read) and event.state == state for event in events)
        if found is None and not rereads:
            found = self.stale_local_in(state, value, flow)
        if found is not None:
            self.found.append(replace(found, write=statement))
        self.forget_state(state, flow)

    def read_then_suspend(self, state: str, events: list) -> LostUpdate | None:
        """`self.x = self.x + await f()`: the read comes first, then the suspension."""
        read = None
        for event in events:
            if isinstance(event, Read) and event.state == state and read is None \
                    and not event.awaited and not event.checked:
                read = event
            elif isinstance(event, Suspend) and read is not None:
                return LostUpdate(read.node, state, "", read.node, event.node, event.how)
        return None

    def stale_local_in(self, state: str, value: nodes.NodeNG, flow: Flow) -> LostUpdate | None:
        for name in loaded_names(value):
            read = flow.stale.get(name.name, {}).get(state)
            if read is None or read.suspension is None or read.checked or read.locks & flow.held:
                continue
            plain_restore = isinstance(value, nodes.Name) and value.name == name.name
            if plain_restore and not read.derived:
                continue  # `saved = self.x ... self.x = saved`: putting a value back
            return LostUpdate(value, state, name.name, read.read, read.suspension, read.how)
        return None

    def reads_into(self, value: nodes.NodeNG, events: list, flow: Flow) -> dict[str, StaleRead]:
        """What a local assigned `value` holds of shared state: the states read in `value`
        (suspended already if a suspension follows the read), and what the locals it uses hold."""
        reads: dict[str, StaleRead] = {}
        for name in loaded_names(value):
            if isinstance(name.parent, nodes.Attribute) and name.parent.expr is name:
                continue  # `server = site.server`: a part of an object, not a value computed
            for state, read in flow.stale.get(name.name, {}).items():
                reads[state] = replace(read, derived=True)
        for index, event in enumerate(events):
            if not isinstance(event, Read) or event.awaited:
                continue
            later = next((e for e in events[index:] if isinstance(e, Suspend)), None)
            reads[event.state] = StaleRead(
                event.state, event.node, flow.held,
                later.node if later else None, later.how if later else "",
                derived=event.node is not value)
        return reads

    # -- what else changes the picture ---------------------------------------------------------

    def apply(self, events: list, flow: Flow) -> None:
        for event in events:
            if isinstance(event, Suspend):
                self.suspend(flow, event.node, event.how)
            elif event.checked:
                for reads in flow.stale.values():
                    read = reads.get(event.state)
                    if read is not None and read.suspension is not None:
                        reads[event.state] = replace(read, checked=True)

    @staticmethod
    def suspend(flow: Flow, node: nodes.NodeNG, how: str) -> None:
        for reads in flow.stale.values():
            for state, read in reads.items():
                if read.suspension is None:
                    reads[state] = replace(read, suspension=node, how=how)

    @staticmethod
    def forget_state(state: str, flow: Flow) -> None:
        """Once `state` is written, older reads of it are no longer this write's business."""
        for local in list(flow.stale):
            flow.stale[local].pop(state, None)
            if not flow.stale[local]:
                del flow.stale[local]

    def unbind(self, target: nodes.NodeNG, flow: Flow) -> None:
        for name in target.nodes_of_class((nodes.AssignName, nodes.DelName)):
            flow.stale.pop(name.name, None)
        state = self.key_of(target) if isinstance(target, (nodes.DelAttr, nodes.Subscript)) else None
        if state is not None:
            self.forget_state(state, flow)

    @staticmethod
    def changed_local(target: nodes.NodeNG, flow: Flow) -> None:
        """`items[k] = v` / `items.attr = v` on a local copy: it is no plain copy any more."""
        root = target
        while isinstance(root, (nodes.Subscript, nodes.AssignAttr, nodes.Attribute)):
            root = root.value if isinstance(root, nodes.Subscript) else root.expr
        if isinstance(root, nodes.Name) and root.name in flow.stale:
            flow.stale[root.name] = {s: replace(r, derived=True) for s, r in flow.stale[root.name].items()}

    def local_mutations(self, expression: nodes.NodeNG, flow: Flow) -> None:
        for call in expression.nodes_of_class(nodes.Call, skip_klass=(nodes.Lambda, nodes.FunctionDef)):
            func = call.func
            if isinstance(func, nodes.Attribute) and func.attrname in LOCAL_MUTATORS:
                self.changed_local(func, flow)

    def manual_lock(self, expression: nodes.NodeNG, statement: nodes.NodeNG, flow: Flow) -> None:
        """`await lock.acquire()` ... `lock.release()`, the spelling without `async with`."""
        awaited = expression.value if isinstance(expression, nodes.Await) else expression
        if not isinstance(awaited, nodes.Call) or not isinstance(awaited.func, nodes.Attribute):
            return
        lock = awaited.func.expr
        if awaited.func.attrname == "acquire" and isinstance(expression, nodes.Await) and self.is_lock(lock):
            flow.held = flow.held | {(spelling(lock), statement)}
        elif awaited.func.attrname == "release":
            flow.held = frozenset(held for held in flow.held if held[0] != spelling(lock))

    # -- expressions ---------------------------------------------------------------------------

    def events(self, expression: nodes.NodeNG, checked: bool = False) -> list:
        """The reads of shared state and the suspension points of `expression`, in the order
        Python evaluates them."""
        found: list = []
        self._walk(expression, found, checked, awaited=False)
        return found

    def _walk(self, node: nodes.NodeNG, found: list, checked: bool, awaited: bool) -> None:
        if isinstance(node, (nodes.Lambda, nodes.FunctionDef, nodes.ClassDef)):
            return
        if isinstance(node, nodes.GeneratorExp):
            self._walk(node.generators[0].iter, found, checked, awaited)  # the rest runs later
            return
        if isinstance(node, (nodes.ListComp, nodes.SetComp, nodes.DictComp)):
            for generator in node.generators:
                self._walk(generator.iter, found, checked, awaited)
                if generator.is_async:
                    found.append(Suspend(generator, "async for"))
                for condition in generator.ifs:
                    self._walk(condition, found, True, awaited)
            for part in (node.key, node.value) if isinstance(node, nodes.DictComp) else (node.elt,):
                self._walk(part, found, checked, awaited)
            return
        if isinstance(node, nodes.BoolOp):  # `x or await f()`: x is tested, or is the result
            for index, operand in enumerate(node.values):
                self._walk(operand, found, checked or index < len(node.values) - 1, awaited)
            return
        if isinstance(node, nodes.IfExp):
            self._walk(node.test, found, True, awaited)
            self._walk(node.body, found, checked, awaited)
            self._walk(node.orelse, found, checked, awaited)
            return
        inner = checked or isinstance(node, nodes.Compare)
        for child in node.get_children():
            self._walk(child, found, inner, awaited or isinstance(node, nodes.Await))
        if isinstance(node, nodes.Await):
            found.append(Suspend(node, "await"))
        elif isinstance(node, (nodes.Yield, nodes.YieldFrom)) and self.yields_suspend:
            found.append(Suspend(node, "yield"))
        elif is_value_read(node):
            state = self.key_of(node)
            if state is not None:
                found.append(Read(state, node, checked, awaited))
        elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                and node.func.attrname == "get" and node.args:
            # `self.counts.get(key, 0)` reads `self.counts[key]`
            container = self.key_of(node.func.expr)
            if container is not None:
                found.append(Read(f"{container}[{expression_text(node.args[0])}]", node, checked, awaited))

    def key_of(self, node: nodes.NodeNG) -> str | None:
        """'self.count', 'COUNTER', 'Stats.total', 'self.counts[key]' when `node` spells shared
        state; None for the function's own locals (and what is reached through them)."""
        parts = []
        while True:
            if isinstance(node, (nodes.Attribute, nodes.AssignAttr, nodes.DelAttr)):
                parts.append("." + node.attrname)
                node = node.expr
            elif isinstance(node, nodes.Subscript) and not isinstance(node.slice, nodes.Slice):
                parts.append(f"[{expression_text(node.slice)}]")
                node = node.value
            elif isinstance(node, (nodes.Name, nodes.AssignName, nodes.DelName)):
                break
            else:
                return None
        if not self.is_shared_root(node, bare=not parts):
            return None
        return node.name + "".join(reversed(parts))

    def is_shared_root(self, name: nodes.Name | nodes.AssignName, bare: bool) -> bool:
        if name.name in self.declared:
            return True
        if not isinstance(name, nodes.Name):
            return False  # assigning a bare name without `global`/`nonlocal` makes a local
        scope, bindings = name.lookup(name.name)
        if not bindings:
            return False  # a builtin, or unknown
        if isinstance(scope, nodes.Module):
            return True
        if encloses(scope, self.function):
            return scope is not self.function or (not bare and is_instance_parameter(bindings))
        return False

    def is_lock(self, expression: nodes.NodeNG) -> bool:
        key = expression_text(expression)
        if key not in self._locks:
            self._locks[key] = looks_like_lock(expression)
        return self._locks[key]


def first_suspension(statements: list[nodes.NodeNG]) -> tuple[nodes.NodeNG, str] | None:
    """The first `await` / `async with` / `async for` in `statements`, and its kind."""
    kinds = {nodes.Await: "await", nodes.AsyncWith: "async with", nodes.AsyncFor: "async for"}
    for statement in statements:
        for found in statement.nodes_of_class(tuple(kinds), skip_klass=(nodes.FunctionDef, nodes.Lambda)):
            return found, kinds[type(found)]
    return None


def looks_like_lock(expression: nodes.NodeNG) -> bool:
    """`self._lock`, `write_lock`, `self._sem`, `locks[key]`, `lock_for(key)`, or an instance of a
    Lock/Semaphore/Condition/CapacityLimiter class (asyncio, anyio, trio, the project's own)."""
    if set(words(spelling(expression))) & LOCK_WORDS:
        return True
    for assigned in assigned_values(expression):
        if isinstance(assigned, nodes.Call) and LOCK_CLASS.search(spelling(assigned.func)):
            return True  # `self._guard = anyio.Lock()`: the class, as written where it is made
    value = safe_infer(expression)
    cls = getattr(value, "_proxied", None)
    if not isinstance(cls, nodes.ClassDef):
        return False
    try:
        names = [cls.name] + [ancestor.name for ancestor in cls.ancestors()]
    except Exception:  # an unresolvable base: the class's own name is all we know
        names = [cls.name]
    return any(LOCK_CLASS.search(name) for name in names)


def assigned_values(expression: nodes.NodeNG) -> list[nodes.NodeNG]:
    """What `self.x` (assigned in the class's methods or body) or a name is bound to."""
    if isinstance(expression, nodes.Name):
        binding = single_binding(expression)
        value = bound_value(binding) if binding is not None else None
        return [value] if value is not None else []
    if not isinstance(expression, nodes.Attribute) or not isinstance(expression.expr, nodes.Name) \
            or expression.expr.name not in ("self", "cls"):
        return []
    cls = expression.scope()
    while cls is not None and not isinstance(cls, nodes.ClassDef):
        cls = cls.parent.scope() if cls.parent is not None else None
    if cls is None:
        return []
    values = list(values_assigned_to_self(cls, expression.attrname) or [])
    for binding in cls.locals.get(expression.attrname, []):
        if isinstance(binding, nodes.AssignName):
            value = bound_value(binding)
            values += [value] if value is not None else []
    return values


def spelling(expression: nodes.NodeNG) -> str:
    """The last name in `self._lock`, `locks[key]`, `lock_for(key)`."""
    while isinstance(expression, (nodes.Call, nodes.Subscript)):
        expression = expression.func if isinstance(expression, nodes.Call) else expression.value
    if isinstance(expression, nodes.Attribute):
        return expression.attrname
    if isinstance(expression, nodes.Name):
        return expression.name
    return ""


def words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [word.lower() for word in spaced.split("_") if word]


def is_value_read(node: nodes.NodeNG) -> bool:
    """A load of the whole value: not the object of a longer chain (`self.x` in `self.x.y`,
    `self.x[k]`) nor a method being called (`self.fetch()`)."""
    if isinstance(node, nodes.Subscript):
        if node.ctx is None or node.ctx.name != "Load":
            return False
    elif not isinstance(node, (nodes.Name, nodes.Attribute)):
        return False
    parent = node.parent
    if isinstance(parent, nodes.Attribute) and parent.expr is node:
        return False
    if isinstance(parent, nodes.Subscript) and parent.value is node:
        return False
    if isinstance(parent, nodes.Call) and parent.func is node:
        return False
    return True


def is_instance_parameter(bindings: list[nodes.NodeNG]) -> bool:
    """`self`/`cls`: the first parameter of a method (not a staticmethod)."""
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return False
    arguments = bindings[0].parent
    if not isinstance(arguments, nodes.Arguments):
        return False
    method = arguments.parent
    if not isinstance(method, nodes.FunctionDef) or not isinstance(method.parent, nodes.ClassDef):
        return False
    positional = [*(arguments.posonlyargs or ()), *(arguments.args or ())]
    return bool(positional) and positional[0] is bindings[0] and not is_staticmethod(method)


def encloses(outer: nodes.NodeNG, inner: nodes.NodeNG) -> bool:
    """Is `inner` `outer` or inside it (ASYNC704 asks too)?"""
    node = inner
    while node is not None:
        if node is outer:
            return True
        node = node.parent
    return False


def loaded_names(expression: nodes.NodeNG) -> list[nodes.Name]:
    if isinstance(expression, nodes.Name):
        return [expression]
    return list(expression.nodes_of_class(nodes.Name))


def own_nodes(function: nodes.FunctionDef, kinds) -> Iterator[nodes.NodeNG]:
    """Nodes of `kinds` in `function`'s body, not in the functions or classes it defines."""
    for statement in function.body:
        if not isinstance(statement, (nodes.FunctionDef, nodes.ClassDef)):
            yield from statement.nodes_of_class(kinds, skip_klass=(nodes.FunctionDef, nodes.ClassDef,
                                                                   nodes.Lambda))


def declared_names(function: nodes.FunctionDef, kinds) -> frozenset[str]:
    """The names a function declares `global` (and/or `nonlocal`)."""
    names: set[str] = set()
    for declaration in own_nodes(function, kinds):
        names.update(declaration.names)
    return frozenset(names)


def line_of(node: nodes.NodeNG) -> int:
    return getattr(node, "lineno", 0) or 0


class LostUpdateAcrossAwait(Rule):
    code = "ASYNC803"
    name = "lost-update-across-await"
    message = "lost update: {what}; {fix}"
    opt_in = True
    every_module = True  # RULES.md: in any async function, the code under test included
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node: nodes.AsyncFunctionDef, ctx: Context):
        is_fixture = ctx.model.fixture_for(node) is not None
        reported = set()
        for lost in UpdateFlow(node, yields_suspend=not is_fixture).run():
            if lost.write in reported:
                continue
            reported.add(lost.write)
            yield self.finding(lost.write, **describe_lost_update(lost))


def describe_lost_update(lost: LostUpdate) -> dict[str, str]:
    state, how, line = lost.state, lost.how, line_of(lost.suspension)
    if lost.local:
        what = f"{state!r} is written from {lost.local!r}, read before the {how} on line {line}"
        fix = "hold a lock across both"
    elif isinstance(lost.write, nodes.AugAssign):
        operator = lost.write.op
        what = f"'{state} {operator} ...' spans the {how} on line {line}"
        fix = f"'value = await ...' first, then '{state} {operator} value'"
    else:
        what = f"{state!r} is read before the {how} on line {line} and written after it"
        fix = "await into a local first"
    return {"what": what, "fix": fix}


# ---------------------------------------------------------------------------------------------
# ASYNC804: module-level state changed by an async test or fixture

#: Methods that add to a list, dict, set or deque.
ADDING_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault",
                            "appendleft", "extendleft"})
#: Methods that take from one: how tests clean up (never reported, always a reset).
REMOVING_METHODS = frozenset({"pop", "popitem", "clear", "remove", "discard", "popleft"})
CONTAINER_TYPES = frozenset({
    "builtins.list", "builtins.dict", "builtins.set", "collections.OrderedDict",
    "collections.defaultdict", "collections.Counter", "collections.deque",
    "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "weakref.WeakSet",
})
CONTAINER_FACTORIES = CONTAINER_TYPES | {"collections.ChainMap"}
#: Calls that register a clean-up: state they mention is restored.
CLEANUP_REGISTRARS = frozenset({"addfinalizer", "addCleanup", "addAsyncCleanup", "addClassCleanup",
                                "callback", "push_async_callback", "push", "push_async_exit"})
#: unittest and pytest hooks around each test of a class or module.
AROUND_TEST_HOOKS = frozenset({"setUp", "asyncSetUp", "tearDown", "asyncTearDown", "setup_method",
                               "teardown_method", "setUpClass", "tearDownClass", "setup_class",
                               "teardown_class", "setup_function", "teardown_function",
                               "setup_module", "teardown_module", "setup", "teardown"})
#: First words of the names of functions that put state back (`reset_collector`, `clear_cache`).
RESET_VERBS = frozenset({"reset", "clear", "restore", "cleanup", "clean", "teardown", "tear", "undo",
                         "revert", "unregister", "deregister", "unpatch", "uninstall", "unset"})
RELOADERS = frozenset({"importlib.reload", "imp.reload"})
MONKEYPATCH_ENVIRON = frozenset({"setenv", "delenv"})
#: How far fixtures requested by fixtures are followed when looking for a reset.
MAX_FIXTURE_DEPTH = 3


@dataclass(frozen=True)
class StateChange:
    node: nodes.NodeNG  # the statement or call, where it is reported
    state: str  # 'tests.test_cache.CACHE', 'app.settings.DEBUG', 'os.environ'
    kind: str  # add, remove, replace
    key: str | None = None  # the item's key, for `X[key] = v`
    what: str = ""  # for the message
    fix: str = ""


def module_state(expression: nodes.NodeNG) -> tuple[str, str] | None:
    """(identity, what the root is) when `expression` is module-level state or part of it:
    'tests.test_x.CACHE' for the module's own global, 'app.settings.DEBUG' through an import,
    'os.environ'. None for locals, parameters, and functions."""
    parts = []
    node = expression
    while isinstance(node, (nodes.Attribute, nodes.AssignAttr, nodes.DelAttr, nodes.Subscript)):
        if isinstance(node, nodes.Subscript):
            parts.append(f"[{expression_text(node.slice)}]")
            node = node.value
        else:
            parts.append("." + node.attrname)
            node = node.expr
    if not isinstance(node, (nodes.Name, nodes.AssignName, nodes.DelName)):
        return None
    function = node.scope()
    if isinstance(function, nodes.FunctionDef) and node.name in global_names(function):
        root, root_kind = f"{node.root().name}.{node.name}", "global"
    elif isinstance(node, nodes.Name):
        found = module_root(node)
        if found is None:
            return None
        root, root_kind = found
    else:
        return None
    return root + "".join(reversed(parts)), root_kind


def module_root(name: nodes.Name) -> tuple[str, str] | None:
    scope, bindings = name.lookup(name.name)
    if not isinstance(scope, nodes.Module) or not bindings:
        return None
    if all(isinstance(b, nodes.AssignName) and isinstance(b.parent, (nodes.Assign, nodes.AnnAssign))
           for b in bindings):
        return f"{scope.name}.{name.name}", "global"
    if len(bindings) == 1 and isinstance(bindings[0], (nodes.Import, nodes.ImportFrom)):
        qualified = qualified_name(name)
        return (qualified, "imported") if qualified else None
    if len(bindings) == 1 and isinstance(bindings[0], nodes.ClassDef):
        return bindings[0].qname(), "class"
    return None


#: `global` declarations by function, for the function being checked (emptied before each).
_GLOBALS: dict[nodes.FunctionDef, frozenset[str]] = {}


def global_names(function: nodes.FunctionDef) -> frozenset[str]:
    if function not in _GLOBALS:
        _GLOBALS[function] = declared_names(function, (nodes.Global,))
    return _GLOBALS[function]


def is_container(expression: nodes.NodeNG, root_kind: str) -> bool:
    """A list/dict/set/deque: by the module's own assignment, else by inference."""
    if root_kind == "global" and isinstance(expression, nodes.Name):
        scope, bindings = expression.lookup(expression.name)
        if isinstance(scope, nodes.Module) and bindings:
            values = [getattr(b.parent, "value", None) for b in bindings]
            if all(container_value(value) for value in values):
                return True
    value = safe_infer(expression)
    if isinstance(value, (nodes.List, nodes.Dict, nodes.Set)):
        return True
    return value is not None and pytype_of(value) in CONTAINER_TYPES


def pytype_of(value: nodes.NodeNG) -> str:
    try:
        return value.pytype()
    except Exception:  # astroid proxies without a known class
        return ""


def container_value(value: nodes.NodeNG | None) -> bool:
    if isinstance(value, (nodes.List, nodes.Dict, nodes.Set, nodes.ListComp, nodes.DictComp,
                          nodes.SetComp)):
        return True
    return isinstance(value, nodes.Call) and qualified_name(value.func) in CONTAINER_FACTORIES


def changes_in(function: nodes.FunctionDef) -> list[StateChange]:
    """Every change the function (and functions defined in it) makes to module-level state."""
    changes: list[StateChange] = []
    for node in function.nodes_of_class((nodes.Assign, nodes.AnnAssign, nodes.AugAssign,
                                         nodes.Delete, nodes.Call)):
        if isinstance(node, nodes.Call):
            change = call_change(node)
            if change is not None:
                changes.append(change)
        elif isinstance(node, nodes.Delete):
            for target in node.targets:
                changes.extend(target_changes(target, node, removing=True))
        elif not isinstance(node, nodes.AnnAssign) or node.value is not None:
            for target in (node.targets if isinstance(node, nodes.Assign) else [node.target]):
                changes.extend(target_changes(target, node, removing=False))
    return changes


def target_changes(target: nodes.NodeNG, statement: nodes.NodeNG, removing: bool) -> list[StateChange]:
    if isinstance(target, (nodes.Tuple, nodes.List)):
        return [c for element in target.elts for c in target_changes(element, statement, removing)]
    if isinstance(target, nodes.Starred):
        return target_changes(target.value, statement, removing)
    if isinstance(target, (nodes.AssignName, nodes.DelName)):
        function = target.scope()
        if not isinstance(function, nodes.FunctionDef) or target.name not in global_names(function):
            return []
        state = f"{target.root().name}.{target.name}"
        return [StateChange(statement, state, "remove" if removing else "replace",
                            what=f"rebinds global {target.name!r}",
                            fix=f"use monkeypatch.setattr(<module>, {target.name!r}, value)")]
    if isinstance(target, nodes.Subscript):
        found = module_state(target.value)
        if found is None:
            return []
        state, root_kind = found
        spelled = expression_text(target.value)
        if removing or isinstance(target.slice, nodes.Slice):  # `del X[k]`, `X[:] = []`: a reset
            return [StateChange(statement, state, "remove")]
        fix = f"use monkeypatch.setitem({spelled}, key, value)"
        if state == "os.environ":
            fix = "use monkeypatch.setenv(name, value)"
        what = f"sets an item of {owner(spelled, root_kind)}"
        return [StateChange(statement, state, "add", key=expression_text(target.slice), what=what, fix=fix)]
    if isinstance(target, (nodes.AssignAttr, nodes.DelAttr)):
        found = module_state(target.expr)
        if found is None:
            return []
        state, root_kind = found
        spelled = expression_text(target.expr)
        return [StateChange(statement, f"{state}.{target.attrname}", "remove" if removing else "replace",
                            what=f"sets {target.attrname!r} of {owner(spelled, root_kind)}",
                            fix=f"use monkeypatch.setattr({spelled}, {target.attrname!r}, value)")]
    return []


def owner(spelled: str, root_kind: str) -> str:
    """How a message names the state: "module-level 'CACHE'", "imported 'settings'"..."""
    if root_kind == "class":
        return f"class {spelled!r}"
    if root_kind == "imported":
        return f"{spelled!r}" if "." in spelled else f"imported {spelled!r}"
    return f"module-level {spelled!r}"


def call_change(call: nodes.Call) -> StateChange | None:
    func = call.func
    if isinstance(func, nodes.Name) and func.name in ("setattr", "delattr") and len(call.args) >= 2:
        found = module_state(call.args[0])
        attribute = string_value(call.args[1])
        if found is None or attribute is None:
            return None
        kind = "replace" if func.name == "setattr" else "remove"
        spelled = expression_text(call.args[0])
        return StateChange(call, f"{found[0]}.{attribute}", kind,
                           what=f"sets the attribute {attribute!r} of {spelled!r} with setattr()",
                           fix=f"use monkeypatch.setattr({spelled}, {attribute!r}, value)")
    if not isinstance(func, nodes.Attribute) or func.attrname not in ADDING_METHODS | REMOVING_METHODS:
        return None
    found = module_state(func.expr)
    if found is None:
        return None
    state, root_kind = found
    if func.attrname in REMOVING_METHODS:
        return StateChange(call, state, "remove")
    if not is_container(func.expr, root_kind):
        return None
    spelled = expression_text(func.expr)
    fix = f"use monkeypatch.setattr(<module>, {spelled!r}, ...)"
    if state == "os.environ":
        fix = "use monkeypatch.setenv(name, value)"
    elif state == "sys.path":
        fix = "use monkeypatch.syspath_prepend(path)"
    elif func.attrname in ("update", "setdefault"):
        fix = f"use mock.patch.dict({spelled}, ...)"
    return StateChange(call, state, "add",
                       what=f"adds to {owner(spelled, root_kind)}",
                       fix=fix)


def resets_in(function: nodes.FunctionDef) -> list[tuple[str, nodes.NodeNG]]:
    """(state, where) for each state `function` resets, restores or patches: removals and
    rebindings, monkeypatch, mock.patch(.dict/.object) (calls, `with`, decorators), clean-ups
    registered with addfinalizer/addCleanup/ExitStack.callback, `reset_*()` calls."""
    found = [(change.state, change.node) for change in changes_in(function)
             if change.kind in ("remove", "replace")]
    calls = list(function.nodes_of_class(nodes.Call))
    if function.decorators:
        calls += [d for d in function.decorators.nodes if isinstance(d, nodes.Call)]
    for call in calls:
        found += [(state, call) for state in patched_states(call) | reset_by_call(call)]
    return found


def reset_by_call(call: nodes.Call) -> set[str]:
    """`recorder.reset_collector()`, `settings.restore_defaults()`, `reset_registry()` imported
    from the module it resets: the module or object such a call belongs to is reset."""
    func = call.func
    if qualified_name(func) in RELOADERS and call.args:
        reloaded = module_state(call.args[0])
        return {reloaded[0]} if reloaded else set()
    name = spelling(func)
    if not name or words(name)[0] not in RESET_VERBS:
        return set()
    if isinstance(func, nodes.Attribute):
        owner = module_state(func.expr)
        return {owner[0]} if owner else set()
    if isinstance(func, nodes.Name):
        qualified = qualified_name(func)
        return {qualified.rsplit(".", 1)[0]} if qualified and "." in qualified else set()
    return set()


def patched_states(call: nodes.Call) -> set[str]:
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return set()
    if func.attrname in CLEANUP_REGISTRARS:
        return mentioned_states(call)
    if is_monkeypatch(func.expr):
        if func.attrname in MONKEYPATCH_ENVIRON:
            return {"os.environ"}
        return patch_target(call, one_attribute=func.attrname in ("setattr", "delattr"))
    api = mock_api(func)
    if api in ("patch", "patch.object", "patch.dict", "patch.multiple"):
        return patch_target(call, one_attribute=api == "patch.object")
    return set()


def patch_target(call: nodes.Call, one_attribute: bool) -> set[str]:
    """'a.b.c' for a dotted-string target; the object's state, or one attribute of it
    (`monkeypatch.setattr(obj, "name", v)`, `patch.object(obj, "name")`)."""
    if not call.args:
        return set()
    dotted = string_value(call.args[0])
    if dotted is not None:
        return {dotted}
    found = module_state(call.args[0])
    if found is None:
        return set()
    attribute = string_value(call.args[1]) if one_attribute and len(call.args) > 1 else None
    return {f"{found[0]}.{attribute}" if attribute else found[0]}


def mentioned_states(call: nodes.Call) -> set[str]:
    found = set()
    for argument in [*call.args, *(k.value for k in call.keywords or ())]:
        for node in argument.nodes_of_class((nodes.Name, nodes.Attribute)):
            state = module_state(node)
            if state is not None:
                found.add(state[0])
    return found


def covers(reset: str, state: str) -> bool:
    """Resetting `reset` resets `state`: the same, or a container or object holding it."""
    return state == reset or state.startswith((reset + ".", reset + "["))


class ModuleStateMutatedByAsyncTest(Rule):
    code = "ASYNC804"
    name = "module-state-mutated-by-async-test"
    message = "{role} {what} and never restores it; {fix}"
    opt_in = True
    visits = (nodes.AsyncFunctionDef,)

    def finish(self, ctx: Context):
        _GLOBALS.clear()  # it would keep the module's last function, and the module, alive
        return ()

    def check(self, node: nodes.AsyncFunctionDef, ctx: Context):
        role = self.role(node, ctx)
        if role is None:
            return
        _GLOBALS.clear()
        changes = changes_in(node)
        if not any(change.kind != "remove" for change in changes):
            return
        own_resets = resets_in(node)
        elsewhere: set[str] | None = None
        reported: set[str] = set()
        for change in changes:
            if change.kind == "remove" or change.state in reported or inside_expected_error(change.node):
                continue  # (in `pytest.raises`, the change is expected to fail)
            if any(covers(reset, change.state) for reset, where in own_resets if where is not change.node):
                continue
            if change.key is not None and sum(
                    1 for other in changes if other.state == change.state and other.key == change.key) > 1:
                continue  # `X[k] = v` ... `X[k] = saved`
            if elsewhere is None:
                elsewhere = self.resets_around(node, ctx)
            if any(covers(reset, change.state) for reset in elsewhere):
                continue
            reported.add(change.state)
            yield self.finding(change.node, role=role, function=node.name, what=change.what,
                               fix=change.fix)

    @staticmethod
    def role(node: nodes.AsyncFunctionDef, ctx: Context) -> str | None:
        """'async test' / 'async fixture' (function-scoped: wider fixtures set state up on
        purpose for the tests that share them)."""
        if ctx.model.test_for(node) is not None:
            return "async test"
        fixture = ctx.model.fixture_for(node)
        if fixture is not None and fixture.scope == "function":
            return "async fixture"
        return None

    def resets_around(self, node: nodes.AsyncFunctionDef, ctx: Context) -> set[str]:
        """What the fixtures the function requests (and theirs), the autouse fixtures that reach
        it, and its class's or module's setUp/tearDown hooks reset."""
        functions: list[nodes.FunctionDef] = []
        self._requested(node, ctx, functions, depth=0)
        for fixture in ctx.model.fixtures.values():
            if fixture.autouse:
                functions.append(fixture.node)
        for conftest in ctx.model.conftests:
            functions += [fixture.node for fixture in conftest.fixtures.values() if fixture.autouse]
        scope = node.parent
        while isinstance(scope, nodes.ClassDef):
            info = ctx.model.class_info.get(scope)
            classes = info.kind.own_classes if info is not None else [scope]
            for cls in classes or [scope]:
                for statement in cls.body:
                    if not isinstance(statement, nodes.FunctionDef):
                        continue
                    fixture = ctx.model.fixture_for(statement)
                    if statement.name in AROUND_TEST_HOOKS or (fixture is not None and fixture.autouse):
                        functions.append(statement)
            scope = scope.parent
        for statement in ctx.model.module.body:
            if isinstance(statement, nodes.FunctionDef) and statement.name in AROUND_TEST_HOOKS:
                functions.append(statement)
        found: set[str] = set()
        for function in functions:
            if function is not node:
                found.update(state for state, _where in resets_in(function))
        return found

    def _requested(self, function: nodes.FunctionDef, ctx: Context, out: list, depth: int) -> None:
        if depth >= MAX_FIXTURE_DEPTH:
            return
        test = ctx.model.test_for(function)
        fixture = ctx.model.fixture_for(function)
        marks = ctx.model.marks_reaching(test) if test else (fixture.marks if fixture else [])
        for name, _where in ctx.model.requested_fixtures(function, marks):
            found = ctx.model.resolve_fixture(name, function)
            if found is not None and found.node not in out and found.node is not function:
                out.append(found.node)
                self._requested(found.node, ctx, out, depth + 1)


RULES = (LostUpdateAcrossAwait, ModuleStateMutatedByAsyncTest)
