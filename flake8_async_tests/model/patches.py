"""Replacements (patches) and mocks: what is replaced, by what, and whether it can be awaited.

A *replacement* swaps an attribute for a substitute while a test runs:
`unittest.mock.patch("pkg.mod.name", new=...)` / `patch.object(obj, "name", new=...)` in every
spelling (`mock.patch` after `from unittest import mock`, the `mock` backport), pytest-mock's
`mocker.patch(...)` / `mocker.patch.object(...)`, `monkeypatch.setattr(obj, "name", value)` and
`monkeypatch.setattr("pkg.mod.name", value)`, and a plain assignment `obj.name = value`.

Three questions, answered only when inference is certain (else None, and rules stay silent):
* the *target*: which function the replacement replaces (a dotted string is resolved by
  importing its longest module prefix through astroid, then by attribute lookup; an object
  target through its inferred module, class or instance — class members only, never the
  instance attributes a test may have set);
* the *substitute*: is it certainly async (`AsyncMock`, an `async def`), certainly sync and not
  awaitable (`MagicMock()`, a lambda or def that returns a plain value), or something that
  raises when called, or whose result is awaitable?
* the *mock* an expression denotes (`m` after `with patch(...) as m`, an argument injected by a
  `@patch` decorator, `p.start()`, `mocker.patch(...)`, a fixture's value, `self.m` set in
  `setUp`, a child `m.fetch` of a mock): an AsyncMock, a bare sync Mock/MagicMock, or a mock
  spec'd by a class whose async methods become AsyncMock children (verified, Python 3.11).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from astroid import bases, nodes

from .. import imports
from ..inference import (
    contained,
    import_module,
    infer_all,
    qualified_name,
    safe_infer,
    safe_infer_name,
)
from ..rendering import expression_text
from .decorators import is_staticmethod
from .callables import (
    Callee,
    complete_ancestry,
    coroutine_callee,
    display_name,
    has_unknown_decorator,
    only_raises_or_empty,
    unwrap,
)

MOCK_MODULE_PREFIXES = ("unittest.mock.", "mock.mock.", "mock.")
#: The names pytest-mock gives its fixture, by scope.
MOCKER_NAMES = frozenset({"mocker", "module_mocker", "class_mocker", "package_mocker",
                          "session_mocker"})
SYNC_MOCKS = frozenset({"Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock"})
MAGIC_MOCKS = frozenset({"MagicMock", "NonCallableMagicMock"})
PATCHERS = frozenset({"patch", "patch.object"})
#: Values whose class certainly supports `await` even when astroid cannot see `__await__`.
AWAITABLE_FACTORIES = frozenset(
    {"asyncio.Future", "asyncio.futures.Future", "asyncio.ensure_future",
     "asyncio.tasks.ensure_future", "asyncio.create_task", "asyncio.tasks.create_task",
     "asyncio.gather", "asyncio.tasks.gather", "asyncio.wrap_future", "asyncio.futures.wrap_future",
     "asyncio.shield", "asyncio.wait_for"}
)
AWAITABLE_METHODS = frozenset({"create_future", "create_task", "run_in_executor"})
MAX_DEPTH = 6


# ---------------------------------------------------------------------------------------------
# Names of the mock API


def mock_api(func: nodes.NodeNG) -> str | None:
    """'patch', 'patch.object', 'MagicMock', 'AsyncMock', 'create_autospec', ... when `func`
    names that part of unittest.mock (any spelling) or of pytest-mock's `mocker`."""
    if isinstance(func, nodes.Attribute):
        chain = []
        root: nodes.NodeNG = func
        while isinstance(root, nodes.Attribute):
            chain.append(root.attrname)
            root = root.expr
        if isinstance(root, nodes.Name) and root.name in MOCKER_NAMES and _is_parameter_or_fixture(root):
            return ".".join(reversed(chain))
    name = qualified_name(func)
    if not name:
        return None
    for prefix in MOCK_MODULE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def _is_parameter_or_fixture(name: nodes.Name) -> bool:
    """`mocker` is pytest-mock's fixture when it is a parameter (or not bound here at all)."""
    _scope, bindings = name.lookup(name.name)
    return all(isinstance(binding.parent, nodes.Arguments) for binding in bindings)


def is_monkeypatch(expression: nodes.NodeNG) -> bool:
    """pytest's `monkeypatch` fixture, or a `pytest.MonkeyPatch` (its `context()`)."""
    if not isinstance(expression, nodes.Name):
        return False
    if expression.name == "monkeypatch":
        return True
    binding = single_binding(expression)
    if binding is None:
        return False
    value = bound_value(binding)
    if isinstance(value, nodes.Call):
        name = qualified_name(value.func) or ""
        return name.endswith(("MonkeyPatch.context", "MonkeyPatch"))
    return False


# ---------------------------------------------------------------------------------------------
# Call arguments


def argument(call: nodes.Call, position: int | None, keyword: str) -> nodes.NodeNG | None:
    for given in call.keywords or ():
        if given.arg == keyword:
            return given.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def has_starred(call: nodes.Call) -> bool:
    return any(isinstance(a, nodes.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords or ())


def string_value(node: nodes.NodeNG | None) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


# ---------------------------------------------------------------------------------------------
# Targets


#: The most parts a patch target may have and still be looked up: a module path of
#: imports.MAX_PARTS, then attributes. Real targets have under ten; a generated one of 10,000
#: parts cost 4-5 s (every prefix tried as a module) and is unknown instead.
MAX_TARGET_PARTS = imports.MAX_PARTS + 16


@contained(None)
def resolve_dotted(path: str) -> list[nodes.NodeNG] | None:
    """The values of 'pkg.mod.Class.attr': the longest importable module prefix, then getattr."""
    if path.count(".") >= MAX_TARGET_PARTS:
        return None
    parts = path.split(".")
    for split in range(min(len(parts) - 1, imports.MAX_PARTS), 0, -1):
        module = import_module(".".join(parts[:split]))
        if module is None:
            continue
        values: list[nodes.NodeNG] | None = [module]
        for name in parts[split:]:
            values = member_values(values, name)
            if not values:
                return None
        return values
    return None


@contained(None)
def member_values(owners: list[nodes.NodeNG], name: str) -> list[nodes.NodeNG] | None:
    """What `owner.name` is before any replacement, for each owner (all must be known)."""
    result: list[nodes.NodeNG] = []
    for owner in owners:
        found = _member(owner, name)
        if not found:
            return None
        result.extend(found)
    return result or None


def _member(owner: nodes.NodeNG, name: str) -> list[nodes.NodeNG] | None:
    if isinstance(owner, nodes.Module):
        return module_member(owner, name)
    if isinstance(owner, nodes.ClassDef):
        return class_member(owner, name)
    if isinstance(owner, bases.Instance) and not isinstance(owner, (bases.BoundMethod, bases.Generator)):
        cls = owner._proxied
        if not isinstance(cls, nodes.ClassDef) or cls.root().name == "builtins":
            return None
        if _is_mock_class(cls):
            return None
        for klass in _mro(cls) or ():
            if any(_own(klass, binding) for binding in klass.instance_attrs.get(name, ())):
                return None  # an instance attribute set by the class shadows the class member
        return class_member(cls, name)
    return None


def _own(owner: nodes.NodeNG, binding: nodes.NodeNG) -> bool:
    """A binding written in `owner`'s own module: astroid also records `obj.name = value`
    written anywhere (a test replacing a method) in the class's or module's locals."""
    if isinstance(binding, nodes.AssignAttr):
        return binding.root() is owner.root() and (
            not isinstance(owner, nodes.ClassDef) or binding.frame().parent is owner)
    return True


@contained(None)
def module_member(module: nodes.Module, name: str, _depth: int = 0) -> list[nodes.NodeNG] | None:
    """What `module.name` is: its own definitions and imports (or a submodule)."""
    if _depth > MAX_DEPTH:
        return None
    bindings = [b for b in module.locals.get(name, ()) if not isinstance(b, nodes.AssignAttr)]
    if not bindings:
        if name in module.locals:
            return None
        submodule = import_module(f"{module.name}.{name}") if module.package else None
        return [submodule] if submodule is not None else None
    values: list[nodes.NodeNG] = []
    for binding in bindings:
        if isinstance(binding, nodes.ImportFrom):
            found = _imported(binding, name, _depth)
        elif isinstance(binding, nodes.Import):
            value = safe_infer_name(binding, name)
            found = [value] if value is not None else None
        else:
            found = _binding_values(binding)
        if not found:
            return None
        values.extend(value for value in found if not any(value is seen for seen in values))
    return values or None


def _binding_values(binding: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """A def or class as it is; anything else (an assignment) as inferred."""
    if isinstance(binding, (nodes.FunctionDef, nodes.ClassDef)):
        return [binding]
    return infer_all(binding)


def _imported(binding: nodes.ImportFrom, name: str, depth: int) -> list[nodes.NodeNG] | None:
    """What `from x import original as name` binds `name` to. A `from x import *` is among
    the bindings of `name` only where astroid found `name` among x's exported names (its
    `__all__`, else its public names): `asyncio.sleep` is `asyncio.tasks.sleep` this way."""
    for original, alias in binding.names:
        if original == "*" or (alias or original) == name:
            module = binding.do_import_module(binding.modname)
            return module_member(module, name if original == "*" else original, depth + 1)
    return None


def _mro(cls: nodes.ClassDef) -> list[nodes.ClassDef] | None:
    try:
        return cls.mro()
    except Exception:  # astroid: unresolvable or inconsistent bases
        return None


@contained(None)
def class_member(cls: nodes.ClassDef, name: str) -> list[nodes.NodeNG] | None:
    """The definitions of `name` in the first class of `cls`'s MRO that defines it."""
    mro = _mro(cls)
    if mro is None:
        return None
    for klass in mro:
        if name not in klass.locals:
            continue
        values: list[nodes.NodeNG] = []
        bindings = [b for b in klass.locals[name] if not isinstance(b, nodes.AssignAttr)]
        if not bindings:
            return None
        for binding in bindings:
            found = _binding_values(binding)
            if not found:
                return None
            values.extend(found)
        return values or None
    return None


def _is_mock_class(cls: nodes.ClassDef) -> bool:
    qname = cls.qname()
    return any(qname.startswith(prefix) for prefix in MOCK_MODULE_PREFIXES)


@dataclass(frozen=True)
class Target:
    """A replaced function whose kind inference is sure about."""

    kind: str  # 'async' (a coroutine function) or 'sync' (returns nothing awaitable)
    callee: Callee  # named for the message

    def describe(self) -> str:
        return self.callee.describe()


@contained(None)
def classify_target(values: list[nodes.NodeNG] | None, name: str) -> Target | None:
    """'async' when every value is a coroutine function, 'sync' when every value is a sync
    function that certainly returns nothing awaitable; None otherwise."""
    if not values:
        return None
    kinds = set()
    function = None
    for value in values:
        function = unwrap(value)
        if not isinstance(function, nodes.FunctionDef) or has_unknown_decorator(function):
            return None
        if isinstance(function, nodes.AsyncFunctionDef):
            if function.is_generator():
                return None
            kinds.add("async")
        else:
            if only_raises_or_empty(function) or returns_awaitable(function) is not False:
                return None
            kinds.add("sync")
    if len(kinds) != 1 or function is None:
        return None
    kind = kinds.pop()
    return Target(kind, Callee(name or display_name(function), function,
                               kind="coroutine function" if kind == "async" else "sync function"))


@contained(None)
def returns_awaitable(function: nodes.FunctionDef) -> bool | None:
    """For a sync function or lambda: True when a result may be awaitable, False when no result
    is, None when unknown."""
    if isinstance(function, nodes.Lambda) and not isinstance(function, nodes.FunctionDef):
        return _awaitable_answer(awaitability(function.body))
    if function.is_generator():
        return False
    answers = set()
    for statement in function.nodes_of_class(nodes.Return):
        if statement.scope() is not function:
            continue
        answers.add(_awaitable_answer(awaitability(statement.value)))
    if True in answers:
        return True
    if None in answers:
        return None
    return False


def _awaitable_answer(kind: str | None) -> bool | None:
    return {"awaitable": True, "plain": False}.get(kind or "", None)


@contained(None)
def awaitability(expression: nodes.NodeNG | None) -> str | None:
    """'awaitable', 'plain' (certainly not awaitable) or None (unknown) for a value."""
    if expression is None:
        return "plain"
    if isinstance(expression, (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Set,
                               nodes.ListComp, nodes.DictComp, nodes.SetComp, nodes.JoinedStr,
                               nodes.Compare, nodes.Lambda, nodes.GeneratorExp)):
        return "plain"
    if isinstance(expression, nodes.Await):
        return None
    if isinstance(expression, nodes.Call):
        if coroutine_callee(expression) is not None:
            return "awaitable"
        name = qualified_name(expression.func) or ""
        if name in AWAITABLE_FACTORIES:
            return "awaitable"
        if isinstance(expression.func, nodes.Attribute) and expression.func.attrname in AWAITABLE_METHODS:
            return "awaitable"
        api = mock_api(expression.func)
        if api in SYNC_MOCKS and not expression.args and not expression.keywords:
            return "plain"  # a bare MagicMock() has no __await__
        if api is not None:
            return None
        callees = infer_all(expression.func)
        if not callees:
            return None
        for callee in callees:
            function = unwrap(callee)
            if isinstance(function, nodes.ClassDef):
                continue  # an instance: judged below from its class
            if not isinstance(function, nodes.FunctionDef) or isinstance(function, nodes.AsyncFunctionDef):
                return None
            if has_unknown_decorator(function) or returns_awaitable(function) is not False:
                return None
    values = infer_all(expression)
    if not values:
        return None
    answers = {_value_awaitability(value) for value in values}
    return answers.pop() if len(answers) == 1 else None


def _value_awaitability(value: nodes.NodeNG) -> str | None:
    if isinstance(value, (nodes.Const, nodes.List, nodes.Tuple, nodes.Dict, nodes.Set)):
        return "plain"
    if isinstance(value, (bases.BoundMethod, bases.UnboundMethod, nodes.FunctionDef, nodes.ClassDef,
                          nodes.Module, nodes.Lambda)):
        return "plain"
    if isinstance(value, bases.Generator):
        return None if isinstance(value, bases.AsyncGenerator) else "plain"
    if isinstance(value, bases.Instance):
        cls = value._proxied
        if not isinstance(cls, nodes.ClassDef):
            return None
        if cls.qname() in AWAITABLE_FACTORIES:
            return "awaitable"
        if _is_mock_class(cls):
            return None  # a mock: its configuration decides
        mro = _mro(cls)
        if mro is None or not complete_ancestry(cls):
            return None
        if any("__await__" in klass.locals for klass in mro):
            return "awaitable"
        if any("__getattr__" in klass.locals for klass in mro):
            return None
        return "plain"
    return None


# ---------------------------------------------------------------------------------------------
# Replacements


@dataclass(frozen=True)
class Replacement:
    node: nodes.NodeNG  # the call, or the assignment
    form: str  # 'patch', 'patch.object', 'mocker.patch', 'mocker.patch.object', 'monkeypatch', 'assignment'
    target_name: str  # 'app.api.get_user' for a string target, '' to name it from inference
    target_values: tuple[nodes.NodeNG, ...] | None
    new: nodes.NodeNG | None  # the substitute, when given
    new_callable: nodes.NodeNG | None = None
    call: nodes.Call | None = None  # the patch call (for its keyword arguments)
    attribute: str = ""  # the replaced attribute's name ('get_user')
    owner: nodes.NodeNG | None = None  # the object whose attribute is replaced, when given as one

    @property
    def is_patch(self) -> bool:
        return self.form != "monkeypatch" and self.form != "assignment"

    def target(self) -> Target | None:
        values = list(self.target_values) if self.target_values else None
        return classify_target(values, self.target_name)

    def replaced(self) -> "Replaced | None":
        """What is replaced, with its owner: where the code under test looks it up."""
        if not self.attribute:
            return None
        if self.owner is not None:
            owners = _owner_values(self.owner)
        else:
            owners = _dotted_owner(self.target_name.rsplit(".", 1)[0])
        return Replaced(self.attribute, _tuple(owners), self.target_values)

    def keyword(self, name: str) -> nodes.NodeNG | None:
        if self.call is None:
            return None
        for given in self.call.keywords or ():
            if given.arg == name:
                return given.value
        return None


@dataclass(frozen=True)
class Replaced:
    """An attribute a mock stands in for: `name` on its owners (modules, classes, instances),
    and what it was before (`values`). The code under test reaches the mock by looking `name`
    up on an owner: a module's own code by its global name, everything else by attribute."""

    name: str
    owners: tuple[nodes.NodeNG, ...] | None
    values: tuple[nodes.NodeNG, ...] | None

    def kind(self) -> str | None:
        """'async' / 'sync' when what is replaced is certainly a coroutine function / a sync
        function returning nothing awaitable; None when unknown."""
        target = classify_target(list(self.values) if self.values else None, self.name)
        return target.kind if target is not None else None


@contained(None)
def patch_call(call: nodes.Call) -> Replacement | None:
    """A `patch`/`patch.object`/`mocker.patch`/`monkeypatch.setattr` call, as a Replacement."""
    if not isinstance(call, nodes.Call) or has_starred(call):
        return None
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "setattr" and is_monkeypatch(func.expr):
        return _monkeypatch(call)
    api = mock_api(func)
    if api is None:
        return None
    mocker = isinstance(func, nodes.Attribute) and _root_name(func) in MOCKER_NAMES and \
        not (qualified_name(func) or "").startswith(MOCK_MODULE_PREFIXES)
    form = ("mocker." if mocker else "") + api
    if api == "patch":
        path = string_value(argument(call, 0, "target"))
        if path is None or "." not in path:
            return None
        return Replacement(call, form, path, _tuple(resolve_dotted(path)),
                           argument(call, 1, "new"), argument(call, 6, "new_callable"), call,
                           path.rsplit(".", 1)[1])
    if api == "patch.object":
        owner = argument(call, 0, "target")
        attribute = string_value(argument(call, 1, "attribute"))
        if owner is None or attribute is None:
            return None
        return Replacement(call, form, "", _tuple(_object_member(owner, attribute)),
                           argument(call, 2, "new"), argument(call, 7, "new_callable"), call,
                           attribute, owner)
    return None


def _monkeypatch(call: nodes.Call) -> Replacement | None:
    first = argument(call, 0, "target")
    path = string_value(first)
    if path is not None and argument(call, 2, "value") is None and "." in path:
        value = argument(call, 1, "name")
        return Replacement(call, "monkeypatch", path, _tuple(resolve_dotted(path)), value, None, call,
                           path.rsplit(".", 1)[1])
    attribute = string_value(argument(call, 1, "name"))
    if first is None or attribute is None:
        return None
    return Replacement(call, "monkeypatch", "", _tuple(_object_member(first, attribute)),
                       argument(call, 2, "value"), None, call, attribute, first)


@contained(None)
def assignment(node: nodes.Assign) -> Replacement | None:
    """`obj.name = value` / `Cls.name = value` replacing a method or a module function."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], nodes.AssignAttr):
        return None
    target = node.targets[0]
    return Replacement(node, "assignment", "", _tuple(_object_member(target.expr, target.attrname)),
                       node.value, None, None, target.attrname, target.expr)


def _tuple(values):
    return tuple(values) if values else None


@contained(None)
def _dotted_owner(path: str) -> list[nodes.NodeNG] | None:
    """What 'pkg.mod' or 'pkg.mod.Class' is, for the owner of a patched 'pkg.mod.name'."""
    if "." in path:
        return resolve_dotted(path)
    module = import_module(path)
    return [module] if module is not None else None


@contained(None)
def _owner_values(owner: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """The object `patch.object(owner, ...)` / `owner.name = ...` changes: the spec class of a
    spec'd mock, else what inference says `owner` is."""
    mock = mock_value(owner)
    if mock is not None:
        return [mock.spec] if mock.spec is not None else None
    return infer_all(owner)


def _object_member(owner: nodes.NodeNG, attribute: str) -> list[nodes.NodeNG] | None:
    """`owner.attribute` before replacement: through the spec of a spec'd mock, or the inferred
    module, class or instance."""
    mock = mock_value(owner)
    if mock is not None:
        if mock.spec is None:
            return None
        return class_member(mock.spec, attribute) if isinstance(mock.spec, nodes.ClassDef) else None
    values = infer_all(owner)
    if not values:
        return None
    return member_values(values, attribute)


def _root_name(node: nodes.NodeNG) -> str | None:
    while isinstance(node, (nodes.Attribute, nodes.Call)):
        node = node.expr if isinstance(node, nodes.Attribute) else node.func
    return node.name if isinstance(node, nodes.Name) else None


# ---------------------------------------------------------------------------------------------
# Substitutes


@dataclass(frozen=True)
class Substitute:
    kind: str  # 'async', 'sync' (called, its result cannot be awaited), 'raises', 'awaitable'
    text: str  # for the message


@contained(None)
def classify_replacement(replacement: Replacement) -> Substitute | None:
    """What replaces the target, as far as the caller of the target can tell."""
    if replacement.new is not None:
        return classify_substitute(replacement.new)
    if not replacement.is_patch:
        return None
    configured = _configuration_of_call(replacement.call) if replacement.call else {}
    if replacement.new_callable is not None:
        api = mock_api(replacement.new_callable)
        text = f"new_callable={expression_text(replacement.new_callable)}"
        if api == "AsyncMock":
            return Substitute("async", text)
        if api in SYNC_MOCKS:
            return _configured_sync_mock(Substitute("sync", text), configured)
        return None
    return None  # patch() without new: an AsyncMock for an async target, a MagicMock otherwise


def _configuration_of_call(call: nodes.Call) -> dict[str, nodes.NodeNG]:
    return {k.arg: k.value for k in call.keywords or () if k.arg in ("return_value", "side_effect")}


@contained(None)
def classify_substitute(expression: nodes.NodeNG, _depth: int = 0) -> Substitute | None:
    if _depth > MAX_DEPTH:
        return None
    text = _short(expression_text(expression))
    if isinstance(expression, nodes.Const):
        if expression.value is None:
            return None  # `None` disables a hook on purpose; callers often check for it
        return Substitute("sync", text)
    if isinstance(expression, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Set, nodes.JoinedStr)):
        return Substitute("sync", text)
    if isinstance(expression, nodes.Lambda) and not isinstance(expression, nodes.FunctionDef):
        return _function_substitute(expression, "a lambda")
    if isinstance(expression, nodes.Call):
        api = mock_api(expression.func)
        if api == "AsyncMock":
            return Substitute("async", text)
        if api in SYNC_MOCKS:
            return _sync_mock_substitute(expression, api, text)
        if api == "create_autospec":
            spec = argument(expression, 0, "spec")
            if spec is not None and classify_target(infer_all(spec), "") is not None:
                kind = classify_target(infer_all(spec), "").kind
                return Substitute(kind, text) if kind == "async" else None
            return None
        return None
    if isinstance(expression, nodes.Name):
        binding = single_binding(expression)
        if binding is not None and isinstance(binding.parent, nodes.Assign):
            value = binding.parent.value
            if isinstance(value, nodes.Call) and mock_api(value.func) in SYNC_MOCKS | {"AsyncMock"}:
                found = classify_substitute(value, _depth + 1)
                if found is not None and found.kind == "sync":
                    scope = expression.scope()
                    if configured_in(scope, expression.name):
                        return None
                return found
    if isinstance(expression, (nodes.Name, nodes.Attribute)):
        values = infer_all(expression)
        if not values:
            return None
        kinds = set()
        for value in values:
            function = unwrap(value)
            if not isinstance(function, nodes.FunctionDef):
                return None
            found = _function_substitute(function, "")
            if found is None:
                return None
            kinds.add(found.kind)
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        name = display_name(unwrap(values[0]))
        described = {"async": f"the async function {name!r}",
                     "sync": f"the sync function {name!r}"}.get(kind, name)
        return Substitute(kind, described)
    return None


#: Calls that never return: a substitute ending in one raises before anything is awaited.
NO_RETURN_CALLS = frozenset(
    {"pytest.fail", "pytest.skip", "pytest.xfail", "pytest.exit", "sys.exit", "os._exit",
     "builtins.exit", "builtins.quit"}
)


def never_returns(function: nodes.FunctionDef | nodes.Lambda) -> bool:
    """A def or lambda whose every call raises: no `return`, and its body ends in `raise`,
    `pytest.fail()` or `self.fail()` (a substitute that fails the test if the code calls it)."""
    if not isinstance(function, nodes.FunctionDef):
        return _is_no_return_call(function.body)
    if not function.body or function.is_generator():
        return False
    if any(r.scope() is function for r in function.nodes_of_class(nodes.Return)):
        return False
    last = function.body[-1]
    return isinstance(last, nodes.Raise) or (
        isinstance(last, nodes.Expr) and _is_no_return_call(last.value))


def _is_no_return_call(expression: nodes.NodeNG) -> bool:
    if not isinstance(expression, nodes.Call):
        return False
    func = expression.func
    if isinstance(func, nodes.Attribute) and func.attrname == "fail" and _is_self(func.expr):
        return True
    return qualified_name(func) in NO_RETURN_CALLS


def _function_substitute(function: nodes.FunctionDef, described: str) -> Substitute | None:
    """A def or lambda standing in for the target."""
    if isinstance(function, nodes.AsyncFunctionDef):
        if function.is_generator() or has_unknown_decorator(function):
            return None
        return Substitute("async", described or display_name(function))
    if isinstance(function, nodes.FunctionDef) and has_unknown_decorator(function):
        return None
    if never_returns(function):
        return Substitute("raises", described)
    answer = returns_awaitable(function)
    if answer is False:
        if isinstance(function, nodes.Lambda) and not isinstance(function, nodes.FunctionDef):
            described = f"a lambda returning {_short(expression_text(function.body), 20)}"
        return Substitute("sync", described or display_name(function))
    if answer is True:
        return Substitute("awaitable", described)
    return None


def _sync_mock_substitute(call: nodes.Call, api: str, text: str) -> Substitute | None:
    """`Mock(...)`/`MagicMock(...)`: sync unless a spec makes it async, `wraps` forwards to
    something, `side_effect` raises or returns awaitables, or `return_value` is awaitable."""
    if call.args or any(k.arg in ("spec", "spec_set", "wraps") for k in call.keywords or ()):
        return None
    return _configured_sync_mock(Substitute("sync", text), _configuration_of_call(call))


def _configured_sync_mock(substitute: Substitute, configured: dict) -> Substitute | None:
    side_effect = configured.get("side_effect")
    if side_effect is not None:
        return _side_effect(side_effect, substitute)
    return_value = configured.get("return_value")
    if return_value is not None:
        kind = awaitability(return_value)
        if kind == "awaitable":
            return Substitute("awaitable", substitute.text)
        if kind is None:
            return None
    return substitute


def _side_effect(side_effect: nodes.NodeNG, substitute: Substitute) -> Substitute | None:
    """A side effect that raises (an exception class or instance), or produces values."""
    if isinstance(side_effect, nodes.Const) and side_effect.value is None:
        return substitute
    if isinstance(side_effect, (nodes.List, nodes.Tuple)):
        kinds = {awaitability(element) for element in side_effect.elts}
        if kinds == {"plain"}:
            return substitute
        return None
    values = infer_all(side_effect)
    if not values:
        return None
    for value in values:
        if isinstance(value, nodes.ClassDef) or (isinstance(value, bases.Instance) and
                                                 isinstance(value._proxied, nodes.ClassDef) and
                                                 is_exception_class(value._proxied)):
            if isinstance(value, nodes.ClassDef) and not is_exception_class(value):
                return None
            continue  # raises before anything is awaited
        return None
    return Substitute("raises", substitute.text)


def is_exception_class(cls: nodes.ClassDef) -> bool:
    try:
        return any(a.qname() == "builtins.BaseException" for a in cls.ancestors()) or \
            cls.qname() == "builtins.BaseException"
    except Exception:  # astroid: unresolvable bases
        return False


def configured_in(scope: nodes.NodeNG, name: str) -> bool:
    """Is `name.<anything> = ...` (return_value, side_effect, a child) set in `scope`?"""
    for attribute in scope.nodes_of_class(nodes.AssignAttr):
        if _root_name(attribute.expr) == name:
            return True
    for call in scope.nodes_of_class(nodes.Call):
        func = call.func
        if isinstance(func, nodes.Attribute) and func.attrname in ("configure_mock", "attach_mock",
                                                                   "mock_add_spec") \
                and _root_name(func.expr) == name:
            return True
    return False


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Which mock an expression is


@dataclass(frozen=True)
class MockValue:
    kind: str  # 'async' (an AsyncMock), 'sync' (Mock/MagicMock without spec), 'spec'
    origin: str  # for the message: "AsyncMock()", "patch('app.api.get_user')"
    spec: nodes.ClassDef | None = None  # children follow this class's methods
    magic: bool = True  # MagicMock (supports async with/for) rather than Mock
    #: what the mock stands in for, when it replaces something: a Replaced, the Replacement
    #: that makes it, or the assignment `obj.name = AsyncMock()` that does (worked out only when
    #: asked: see `replaced_by`)
    replaces: "Replaced | Replacement | nodes.Assign | None" = None


def replaced_by(mock: MockValue) -> Replaced | None:
    """What `mock` stands in for, when it replaces an attribute of a module, class or object."""
    replaces = mock.replaces
    if isinstance(replaces, nodes.Assign):
        replaces = assignment(replaces)
    if isinstance(replaces, Replacement):
        return replaces.replaced()
    return replaces


#: Looks up a fixture's function for a parameter (set by the rules: TestModule.resolve_fixture).
FixtureResolver = Callable[[str, nodes.FunctionDef], "nodes.FunctionDef | None"]


def mock_value(expression: nodes.NodeNG, fixtures: FixtureResolver | None = None,
               _depth: int = 0) -> MockValue | None:
    """The mock `expression` certainly is, or None."""
    return _mock_value(expression, fixtures, _depth)


@contained(None)
def _mock_value(expression, fixtures, depth) -> MockValue | None:
    if depth > MAX_DEPTH or expression is None:
        return None
    if isinstance(expression, nodes.Call):
        return _mock_from_call(expression, fixtures, depth)
    if isinstance(expression, nodes.Name):
        return _mock_from_name(expression, fixtures, depth)
    if isinstance(expression, nodes.Attribute):
        return _mock_from_attribute(expression, fixtures, depth)
    return None


def _mock_from_call(call: nodes.Call, fixtures, depth) -> MockValue | None:
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "start" and not call.args:
        patcher = _patcher_expression(func.expr, depth)
        return created_mock(patcher, fixtures, depth) if patcher is not None else None
    api = mock_api(func)
    if api is None:
        return None
    text = _short(expression_text(call))
    if api == "AsyncMock":
        spec = _spec_class(argument(call, 0, "spec") or argument(call, None, "spec_set"))
        return MockValue("async", text, spec)
    if api in SYNC_MOCKS:
        spec_node = argument(call, 0, "spec") or argument(call, None, "spec_set")
        if spec_node is not None:
            return _spec_mock(spec_node, text, api in MAGIC_MOCKS)
        if any(k.arg == "wraps" for k in call.keywords or ()):
            return None
        return MockValue("sync", text, None, api in MAGIC_MOCKS)
    if api == "create_autospec":
        spec_node = argument(call, 0, "spec")
        return _spec_mock(spec_node, text, True) if spec_node is not None else None
    if api in PATCHERS and isinstance(func, nodes.Attribute) and _root_name(func) in MOCKER_NAMES:
        return created_mock(call, fixtures, depth)  # mocker.patch(...) returns the mock
    return None


def _spec_class(spec_node: nodes.NodeNG | None) -> nodes.ClassDef | None:
    if spec_node is None:
        return None
    value = safe_infer(spec_node)
    if isinstance(value, nodes.ClassDef):
        return value
    if isinstance(value, bases.Instance) and isinstance(value._proxied, nodes.ClassDef) \
            and not _is_mock_class(value._proxied):
        return value._proxied
    return None


def _spec_mock(spec_node: nodes.NodeNG, text: str, magic: bool) -> MockValue | None:
    values = infer_all(spec_node)
    if not values:
        return None
    target = classify_target(values, "")
    if target is not None:
        return MockValue(target.kind if target.kind == "async" else "spec", text, None, magic)
    cls = _spec_class(spec_node)
    return MockValue("spec", text, cls, magic) if cls is not None else None


def _patcher_expression(expression: nodes.NodeNG, depth: int) -> nodes.Call | None:
    """The `patch(...)` call that `p` (in `p.start()`) stands for."""
    if isinstance(expression, nodes.Call):
        return expression if patch_call(expression) is not None and \
            not _is_mocker_call(expression) else None
    if depth > MAX_DEPTH:
        return None
    if isinstance(expression, nodes.Name):
        binding = single_binding(expression)
        value = bound_value(binding) if binding is not None else None
        return _patcher_expression(value, depth + 1) if value is not None else None
    if isinstance(expression, nodes.Attribute) and _is_self(expression.expr):
        values = _self_attribute_values(expression)
        if values and len(values) == 1:
            return _patcher_expression(values[0], depth + 1)
    return None


def _is_mocker_call(call: nodes.Call) -> bool:
    return isinstance(call.func, nodes.Attribute) and _root_name(call.func) in MOCKER_NAMES


def created_mock(call: nodes.Call, fixtures, depth: int) -> MockValue | None:
    """The mock a patch call puts in place (and gives to `as`, the decorated function,
    `start()`, or returns, for mocker.patch)."""
    replacement = patch_call(call)
    if replacement is None or replacement.form == "monkeypatch":
        return None
    made = _created_mock(call, replacement, fixtures, depth)
    return replace(made, replaces=replacement) if made is not None else None


def _created_mock(call: nodes.Call, replacement: Replacement, fixtures, depth: int) -> MockValue | None:
    if replacement.new is not None:
        return _mock_value(replacement.new, fixtures, depth + 1)
    text = _short(expression_text(call))
    if replacement.new_callable is not None:
        api = mock_api(replacement.new_callable)
        if api == "AsyncMock":
            return MockValue("async", text)
        if api in SYNC_MOCKS:
            return MockValue("sync", text, None, api in MAGIC_MOCKS)
        return None
    values = list(replacement.target_values) if replacement.target_values else None
    if not values:
        return None
    spec = replacement.keyword("spec") or replacement.keyword("spec_set")
    autospec = replacement.keyword("autospec")
    if spec is not None and not (isinstance(spec, nodes.Const) and spec.value is True):
        return _spec_mock(spec, text, True)
    target = classify_target(values, "")
    if target is not None and target.kind == "async":
        return MockValue("async", text)
    specced = spec is not None or (isinstance(autospec, nodes.Const) and autospec.value is True)
    if specced:
        if len(values) == 1 and isinstance(values[0], nodes.ClassDef):
            return MockValue("spec", text, values[0])
        return None
    if target is not None:
        return MockValue("sync", text)
    if all(isinstance(v, nodes.ClassDef) for v in values):
        return MockValue("sync", text)
    return None


def _mock_from_name(name: nodes.Name, fixtures, depth) -> MockValue | None:
    binding = single_binding(name)
    if binding is None:
        return None
    parent = binding.parent
    if isinstance(parent, nodes.Arguments):
        function = parent.parent
        if not isinstance(function, nodes.FunctionDef):
            return None
        injected = injected_mocks(function)
        if binding.name in injected:
            return created_mock(injected[binding.name], fixtures, depth + 1)
        if fixtures is not None:
            fixture = fixtures(binding.name, function)
            if fixture is not None:
                return _fixture_mock(fixture, fixtures, depth)
        return None
    if isinstance(parent, nodes.With):
        for item, variable in parent.items:
            if variable is binding and isinstance(item, nodes.Call):
                if patch_call(item) is not None and not _is_mocker_call(item):
                    return created_mock(item, fixtures, depth + 1)
                return None
        return None
    value = bound_value(binding)
    return _mock_value(value, fixtures, depth + 1) if value is not None else None


def _fixture_mock(fixture: nodes.FunctionDef, fixtures, depth) -> MockValue | None:
    kind = nodes.Yield if fixture.is_generator() else nodes.Return
    found = []
    for statement in fixture.nodes_of_class(kind):
        if statement.scope() is not fixture or statement.value is None:
            continue
        found.append(_mock_value(statement.value, fixtures, depth + 1))
    return agreed(found)


def _mock_from_attribute(attribute: nodes.Attribute, fixtures, depth) -> MockValue | None:
    if _is_self(attribute.expr):
        values = _self_attribute_values(attribute)
        if not values:
            return None
        return agreed([_mock_value(value, fixtures, depth + 1) for value in values])
    scope = attribute.scope()
    assigned = [a.parent for a in scope.nodes_of_class(nodes.AssignAttr)
                if expression_text(a) == expression_text(attribute) and isinstance(a.parent, nodes.Assign)]
    if assigned:
        found = agreed([_mock_value(a.value, fixtures, depth + 1) for a in assigned])
        if found is not None and len(assigned) == 1:
            found = replace(found, replaces=assigned[0])
        return found
    parent = _mock_value(attribute.expr, fixtures, depth + 1)
    if parent is None:
        return None
    name = attribute.attrname
    if name.startswith("__") or name.startswith("assert_") or name in MOCK_ATTRIBUTES:
        if name == "return_value":
            return replace(parent, origin=f"{parent.origin}.return_value")
        return None
    origin = f"{parent.origin}.{name}"
    if parent.spec is not None:
        members = class_member(parent.spec, name)
        target = classify_target(members, "")
        if target is None:
            return None
        return MockValue("async" if target.kind == "async" else "sync", origin,
                         replaces=Replaced(name, (parent.spec,), _tuple(members)))
    if parent.kind == "async":
        return MockValue("async", origin)
    if parent.kind == "sync":
        return MockValue("sync", origin, None, parent.magic)
    return None


def agreed(values: list[MockValue | None]) -> MockValue | None:
    """The mock when every value is known and of the same kind (the first one's words)."""
    if not values or any(value is None for value in values):
        return None
    keys = {(value.kind, id(value.spec), value.magic) for value in values}
    return values[0] if len(keys) == 1 else None


#: Attributes of a mock that are not children.
MOCK_ATTRIBUTES = frozenset(
    {"return_value", "side_effect", "called", "call_count", "call_args", "call_args_list",
     "mock_calls", "method_calls", "await_count", "await_args", "await_args_list",
     "configure_mock", "reset_mock", "attach_mock", "mock_add_spec"}
)


def _is_self(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Name) and expression.name in ("self", "cls")


def _self_attribute_values(attribute: nodes.Attribute) -> list[nodes.NodeNG] | None:
    """The values assigned to `self.<name>` in the methods of the class whose method reads it."""
    function = attribute.scope()
    cls = function.parent if isinstance(function, nodes.FunctionDef) else None
    if not isinstance(cls, nodes.ClassDef):
        return None
    return values_assigned_to_self(cls, attribute.attrname)


def values_assigned_to_self(cls: nodes.ClassDef, name: str) -> list[nodes.NodeNG] | None:
    """What `self.<name> = value` (or `cls.<name> = value`) assigns in the methods of `cls`;
    None when none does, when another kind of binding does, or when the class itself defines
    `name`: then the value is unknown."""
    values = []
    for method in cls.body:
        if not isinstance(method, nodes.FunctionDef):
            continue
        for assigned in method.nodes_of_class(nodes.AssignAttr):
            if assigned.attrname == name and _is_self(assigned.expr):
                if not isinstance(assigned.parent, nodes.Assign):
                    return None
                values.append(assigned.parent.value)
    if name in cls.locals:
        return None
    return values or None


def single_binding(name: nodes.Name) -> nodes.AssignName | None:
    try:
        _scope, bindings = name.lookup(name.name)
    except Exception:  # astroid lookup failures
        return None
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    return bindings[0]


def bound_value(binding: nodes.AssignName) -> nodes.NodeNG | None:
    parent = binding.parent
    if isinstance(parent, nodes.Assign) and any(t is binding for t in parent.targets):
        return parent.value
    if isinstance(parent, nodes.AnnAssign) and parent.target is binding:
        return parent.value
    if isinstance(parent, nodes.With):
        for item, variable in parent.items:
            if variable is binding:
                return item
    return None


# ---------------------------------------------------------------------------------------------
# Decorators


def injected_mocks(function: nodes.FunctionDef) -> dict[str, nodes.Call]:
    """Parameter name -> the `@patch(...)` decorator call that passes a mock to it.

    The bottom-most decorator gives the first argument after `self`; a class decorator applies
    to each `test*` method, outside the method's own decorators.
    """
    calls = _injecting_patches(function.decorators)
    parent = function.parent
    if isinstance(parent, nodes.ClassDef) and function.name.startswith("test"):
        calls += _injecting_patches(parent.decorators)
    if not calls:
        return {}
    parameters = [arg.name for arg in (function.args.posonlyargs or []) + (function.args.args or [])]
    if isinstance(parent, nodes.ClassDef) and not is_staticmethod(function) and parameters:
        parameters = parameters[1:]
    return dict(zip(parameters, calls))


def _injecting_patches(decorators: nodes.Decorators | None) -> list[nodes.Call]:
    if decorators is None:
        return []
    found = []
    for decorator in reversed(decorators.nodes):
        if not isinstance(decorator, nodes.Call):
            continue
        api = mock_api(decorator.func)
        if api not in PATCHERS or _is_mocker_call(decorator):
            continue
        position = 1 if api == "patch" else 2
        if argument(decorator, position, "new") is None:
            found.append(decorator)
    return found
