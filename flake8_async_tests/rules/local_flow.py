"""What becomes of an object a statement creates, within the function that creates it.

Shared by the rules about things that must be closed (ASYNC702's event loops, ASYNC801's
resources). Precision first: the object counts as *kept* — someone else's to close — as soon as
the function does anything with it but call its own methods: pass it on, return or yield it,
store it, enter it, put it in a lambda. Only a name whose every later mention is `name.method`
(with no closing method among them) is left open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from astroid import nodes

from .coroutines import uses_of


@dataclass(frozen=True)
class Fate:
    """What the function does with the object: nothing keeps it (`lost`), under which name."""

    lost: bool
    name: str | None = None  # None: dropped on the spot
    #: the `name.attribute` mentions (a method called or an attribute read)
    members: tuple[nodes.Attribute, ...] = ()


KEPT = Fate(lost=False)


def creation_statement(call: nodes.Call) -> nodes.Expr | nodes.Assign | None:
    """The statement that receives the object `call` makes (through one `await`), when it is an
    expression statement or a one-target assignment; None for every other position (an `async
    with`, an argument, a return: handed on)."""
    value: nodes.NodeNG = call
    if isinstance(call.parent, nodes.Await):
        value = call.parent
    parent = value.parent
    if isinstance(parent, nodes.Expr):
        return parent
    if isinstance(parent, nodes.Assign) and parent.value is value and len(parent.targets) == 1:
        return parent
    return None


def fate(statement: nodes.Expr | nodes.Assign, closers: frozenset[str], position: int | None = None,
         passes_through: Callable[[nodes.Call], bool] = lambda call: False) -> Fate:
    """Follow the object `statement` receives (element `position` of a tuple it unpacks).

    `closers`: method names whose mention keeps hold of it (closing, or handing the closing on:
    `addAsyncCleanup(session.close)`). `passes_through`: calls that take it as an argument
    without owning it (`asyncio.set_event_loop(loop)` does not close the loop).
    """
    if isinstance(statement, nodes.Expr):
        return Fate(lost=True)
    target = statement.targets[0]
    if position is not None:
        if not isinstance(target, nodes.Tuple) or len(target.elts) <= position:
            return KEPT
        target = target.elts[position]
    if not isinstance(target, nodes.AssignName):
        return KEPT  # stored in an attribute or a container: beyond the function
    function = statement.scope()
    if not isinstance(function, nodes.FunctionDef):
        return KEPT
    if len(function.locals.get(target.name, ())) != 1 or _declared_outside(function, target.name):
        return KEPT  # rebound, or global/nonlocal: not a single local we can follow
    members = []
    for use in uses_of(target, function):
        parent = use.parent
        if isinstance(parent, nodes.Attribute):
            if _reaches_a_closer(parent, closers):
                return KEPT
            members.append(parent)
        elif isinstance(parent, nodes.Call) and use in parent.args and passes_through(parent):
            continue
        else:
            return KEPT  # handed on, returned, stored, entered...
    if _deleted(function, target.name):
        return KEPT
    return Fate(lost=True, name=target.name, members=tuple(members))


def _reaches_a_closer(attribute: nodes.Attribute, closers: frozenset[str]) -> bool:
    """`session.close`, and a closer of what it owns: `client.connection_pool.disconnect()`."""
    while isinstance(attribute, nodes.Attribute):
        if attribute.attrname in closers:
            return True
        attribute = attribute.parent
    return False


def _declared_outside(function: nodes.FunctionDef, name: str) -> bool:
    return any(name in declaration.names
               for declaration in function.nodes_of_class((nodes.Global, nodes.Nonlocal)))


def _deleted(function: nodes.FunctionDef, name: str) -> bool:
    """`del session`: the test drops the object on purpose (to see its finaliser's warning)."""
    return any(deleted.name == name for deleted in function.nodes_of_class(nodes.DelName))
