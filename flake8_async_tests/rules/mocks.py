"""ASYNC65x: mocks and patches that cannot stand in for what they replace.

What a replacement replaces, what stands in for it, and which mock an expression is, come
from model.patches; these rules only decide which combinations are mistakes.
"""

from __future__ import annotations

from pathlib import Path

from astroid import bases, nodes

from .. import memory
from ..inference import contained, infer_all
from ..model.awaited_parameters import (
    ProjectCode,
    Reached,
    call_target,
    calls_named,
    function_awaits,
    may_exit_before,
    method_awaits_attribute,
    parameter_for,
    project_code,
    reached_from,
    replaced_call_sites,
    stored_attribute,
    value_fails,
)
from ..model.callables import Callee, coroutine_callee, display_name, unwrap
from ..model.expected_errors import inside_expected_error
from ..model.patches import (
    MockValue,
    Replacement,
    argument,
    assignment,
    bound_value,
    classify_replacement,
    configured_in,
    created_mock,
    has_starred,
    is_exception_class,
    mock_api,
    mock_value,
    patch_call,
    replaced_by,
    single_binding,
)
from ..rendering import call_text, callee_text, compact, expression_text, short_text
from .base import Context, Rule
from .scope_index import ScopeIndex, call_arguments


def _replacement(node: nodes.NodeNG, ctx: Context) -> Replacement | None:
    """The replacement `node` makes in test code (cached: ASYNC650 and 651 both ask)."""
    cache = _cache(ctx, "replacements")
    if node in cache:
        return cache[node]
    found = None
    if ctx.model.is_test_code(node):
        if isinstance(node, nodes.Call):
            ctx.model.ensure_fixture_values()
            found = patch_call(node)
        elif isinstance(node, nodes.Assign) and _may_replace_a_function(node, ctx):
            ctx.model.ensure_fixture_values()
            found = assignment(node)
    cache[node] = found
    return found


#: Values that can only be sync substitutes: they matter only where an async def may be replaced.
SYNC_ONLY_VALUES = (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Set, nodes.JoinedStr,
                    nodes.Lambda)


def _may_replace_a_function(node: nodes.Assign, ctx: Context) -> bool:
    """Is `obj.name = value` worth inferring `obj` for? Test code assigns attributes all the
    time (`self.client = Client()`, `self.count = 0`); only a mock, a function or a literal
    can stand in for a function, and a sync-only value only for an async def's name."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], nodes.AssignAttr):
        return False
    value = node.value
    if isinstance(value, nodes.Call):
        api = mock_api(value.func)
        if api is None:
            return False
        if api == "AsyncMock" or api == "create_autospec":
            return True
    elif not isinstance(value, SYNC_ONLY_VALUES):
        return isinstance(value, (nodes.Name, nodes.Attribute))
    return ctx.model.may_name_coroutine_function(node.targets[0].attrname)


def _cache(ctx: Context, name: str) -> dict:
    return ctx.model.rule_caches.setdefault(name, {})


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


def _mismatch(node: nodes.NodeNG, ctx: Context, target_kind: str, substitute_kind: str):
    """(replacement, target, substitute) when `node` replaces a function of `target_kind`
    ('async'/'sync') with a substitute of `substitute_kind`."""
    replacement = _replacement(node, ctx)
    if replacement is None:
        return None
    target = replacement.target()
    if target is None or target.kind != target_kind:
        return None
    substitute = classify_replacement(replacement)
    if substitute is None or substitute.kind != substitute_kind:
        return None
    return replacement, target, substitute


class SyncSubstituteForAsyncCallable(Rule):
    code = "ASYNC650"
    name = "sync-substitute-for-async-callable"
    message = "{target} but replaced by {substitute}; {fix}"
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        found = _mismatch(node, ctx, target_kind="async", substitute_kind="sync")
        if found is None:
            return
        replacement, target, substitute = found
        if replacement.is_patch:
            fix = ("use new_callable=AsyncMock" if substitute.text.startswith("new_callable=") else
                   "use AsyncMock(...), or patch() without new")
        else:
            fix = "use AsyncMock(...) or an async def"
        yield self.finding(node, target=callee_text(target.callee), substitute=compact(substitute.text, 24),
                           fix=fix)


class AsyncSubstituteForSyncCallable(Rule):
    code = "ASYNC651"
    name = "async-substitute-for-sync-callable"
    message = "{target} but replaced by {substitute}; {fix}"
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        found = _mismatch(node, ctx, target_kind="sync", substitute_kind="async")
        if found is None:
            return
        replacement, target, substitute = found
        if replacement.is_patch:
            fix = "use MagicMock(...), or patch() without new"
        else:
            fix = "use MagicMock(...) or a plain def"
        yield self.finding(node, target=callee_text(target.callee), substitute=compact(substitute.text, 24),
                           fix=fix)


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
POSITIVE_ASSERT_METHODS = frozenset({"assertTrue", "assertEqual", "assertEquals", "assertGreater",
                                     "assertGreaterEqual", "assertIs"})
NEGATIVE_ASSERT_METHODS = frozenset({"assertFalse"})


class CallAssertionOnAsyncMock(Rule):
    code = "ASYNC652"
    name = "call-assertion-on-async-mock"
    message = "{check} on AsyncMock {mock!r} passes unawaited; use {fix}"
    visits = (nodes.Attribute,)

    def check(self, node: nodes.Attribute, ctx: Context):
        name = node.attrname
        if name not in CALL_ASSERTIONS:
            return
        if name in ("called", "call_count"):
            if _polarity(node) != "positive":
                return
            check = f"'.{name}'"
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
        if mock is None:  # unknown to the mock model: a helper's or a module's AsyncMock()?
            mock = _inferred_async_mock(receiver)
        if mock is None or mock.kind != "async":
            return
        scope = _function_scope(node)
        index = _index(scope, ctx)
        text = expression_text(receiver)
        if _awaits_checked_or_called_by_test(index, receiver):
            return
        if _side_effect_drives_the_test(node, index, receiver):
            return
        if _awaited_by_a_helper_of_the_test(index, receiver):
            return
        replaced = replaced_by(mock) if mock.replaces is not None else None
        if replaced is not None and replaced.kind() == "sync":
            return  # an AsyncMock over a sync function: ASYNC651's finding, at the replacement
        if _missing_await_would_show_memo(replaced, index, receiver, ctx):
            return
        reported = _cache(ctx, "call-assertions-reported")
        if (scope, text) in reported:
            return  # one finding per mock and test: its fix silences the other assertions
        reported[(scope, text)] = True
        yield self.finding(node if name in ("called", "call_count") else node.parent,
                           check=check, mock=compact(text, 30), origin=compact(mock.origin, 30),
                           fix=CALL_ASSERTIONS[name])


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


def _index(scope: nodes.NodeNG, ctx: Context) -> ScopeIndex:
    """The test's mocks, read once per test however many assertions ask (see scope_index)."""
    cache = _cache(ctx, "scope-index")
    if scope not in cache:
        cache[scope] = ScopeIndex.of(scope, _function_scope)
    return cache[scope]


def _awaits_checked_or_called_by_test(index: ScopeIndex, receiver: nodes.NodeNG) -> bool:
    """Does the test check the awaits of the mock, or call it itself? A function the test
    defines (a callback it hands to the code under test) counts as the test: it may reach the
    mock through a loop variable, so there a call of the same attribute name is enough."""
    text = expression_text(receiver)
    if text in index.await_checked or text in index.called:
        return True  # checked, or the test calls (awaits) the mock itself
    return isinstance(receiver, nodes.Attribute) and receiver.attrname in index.called_in_nested_functions


@contained(False)
def _awaited_by_a_helper_of_the_test(index: ScopeIndex, receiver: nodes.NodeNG) -> bool:
    """Does the test hand the mock (or the object it hangs on) to a function of test code that
    calls it: `await run_twice(handler)` with `async def run_twice(fn): await fn(); await fn()`
    in the test module? Then the test awaits it itself, through its helper."""
    module = index.scope.root()
    return any(_helper_calls(call, position, keyword, suffix, module)
               for call, position, keyword, suffix in index.passed_as_or_within(expression_text(receiver)))


def _helper_calls(call: nodes.Call, position, keyword, suffix: str, module: nodes.Module) -> bool:
    values = infer_all(call.func)
    if not values or len(values) != 1:
        return False
    helper = unwrap(values[0])
    if not isinstance(helper, nodes.FunctionDef) or helper.root() is not module:
        return False
    bound = isinstance(values[0], bases.BoundMethod) or helper.type == "classmethod"
    parameter = parameter_for(helper, position, keyword, bound)
    if parameter is None:
        return False
    called = parameter.name + suffix
    return any(expression_text(inner.func) == called for inner in helper.nodes_of_class(nodes.Call))


def _missing_await_would_show_memo(replaced, index: ScopeIndex, receiver: nodes.NodeNG, ctx: Context) -> bool:
    """_missing_await_would_show, asked once per mock and test: every assertion on the same
    mock (the same text, the same binding, the same replaced function) gets the same answer."""
    binding = single_binding(receiver) if isinstance(receiver, nodes.Name) else None
    key = (index.scope, expression_text(receiver), binding,
           (replaced.owners, replaced.name) if replaced is not None else None)
    cache = _cache(ctx, "missing-await-would-show")
    if key not in cache:
        cache[key] = _missing_await_would_show(replaced, index, receiver, ctx)
    return cache[key]


@contained(False)
def _missing_await_would_show(replaced, index: ScopeIndex, receiver: nodes.NodeNG, ctx: Context) -> bool:
    """Would the test fail anyway if the code under test forgot the await? Yes when every call
    of the replaced attribute in the project's code either awaits it and then uses the result in
    a way a coroutine makes raise (`server.sockets`, `len(addrs)`, or returns it to a caller
    that does), or hands the coroutine on unawaited (wrapped in an object the caller awaits): no
    call site may await it and ignore the result, or drop it. At least one call site must be
    certain. Where some call site would not show it, only the call sites in the code this test
    drives count (see reached_from); a mock that replaces nothing known (a child of a bare
    AsyncMock) is looked up by name there."""
    if index.expects_error:
        return False
    scope = index.scope
    falsy = _configured_falsy(index, receiver)
    sites = _global_sites(replaced, scope, falsy, ctx) if replaced is not None and replaced.owners else None
    if sites is not None:
        if not any(site.confirmed for site in sites):
            return False  # the code reaches it in a way the search cannot see
        if _all_would_show(sites, scope, falsy, None):
            return True
    name = replaced.name if replaced is not None else \
        receiver.attrname if isinstance(receiver, nodes.Attribute) else None
    if name is None:
        return False
    reached = _reached(scope, ctx)
    if not reached.complete:
        return False
    if sites is None:
        sites = calls_named(reached.functions, name, falsy, lambda f: _is_test_code_module(f.root(), ctx))
    driven = [site for site in sites if _function_scope(site.call) in reached.functions]
    return _all_would_show(driven, scope, falsy, reached)


def _global_sites(replaced, scope: nodes.NodeNG, falsy: bool, ctx: Context):
    search = _project_code(ctx)
    if search is None:
        return None
    key = (replaced.owners, replaced.name, falsy)
    cache = _SITES if all(_root(owner) is not scope.root() for owner in replaced.owners) \
        else _cache(ctx, "call-sites")
    if key not in cache:
        cache[key] = replaced_call_sites(replaced.name, replaced.owners, search, falsy)
    return cache[key]


def _is_test_code_module(module: nodes.Module, ctx: Context) -> bool:
    if not module.file:
        return False
    path = Path(module.file)
    return path.name == "conftest.py" or ctx.model.project.is_test_module(path)


def _all_would_show(sites, scope: nodes.NodeNG, falsy: bool, reached: Reached | None) -> bool:
    """Every site fails on a coroutine, hands it on, or returns it to callers (the test, or
    the code it drives) that all fail on it; and at least one site is certain."""
    if not sites or (reached is None and not any(site.confirmed for site in sites)):
        return False
    for site in sites:
        if site.use == "returned":
            if not _returned_value_fails(_function_scope(site.call), scope, falsy, reached):
                return False
        elif site.use not in ("fails", "handed"):
            return False
    return True


def _returned_value_fails(function: nodes.NodeNG, scope: nodes.NodeNG, falsy: bool,
                          reached: Reached | None) -> bool:
    """The function returns the awaited value: do all its awaited calls, in the test and in the
    code the test drives, use the value in a way a coroutine makes fail?"""
    uses = [(awaited, True) for awaited in _awaited_calls_of(function, [scope])]
    if reached is not None:
        others = [f for f in reached.functions if f is not scope and f is not function]
        uses += [(awaited, False) for awaited in _awaited_calls_of(function, others)]
    return bool(uses) and all(value_fails(awaited, falsy, in_test=in_test) for awaited, in_test in uses)


def _awaited_calls_of(function: nodes.NodeNG, scopes) -> list[nodes.Await]:
    found = []
    for scope in scopes:
        for awaited in scope.nodes_of_class(nodes.Await):
            call = awaited.value
            if not isinstance(call, nodes.Call):
                continue
            func = call.func
            name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
            if name != function.name:
                continue
            values = infer_all(func)
            if values and any(unwrap(value) is function for value in values):
                found.append(awaited)
    return found


def _reached(scope: nodes.NodeNG, ctx: Context) -> Reached:
    """The project functions the test (and the fixtures it requests) may run."""
    cache = _cache(ctx, "reached")
    if scope not in cache:
        roots = [scope] + _fixture_functions(scope, ctx) if isinstance(scope, nodes.FunctionDef) else []
        rootdir = Path(ctx.model.project.rootdir)

        def within(module: nodes.Module) -> bool:
            return bool(module.file) and Path(module.file).is_relative_to(rootdir)

        code = _project_code(ctx)
        defined = code.defined() if code is not None else None
        if defined is not None:
            for module in {root.root() for root in roots}:
                defined = defined | _names_defined_in(module)
        cache[scope] = reached_from(roots, within, _CALLEES, defined) if roots else Reached(set(), False)
    return cache[scope]


def _names_defined_in(module: nodes.Module) -> frozenset[str]:
    return frozenset(node.name for node in module.nodes_of_class((nodes.FunctionDef, nodes.ClassDef)))


def _fixture_functions(function: nodes.FunctionDef, ctx: Context, depth: int = 0) -> list[nodes.FunctionDef]:
    found: list[nodes.FunctionDef] = []
    if depth > 3:
        return found
    for name in function.argnames():
        fixture = ctx.model.resolve_fixture(name, function)
        if fixture is not None and fixture.node is not function:
            found.append(fixture.node)
            found += _fixture_functions(fixture.node, ctx, depth + 1)
    return found


#: Call sites of attributes of library and project modules, for the whole process.
_SITES: dict = {}
#: What inference found for the calls of project code the tests drive, for the whole process.
_CALLEES: dict = {}


@memory.forget_on_restart
def _forget_sites_and_callees() -> None:
    _SITES.clear()
    _CALLEES.clear()


def _root(owner: nodes.NodeNG) -> nodes.Module:
    return owner._proxied.root() if isinstance(owner, bases.Instance) else owner.root()


def _project_code(ctx: Context) -> ProjectCode | None:
    project = ctx.model.project
    return project_code(Path(project.rootdir), project.is_test_module)


def _configured_falsy(index: ScopeIndex, receiver: nodes.NodeNG) -> bool:
    """Is the awaited result of the mock certainly false (`return_value=None`, `False`, `0`,
    an empty literal), so that a coroutine, which is true, takes the other branch?"""
    if _side_effect(index, receiver) is not None:
        return False
    value = _configured(index, receiver, "return_value")
    if isinstance(value, nodes.Const):
        return not value.value and value.value is not Ellipsis
    if isinstance(value, (nodes.List, nodes.Tuple, nodes.Set)):
        return not value.elts
    if isinstance(value, nodes.Dict):
        return not value.items
    return False


def _side_effect_drives_the_test(assertion: nodes.Attribute, index: ScopeIndex,
                                 receiver: nodes.NodeNG) -> bool:
    """The mock has a side effect and the test depends on it: it counts calls that a raising
    side effect (or several results) decides (`call_count == 3` after retries, `call_count == 1`
    when the first error stops a transaction), or it expects an exception (`pytest.raises`).
    Without the `await` the side effect never happens, the control flow changes, and the test
    fails anyway (measured on redis-py's retry and transaction tests)."""
    side_effect = _side_effect(index, receiver)
    if side_effect is None:
        return False
    count = _compared_count(assertion)
    if count is not None and (count >= 2 or _may_raise(side_effect)):
        return True
    return index.expects_error


def _compared_count(assertion: nodes.Attribute) -> int | None:
    """N in `m.call_count == N` or `self.assertEqual(m.call_count, N)`."""
    if assertion.attrname != "call_count":
        return None
    parent = assertion.parent
    if isinstance(parent, nodes.Compare) and parent.left is assertion and len(parent.ops) == 1:
        other = parent.ops[0][1]
    elif isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) and \
            parent.func.attrname in ("assertEqual", "assertEquals") and len(parent.args) == 2:
        other = parent.args[1] if parent.args[0] is assertion else parent.args[0]
    else:
        return None
    return other.value if isinstance(other, nodes.Const) and type(other.value) is int else None


def _side_effect(index: ScopeIndex, receiver: nodes.NodeNG) -> nodes.NodeNG | None:
    """The side effect the test gives the mock: `m.side_effect = X`, or `side_effect=X` where
    the mock is made (`m = AsyncMock(side_effect=X)`, `obj.m = AsyncMock(...)`, `as m`)."""
    return _configured(index, receiver, "side_effect")


def _configured(index: ScopeIndex, receiver: nodes.NodeNG, setting: str) -> nodes.NodeNG | None:
    """What the test sets `setting` (side_effect, return_value) of the mock to."""
    text = expression_text(receiver)
    value = index.settings.get((setting, text))
    if value is not None:
        return value
    if isinstance(receiver, nodes.Name):
        binding = single_binding(receiver)
        made = [bound_value(binding) if binding is not None else None]
    else:
        made = index.assigned.get(text, [])
    for value in made:
        if isinstance(value, nodes.Call):
            for keyword in value.keywords or ():
                if keyword.arg == setting:
                    return keyword.value
    return None


def _may_raise(side_effect: nodes.NodeNG) -> bool:
    """An exception, a sequence holding one, or a function (which may raise)."""
    if isinstance(side_effect, (nodes.List, nodes.Tuple)):
        return any(_may_raise(element) for element in side_effect.elts)
    if isinstance(side_effect, nodes.Lambda):
        return True
    values = infer_all(side_effect) or []
    return any(isinstance(value, nodes.FunctionDef) or _is_exception_value(value) for value in values)


def _is_exception_value(value: nodes.NodeNG) -> bool:
    cls = value._proxied if isinstance(value, bases.Instance) else value
    return isinstance(cls, nodes.ClassDef) and is_exception_class(cls)


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
    message = "{callee} {use} ({where}) on {mock}; {fix}"
    visits = (nodes.Call,)

    def check(self, node: nodes.Call, ctx: Context):
        if has_starred(node) or not (node.args or node.keywords):
            return
        bare = [(position, keyword, value, kind)
                for position, keyword, value in call_arguments(node)
                if (kind := _bare_mock(value)) is not None]
        if not bare or not ctx.model.is_test_code(node):
            return
        ctx.model.ensure_fixture_values()
        target = call_target(node.func)
        if target is None:
            return
        for position, keyword, value, kind in bare:
            found = self._awaited(node, target, position, keyword, kind == "Mock")
            if found is None:
                continue
            callee, use, where, annotation, protocol = found
            if protocol:  # only a plain Mock gets here: MagicMock supports both protocols
                fix = "pass MagicMock()"
            else:
                fix = (f"pass AsyncMock() or Mock(spec={annotation})" if _is_spec(annotation)
                       else "pass AsyncMock()")
            yield self.finding(value, callee=callee, use=use, where=Callee("", where).where,
                               mock=f"{kind}()", fix=fix)

    @staticmethod
    def _awaited(call: nodes.Call, target, position, keyword, protocols: bool):
        """(callee words, use, node, annotation, protocol) when the test's own run of the
        callee certainly awaits the argument."""
        definition = target.definition
        if isinstance(definition, nodes.FunctionDef):
            if not isinstance(call.parent, nodes.Await):
                return None
            use = function_awaits(definition, target.bound, position, keyword, protocols)
            if use is None or _expected_before(call, use.node):
                return None
            return (f"{display_name(definition)!r}", use.text, use.node, use.annotation,
                    use.protocol)
        stored = stored_attribute(definition, position, keyword)
        if stored is None:
            return None
        attribute, _parameter, annotation = stored
        for method, awaiting_call in _awaited_methods(call):
            found = method_awaits_attribute(definition, method, attribute, protocols)
            if found is not None and not _expected_before(awaiting_call, found[1]):
                text, node, protocol = found
                callee = f"'{definition.name}.{method}'"
                return callee, text, node, annotation, protocol
        return None


def _is_spec(annotation: str) -> bool:
    """An annotation that names a class worth a spec (`Any`, `object` say nothing)."""
    return bool(annotation) and annotation not in ("object", "Any") and not annotation.endswith(".Any")


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


def _expected_before(awaiting_call: nodes.Call, awaited: nodes.NodeNG) -> bool:
    """The test expects an exception (`pytest.raises`) that the callee may raise before it gets
    to the await (`if user_id < 0: raise ValueError`): the mock is then never awaited. One raised
    after the await (`OrderNotFound` when the awaited lookup finds nothing) is no excuse: the
    test gets a TypeError instead."""
    return inside_expected_error(awaiting_call) and may_exit_before(awaited)


def _awaited_methods(construction: nodes.Call) -> list[tuple[str, nodes.Call]]:
    """(method, the test's call of it) for the methods the test awaits on the object it
    constructs, in order: `await Cls(m).run()`, or `svc = Cls(m)` / `self.svc = Cls(m)` and then
    `await svc.run()`. None when the test sets anything on the object (`svc._busy = True`,
    `svc.client.fetch = AsyncMock()`): its state is then not what the constructor made."""
    parent = construction.parent
    if isinstance(parent, nodes.Attribute) and isinstance(parent.parent, nodes.Call) \
            and parent.parent.func is parent and isinstance(parent.parent.parent, nodes.Await):
        return [(parent.attrname, parent.parent)]
    if not (isinstance(parent, nodes.Assign) and len(parent.targets) == 1):
        return []
    target = parent.targets[0]
    if isinstance(target, nodes.AssignName):
        instance = target.name
    elif isinstance(target, nodes.AssignAttr) and isinstance(target.expr, nodes.Name) \
            and target.expr.name == "self":
        instance = f"self.{target.attrname}"
    else:
        return []
    function = construction.scope()
    for assigned in function.nodes_of_class(nodes.AssignAttr):
        if expression_text(assigned).startswith(f"{instance}."):
            return []
    methods = []
    for awaited in function.nodes_of_class(nodes.Await):
        value = awaited.value
        if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                and expression_text(value.func.expr) == instance:
            methods.append((value.func.attrname, value))
    return methods


RESULT_FIX = "set return_value to its awaited result"


class CoroutineAsMockResult(Rule):
    code = "ASYNC654"
    name = "coroutine-as-mock-result"
    message = "{mock} returns the coroutine {value!r}; {fix}"
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
            mock = short_text(node.func, 30) + "(...)"
        elif patch_call(node) is not None and (created := created_mock(node, None, 0)) is not None \
                and created.kind == "async":
            mock = f"AsyncMock of {short_text(node.func, 30)}(...)"
        else:
            return
        ctx.model.ensure_fixture_values()
        if _stands_in_for_a_sync_function(node, ctx):
            return  # ASYNC651 reports the AsyncMock itself: its fix (MagicMock) comes first
        callee = coroutine_callee(value)
        if callee is not None:
            yield self.finding(value, mock=mock, value=_text(value), callee=callee_text(callee),
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
        yield self.finding(node, mock=f"AsyncMock {short_text(target.expr, 30)!r}",
                           value=_text(node.value), callee=callee_text(callee), fix=RESULT_FIX)


@contained(False)
def _stands_in_for_a_sync_function(call: nodes.Call, ctx: Context) -> bool:
    """Is the AsyncMock made by `call` the substitute of a replacement whose target is a sync
    function (`sem.release = AsyncMock(...)`, `patch(..., new_callable=AsyncMock, ...)`)?"""
    parent = call.parent
    if isinstance(parent, nodes.Assign) and parent.value is call:
        replacement = _replacement(parent, ctx)
    elif isinstance(parent, (nodes.Call, nodes.Keyword)):
        owner = parent.parent if isinstance(parent, nodes.Keyword) else parent
        replacement = _replacement(owner, ctx) if isinstance(owner, nodes.Call) else None
        if replacement is not None and replacement.new is not call:
            replacement = None
    else:
        replacement = _replacement(call, ctx)
    if replacement is None:
        return False
    target = replacement.target()
    return target is not None and target.kind == "sync"


def _text(call: nodes.Call) -> str:
    return call_text(call, 30)


RULES = (
    SyncSubstituteForAsyncCallable,
    AsyncSubstituteForSyncCallable,
    CallAssertionOnAsyncMock,
    SyncMockAwaitedByCodeUnderTest,
    CoroutineAsMockResult,
)
