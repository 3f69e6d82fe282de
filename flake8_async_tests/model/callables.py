"""What a call produces, as far as inference can tell for certain.

The rules about coroutines ask four questions: does this call create a coroutine (its callee is a
coroutine function)? is what `await` receives certainly not awaitable? is this context manager
async-only or sync-only? is this iterable async-only or sync-only?

Two astroid facts shape the answers:
* astroid infers a call of an `async def` as the function's *return value*, not as a coroutine
  object: so "is a coroutine" is decided from the callee (`call.func`), never from the call.
* astroid ignores most decorators: a decorator whose effect we do not know (anything but
  staticmethod, classmethod, abstractmethod, mock.patch, marks...) makes the callee unknown, and
  unknown means silent.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from astroid import bases, nodes
from astroid.constraint import get_constraints

from .. import memory
from ..inference import (
    CUT_SHORT, MAX_INFERRED, contained, has_unknown_value, infer_all, instance_attribute_values,
    qualified_name, single_assigned_value,
)
from ..rendering import expression_text
from .decorators import decorator_name, unknown_decorators

ASYNC_MOCKS = frozenset({"unittest.mock.AsyncMock", "mock.mock.AsyncMock"})
PARTIAL = frozenset({"functools.partial"})

#: Context managers that only support `async with`, where inference cannot see a whole
#: hierarchy (astroid cannot resolve asyncio.Lock's mixin base) or a raising `__enter__`.
ASYNC_ONLY_CONTEXT_MANAGERS = frozenset(
    {
        "asyncio.Lock", "asyncio.locks.Lock",
        "asyncio.Semaphore", "asyncio.locks.Semaphore",
        "asyncio.BoundedSemaphore", "asyncio.locks.BoundedSemaphore",
        "asyncio.Condition", "asyncio.locks.Condition",
        "asyncio.TaskGroup", "asyncio.taskgroups.TaskGroup",
        "asyncio.timeout", "asyncio.timeouts.timeout",
        "asyncio.timeout_at", "asyncio.timeouts.timeout_at",
        "aiohttp.ClientSession", "aiohttp.client.ClientSession",
        "httpx.AsyncClient", "httpx._client.AsyncClient",
        "anyio.create_task_group", "anyio.Lock", "anyio.Semaphore", "anyio.CapacityLimiter",
        "trio.open_nursery",
        "aiofiles.open", "aiofiles.threadpool.open",
        "contextlib.AsyncExitStack",
    }
)
#: Context managers that only support `with`.
SYNC_ONLY_CONTEXT_MANAGERS = frozenset(
    {
        "builtins.open", "io.open", "_thread.lock", "_thread.RLock",
        "threading.Lock", "threading.RLock", "threading.Semaphore",
        "threading.BoundedSemaphore", "threading.Condition",
        "contextlib.suppress", "contextlib.ExitStack", "contextlib.redirect_stdout",
        "tempfile.TemporaryDirectory", "tempfile.NamedTemporaryFile",
        "unittest.mock.patch", "unittest.mock.patch.object", "unittest.mock.patch.dict",
        "pytest.raises", "pytest.warns",
        "requests.Session", "requests.sessions.Session",
        "httpx.Client", "httpx._client.Client",
    }
)
SYNC_ITERABLE_BUILTINS = frozenset(
    {"builtins.range", "builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted",
     "builtins.enumerate", "builtins.zip", "builtins.reversed", "builtins.map", "builtins.filter"}
)


@dataclass(frozen=True)
class Callee:
    """A callee inference is sure about, described for a message."""

    name: str  # 'Client.fetch'
    node: nodes.NodeNG | None  # its definition, for the location
    kind: str = "coroutine function"

    @property
    def where(self) -> str:
        if self.node is None:
            return ""
        path = (self.node.root().file or "").replace("\\", "/")
        position = getattr(self.node, "position", None)
        line = position.lineno if position else self.node.lineno
        return f"{path.rsplit('/', 1)[-1]}:{line}" if path else ""

    def describe(self) -> str:
        """"'Client.fetch' is a coroutine function (client.py:12)"."""
        where = f" ({self.where})" if self.where else ""
        return f"{self.name!r} is {'an' if self.kind[0] in 'aeiouA' else 'a'} {self.kind}{where}"


def display_name(function: nodes.FunctionDef) -> str:
    parent = function.parent
    if isinstance(parent, nodes.ClassDef):
        return f"{parent.name}.{function.name}"
    return function.name


def has_unknown_decorator(function: nodes.FunctionDef) -> bool:
    return bool(unknown_decorators(function))


def unwrap(value: nodes.NodeNG) -> nodes.NodeNG:
    """A method through an instance or a class -> its function definition (a BoundMethod
    proxies an UnboundMethod, which proxies the function)."""
    while isinstance(value, (bases.BoundMethod, bases.UnboundMethod)):
        value = value._proxied
    return value


def coroutine_function(value: nodes.NodeNG) -> Callee | None:
    """An inferred value that certainly is a coroutine function (or an AsyncMock)."""
    function = unwrap(value)
    if isinstance(function, nodes.AsyncFunctionDef):
        if function.is_generator() or has_unknown_decorator(function):
            return None
        return Callee(display_name(function), function)
    if isinstance(value, bases.Instance) and value.qname() in ASYNC_MOCKS:
        return Callee("AsyncMock()", None, kind="AsyncMock")
    return None


@contained(None)
def coroutine_callee(call: nodes.Call) -> Callee | None:
    """The callee of `call` when every value it may have is a coroutine function."""
    func = call.func
    partial = partial_call(func) or partial_call(_assigned(func))
    if partial is not None:
        return reference_to_coroutine_function(partial.args[0])  # functools.partial(f, ...)()
    return reference_to_coroutine_function(func)


def _assigned(expression: nodes.NodeNG) -> nodes.NodeNG | None:
    return single_assigned_value(expression) if isinstance(expression, nodes.Name) else None


def partial_call(expression: nodes.NodeNG | None) -> nodes.Call | None:
    """`functools.partial(f, ...)` (astroid's partial objects forget whether `f` is async)."""
    if isinstance(expression, nodes.Call) and expression.args and \
            qualified_name(expression.func) in PARTIAL:
        return expression
    return None


@contained(None)
def reference_to_coroutine_function(expression: nodes.NodeNG) -> Callee | None:
    """`expression` (not called) certainly is a coroutine function: `pytest.raises(E, fetch)`."""
    values = methods_through_instances(expression)
    if values is None:
        values = infer_all(expression)
    if not values:
        return None
    callees = [coroutine_function(value) for value in values]
    if any(callee is None for callee in callees):
        return None
    return callees[0]


# -- methods of instances, looked up once per class --------------------------------------------


#: class -> {attribute name: the defs an instance finds, or None when inference must decide};
#: None for a class with an unknown ancestor
_METHODS: "weakref.WeakKeyDictionary[nodes.ClassDef, dict[str, tuple | None] | None]" = \
    weakref.WeakKeyDictionary()


def methods_through_instances(expression: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """The defs `obj.name` finds, for `obj` inferred to instances of ordinary classes; None when
    astroid's own inference must decide.

    Why: astroid recomputes a class's MRO on every attribute lookup, and test code calls the
    same few methods of the same few classes thousands of times (`r.get(...)`, `r.set(...)` on a
    client class with dozens of mixins). The answer for (class, name) is remembered instead.
    """
    if not isinstance(expression, nodes.Attribute):
        return None
    receivers = infer_all(expression.expr) or awaited_self_attribute(expression.expr)
    if not receivers:
        return None
    found: list[nodes.NodeNG] = []
    for receiver in receivers:
        if type(receiver) is not bases.Instance or not isinstance(receiver._proxied, nodes.ClassDef):
            return None
        cls = receiver._proxied
        if cls.root().name in ("builtins", "unittest.mock", "mock.mock", "mock"):
            return None
        if cls not in _METHODS:
            _METHODS[cls] = {} if _known_mro(cls) is not None else None
        methods = _METHODS[cls]
        if methods is None:
            return None
        if expression.attrname not in methods:
            methods[expression.attrname] = _method_definitions(_known_mro(cls), expression.attrname)
        definitions = methods[expression.attrname]
        if definitions is None:
            return None
        found.extend(definitions)
    return found


#: class -> {attribute name: what astroid infers it to through an instance, None for unknown}
_THROUGH_INSTANCES: "weakref.WeakKeyDictionary[nodes.ClassDef, dict[str, tuple | None]]" = \
    weakref.WeakKeyDictionary()


@contained(None)
def infer_attribute(expression: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """`infer_all(expression)`, the same values, with each class's answer for `obj.name` found
    once per class and name rather than once per expression.

    Why: astroid walks a class's whole ancestry, twice, on every attribute lookup through an
    instance, and redis-py's tests await ~1,500 `r.get(...)`-like calls of a client with dozens
    of mixins in one file: 2.5 s. The answer depends only on the class: astroid proxies every
    plain instance of a class alike. Anything else (an unknown receiver, a module, a class,
    a brain's instance, an `if r.x is None` constraint, a brain's tip on the attribute) is left
    to astroid, or answered as astroid would: an attribute of an unknown value is unknown."""
    if not isinstance(expression, nodes.Attribute) or expression._explicit_inference is not None \
            or expression.attrname == "argv":  # astroid's own special case, `sys.argv`
        return infer_all(expression)
    receivers = infer_all(expression.expr)
    if receivers is None:
        return None if has_unknown_value(expression.expr) else infer_all(expression)
    values: list[nodes.NodeNG] = []
    for receiver in receivers:
        if type(receiver) is not bases.Instance or not isinstance(receiver._proxied, nodes.ClassDef) \
                or get_constraints(expression, frame=receiver._proxied):
            return infer_all(expression)
        known = _THROUGH_INSTANCES.setdefault(receiver._proxied, {})
        if expression.attrname not in known:
            found = instance_attribute_values(receiver, expression.attrname)
            if found is CUT_SHORT:
                return None  # "unknown" for now, not remembered: a later file may have the time
            known[expression.attrname] = found
        found = known[expression.attrname]
        if found is None:
            return None
        values.extend(found)
        if len(values) > MAX_INFERRED:
            return None
    return values or None


#: class -> {attribute: what it holds when set to awaited coroutines, or None}
_AWAITED: "weakref.WeakKeyDictionary[nodes.ClassDef, dict[str, list[nodes.NodeNG] | None]]" = \
    weakref.WeakKeyDictionary()


def awaited_self_attribute(expression: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """The values of `self.client` where the class sets it to awaited coroutines
    (`self.client = await connect()` in `asyncSetUp`): astroid does not infer `await`, and the
    value is what the coroutine function returns. None unless every assignment is known and no
    base class may set it too. Remembered per class and name."""
    if not (isinstance(expression, nodes.Attribute) and isinstance(expression.expr, nodes.Name)
            and expression.expr.name == "self"):
        return None
    cls = expression.scope().parent
    if not isinstance(cls, nodes.ClassDef):
        return None
    known = _AWAITED.setdefault(cls, {})
    if expression.attrname not in known:
        known[expression.attrname] = _awaited_values(cls, expression.attrname)
    return known[expression.attrname]


def _awaited_values(cls: nodes.ClassDef, name: str) -> list[nodes.NodeNG] | None:
    from .patches import values_assigned_to_self  # patches builds on this module

    assigned = values_assigned_to_self(cls, name)
    if not assigned or not any(isinstance(value, nodes.Await) for value in assigned):
        return None
    if not complete_ancestry(cls) or \
            any(name in base.instance_attrs or name in base.locals for base in cls.ancestors()):
        return None
    values: list[nodes.NodeNG] = []
    for value in assigned:
        if isinstance(value, nodes.Await):
            if not isinstance(value.value, nodes.Call) or coroutine_callee(value.value) is None:
                return None
            value = value.value  # astroid infers a coroutine function's call as what it returns
        inferred = infer_all(value)
        if not inferred:
            return None
        values.extend(inferred)
    return values


_MROS: "weakref.WeakKeyDictionary[nodes.ClassDef, list[nodes.ClassDef] | None]" = weakref.WeakKeyDictionary()


def forget_classes(module: nodes.Module | None = None) -> None:
    """Drop what the memos above keep of `module`'s classes (of every class: None). They are
    weakly keyed, but a value holds its key (an MRO starts with its class; a method table holds
    the class's defs), so an entry never dies by itself: it kept the linted module alive, and a
    worker starting afresh (memory.py) kept every project module."""
    for memo in (_METHODS, _AWAITED, _MROS, _THROUGH_INSTANCES):
        if module is None:
            memo.clear()
        else:
            for cls in [cls for cls in memo.keys() if cls.root() is module]:
                del memo[cls]


memory.forget_on_restart(forget_classes)


def _known_mro(cls: nodes.ClassDef) -> list[nodes.ClassDef] | None:
    """The MRO of a class whose every ancestor is known (once per class); else None."""
    if cls not in _MROS:
        try:
            _MROS[cls] = cls.mro() if complete_ancestry(cls) else None
        except Exception:  # astroid: unresolvable or inconsistent bases
            _MROS[cls] = None
    return _MROS[cls]


def _method_definitions(mro: list[nodes.ClassDef], name: str) -> tuple[nodes.FunctionDef, ...] | None:
    """The defs an instance finds for `name`: those of the first class in the MRO that defines
    it, when they are all plain `def`s. None when an instance attribute may shadow them, or the
    name is no method (a class attribute, nothing at all: `__getattr__`?)."""
    if any(name in klass.instance_attrs for klass in mro):
        return None
    for klass in mro:
        bindings = klass.locals.get(name)
        if bindings:
            if all(isinstance(binding, nodes.FunctionDef) for binding in bindings):
                return tuple(bindings)
            return None
    return None


# -- awaitability ---------------------------------------------------------------------------


def _certainly_plain(expression: nodes.NodeNG | None) -> str | None:
    """What a returned expression is, when it is certainly not awaitable."""
    if expression is None:
        return "None"
    if isinstance(expression, nodes.Const):
        if expression.value is None or expression.value is Ellipsis:
            return repr(expression.value)
        kind = type(expression.value).__name__
        return kind if kind == "bytes" else f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
    if isinstance(expression, (nodes.List, nodes.ListComp)):
        return "a list"
    if isinstance(expression, (nodes.Dict, nodes.DictComp)):
        return "a dict"
    if isinstance(expression, (nodes.Set, nodes.SetComp)):
        return "a set"
    if isinstance(expression, nodes.Tuple):
        return "a tuple"
    if isinstance(expression, nodes.JoinedStr):
        return "a str"
    if isinstance(expression, nodes.Compare):
        return "a bool"
    return None


#: Builtins whose result has a fixed, non-awaitable type whatever their argument (`len()` must
#: return an int, `str()` a str: Python raises TypeError otherwise).
PLAIN_BUILTIN_RESULTS = {
    **dict.fromkeys(("len", "int", "hash", "id", "ord"), "an int"),
    **dict.fromkeys(("str", "repr", "ascii", "format", "chr", "hex", "oct", "bin"), "a str"),
    **dict.fromkeys(("bool", "isinstance", "issubclass", "callable", "hasattr", "any", "all"),
                    "a bool"),
    "float": "a float", "bytes": "bytes", "list": "a list", "sorted": "a list", "tuple": "a tuple",
    "dict": "a dict", "set": "a set", "frozenset": "a frozenset",
}
#: Operators of `x <op> y` that build a new plain value from a plain operand.
ARITHMETIC = frozenset({"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^"})


def _certainly_plain_result(expression: nodes.NodeNG | None) -> str | None:
    """What a returned expression is, when it is certainly not awaitable: a literal or a
    comparison (`_certainly_plain`), a call of a builtin with a fixed result type
    (`len(self._items)`), `not x`, or arithmetic with a plain operand (`last + 1`, `"%s" % x`).

    Arithmetic on two unknown operands (`self.a + self.b`) stays unknown: their `__add__` could
    return anything."""
    plain = _certainly_plain(expression)
    if plain is not None:
        return plain
    if isinstance(expression, nodes.Call):
        name = qualified_name(expression.func) or ""
        if name.startswith("builtins."):
            return PLAIN_BUILTIN_RESULTS.get(name[len("builtins."):])
        return None
    if isinstance(expression, nodes.UnaryOp):
        return "a bool" if expression.op == "not" else _number_or_str(expression.operand)
    if isinstance(expression, nodes.BinOp) and expression.op in ARITHMETIC:
        return _number_or_str(expression.left) or _number_or_str(expression.right)
    return None


def _number_or_str(operand: nodes.NodeNG) -> str | None:
    """The kind of an arithmetic result decided by this operand: a number or str literal (or a
    plain result of those kinds: `len(x) + 1`)."""
    if isinstance(operand, nodes.Const) and not isinstance(operand.value, bool) and \
            isinstance(operand.value, (int, float, complex)):
        return "a number"
    if isinstance(operand, nodes.JoinedStr) or \
            isinstance(operand, nodes.Const) and isinstance(operand.value, str):
        return "a str"
    if isinstance(operand, (nodes.Call, nodes.BinOp, nodes.UnaryOp)):
        kind = _certainly_plain_result(operand)
        if kind in ("an int", "a float", "a number"):
            return "a number"
        return "a str" if kind == "a str" else None
    return None


def only_raises_or_empty(function: nodes.FunctionDef) -> bool:
    """An abstract-looking body: a subclass may override it with an `async def`."""
    for statement in function.body:
        if isinstance(statement, (nodes.Raise, nodes.Pass)):
            continue
        if isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Const):
            continue  # docstring or `...`
        return False
    return True


OVERLOAD = frozenset({"typing.overload", "typing_extensions.overload"})


def overload_implementation(value: nodes.NodeNG) -> nodes.NodeNG:
    """For an `@overload` stub, the def that runs: the last def of that name in the same scope
    without the decorator (astroid 3.0 infers a method to its first stub, astroid 4 to the
    implementation). Anything else, or a stub with no implementation, is returned as it is."""
    if not isinstance(value, nodes.FunctionDef) or not value.decorators or \
            not any(decorator_name(d) in OVERLOAD for d in value.decorators.nodes):
        return value
    for binding in reversed(value.parent.frame().locals.get(value.name, [])):
        if isinstance(binding, nodes.FunctionDef) and not (binding.decorators and any(
                decorator_name(d) in OVERLOAD for d in binding.decorators.nodes)):
            return binding
    return value


def _sync_function_result(function: nodes.FunctionDef) -> str | None:
    """What a sync function returns, when it is certainly not awaitable."""
    if has_unknown_decorator(function) or only_raises_or_empty(function):
        return None
    if function.is_generator():
        return "a generator"
    kinds = set()
    for statement in function.nodes_of_class(nodes.Return):
        if statement.scope() is not function:
            continue
        kind = _certainly_plain_result(statement.value)
        if kind is None:
            return None
        kinds.add(kind)
    if not kinds:
        return "None"
    return kinds.pop() if len(kinds) == 1 else " or ".join(sorted(kinds))


#: Standard-library calls whose result can be awaited (coroutine functions, or functions that
#: return a future or task), read from their source in Python 3.10 to 3.14.
KNOWN_AWAITABLE_CALLS = frozenset(
    f"asyncio.{name}" for name in (
        "sleep", "wait_for", "wait", "gather", "shield", "create_task", "ensure_future",
        "open_connection", "start_server", "open_unix_connection", "start_unix_server",
        "to_thread", "create_subprocess_exec", "create_subprocess_shell", "wrap_future",
    )
)


@contained(None)
def certainly_not_awaitable(expression: nodes.NodeNG) -> str | None:
    """What `await expression` receives, described, when it certainly cannot be awaited."""
    plain = _certainly_plain(expression)
    if plain is not None and not isinstance(expression, nodes.Compare):
        return plain
    if not isinstance(expression, nodes.Call):
        return None
    func = expression.func
    if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name) \
            and func.expr.name in ("self", "cls"):
        return None  # dynamic dispatch: a subclass may override with an async def
    if qualified_name(func) in KNOWN_AWAITABLE_CALLS:
        return None  # the answer, without building asyncio (its 20 modules) to infer it
    values = infer_attribute(func)
    if not values:
        return None
    described = set()
    for value in values:
        function = overload_implementation(unwrap(value))
        if isinstance(function, nodes.AsyncFunctionDef) or not isinstance(function, nodes.FunctionDef):
            return None
        if isinstance(function, nodes.Lambda) and not isinstance(function, nodes.FunctionDef):
            return None
        result = _sync_function_result(function)
        if result is None:
            return None
        described.add(f"{display_name(function)!r} is a sync function that returns {result}")
    return described.pop() if len(described) == 1 else None


# -- context managers and iterables ----------------------------------------------------------


def _class_protocols(cls: nodes.ClassDef) -> tuple[bool, bool] | None:
    """(`with` works, `async with` works) for instances of `cls`: an `__enter__` that only
    raises (aiohttp.ClientSession's "Use async with instead") does not count."""
    try:
        mro = cls.mro()
    except Exception:  # astroid: unresolvable bases, duplicate bases
        return None
    enter = aenter = None
    for klass in mro:
        if enter is None and "__enter__" in klass.locals:
            enter = klass.locals["__enter__"][0]
        if aenter is None and "__aenter__" in klass.locals:
            aenter = klass.locals["__aenter__"][0]
    usable_enter = enter is not None and not (
        isinstance(enter, nodes.FunctionDef) and body_only_raises(enter)
    )
    return usable_enter, aenter is not None


def body_only_raises(function: nodes.FunctionDef) -> bool:
    body = [s for s in function.body if not (isinstance(s, nodes.Expr) and isinstance(s.value, nodes.Const))]
    return bool(body) and all(isinstance(s, nodes.Raise) for s in body)


def complete_ancestry(cls: nodes.ClassDef) -> bool:
    from ..inference import base_classes

    seen = set()
    pending = [cls]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        found = base_classes(current)
        if found is None or any(base is None for base in found):
            return False
        pending.extend(found)
    return True


def _decorator_names(function: nodes.FunctionDef) -> set[str]:
    return {decorator_name(d) for d in (function.decorators.nodes if function.decorators else ())}


@contained(None)
def context_manager_kind(expression: nodes.NodeNG) -> tuple[str, str] | None:
    """('async', what) when `expression` only supports `async with`, ('sync', what) when it
    only supports `with`; None when unknown or both."""
    callee_names: set[str] = set()
    values: list[nodes.NodeNG] = []
    if isinstance(expression, nodes.Call):
        name = qualified_name(expression.func)
        if name:
            callee_names.add(name)
        for value in infer_all(expression.func) or ():
            value = unwrap(value)
            if isinstance(value, nodes.FunctionDef):
                callee_names.add(value.qname())
                decorators = _decorator_names(value)
                if "contextlib.asynccontextmanager" in decorators:
                    return "async", f"{display_name(value)!r} is an @asynccontextmanager function"
                if "contextlib.contextmanager" in decorators:
                    return "sync", f"{display_name(value)!r} is a @contextmanager function"
            elif isinstance(value, nodes.ClassDef):
                callee_names.add(value.qname())
    for name in callee_names:
        if name in ASYNC_ONLY_CONTEXT_MANAGERS:
            return "async", f"{_short(name)} only supports 'async with'"
        if name in SYNC_ONLY_CONTEXT_MANAGERS:
            return "sync", f"{_short(name)} only supports 'with'"
    if isinstance(expression, nodes.Call):
        inferred = infer_all(expression.func)
        if not inferred or not all(isinstance(unwrap(v), nodes.ClassDef) for v in inferred):
            return None  # a factory function: its result is astroid's guess
    values = infer_all(expression) or []
    verdicts = set()
    for value in values:
        if not isinstance(value, bases.Instance) or isinstance(value, bases.BoundMethod):
            return None
        cls = value._proxied
        if not isinstance(cls, nodes.ClassDef):
            return None
        if cls.qname() in ASYNC_ONLY_CONTEXT_MANAGERS:  # `lock = asyncio.Lock(); with lock:`
            verdicts.add(("async", f"{_short(cls.qname())} only supports 'async with'"))
            continue
        if cls.qname() in SYNC_ONLY_CONTEXT_MANAGERS:
            verdicts.add(("sync", f"{_short(cls.qname())} only supports 'with'"))
            continue
        if not complete_ancestry(cls):
            return None
        protocols = _class_protocols(cls)
        if protocols is None:
            return None
        sync_ok, async_ok = protocols
        if async_ok and not sync_ok:
            verdicts.add(("async", f"{cls.name!r} defines __aenter__ but no usable __enter__"))
        elif sync_ok and not async_ok:
            verdicts.add(("sync", f"{cls.name!r} defines __enter__ but not __aenter__"))
        else:
            return None
    return verdicts.pop() if len(verdicts) == 1 else None


#: Implementation modules left out of names shown to users: asyncio.locks.Lock -> asyncio.Lock.
INTERNAL_MODULES = frozenset({"locks", "taskgroups", "timeouts", "client", "_client", "sessions",
                              "threadpool", "builtins"})


def _short(qname: str) -> str:
    return ".".join(part for part in qname.split(".") if part not in INTERNAL_MODULES)


@contained(None)
def iterable_kind(expression: nodes.NodeNG) -> tuple[str, str] | None:
    """('async', what) for an async-only iterable, ('sync', what) for a sync-only one."""
    if isinstance(expression, (nodes.List, nodes.Tuple, nodes.Set, nodes.Dict, nodes.ListComp,
                               nodes.SetComp, nodes.DictComp)):
        return "sync", f"a {type(expression).__name__.lower().replace('comp', ' comprehension')}"
    if isinstance(expression, nodes.Const) and isinstance(expression.value, (str, bytes)):
        return "sync", "a string"
    if isinstance(expression, nodes.GeneratorExp):
        return "sync", "a generator expression"
    if isinstance(expression, (nodes.Name, nodes.Attribute)):
        return _iterable_value_kind(expression)
    if isinstance(expression, nodes.Call):
        name = qualified_name(expression.func)
        if name in SYNC_ITERABLE_BUILTINS:
            return "sync", f"{name.split('.')[-1]}() is a sync iterable"
        values = infer_all(expression.func)
        if not values:
            return None
        verdicts = set()
        for value in values:
            function = unwrap(value)
            if isinstance(function, nodes.FunctionDef) and not has_unknown_decorator(function):
                if isinstance(function, nodes.AsyncFunctionDef) and function.is_generator():
                    verdicts.add(("async", f"{display_name(function)!r} is an async generator function"))
                    continue
                if not isinstance(function, nodes.AsyncFunctionDef) and function.is_generator():
                    verdicts.add(("sync", f"{display_name(function)!r} is a generator function"))
                    continue
            if isinstance(function, nodes.ClassDef):
                verdict = _class_iteration(function)
                if verdict is not None:
                    verdicts.add(verdict)
                    continue
            return None
        return verdicts.pop() if len(verdicts) == 1 else None
    return None


def _iterable_value_kind(expression: nodes.NodeNG) -> tuple[str, str] | None:
    """A name or attribute: what inference says it holds (a generator object, a list...)."""
    values = infer_all(expression)
    if not values:
        return None
    verdicts = set()
    for value in values:
        if isinstance(value, bases.AsyncGenerator):
            function = value.parent
            if not isinstance(function, nodes.FunctionDef) or has_unknown_decorator(function):
                return None
            verdicts.add(("async", f"{expression_text(expression)!r} holds an async generator "
                                   f"({display_name(function)!r})"))
        elif isinstance(value, bases.Generator) and not isinstance(value, bases.AsyncGenerator):
            verdicts.add(("sync", f"{expression_text(expression)!r} holds a generator"))
        elif isinstance(value, (nodes.List, nodes.Tuple, nodes.Set, nodes.Dict)):
            verdicts.add(("sync", f"{expression_text(expression)!r} holds a {type(value).__name__.lower()}"))
        elif isinstance(value, bases.Instance) and isinstance(value._proxied, nodes.ClassDef) \
                and value._proxied.root().name != "builtins":
            verdict = _class_iteration(value._proxied)
            if verdict is None:
                return None
            verdicts.add(verdict)
        else:
            return None
    return verdicts.pop() if len(verdicts) == 1 else None


def _class_iteration(cls: nodes.ClassDef) -> tuple[str, str] | None:
    if not complete_ancestry(cls):
        return None
    try:
        mro = cls.mro()
    except Exception:  # astroid: unresolvable bases
        return None
    names = set()
    for klass in mro:
        names.update(klass.locals)
    has_sync = "__iter__" in names or "__getitem__" in names
    has_async = "__aiter__" in names
    if has_async and not has_sync:
        return "async", f"{cls.name!r} defines __aiter__ but not __iter__"
    if has_sync and not has_async:
        return "sync", f"{cls.name!r} defines __iter__ (or __getitem__) but not __aiter__"
    return None
