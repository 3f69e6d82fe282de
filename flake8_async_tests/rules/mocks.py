"""ASYNC65x: mocks and patches that cannot stand in for what they replace.

What a replacement replaces, what stands in for it, and which mock an expression is, come
from model.patches; these rules only decide which combinations are mistakes.
"""

from __future__ import annotations

from astroid import bases, nodes

from ..inference import contained, infer_all
from ..model.callables import Callee, unwrap, coroutine_callee, display_name, has_unknown_decorator
from ..model.patches import (
    MockValue,
    Replacement,
    argument,
    assignment,
    bound_value,
    class_member,
    classify_replacement,
    configured_in,
    created_mock,
    has_starred,
    mock_api,
    mock_value,
    patch_call,
    single_binding,
)
from .base import Context, Rule


def _replacement(node: nodes.NodeNG, ctx: Context) -> Replacement | None:
    """The replacement `node` makes in test code (cached: ASYNC650 and 651 both ask)."""
    cache = _cache(ctx, "replacements")
    if node in cache:
        return cache[node]
    found = None
    if ctx.model.is_test_code(node):
        ctx.model.ensure_fixture_values()
        if isinstance(node, nodes.Call):
            found = patch_call(node)
        elif isinstance(node, nodes.Assign):
            found = assignment(node)
    cache[node] = found
    return found


def _cache(ctx: Context, name: str) -> dict:
    caches = ctx.model.__dict__.setdefault("_mock_rule_caches", {})
    return caches.setdefault(name, {})


def _fixtures(ctx: Context):
    def resolve(name: str, function: nodes.FunctionDef):
        fixture = ctx.model.resolve_fixture(name, function)
        return fixture.node if fixture is not None else None

    return resolve


def _mock(expression: nodes.NodeNG, ctx: Context) -> MockValue | None:
    cache = _cache(ctx, "mocks")
    if expression not in cache:
        cache[expression] = mock_value(expression, _fixtures(ctx))
    return cache[expression]


class SyncSubstituteForAsyncCallable(Rule):
    code = "ASYNC650"
    name = "sync-substitute-for-async-callable"
    message = "{target} but is replaced by {substitute}; awaiting its result raises TypeError; {fix}"
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        replacement = _replacement(node, ctx)
        if replacement is None:
            return
        target = replacement.target()
        if target is None or target.kind != "async":
            return
        substitute = classify_replacement(replacement)
        if substitute is None or substitute.kind != "sync":
            return
        if replacement.is_patch:
            fix = ("use new_callable=AsyncMock, or patch() without new"
                   if substitute.text.startswith("new_callable=") else
                   "use AsyncMock(...), or patch() without new")
        else:
            fix = "use AsyncMock(...) or an async def"
        yield self.finding(node, target=target.describe(), substitute=substitute.text, fix=fix)


class AsyncSubstituteForSyncCallable(Rule):
    code = "ASYNC651"
    name = "async-substitute-for-sync-callable"
    message = ("{target} but is replaced by {substitute}; callers get a coroutine they never "
               "await, so the replacement's return value and side effect never happen; {fix}")
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        replacement = _replacement(node, ctx)
        if replacement is None:
            return
        target = replacement.target()
        if target is None or target.kind != "sync":
            return
        substitute = classify_replacement(replacement)
        if substitute is None or substitute.kind != "async":
            return
        if replacement.is_patch:
            fix = "use MagicMock(...), or patch() without new"
        else:
            fix = "use MagicMock(...) or a plain def"
        yield self.finding(node, target=target.describe(), substitute=substitute.text, fix=fix)


#: Call assertions and their await twins.
CALL_ASSERTIONS = {
    "assert_called": "assert_awaited()",
    "assert_called_once": "assert_awaited_once()",
    "assert_called_with": "assert_awaited_with(...)",
    "assert_called_once_with": "assert_awaited_once_with(...)",
    "assert_any_call": "assert_any_await(...)",
    "assert_has_calls": "assert_has_awaits(...)",
    "called": "await_count",
    "call_count": "await_count",
}
AWAIT_CHECKS = frozenset(
    {"assert_awaited", "assert_awaited_once", "assert_awaited_with", "assert_awaited_once_with",
     "assert_any_await", "assert_has_awaits", "assert_not_awaited", "await_count", "await_args",
     "await_args_list"}
)
POSITIVE_ASSERT_METHODS = frozenset({"assertTrue", "assertEqual", "assertEquals", "assertGreater",
                                     "assertGreaterEqual", "assertIs"})
NEGATIVE_ASSERT_METHODS = frozenset({"assertFalse"})


class CallAssertionOnAsyncMock(Rule):
    code = "ASYNC652"
    name = "call-assertion-on-async-mock"
    message = ("{check} on {mock!r}, an AsyncMock ({origin}), passes even if the code under test "
               "calls it without 'await'; use {fix}")
    visits = (nodes.Attribute,)

    def check(self, node: nodes.Attribute, ctx: Context):
        name = node.attrname
        if name not in CALL_ASSERTIONS:
            return
        if name in ("called", "call_count"):
            if _polarity(node) != "positive":
                return
            check = f"'{node.as_string()}'"
        else:
            call = node.parent
            if not (isinstance(call, nodes.Call) and call.func is node):
                return
            check = f"{name}()"
        if not ctx.model.is_test_code(node):
            return
        receiver = node.expr
        ctx.model.ensure_fixture_values()
        mock = _mock(receiver, ctx)
        if mock is None or mock.kind != "async":
            mock = _inferred_async_mock(receiver)
        if mock is None or mock.kind != "async":
            return
        scope = _function_scope(node)
        text = receiver.as_string()
        if _awaits_checked_or_called_by_test(scope, text):
            return
        yield self.finding(node if name in ("called", "call_count") else node.parent,
                           check=check, mock=text, origin=mock.origin, fix=CALL_ASSERTIONS[name])


def _inferred_async_mock(receiver: nodes.NodeNG) -> MockValue | None:
    """A value inference is sure is an AsyncMock instance (a fixture's `AsyncMock()`...)."""
    values = infer_all(receiver)
    if not values or len(values) != 1:
        return None
    value = values[0]
    if isinstance(value, bases.Instance) and not isinstance(value, bases.BoundMethod) \
            and value.qname() in ("unittest.mock.AsyncMock", "mock.mock.AsyncMock"):
        return MockValue("async", "AsyncMock()")
    return None


def _function_scope(node: nodes.NodeNG) -> nodes.NodeNG:
    scope = node.scope()
    while isinstance(scope, nodes.Lambda) and not isinstance(scope, nodes.FunctionDef) and scope.parent:
        scope = scope.parent.scope()
    return scope


def _awaits_checked_or_called_by_test(scope: nodes.NodeNG, text: str) -> bool:
    for attribute in scope.nodes_of_class(nodes.Attribute):
        if attribute.attrname in AWAIT_CHECKS and attribute.expr.as_string() == text:
            return True
    for call in scope.nodes_of_class(nodes.Call):
        if call.func.as_string() == text:
            return True  # the test calls (awaits) the mock itself
    return False


def _polarity(node: nodes.Attribute) -> str | None:
    """'positive' when `m.called` / `m.call_count` is asserted to show calls happened,
    'negative' for checks that no call happened, None when it is not asserted at all."""
    child: nodes.NodeNG = node
    parent = node.parent
    negative = False
    if isinstance(parent, nodes.UnaryOp) and parent.op == "not":
        negative, child, parent = True, parent, parent.parent
    if isinstance(parent, nodes.Compare) and parent.left is child and len(parent.ops) == 1:
        op, other = parent.ops[0]
        if _is_zero_or_false(other):
            negative = negative != (op in ("==", "is", "<=", "<"))
            if op in ("!=", "is not", ">"):
                negative = False
        elif isinstance(other, nodes.Const) and other.value is True and op in ("==", "is"):
            pass
        elif op not in ("==", ">=", ">"):
            return None
        child, parent = parent, parent.parent
    while isinstance(parent, nodes.BoolOp) and parent.op == "and":
        child, parent = parent, parent.parent
    if isinstance(parent, nodes.Assert) and parent.test is child:
        return "negative" if negative else "positive"
    if isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) and child in parent.args:
        method = parent.func.attrname
        if method in NEGATIVE_ASSERT_METHODS:
            return "positive" if negative else "negative"
        if method in POSITIVE_ASSERT_METHODS:
            if any(_is_zero_or_false(arg) for arg in parent.args if arg is not child):
                return "negative"
            return "negative" if negative else "positive"
    return None


def _is_zero_or_false(node: nodes.NodeNG) -> bool:
    return isinstance(node, nodes.Const) and node.value in (0, False) and node.value is not None


class SyncMockAwaitedByCodeUnderTest(Rule):
    code = "ASYNC653"
    name = "sync-mock-awaited-by-code-under-test"
    message = "{callee} {use} ({where}) but receives {mock}; {error}; {fix}"
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        if has_starred(node) or not (node.args or node.keywords):
            return
        bare = [(position, keyword, value, kind)
                for position, keyword, value in _arguments(node)
                if (kind := _bare_mock(value)) is not None]
        if not bare or not ctx.model.is_test_code(node):
            return
        ctx.model.ensure_fixture_values()
        found_callee = _single_callee(node.func)
        if found_callee is None:
            return
        callee, bound = found_callee
        for position, keyword, value, kind in bare:
            found = _awaited_use(callee, bound, position, keyword, kind == "Mock")
            if found is None:
                continue
            use, where_node, parameter, annotation, through = found
            if _configured_later(node, value, through, use):
                continue
            callee_name = (f"{callee.name!r} (through self.{through})" if through
                           else f"{display_name(callee)!r}")
            if use.startswith("awaits"):
                error = f"awaiting a {kind} raises TypeError"
                fix = (f"pass AsyncMock() or Mock(spec={annotation})" if annotation
                       else "pass AsyncMock() (or a Mock with a spec)")
            else:  # only a plain Mock gets here: MagicMock supports both protocols
                error = "'async with'/'async for' on a Mock raises TypeError"
                fix = "pass MagicMock(), which supports them"
            yield self.finding(value, callee=callee_name, use=use,
                               where=Callee("", where_node).where, mock=f"{kind}()",
                               error=error, fix=fix)


def _arguments(call: nodes.Call):
    for position, value in enumerate(call.args):
        yield position, None, value
    for keyword in call.keywords or ():
        if keyword.arg is not None:
            yield None, keyword.arg, keyword.value


def _bare_mock(value: nodes.NodeNG) -> str | None:
    """'MagicMock' / 'Mock' for a call without arguments, or a local bound once to one and
    never configured in its function."""
    call = value
    if isinstance(value, nodes.Name):
        binding = single_binding(value)
        if binding is None or not isinstance(binding.parent, nodes.Assign):
            return None
        call = bound_value(binding)
        scope = value.scope()
        if not isinstance(call, nodes.Call) or configured_in(scope, value.name):
            return None
    if not isinstance(call, nodes.Call) or call.args or any(k.arg != "name" for k in call.keywords or ()):
        return None
    api = mock_api(call.func)
    if api in ("Mock", "MagicMock"):
        return api
    return None


@contained(None)
def _single_callee(func: nodes.NodeNG):
    values = infer_all(func)
    if not values or len(values) != 1:
        return None
    value = values[0]
    function = unwrap(value)
    if isinstance(function, nodes.ClassDef):
        return function, True
    if isinstance(function, nodes.AsyncFunctionDef) and not has_unknown_decorator(function):
        return function, isinstance(value, bases.BoundMethod) or function.type == "classmethod"
    return None


@contained(None)
def _awaited_use(callee, bound: bool, position, keyword, plain_mock: bool):
    """(use, node, parameter, annotation, self attribute) when the parameter receiving the
    argument is awaited by the callee (or, for a class, by any of its methods through
    `self.<attribute>`)."""
    if isinstance(callee, nodes.ClassDef):
        init = class_member(callee, "__init__")
        if not init or len(init) != 1 or not isinstance(init[0], nodes.FunctionDef):
            return None
        init = init[0]
        if init.root().name == "builtins" or has_unknown_decorator(init):
            return None
        parameter = _parameter(init, position, keyword, bound=True)
        if parameter is None:
            return None
        attributes = _stored_in(init, parameter.name)
        if len(attributes) != 1:
            return None
        attribute = attributes[0]
        for method in callee.mymethods():
            if not isinstance(method, nodes.AsyncFunctionDef) or has_unknown_decorator(method):
                continue
            use = _awaited_in(method, lambda root: _is_self_attribute(root, attribute), plain_mock)
            if use is not None:
                return use[0], use[1], parameter.name, _annotation(parameter, init), attribute
        return None
    function = callee
    parameter = _parameter(function, position, keyword, bound=bound)
    if parameter is None or len(function.locals.get(parameter.name, [])) != 1:
        return None
    use = _awaited_in(function, lambda root: isinstance(root, nodes.Name) and root.name == parameter.name,
                      plain_mock)
    if use is None:
        return None
    return use[0], use[1], parameter.name, _annotation(parameter, function), None


def _parameter(function: nodes.FunctionDef, position, keyword, bound: bool):
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


def _annotation(parameter: nodes.AssignName, function: nodes.FunctionDef) -> str:
    arguments = function.args
    for args, annotated in ((arguments.posonlyargs, arguments.posonlyargs_annotations),
                            (arguments.args, arguments.annotations),
                            (arguments.kwonlyargs, arguments.kwonlyargs_annotations)):
        for arg, annotation in zip(args or [], annotated or []):
            if arg is parameter and isinstance(annotation, (nodes.Name, nodes.Attribute)):
                return annotation.as_string()
    return ""


def _stored_in(init: nodes.FunctionDef, parameter: str) -> list[str]:
    """The attributes `self.<attribute> = parameter` in `__init__`."""
    found = []
    for assign in init.nodes_of_class(nodes.Assign):
        if isinstance(assign.value, nodes.Name) and assign.value.name == parameter:
            for target in assign.targets:
                if isinstance(target, nodes.AssignAttr) and isinstance(target.expr, nodes.Name) \
                        and target.expr.name == "self":
                    found.append(target.attrname)
    return found


def _is_self_attribute(node: nodes.NodeNG, attribute: str) -> bool:
    return isinstance(node, nodes.Attribute) and node.attrname == attribute and \
        isinstance(node.expr, nodes.Name) and node.expr.name == "self"


def _awaited_in(function: nodes.FunctionDef, is_root, plain_mock: bool):
    """The first awaited use ('await client.get(...)') of what `is_root` recognises."""
    for node in function.nodes_of_class((nodes.Await, nodes.AsyncWith, nodes.AsyncFor)):
        if _running_scope(node) is not function:
            continue  # in a nested def, lambda or generator expression: it may never run
        if isinstance(node, nodes.Await):
            if _rooted_at(node.value, is_root):
                return f"awaits '{_use_text(node.value)}'", node
        elif plain_mock and isinstance(node, nodes.AsyncWith):
            for item, _variable in node.items:
                if _rooted_at(item, is_root):
                    return f"enters 'async with {_use_text(item)}'", node
        elif plain_mock and _rooted_at(node.iter, is_root):
            return f"iterates 'async for ... in {_use_text(node.iter)}'", node
    return None


def _running_scope(node: nodes.NodeNG) -> nodes.NodeNG:
    """The scope whose code runs `node` when it runs: list, set and dict comprehensions run
    at once, inside the function that contains them."""
    scope = node.scope()
    while isinstance(scope, (nodes.ListComp, nodes.SetComp, nodes.DictComp)) and scope.parent:
        scope = scope.parent.scope()
    return scope


def _rooted_at(expression: nodes.NodeNG, is_root) -> bool:
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


def _configured_later(call: nodes.Call, value: nodes.NodeNG, through: str | None, use: str) -> bool:
    """Does the test set something on the object the mock went into (`svc.client.get = ...`)?"""
    if not through:
        return False
    scope = call.scope()
    for attribute in scope.nodes_of_class(nodes.AssignAttr):
        text = attribute.as_string()
        if f".{through}" in text or attribute.attrname == through:
            return True
    return False


RESULT_FIX = "set return_value to the result itself, or side_effect to the coroutine function"


class CoroutineAsMockResult(Rule):
    code = "ASYNC654"
    name = "coroutine-as-mock-result"
    message = ("{mock} returns the coroutine {value!r} ({callee}); awaiting the mock gives a "
               "coroutine that is never awaited; {fix}")
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Assign):
            yield from self._assigned(node, ctx)
            return
        value = argument(node, None, "return_value")
        if value is None or not isinstance(value, nodes.Call) or not ctx.model.is_test_code(node):
            return
        api = mock_api(node.func)
        if api == "AsyncMock":
            mock = node.func.as_string() + "(...)"
        elif patch_call(node) is not None and (created := created_mock(node, None, 0)) is not None \
                and created.kind == "async":
            mock = f"the AsyncMock created by {node.func.as_string()}(...)"
        else:
            return
        ctx.model.ensure_fixture_values()
        callee = coroutine_callee(value)
        if callee is not None:
            yield self.finding(value, mock=mock, value=_text(value), callee=callee.describe(),
                               fix=RESULT_FIX)

    def _assigned(self, node: nodes.Assign, ctx: Context):
        if len(node.targets) != 1:
            return
        target = node.targets[0]
        if not (isinstance(target, nodes.AssignAttr) and target.attrname == "return_value"):
            return
        if not isinstance(node.value, nodes.Call) or not ctx.model.is_test_code(node):
            return
        ctx.model.ensure_fixture_values()
        callee = coroutine_callee(node.value)
        if callee is None:
            return
        mock = _mock(target.expr, ctx)
        if mock is None or mock.kind != "async":
            return
        yield self.finding(node, mock=f"the AsyncMock {target.expr.as_string()!r}", value=_text(node.value),
                           callee=callee.describe(), fix=RESULT_FIX)


def _text(call: nodes.Call) -> str:
    text = call.as_string()
    return text if len(text) <= 50 else text[:47] + "..."


RULES = (
    SyncSubstituteForAsyncCallable,
    AsyncSubstituteForSyncCallable,
    CallAssertionOnAsyncMock,
    SyncMockAwaitedByCodeUnderTest,
    CoroutineAsMockResult,
)
