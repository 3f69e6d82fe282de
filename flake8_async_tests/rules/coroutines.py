"""ASYNC60x: coroutines created and dropped, used as values, and awaitables misused.

A coroutine is recognised by its callee (model.callables): a coroutine function found by
inference through instances, fixtures, imports, aliases and functools.partial.
"""

from __future__ import annotations

from astroid import nodes

from ..inference import infer_all, qualified_name
from ..model.callables import (
    ASYNC_ONLY_CONTEXT_MANAGERS,
    certainly_not_awaitable,
    context_manager_kind,
    coroutine_callee,
    iterable_kind,
    partial_call,
    reference_to_coroutine_function,
    unwrap,
)
from ..model.expected_errors import inside_expected_error
from ..model.patches import assignment, classify_replacement, patch_call
from .base import Context, Rule
from ..rendering import call_text, callee_text, expression_text, short_text


def last_names(qualified_names) -> frozenset[str]:
    """The last parts of dotted names ('raises' of 'pytest.raises'), for may_name_one_of."""
    return frozenset(name.rsplit(".", 1)[-1] for name in qualified_names)


def may_name_one_of(func: nodes.NodeNG, names: frozenset[str]) -> bool:
    """Can `qualified_name(func)` be a dotted name whose last part is in `names`? Asked first,
    because rules ask about every call: an attribute's qualified name ends in its own name (so
    `self.assertEqual` is no `pytest.raises`); a plain name may alias anything."""
    if isinstance(func, nodes.Attribute):
        return func.attrname in names
    return isinstance(func, nodes.Name)


#: Builtins whose argument is used as a value (a coroutine there is a mistake, not a hand-off).
VALUE_BUILTINS = frozenset(
    {"builtins.len", "builtins.str", "builtins.bool", "builtins.repr", "builtins.int",
     "builtins.float", "builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted",
     "builtins.dict", "builtins.print", "builtins.iter", "builtins.next"}
)
VALUE_BUILTIN_NAMES = last_names(VALUE_BUILTINS)
#: Attributes of a coroutine object that are not mistakes to touch.
COROUTINE_ATTRIBUTES = ("close", "send", "throw", "__await__")


def _may_create_coroutine(node: nodes.NodeNG, ctx: Context) -> bool:
    """The cheap first look (names only, no inference) of `_coroutine_call`."""
    if not isinstance(node, nodes.Call) or not ctx.model.is_test_code(node):
        return False
    func = node.func
    partial = partial_call(func)
    if partial is not None:
        func = partial.args[0]  # functools.partial(f, ...)(): the name to test is f's
    return ctx.model.may_be_coroutine_function(func)


def _coroutine_call(node: nodes.NodeNG, ctx: Context):
    """The Callee when `node` is a call that creates a coroutine in test code, else None."""
    if not _may_create_coroutine(node, ctx):
        return None
    ctx.model.ensure_fixture_values()
    callee = coroutine_callee(node)
    if callee is None or replaced_before(node.func, callee, ctx):
        return None
    if inside_expected_error(node) and sync_part_may_raise(node):
        return None
    return callee


def sync_part_may_raise(call: nodes.Call) -> bool:
    """Does `call` run another call before the coroutine exists (`make_handler("")()`,
    `Client(port="x").connect()`, `client.fetch(parse(text))`)? Inside `pytest.raises` that call
    may raise the expected exception, and then no coroutine is ever created."""
    evaluated_first = [call.func, *call.args, *(keyword.value for keyword in call.keywords or ())]
    for part in evaluated_first:
        for inner in part.nodes_of_class(nodes.Call):
            if partial_call(inner) is None:
                return True
    return False


#: Methods that run before each test of a unittest class (or pytest's xunit-style class).
SETUP_METHODS = ("setUp", "asyncSetUp", "setup_method")


def replaced_before(func: nodes.NodeNG, callee, ctx: Context) -> bool:
    """Is the async def that inference found for `func` replaced before `func` is called, by a
    substitute that is not certainly async (`monkeypatch.setattr(store, "get",
    Mock(side_effect=KeyError))`, `store.get = Mock()`, `patch.object(Store, "get", new=...)`)?
    Then the call reaches the substitute: a sync one creates no coroutine. A `patch` without
    `new` makes an AsyncMock of an async def: still a coroutine."""
    if not isinstance(callee.node, nodes.AsyncFunctionDef):
        return False
    for replacement in replacements_before(func, callee.node, ctx):
        if replacement.is_patch and replacement.new is None and replacement.new_callable is None:
            continue  # patch() of an async def: an AsyncMock
        substitute = classify_replacement(replacement)
        if substitute is None or substitute.kind != "async":
            return True
    return False


def replacements_before(func: nodes.NodeNG, target: nodes.FunctionDef, ctx: Context):
    """The replacements of the function `target` that run before `func` is called: in the
    functions around the call (statements before it, or in a loop with it, and decorators), the
    setUp methods of its class, and the fixtures it requests (and theirs)."""
    for scope, before in _scopes_run_before(func, ctx):
        for node in scope.nodes_of_class((nodes.Call, nodes.Assign)):
            if before is not None and not _runs_before(node, before):
                continue
            if not _mentions(node, target.name):
                continue
            replacement = patch_call(node) if isinstance(node, nodes.Call) else assignment(node)
            if replacement is not None and replacement.is_patch and not _patch_applied(node):
                continue  # `patch(...)` alone makes a patcher and replaces nothing
            if replacement is not None and replacement.target_values and \
                    any(unwrap(value) is target for value in replacement.target_values):
                yield replacement


def _patch_applied(call: nodes.Call) -> bool:
    """Is the patcher `call` makes started: a `with` item, a decorator, `.start()` or
    `__enter__()` on it (directly or through the name it is bound to), `enter_context(...)`?"""
    parent = call.parent
    if isinstance(parent, (nodes.With, nodes.Decorators)):
        return True
    if isinstance(parent, nodes.Attribute) and parent.attrname in ("start", "__enter__"):
        return True
    if isinstance(parent, nodes.Call) and call in parent.args and \
            isinstance(parent.func, nodes.Attribute) and parent.func.attrname == "enter_context":
        return True
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName):
        name = parent.targets[0].name
        return any(isinstance(use.parent, nodes.Attribute) and use.parent.attrname in ("start", "__enter__")
                   for use in parent.scope().nodes_of_class(nodes.Name) if use.name == name)
    return False


def _scopes_run_before(func: nodes.NodeNG, ctx: Context):
    """(function, node it must run before, or None when all of it runs before the test)."""
    scope = func.scope()
    seen = set()
    while isinstance(scope, (nodes.FunctionDef, nodes.Lambda)):
        if isinstance(scope, nodes.FunctionDef):
            yield scope, func
            yield from _fixtures_of(scope, ctx, seen, depth=0)
            if isinstance(scope.parent, nodes.ClassDef):
                for name in SETUP_METHODS:
                    for method in scope.parent.locals.get(name, ()):
                        if isinstance(method, nodes.FunctionDef) and method is not scope:
                            yield method, None
        scope = scope.parent.scope() if scope.parent else None


def _fixtures_of(function: nodes.FunctionDef, ctx: Context, seen: set, depth: int):
    if depth > 3:
        return
    for name in function.argnames():
        fixture = ctx.model.resolve_fixture(name, function)
        if fixture is None or fixture.node in seen:
            continue
        seen.add(fixture.node)
        yield fixture.node, None
        yield from _fixtures_of(fixture.node, ctx, seen, depth + 1)


def _runs_before(node: nodes.NodeNG, call: nodes.NodeNG) -> bool:
    """Does `node` run before `call` in their function: earlier in the source, a decorator, or
    in a loop around both."""
    if (node.lineno, node.col_offset) < (call.lineno, call.col_offset):
        return True
    loops = {id(loop) for loop in node.node_ancestors() if isinstance(loop, (nodes.For, nodes.While))}
    return any(id(loop) in loops for loop in call.node_ancestors())


def _mentions(node: nodes.NodeNG, name: str) -> bool:
    """A cheap first look: could `node` replace an attribute called `name`?"""
    if isinstance(node, nodes.Assign):
        return any(isinstance(target, nodes.AssignAttr) and target.attrname == name
                   for target in node.targets)
    for argument in node.args[:2]:
        if isinstance(argument, nodes.Const) and isinstance(argument.value, str) and \
                (argument.value == name or argument.value.endswith("." + name)):
            return True
    return any(keyword.arg in ("attribute", "target", "name") and isinstance(keyword.value, nodes.Const)
               and str(keyword.value.value).rsplit(".", 1)[-1] == name for keyword in node.keywords or ())


#: unittest assertions that use an argument as a value, with the positions they use: a coroutine
#: there is always true (assertTrue, assertIsNotNone pass), never equal, never None, never in.
#: assertIs/assertIsNot compare identity, and assertIsInstance(coro, Coroutine) checks the type:
#: either may be the point.
UNITTEST_VALUE_ASSERTIONS = {
    **dict.fromkeys(("assertTrue", "assertIsNotNone", "assertFalse", "assertIsNone"), (0,)),
    **dict.fromkeys(
        ("assertEqual", "assertNotEqual", "assertIn", "assertNotIn", "assertGreater",
         "assertGreaterEqual", "assertLess", "assertLessEqual", "assertAlmostEqual",
         "assertNotAlmostEqual", "assertCountEqual", "assertDictEqual", "assertListEqual",
         "assertTupleEqual", "assertSetEqual", "assertSequenceEqual", "assertMultiLineEqual"),
        (0, 1)),
}
ALWAYS_TRUE = "always true"


def value_use(node: nodes.NodeNG) -> str | None:
    """How the parent of `node` uses it as a value ('is asserted (...)'), or None when it hands
    the object on, awaits it, or does something we cannot judge."""
    use = _value_use(node)
    if use is None:
        return None
    what, why = use
    return f"{what} ({why})" if why else what


def _value_use(node: nodes.NodeNG) -> tuple[str, str] | None:
    """(what is done with `node`, why that is wrong for a coroutine, or '')."""
    parent = node.parent
    if isinstance(parent, nodes.Assert) and parent.test is node:
        return "is asserted", ALWAYS_TRUE
    if isinstance(parent, (nodes.If, nodes.While, nodes.IfExp)) and parent.test is node:
        return "is used as a condition", ALWAYS_TRUE
    if isinstance(parent, nodes.UnaryOp) and parent.op == "not":
        return "is negated", ALWAYS_TRUE
    if isinstance(parent, nodes.BoolOp):
        return "is used in 'and'/'or'", ALWAYS_TRUE
    if isinstance(parent, nodes.Compare):
        if all(operator in ("is", "is not") for operator, _ in parent.ops):
            return None  # identity: the test means the coroutine object itself
        return "is compared", ""
    if isinstance(parent, nodes.Subscript) and parent.value is node:
        return "is subscripted", ""
    if isinstance(parent, nodes.Attribute) and parent.expr is node:
        name = parent.attrname
        if name in COROUTINE_ATTRIBUTES or name.startswith("cr_"):
            return None
        return f"has .{name} read", ""
    if isinstance(parent, (nodes.For, nodes.Comprehension)) and parent.iter is node:
        return "is iterated", ""
    if isinstance(parent, nodes.BinOp):
        return "is used in arithmetic", ""
    if isinstance(parent, nodes.FormattedValue):
        return "is formatted", ""
    if isinstance(parent, nodes.Call) and node in parent.args:
        if may_name_one_of(parent.func, VALUE_BUILTIN_NAMES) and \
                qualified_name(parent.func) in VALUE_BUILTINS:
            return f"is passed to {short_text(parent.func)}()", ""
        return _unittest_assertion_use(node, parent)
    if isinstance(parent, nodes.Assign) and parent.value is node:
        if any(isinstance(target, (nodes.Tuple, nodes.List)) for target in parent.targets):
            return "is unpacked", ""
    return None


def _unittest_assertion_use(node: nodes.NodeNG, call: nodes.Call) -> tuple[str, str] | None:
    """`self.assertTrue(coro)` (always passes), `self.assertEqual(coro, x)` (always fails)."""
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    positions = UNITTEST_VALUE_ASSERTIONS.get(func.attrname, ())
    if not any(position < len(call.args) and call.args[position] is node for position in positions):
        return None
    outcome = {"assertTrue": "pass", "assertIsNotNone": "pass",
               "assertFalse": "fail", "assertIsNone": "fail"}.get(func.attrname)
    if outcome:
        return f"makes {short_text(func)}() always {outcome}", ""
    return f"is passed to {short_text(func)}()", ""


def _consumes(node: nodes.NodeNG) -> bool:
    """Does the parent of a name hand the coroutine on (await, argument, return, storage...)?"""
    parent = node.parent
    if isinstance(parent, nodes.Attribute):
        return parent.attrname in COROUTINE_ATTRIBUTES or parent.attrname.startswith("cr_")
    return value_use(node) is None


class CoroutineNeverAwaited(Rule):
    code = "ASYNC600"
    name = "coroutine-never-awaited"
    message = "coroutine {call!r} is never awaited{by}{callee}; {fix}"
    visits = (nodes.Expr, nodes.Assign, nodes.Return, nodes.Call)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Expr):
            callee = _coroutine_call(node.value, ctx)
            if callee is not None:
                yield self._finding(node.value, callee, node, ctx)
        elif isinstance(node, nodes.Return):
            yield from self._returned_by_test(node, ctx)
        elif isinstance(node, nodes.Assign):
            yield from self._bound_and_dropped(node, ctx)
        else:
            yield from self._async_function_called_synchronously(node, ctx)

    def _finding(self, call: nodes.Call, callee, where: nodes.NodeNG, ctx: Context):
        scope = call.scope()
        if isinstance(scope, nodes.AsyncFunctionDef):
            fix = "add 'await'"
        elif ctx.model.test_for(scope) is not None:
            fix = "make the test async and await it"
        else:
            fix = "await it, or use asyncio.run()"
        return self.finding(where, call=_call_text(call), by="", callee=f" ({callee_text(callee)})", fix=fix)

    def _returned_by_test(self, node: nodes.Return, ctx: Context):
        function = node.scope()
        if ctx.model.test_for(function) is None or node.value is None:
            return
        callee = _coroutine_call(node.value, ctx)
        if callee is not None:
            yield self.finding(node, call=_call_text(node.value), by=" (a test's return value is dropped)",
                               callee="", fix="await it instead")

    def _bound_and_dropped(self, node: nodes.Assign, ctx: Context):
        binding = single_local_binding(node)
        if binding is None or not _may_create_coroutine(node.value, ctx):
            return
        target, function = binding
        uses = uses_of(target, function)
        if any(value_use(use) is not None for use in uses):
            return  # ASYNC601 reports the coroutine at this binding, naming its first value use
        callee = _coroutine_call(node.value, ctx)
        if callee is None:
            return
        is_test = ctx.model.test_for(function) is not None
        consumed = [use for use in uses if _consumes(use)]
        if is_test:  # pytest discards what the test itself returns
            consumed = [use for use in consumed
                        if not (isinstance(use.parent, nodes.Return) and use.scope() is function)]
        if not consumed:
            yield self.finding(node, call=_call_text(node.value), by="", callee=f" ({callee_text(callee)})",
                               fix=f"await {target.name!r} (or pass it to gather)")

    def _async_function_called_synchronously(self, node: nodes.Call, ctx: Context):
        if not ctx.model.is_test_code(node):
            return
        argument = sync_caller_argument(node, ctx)
        if argument is None or not ctx.model.may_be_coroutine_function(argument):
            return
        ctx.model.ensure_fixture_values()
        callee = reference_to_coroutine_function(argument)
        if callee is not None and not replaced_before(argument, callee, ctx):
            api = node.func.attrname if isinstance(node.func, nodes.Attribute) else \
                (qualified_name(node.func) or "").rsplit(".", 1)[-1]
            yield self.finding(
                argument, call=short_text(argument, 30), by=f" by {short_text(node.func, 30)}()",
                callee="", fix=SYNC_CALLER_FIXES.get(api, "call it from async code and await it"),
            )


def _call_text(call: nodes.Call) -> str:
    return call_text(call)


def uses_of(binding: nodes.AssignName, function: nodes.FunctionDef) -> list[nodes.Name]:
    """The loads of a local name in `function` (nested functions included) bound only there."""
    uses = []
    for name in function.nodes_of_class(nodes.Name):
        if name.name != binding.name:
            continue
        _scope, bindings = name.lookup(name.name)
        if binding in bindings:
            uses.append(name)
    return uses


#: (qualified name or attribute name, argument position or keyword) of APIs that call a
#: function synchronously and drop its result.
SYNC_CALLERS_BY_NAME = {
    "pytest.raises": (1, None),
    "pytest.warns": (1, None),
    "threading.Thread": (1, "target"),
    "threading.Timer": (1, "function"),
    "atexit.register": (0, None),
}
SYNC_CALLER_NAMES = last_names(SYNC_CALLERS_BY_NAME)
SYNC_CALLERS_BY_ATTRIBUTE = {
    "assertRaises": (1, None),
    "assertWarns": (1, None),
    "assertRaisesRegex": (2, None),
    "assertWarnsRegex": (2, None),
    "addfinalizer": (0, None),
    "call_soon": (0, None),
    "call_soon_threadsafe": (0, None),
    "call_later": (1, None),
    "call_at": (1, None),
    "addCleanup": (0, None),
}
SYNC_CALLER_FIXES = {
    "raises": "use 'with pytest.raises(...): await f()'",
    "warns": "use 'with pytest.warns(...): await f()'",
    "assertRaises": "use 'with self.assertRaises(...): await f()'",
    "assertWarns": "use 'with self.assertWarns(...): await f()'",
    "assertRaisesRegex": "use the context-manager form and await inside it",
    "assertWarnsRegex": "use the context-manager form and await inside it",
    "addfinalizer": "await it after an async fixture's yield",
    "addCleanup": "use addAsyncCleanup, or IsolatedAsyncioTestCase",
    "Thread": "pass a sync function calling asyncio.run(f())",
    "Timer": "pass a sync function calling asyncio.run(f())",
    "register": "register a sync function calling asyncio.run(f())",
}


def sync_caller_argument(call: nodes.Call, ctx: Context) -> nodes.NodeNG | None:
    """The argument that `call` will call synchronously, for the APIs above."""
    where = SYNC_CALLERS_BY_NAME.get(qualified_name(call.func) or "") \
        if may_name_one_of(call.func, SYNC_CALLER_NAMES) else None
    if where is None and isinstance(call.func, nodes.Attribute):
        where = SYNC_CALLERS_BY_ATTRIBUTE.get(call.func.attrname)
        if call.func.attrname == "addCleanup" and not _in_sync_testcase(call, ctx):
            return None  # IsolatedAsyncioTestCase awaits coroutine cleanups; others: unknown
    if where is None:
        return None
    position, keyword = where
    for given in call.keywords or ():
        if keyword is not None and given.arg == keyword:
            return given.value
    return call.args[position] if len(call.args) > position else None


def _in_sync_testcase(call: nodes.Call, ctx: Context) -> bool:
    """Is `call` in a method of a class certainly run as a plain sync unittest.TestCase?"""
    scope = call.scope()
    while scope is not None and not isinstance(scope, nodes.ClassDef):
        scope = scope.parent.scope() if scope.parent else None
    info = ctx.model.class_info.get(scope) if scope is not None else None
    return info is not None and info.kind.plain_sync_testcase


class CoroutineUsedAsValue(Rule):
    code = "ASYNC601"
    name = "coroutine-used-as-value"
    message = "coroutine {call!r} {use} ({callee}); add 'await'"
    visits = (nodes.Call, nodes.Assign)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Call):
            use = value_use(node)
            if use is None:
                return
            callee = _coroutine_call(node, ctx)
            if callee is not None:
                yield self.finding(node, call=_call_text(node), use=use, callee=callee_text(callee))
            return
        yield from self._bound_and_used(node, ctx)

    def _bound_and_used(self, node: nodes.Assign, ctx: Context):
        """`user = client.fetch(1)` then `user["id"]`: one finding per coroutine, at the binding
        (where the 'await' goes), naming the first use. ASYNC600 stays silent on such a name."""
        binding = single_local_binding(node)
        if binding is None or not _may_create_coroutine(node.value, ctx):
            return
        target, function = binding
        first = min((use for use in uses_of(target, function) if _value_use(use) is not None),
                    key=lambda use: (use.lineno, use.col_offset), default=None)
        if first is None:
            return
        callee = _coroutine_call(node.value, ctx)
        if callee is None:
            return
        what, why = _value_use(first)
        use = f"{what} on line {first.lineno}"
        if why:
            use += f" ({why})"
        yield self.finding(node, call=_call_text(node.value), use=use, callee=callee_text(callee))


def single_local_binding(node: nodes.Assign) -> tuple[nodes.AssignName, nodes.FunctionDef] | None:
    """`name = <call>` where `name` is a local bound nowhere else in its function."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], nodes.AssignName) \
            or not isinstance(node.value, nodes.Call):
        return None
    target = node.targets[0]
    function = node.scope()
    if not isinstance(function, nodes.FunctionDef) or len(function.locals.get(target.name, [])) != 1:
        return None  # rebound, global, or module level: not a single local we can follow
    return target, function


class AwaitOnNonAwaitable(Rule):
    code = "ASYNC602"
    name = "await-on-non-awaitable"
    message = "'await' raises TypeError: {what}; {fix}"
    visits = (nodes.Await,)

    def check(self, node, ctx: Context):
        if not ctx.model.is_test_code(node) or inside_expected_error(node):
            return
        value = node.value
        if isinstance(value, nodes.Call) and not ctx.model.may_be_sync_function(value.func):
            what = _bare_mock_call(value)  # no sync def of that name: only a bare mock is left
        else:
            ctx.model.ensure_fixture_values()
            what = certainly_not_awaitable(value)
            if what and _callee_replaced(value, ctx):
                return  # the test awaits its substitute (an AsyncMock?), not the sync def
            what = what or _bare_mock_call(value)
        if what:
            fix = ("use AsyncMock()" if "Mock" in what else "drop 'await' or make it async")
            yield self.finding(node, what=what, fix=fix)


def _callee_replaced(value: nodes.NodeNG, ctx: Context) -> bool:
    if not isinstance(value, nodes.Call):
        return False
    for function in infer_all(value.func) or ():
        function = unwrap(function)
        if isinstance(function, nodes.FunctionDef) and \
                next(replacements_before(value.func, function, ctx), None) is not None:
            return True
    return False


MOCK_FACTORIES = frozenset({"unittest.mock.Mock", "unittest.mock.MagicMock", "mock.Mock",
                            "mock.MagicMock", "unittest.mock.NonCallableMock",
                            "mock.NonCallableMock"})


def _bare_mock_call(expression: nodes.NodeNG) -> str | None:
    """`await m()` / `await m.x()` where `m = MagicMock()` (no spec, nothing configured)."""
    if not isinstance(expression, nodes.Call):
        return None
    root = expression.func
    while isinstance(root, nodes.Attribute):
        root = root.expr
    if not isinstance(root, nodes.Name):
        return None
    function = root.scope()
    bindings = function.locals.get(root.name, []) if isinstance(function, nodes.FunctionDef) else []
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    assign = bindings[0].parent
    if not (isinstance(assign, nodes.Assign) and isinstance(assign.value, nodes.Call)):
        return None
    factory = assign.value
    if qualified_name(factory.func) not in MOCK_FACTORIES or factory.args or factory.keywords:
        return None
    for attribute in function.nodes_of_class(nodes.AssignAttr):
        base = attribute.expr
        while isinstance(base, nodes.Attribute):
            base = base.expr
        if isinstance(base, nodes.Name) and base.name == root.name:
            return None  # something on the mock is configured (return_value, a child...)
    kind = expression_text(factory.func).split(".")[-1]
    return f"{short_text(expression.func, 40)}() returns a {kind}"


class SyncWithOnAsyncContextManager(Rule):
    code = "ASYNC603"
    name = "sync-with-on-async-context-manager"
    message = "'with' on an async context manager: {what}; use 'async with'"
    visits = (nodes.With,)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.AsyncWith) or not ctx.model.is_test_code(node) \
                or inside_expected_error(node):
            return
        ctx.model.ensure_fixture_values()
        for expression, _target in node.items:
            if isinstance(expression, nodes.Call) and \
                    qualified_name(expression.func) not in ASYNC_ONLY_CONTEXT_MANAGERS and \
                    not ctx.model.may_make_async_protocol_object(expression.func):
                continue
            kind = context_manager_kind(expression)
            if kind is not None and kind[0] == "async":
                yield self.finding(expression, what=kind[1])


class AsyncWithOnSyncContextManager(Rule):
    code = "ASYNC604"
    name = "async-with-on-sync-context-manager"
    message = "'async with' on a sync context manager: {what}; use 'with'"
    visits = (nodes.AsyncWith,)

    def check(self, node, ctx: Context):
        if not ctx.model.is_test_code(node) or inside_expected_error(node):
            return
        ctx.model.ensure_fixture_values()
        for expression, _target in node.items:
            kind = context_manager_kind(expression)
            if kind is not None and kind[0] == "sync":
                yield self.finding(expression, what=kind[1])


class SyncIterationOfAsyncIterable(Rule):
    code = "ASYNC605"
    name = "sync-iteration-of-async-iterable"
    message = "sync iteration over an async iterable: {what}; use 'async for'"
    visits = (nodes.For, nodes.Comprehension, nodes.Call)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Call):
            if len(node.args) != 1 or not may_name_one_of(node.func, SYNC_CONSUMER_NAMES) \
                    or qualified_name(node.func) not in SYNC_CONSUMERS:
                return
            iterable = node.args[0]
        elif isinstance(node, nodes.AsyncFor) or getattr(node, "is_async", False):
            return
        else:
            iterable = node.iter
        if not ctx.model.is_test_code(node) or inside_expected_error(node):
            return
        if isinstance(iterable, nodes.Call) and not ctx.model.may_make_async_protocol_object(iterable.func):
            return
        ctx.model.ensure_fixture_values()
        kind = iterable_kind(iterable)
        if kind is not None and kind[0] == "async":
            yield self.finding(iterable, what=kind[1])


SYNC_CONSUMERS = frozenset(
    {"builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted", "builtins.dict",
     "builtins.frozenset"}
)
SYNC_CONSUMER_NAMES = last_names(SYNC_CONSUMERS)


class AsyncIterationOfSyncIterable(Rule):
    code = "ASYNC606"
    name = "async-iteration-of-sync-iterable"
    message = "'async for' over a sync iterable: {what}; use 'for'"
    visits = (nodes.AsyncFor, nodes.Comprehension)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.Comprehension) and not node.is_async:
            return
        if not ctx.model.is_test_code(node) or inside_expected_error(node):
            return
        ctx.model.ensure_fixture_values()
        kind = iterable_kind(node.iter)
        if kind is not None and kind[0] == "sync":
            yield self.finding(node.iter, what=kind[1])


RULES = (
    CoroutineNeverAwaited,
    CoroutineUsedAsValue,
    AwaitOnNonAwaitable,
    SyncWithOnAsyncContextManager,
    AsyncWithOnSyncContextManager,
    SyncIterationOfAsyncIterable,
    AsyncIterationOfSyncIterable,
)
