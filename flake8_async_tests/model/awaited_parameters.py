"""Which parameters a function or a class awaits, on the path every call takes.

ASYNC653 asks: a bare `MagicMock()` goes into `fetch_user(client=...)` or `Service(client=...)`;
does the callee certainly `await client...` when the test calls it? "Certainly" is the point:
real suites pass bare mocks to objects whose awaiting methods they never call, or whose await
sits behind a flag or an early exit (measured on aiohttp's suite: 18 of 18 such findings were
of this kind). So an await counts only when it is *unconditional*: in a statement of the
function's own body, or of the body of a `with`/`async with`/`try` at that level, never inside
an `if`, a loop body, an `except` handler, a nested function or a generator expression. List,
set and dict comprehensions count (they run at once).

For a class, the parameter must be stored by `__init__` in one attribute, unconditionally, and
`__init__` may not assign that attribute anything else; the awaiting method is named by the test
(the rule looks at which method the test awaits), and `await self.helper(...)` in it is followed
one level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from astroid import bases, nodes

from ..inference import contained, infer_all
from .callables import has_unknown_decorator, unwrap
from .patches import class_member, has_starred

#: How many `await self.helper()` hops are followed from the method the test awaits.
MAX_HELPER_DEPTH = 2


@dataclass(frozen=True)
class AwaitedUse:
    """How the callee uses the argument asynchronously, for the message."""

    text: str  # "awaits 'client.fetch(...)'", "enters 'async with session.begin()'"
    node: nodes.NodeNG  # where, for the location
    parameter: nodes.AssignName
    annotation: str  # the parameter's annotation ('UserClient'), or ''
    protocol: bool  # an `async with`/`async for` (MagicMock supports it), not an `await`


@dataclass(frozen=True)
class CallTarget:
    """An `async def` called with the mock, or a class constructed with it."""

    definition: nodes.FunctionDef | nodes.ClassDef
    bound: bool  # the first parameter is filled by the binding (self/cls), not by the call


@contained(None)
def call_target(func: nodes.NodeNG) -> CallTarget | None:
    """The single `async def` or class that a call's `func` certainly is."""
    values = infer_all(func)
    if not values or len(values) != 1:
        return None
    value = values[0]
    definition = unwrap(value)
    if isinstance(definition, nodes.ClassDef):
        return CallTarget(definition, True)
    if isinstance(definition, nodes.AsyncFunctionDef) and not has_unknown_decorator(definition):
        bound = isinstance(value, bases.BoundMethod) or definition.type == "classmethod"
        return CallTarget(definition, bound)
    return None


@contained(None)
def function_awaits(function: nodes.FunctionDef, bound: bool, position: int | None,
                    keyword: str | None, protocols: bool) -> AwaitedUse | None:
    """The unconditional awaited use, inside `function`, of the parameter that receives the
    argument at `position` / `keyword`. `protocols`: count `async with`/`async for` too."""
    parameter = parameter_for(function, position, keyword, bound)
    if parameter is None or len(function.locals.get(parameter.name, [])) != 1:
        return None  # reassigned in the body: the awaited value may be another one

    def is_parameter(node: nodes.NodeNG) -> bool:
        return isinstance(node, nodes.Name) and node.name == parameter.name

    found = _first_awaited(function, is_parameter, protocols)
    if found is None:
        return None
    text, node, protocol = found
    return AwaitedUse(text, node, parameter, annotation_of(parameter, function), protocol)


@contained(None)
def stored_attribute(cls: nodes.ClassDef, position: int | None,
                     keyword: str | None) -> tuple[str, nodes.AssignName, str] | None:
    """(attribute, parameter, annotation) when `cls.__init__` stores the parameter in one
    attribute, unconditionally, and assigns that attribute nowhere else."""
    found = class_member(cls, "__init__")
    if not found or len(found) != 1 or not isinstance(found[0], nodes.FunctionDef):
        return None
    init = found[0]
    if init.root().name == "builtins" or has_unknown_decorator(init):
        return None
    parameter = parameter_for(init, position, keyword, bound=True)
    if parameter is None or len(init.locals.get(parameter.name, [])) != 1:
        return None
    attributes = [
        target.attrname
        for statement in unconditional_statements(init.body)
        if isinstance(statement, nodes.Assign) and isinstance(statement.value, nodes.Name)
        and statement.value.name == parameter.name
        for target in statement.targets if _is_self_attribute(target)
    ]
    if len(attributes) != 1:
        return None
    attribute = attributes[0]
    assignments = [node for node in init.nodes_of_class(nodes.AssignAttr)
                   if node.attrname == attribute and _is_self(node.expr)]
    if len(assignments) != 1:
        return None  # __init__ may also store a default or a wrapper: which one stays is open
    return attribute, parameter, annotation_of(parameter, init)


@contained(None)
def method_awaits_attribute(cls: nodes.ClassDef, method_name: str, attribute: str,
                            protocols: bool, _depth: int = 0) -> tuple[str, nodes.NodeNG, bool] | None:
    """(use text, node, protocol) when awaiting `cls().method_name(...)` certainly awaits
    `self.<attribute>...` (directly, or in an `await self.helper(...)` it makes first)."""
    found = class_member(cls, method_name)
    if not found or len(found) != 1 or not isinstance(found[0], nodes.AsyncFunctionDef):
        return None
    method = found[0]
    if has_unknown_decorator(method) or method.is_generator():
        return None

    def is_attribute(node: nodes.NodeNG) -> bool:
        return isinstance(node, nodes.Attribute) and node.attrname == attribute and _is_self(node.expr)

    use = _first_awaited(method, is_attribute, protocols)
    if use is not None or _depth >= MAX_HELPER_DEPTH:
        return use
    for node, _kind in unconditional_awaits(method):
        helper = _self_method_called(node)
        if helper is not None and helper != method_name:
            use = method_awaits_attribute(cls, helper, attribute, protocols, _depth + 1)
            if use is not None:
                return use
    return None


# -- the unconditional part of a function ----------------------------------------------------


def unconditional_statements(body: list[nodes.NodeNG]) -> Iterator[nodes.NodeNG]:
    """The statements of `body` that run whenever the body runs to its end: the body's own, and
    those of `with`/`async with`/`try` blocks (and `finally`) at that level."""
    for statement in body:
        yield statement
        if isinstance(statement, (nodes.With, nodes.AsyncWith)):
            yield from unconditional_statements(statement.body)
        elif isinstance(statement, nodes.Try):
            yield from unconditional_statements(statement.body)
            yield from unconditional_statements(statement.finalbody)


def unconditional_awaits(function: nodes.FunctionDef) -> Iterator[tuple[nodes.NodeNG, str]]:
    """(node, kind) for each `await` expression ('await'), `async with` item ('with') and
    `async for` iterable ('for') that runs whenever `function` runs to its end."""
    for statement in unconditional_statements(function.body):
        if isinstance(statement, nodes.AsyncWith):
            for item, _variable in statement.items:
                yield item, "with"
            expressions = [item for item, _variable in statement.items]
        elif isinstance(statement, nodes.AsyncFor):
            yield statement.iter, "for"
            expressions = [statement.iter]
        elif isinstance(statement, (nodes.If, nodes.While)):
            expressions = [statement.test]
        elif isinstance(statement, nodes.For):
            expressions = [statement.iter]
        elif isinstance(statement, (nodes.With, nodes.Try, nodes.FunctionDef, nodes.ClassDef)):
            expressions = [item for item, _variable in statement.items] \
                if isinstance(statement, nodes.With) else []
        else:
            expressions = [statement]
        for expression in expressions:
            for node in _awaits_in(expression):
                if _runs_with(node, function):
                    yield node.value, "await"


def _awaits_in(expression: nodes.NodeNG) -> Iterator[nodes.Await]:
    return expression.nodes_of_class(nodes.Await, skip_klass=(nodes.FunctionDef, nodes.Lambda))


def _runs_with(node: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """Does `node` run when the code around it does? Not in a nested def, a lambda, a generator
    expression, or the branch of a conditional expression."""
    child, parent = node, node.parent
    while parent is not None and parent is not function:
        if isinstance(parent, (nodes.Lambda, nodes.GeneratorExp)):
            return False
        if isinstance(parent, nodes.IfExp) and child is not parent.test:
            return False
        if isinstance(parent, nodes.BoolOp) and child is not parent.values[0]:
            return False
        if isinstance(parent, nodes.Comprehension) and child is not parent.iter:
            return False  # a condition, or an inner loop that may run zero times
        child, parent = parent, parent.parent
    return parent is function


def _first_awaited(function: nodes.FunctionDef, is_root: Callable[[nodes.NodeNG], bool],
                   protocols: bool) -> tuple[str, nodes.NodeNG, bool] | None:
    for expression, kind in unconditional_awaits(function):
        if not rooted_at(expression, is_root):
            continue
        if kind == "await":
            return f"awaits '{_use_text(expression)}'", expression, False
        if protocols:
            verb = "enters 'async with" if kind == "with" else "iterates 'async for ... in"
            return f"{verb} {_use_text(expression)}'", expression, True
    return None


def _self_method_called(expression: nodes.NodeNG) -> str | None:
    if isinstance(expression, nodes.Call) and isinstance(expression.func, nodes.Attribute) \
            and _is_self(expression.func.expr):
        return expression.func.attrname
    return None


def may_exit_before(node: nodes.NodeNG) -> bool:
    """Can the function that holds `node` raise or return before it gets there? (a `raise` or
    `return` in any statement before it, at its level or an enclosing one)"""
    statement = node.statement()
    function = node.frame()
    while statement is not None and statement is not function:
        sibling = statement.previous_sibling()
        while sibling is not None:
            if isinstance(sibling, (nodes.Raise, nodes.Return)) or any(
                    True for _ in sibling.nodes_of_class((nodes.Raise, nodes.Return),
                                                         skip_klass=(nodes.FunctionDef, nodes.ClassDef))):
                return True
            sibling = sibling.previous_sibling()
        statement = statement.parent.statement() if statement.parent is not None else None
    return False


# -- small facts -------------------------------------------------------------------------------


def parameter_for(function: nodes.FunctionDef, position: int | None, keyword: str | None,
                  bound: bool) -> nodes.AssignName | None:
    positional = list(function.args.posonlyargs or []) + list(function.args.args or [])
    if bound:
        positional = positional[1:]
    if keyword is not None:
        for arg in positional + list(function.args.kwonlyargs or []):
            if arg.name == keyword:
                return arg
        return None
    if position is not None and position < len(positional):
        return positional[position]
    return None


def annotation_of(parameter: nodes.AssignName, function: nodes.FunctionDef) -> str:
    arguments = function.args
    for args, annotated in ((arguments.posonlyargs, arguments.posonlyargs_annotations),
                            (arguments.args, arguments.annotations),
                            (arguments.kwonlyargs, arguments.kwonlyargs_annotations)):
        for arg, annotation in zip(args or [], annotated or []):
            if arg is parameter and isinstance(annotation, (nodes.Name, nodes.Attribute)):
                return annotation.as_string()
    return ""


def rooted_at(expression: nodes.NodeNG, is_root: Callable[[nodes.NodeNG], bool]) -> bool:
    """A chain of attributes and calls (`client.get(...)`, `client.pool.acquire()`) that
    starts at the recognised root."""
    node = expression
    while True:
        if is_root(node):
            return True
        if isinstance(node, nodes.Attribute):
            node = node.expr
        elif isinstance(node, nodes.Call):
            if has_starred(node):
                return False
            node = node.func
        else:
            return False


def _use_text(expression: nodes.NodeNG) -> str:
    if isinstance(expression, nodes.Call):
        text = f"{expression.func.as_string()}(...)" if (expression.args or expression.keywords) \
            else expression.as_string()
    else:
        text = expression.as_string()
    return text if len(text) <= 50 else text[:47] + "..."


def _is_self(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Name) and expression.name == "self"


def _is_self_attribute(target: nodes.NodeNG) -> bool:
    return isinstance(target, nodes.AssignAttr) and _is_self(target.expr)
