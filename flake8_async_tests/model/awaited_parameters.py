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

ASYNC652 asks the converse, for an `AsyncMock` the test only checks calls of: where does the code
under test call what the mock replaces, and would a missing `await` there go unnoticed? See the
sections below: the call sites of a replaced attribute (`replaced_call_sites`), what the code
does with an awaited value (`value_fails`), and which code a test drives (`reached_from`).
"""

from __future__ import annotations

import builtins
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from astroid import bases, nodes

from .. import budget, memory
from ..inference import contained, import_module, infer_all
from ..rendering import expression_text
from .callables import has_unknown_decorator, unwrap
from .name_index import PROJECT_SKIPPED_DIRECTORIES
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
                return expression_text(annotation)
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
        text = f"{expression_text(expression.func)}(...)" if (expression.args or expression.keywords) \
            else expression_text(expression)
    else:
        text = expression_text(expression)
    return text if len(text) <= 50 else text[:47] + "..."


def _is_self(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Name) and expression.name == "self"


def _is_self_attribute(target: nodes.NodeNG) -> bool:
    return isinstance(target, nodes.AssignAttr) and _is_self(target.expr)


# -- where the code under test calls a replaced attribute, and what it does with the result ---
#
# ASYNC652 says a call assertion "passes even if the code under test calls it without 'await'".
# That is false where the code under test uses the awaited value in a way that fails on a
# coroutine (`server.sockets`, `for host in hosts`, `len(addrs)`): without the await it raises,
# and the test fails anyway. And it is moot where the code never awaits the callable itself but
# hands the coroutine on (`return _RequestContextManager(self._request(...))`): there is no
# await to forget. So the call sites of a replaced attribute are looked up in the project's code
# (and the module that owns it), and each is classified by what happens to its result.

#: How many files that mention the name are read for its call sites; more: unknown.
MAX_SITE_FILES = 30
#: How many calls deep a value passed on is followed (`self._cache.add(key, addrs)`).
MAX_FOLLOW_DEPTH = 2
#: What a coroutine object has: reading these does not fail (dunder names are left alone too).
COROUTINE_ATTRIBUTES = frozenset({"close", "send", "throw", "cr_await", "cr_code", "cr_frame",
                                  "cr_origin", "cr_running", "cr_suspended"})
#: Builtins that iterate, measure or convert their argument: a coroutine makes them raise.
FAILING_BUILTINS = frozenset(
    {"len", "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min", "max", "iter",
     "next", "enumerate", "zip", "reversed", "any", "all", "map", "filter", "int", "float",
     "abs", "round", "divmod", "bytes", "bytearray"})
#: Exceptions a missing await raises at a failing use (TypeError, AttributeError), or their bases.
SWALLOWING = frozenset({"Exception", "BaseException", "TypeError", "AttributeError"})


@dataclass(frozen=True)
class CallSite:
    """A call of the replaced attribute in the code under test."""

    call: nodes.Call
    confirmed: bool  # inference says it calls what is replaced (else: only its name matches)
    #: 'fails' / 'unnoticed' (awaited, and the result used in a way a coroutine makes raise, or
    #: not), 'returned' (awaited and returned: its caller's use decides), 'handed' (passed on
    #: unawaited), 'dropped'
    use: str


#: Above this many code files, or this much text, the project's code is not searched.
MAX_CODE_FILES = 5000
MAX_CODE_BYTES = 64 * 1024 * 1024
#: A def or class, or an attribute assigned on `self` (it may hold a function: `self._refresh = fetch`).
DEFINITION = re.compile(
    rb"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)|\bself\.(\w+)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)


class ProjectCode:
    """The project's code, read as text: every *.py file under the rootdir that is not a test
    module or a conftest (read once per process)."""

    def __init__(self, files: tuple[Path, ...], texts: dict[Path, bytes]) -> None:
        self.files = files
        self._texts = texts
        self._defined: frozenset[str] | None = None

    def text(self, path: Path) -> bytes:
        return self._texts.get(path, b"")

    def defined(self) -> frozenset[str]:
        """The names of its functions, classes and `self.` attributes: a call of any other name
        cannot run project code."""
        if self._defined is None:
            names: set[str] = set()
            with budget.reading():
                for path in self.files:
                    for definition, attribute in DEFINITION.findall(self.text(path)):
                        names.add((definition or attribute).decode())
            self._defined = frozenset(names)
        return self._defined


_PROJECT_CODE: dict = {}
memory.forget_on_restart(_PROJECT_CODE.clear)


def project_code(rootdir: Path, is_test_module: Callable[[Path], bool]) -> ProjectCode | None:
    """The project's code under `rootdir`; None for a tree too large to read."""
    key = str(rootdir)
    if key not in _PROJECT_CODE:
        with budget.reading():  # once per worker: not charged to the file that asks first
            _PROJECT_CODE[key] = _read_project_code(rootdir, is_test_module)
    return _PROJECT_CODE[key]


def _read_project_code(rootdir: Path, is_test_module: Callable[[Path], bool]) -> ProjectCode | None:
    files: list[Path] = []
    for directory, subdirectories, names in os.walk(rootdir):
        subdirectories[:] = [d for d in subdirectories if d not in PROJECT_SKIPPED_DIRECTORIES
                             and not d.startswith(".") and not d.endswith(".egg-info")]
        for name in names:
            path = Path(directory, name)
            if name.endswith(".py") and name != "conftest.py" and not is_test_module(path):
                files.append(path)
        if len(files) > MAX_CODE_FILES:
            return None
    texts: dict[Path, bytes] = {}
    total = 0
    for path in files:
        try:
            texts[path] = path.read_bytes()
        except OSError:
            texts[path] = b""
        total += len(texts[path])
        if total > MAX_CODE_BYTES:
            return None
    return ProjectCode(tuple(files), texts)


@contained(None)
def replaced_call_sites(name: str, owners: tuple[nodes.NodeNG, ...], search: ProjectCode,
                        falsy_result: bool) -> list[CallSite] | None:
    """The calls of `name` looked up on `owners` (modules: by global name in the module, by
    attribute elsewhere; classes or instances: by attribute), in the owners' modules and the
    project's code; None when too many files mention the name to read them all."""
    modules = _owner_modules(owners)
    if modules is None:
        return None
    pattern = re.compile(rb"\b" + re.escape(name.encode()) + rb"\s*\(")
    paths = [path for path in search.files if pattern.search(search.text(path))]
    if len(paths) > MAX_SITE_FILES:
        return None
    for path in paths:
        module = _module_of_file(path)
        if module is not None and not any(module is known for known in modules):
            modules.append(module)
    sites = []
    for module in modules:
        for call in module.nodes_of_class(nodes.Call):
            confirmed = _calls_replaced(call, name, owners, module)
            if confirmed is None:
                continue
            sites.append(CallSite(call, confirmed, site_use(call, falsy_result)))
    return sites


def calls_named(functions, name: str, falsy_result: bool,
                skip: Callable[[nodes.FunctionDef], bool]) -> list[CallSite]:
    """The calls of `name` (as a global or an attribute) in `functions`, by name only: for a
    mock whose owner is itself a mock (`client = AsyncMock(); client.fetch`), the name is all
    there is to go by."""
    sites = []
    for function in functions:
        if skip(function):
            continue
        for call in function.nodes_of_class(nodes.Call, skip_klass=(nodes.FunctionDef, nodes.ClassDef)):
            func = call.func
            called = func.name if isinstance(func, nodes.Name) else \
                func.attrname if isinstance(func, nodes.Attribute) else None
            if called == name:
                sites.append(CallSite(call, False, site_use(call, falsy_result)))
    return sites


def _owner_modules(owners: tuple[nodes.NodeNG, ...]) -> list[nodes.Module] | None:
    modules: list[nodes.Module] = []
    for owner in owners:
        if isinstance(owner, bases.Instance):
            owner = owner._proxied
        if not isinstance(owner, (nodes.Module, nodes.ClassDef)):
            return None
        module = owner.root()
        if not any(module is known for known in modules):
            modules.append(module)
    return modules


def _module_of_file(path: Path) -> nodes.Module | None:
    """The module a project file is, as imports find it (the same nodes inference reaches)."""
    from ..project import module_name_of

    module = import_module(module_name_of(path))
    if module is None or not module.file or Path(module.file).resolve() != path.resolve():
        return None
    return module


def _calls_replaced(call: nodes.Call, name: str, owners, module: nodes.Module) -> bool | None:
    """True when `call` certainly calls `name` on an owner, False when only its name matches
    (a method call on an object inference cannot see), None when it calls something else."""
    func = call.func
    module_owners = [owner for owner in owners if isinstance(owner, nodes.Module)]
    if isinstance(func, nodes.Name):
        if func.name != name or not any(owner is module for owner in module_owners):
            return None
        scope, _bindings = func.lookup(name)
        return True if scope is module else None
    if not isinstance(func, nodes.Attribute) or func.attrname != name:
        return None
    if module_owners:
        receivers = infer_all(func.expr)
        return True if receivers and all(any(r is o for o in module_owners) for r in receivers) else None
    values = infer_all(func)
    if not values:
        return False
    classes = [owner._proxied if isinstance(owner, bases.Instance) else owner for owner in owners]
    for value in values:
        function = unwrap(value)
        if isinstance(function, nodes.FunctionDef) and function.name == name and \
                isinstance(function.parent, nodes.ClassDef) and \
                any(_related(function.parent, cls) for cls in classes):
            return True
    return None


def _related(one: nodes.ClassDef, other: nodes.ClassDef) -> bool:
    """Is either class a subclass of the other (a method found on a base or an override)?"""
    for cls, ancestor in ((one, other), (other, one)):
        if cls is ancestor or any(base is ancestor for base in _ancestors(cls)):
            return True
    return False


def _ancestors(cls: nodes.ClassDef) -> list[nodes.ClassDef]:
    try:
        return list(cls.ancestors())
    except Exception:  # astroid: unresolvable bases
        return []


# -- what the code does with the value --------------------------------------------------------


def site_use(call: nodes.Call, falsy_result: bool) -> str:
    """What the code does with the result of `call` (see CallSite.use)."""
    parent = call.parent
    if isinstance(parent, nodes.Await):
        return _awaited_use(parent, falsy_result)
    if isinstance(parent, nodes.Expr):
        return "dropped"
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and \
            isinstance(parent.targets[0], nodes.AssignName):
        uses = list(_uses_of_name(parent.targets[0], parent))
        if not uses:
            return "dropped"
        kinds = {_coroutine_use(use, falsy_result) for use in uses}
        for kind in ("unnoticed", "fails", "returned"):
            if kind in kinds:
                return kind
        return "handed"
    return _coroutine_use(call, falsy_result)


def _awaited_use(awaited: nodes.Await, falsy_result: bool) -> str:
    if _inside_swallowing_try(awaited):
        return "unnoticed"
    if value_fails(awaited, falsy_result):
        return "fails"
    return "returned" if _returned(awaited) else "unnoticed"


def _coroutine_use(value: nodes.NodeNG, falsy_result: bool) -> str:
    """What happens to an unawaited coroutine: awaited here after all (`await coro`), or as
    the argument of an awaited call (`await asyncio.wait_for(coro, 5)`: judged at that await);
    handed on, so that its new owner runs it (returned, stored in an attribute, given to a call
    that is not awaited: a wrapper the caller awaits, a task); anything else (put in a list or a
    generator for someone to gather) counts as unnoticed."""
    parent = value.parent
    if isinstance(parent, nodes.Await):
        return _awaited_use(parent, falsy_result)
    stored = isinstance(parent, nodes.Assign) and all(isinstance(t, nodes.AssignAttr) for t in parent.targets)
    if isinstance(parent, nodes.Return) or stored:
        return "handed"
    outer = parent.parent if isinstance(parent, nodes.Keyword) else parent
    if isinstance(outer, nodes.Call) and outer.func is not value:
        if isinstance(outer.parent, nodes.Await):
            return _awaited_use(outer.parent, falsy_result)
        return "handed"
    return "unnoticed"


def _returned(awaited: nodes.Await) -> bool:
    """`return await f()`, or `x = await f()` and later `return x`."""
    parent = awaited.parent
    if isinstance(parent, nodes.Return):
        return True
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 and \
            isinstance(parent.targets[0], nodes.AssignName):
        return any(isinstance(use.parent, nodes.Return) for use in _certain_uses(parent.targets[0], parent))
    return False


#: unittest assertions that fail when given a coroutine (it is neither equal, None nor false).
FAILING_ASSERTIONS = frozenset({"assertEqual", "assertEquals", "assertIs", "assertIsNone",
                                "assertFalse", "assertIn", "assertCountEqual", "assertDictEqual",
                                "assertListEqual", "assertIsInstance", "assertGreater",
                                "assertLess", "assertGreaterEqual", "assertLessEqual"})


@contained(False)
def value_fails(value: nodes.NodeNG, falsy_result: bool, depth: int = 0, in_test: bool = False) -> bool:
    """Would the code raise if `value` (an awaited call's result, a name bound to it, a
    parameter that receives it) were a coroutine, on every path that reaches it? Truth tests
    count only when the awaited result is falsy (`return_value=False`): a coroutine is true.
    `in_test`: the value is the test's own, so its assertions count (`assert user == {...}`)."""
    child, parent = value, value.parent
    if in_test and _test_assertion_fails(parent, child):
        return True
    if isinstance(parent, nodes.Subscript) and parent.value is child:
        return True
    if isinstance(parent, nodes.Attribute) and parent.expr is child:
        return not parent.attrname.startswith("__") and parent.attrname not in COROUTINE_ATTRIBUTES
    if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is child:
        return True
    if isinstance(parent, nodes.BinOp):
        return not (parent.op == "%" and parent.right is child)  # "%s" % coroutine formats it
    if isinstance(parent, nodes.Starred) or (isinstance(parent, nodes.UnaryOp) and parent.op != "not"):
        return True
    if isinstance(parent, nodes.Call) and parent.func is child:
        return True  # a coroutine is not callable
    if isinstance(parent, nodes.Keyword) and parent.arg is None:
        return True  # **value
    if isinstance(parent, nodes.Compare):
        return _comparison_fails(parent, child)
    if isinstance(parent, (nodes.With, nodes.AsyncWith)) and any(item is child for item, _ in parent.items):
        return True
    if _is_truth_test(parent, child):
        return falsy_result
    if isinstance(parent, nodes.Assign) and child is parent.value:
        return _bound_value_fails(parent, falsy_result, depth, in_test)
    if isinstance(parent, (nodes.Call, nodes.Keyword)):
        return _argument_fails(parent, child, falsy_result, depth)
    return False


def _comparison_fails(compare: nodes.Compare, child: nodes.NodeNG) -> bool:
    """`x in coroutine` and ordering (`coroutine > 0`) raise TypeError; `==` and `is` do not."""
    operands = [compare.left] + [operand for _op, operand in compare.ops]
    for index, (op, right) in enumerate(compare.ops):
        left = operands[index]
        if op in ("<", "<=", ">", ">=") and child in (left, right):
            return True
        if op in ("in", "not in") and right is child:
            return True
    return False


def _is_truth_test(parent: nodes.NodeNG, child: nodes.NodeNG) -> bool:
    if isinstance(parent, (nodes.If, nodes.While, nodes.IfExp, nodes.Assert)) and parent.test is child:
        return True
    if isinstance(parent, nodes.UnaryOp) and parent.op == "not":
        return True
    if isinstance(parent, nodes.BoolOp) and parent.values and parent.values[0] is child:
        return True
    return False


def _test_assertion_fails(parent: nodes.NodeNG, child: nodes.NodeNG) -> bool:
    """`assert value == expected` (or `is`, `in`), `self.assertEqual(value, ...)`: a coroutine
    is equal to nothing the test expects."""
    if isinstance(parent, nodes.Compare) and isinstance(parent.parent, nodes.Assert) and \
            len(parent.ops) == 1 and parent.ops[0][0] in ("==", "is", "in") and parent.left is child:
        return True
    if isinstance(parent, nodes.Call) and isinstance(parent.func, nodes.Attribute) and \
            parent.func.attrname in FAILING_ASSERTIONS and child in parent.args:
        return True
    return False


def _bound_value_fails(assign: nodes.Assign, falsy_result: bool, depth: int, in_test: bool = False) -> bool:
    """`x = value` then a failing use of `x`; `a, b = value` (unpacking iterates it);
    `self.x = value` then a failing use of `self.x` in the same function."""
    if len(assign.targets) != 1:
        return False
    target = assign.targets[0]
    if isinstance(target, (nodes.Tuple, nodes.List)):
        return True
    if isinstance(target, nodes.AssignName):
        return any(value_fails(use, falsy_result, depth, in_test) for use in _certain_uses(target, assign))
    if isinstance(target, nodes.AssignAttr) and _is_self(target.expr):
        return any(value_fails(use, falsy_result, depth)
                   for use in _certain_attribute_reads(target.attrname, assign))
    return False


def _argument_fails(parent: nodes.NodeNG, child: nodes.NodeNG, falsy_result: bool, depth: int) -> bool:
    """The value is passed to a builtin that iterates or converts it, or to a function of the
    project whose matching parameter is used in a failing way on every path."""
    call = parent.parent if isinstance(parent, nodes.Keyword) else parent
    if not isinstance(call, nodes.Call) or call.func is child or has_starred(call):
        return False
    keyword = parent.arg if isinstance(parent, nodes.Keyword) else None
    position = None if keyword is not None else next(
        (index for index, arg in enumerate(call.args) if arg is child), None)
    if keyword is None and position is None:
        return False
    values = infer_all(call.func)
    if not values or len(values) != 1:
        return False
    value = values[0]
    function = unwrap(value)
    if isinstance(function, nodes.FunctionDef) and function.root().name == "builtins":
        return function.name in FAILING_BUILTINS and position == 0
    if isinstance(function, nodes.ClassDef) and function.root().name == "builtins":
        return function.name in FAILING_BUILTINS and position == 0
    if depth >= MAX_FOLLOW_DEPTH or not isinstance(function, nodes.FunctionDef) or \
            has_unknown_decorator(function) or function.is_generator():
        return False
    if function.root().name in ("builtins", "typing") or _is_library_stub(function):
        return False
    bound = isinstance(value, bases.BoundMethod) or function.type == "classmethod"
    parameter = parameter_for(function, position, keyword, bound)
    if parameter is None or len(function.locals.get(parameter.name, [])) != 1:
        return False
    return any(value_fails(use, falsy_result, depth + 1)
               for use in _certain_uses(parameter, None, function))


def _is_library_stub(function: nodes.FunctionDef) -> bool:
    return not function.body or only_statement_is_ellipsis(function)


def only_statement_is_ellipsis(function: nodes.FunctionDef) -> bool:
    return len(function.body) == 1 and isinstance(function.body[0], nodes.Expr) and \
        isinstance(function.body[0].value, nodes.Const) and function.body[0].value.value is Ellipsis


def _uses_of_name(binding: nodes.AssignName, statement: nodes.NodeNG):
    """Every read of the local `binding` names in its function (that sees this binding)."""
    function = binding.scope()
    for name in function.nodes_of_class(nodes.Name):
        if name.name != binding.name or name.scope() is not function:
            continue
        try:
            _scope, bindings = name.lookup(name.name)
        except Exception:  # astroid lookup failures
            continue
        if any(found is binding for found in bindings):
            yield name


def _certain_uses(binding: nodes.AssignName, statement: nodes.NodeNG | None,
                  function: nodes.FunctionDef | None = None):
    """Reads of the local (or parameter) `binding` that certainly run after `statement` (for
    a parameter: after the function starts), while the local still holds that value."""
    function = function or binding.scope()

    def rebinds(node: nodes.NodeNG) -> bool:
        return isinstance(node, nodes.AssignName) and node.name == binding.name

    for node in _evaluated_until_rebound(statement, function, rebinds):
        if isinstance(node, nodes.Name) and node.name == binding.name:
            yield node


def _certain_attribute_reads(attribute: str, statement: nodes.NodeNG):
    def rebinds(node: nodes.NodeNG) -> bool:
        return isinstance(node, nodes.AssignAttr) and node.attrname == attribute and _is_self(node.expr)

    for node in _evaluated_until_rebound(statement, statement.scope(), rebinds):
        if isinstance(node, nodes.Attribute) and node.attrname == attribute and _is_self(node.expr):
            yield node


def _evaluated_until_rebound(statement, function, rebinds: Callable[[nodes.NodeNG], bool]):
    """What `_certainly_evaluated_after` yields, up to the end of the statement that binds the
    value again (`x = f(x)` still reads the old value)."""
    rebound_in = None
    for node in _certainly_evaluated_after(statement, function, rebinds):
        if rebound_in is not None and node.statement() is not rebound_in:
            return
        if rebinds(node):
            rebound_in = node.statement()
            continue
        yield node


def _certainly_evaluated_after(statement: nodes.NodeNG | None, function: nodes.FunctionDef,
                               rebinds: Callable[[nodes.NodeNG], bool] = lambda node: False):
    """The expression nodes evaluated whenever `statement` has run (None: the function's
    start), in order, up to the first statement that may return, raise, break or continue;
    nothing when the statement is in a `try` whose handler swallows TypeError/AttributeError
    (the failure would go unnoticed there) or binds the value again (a later read may see the
    handler's value)."""
    if statement is None:
        blocks = [(function.body, 0)]
    else:
        blocks = []
        current = statement
        while current is not None and current is not function:
            parent = current.parent
            for block in _blocks_of(parent):
                if any(s is current for s in block):
                    index = next(i for i, s in enumerate(block) if s is current)
                    blocks.append((block, index + 1))
                    if isinstance(parent, nodes.Try) and block is parent.body:
                        blocks.append((parent.orelse, 0))  # runs when the body did
            if isinstance(parent, nodes.Try) and any(s is current for s in parent.body) and \
                    current is not parent.body[-1]:  # the rest of the body may raise into a handler
                if _swallows(parent) or any(rebinds(node) for handler in parent.handlers
                                            for node in handler.nodes_of_class((nodes.AssignName,
                                                                                nodes.AssignAttr))):
                    return
            current = parent if not isinstance(parent, (nodes.FunctionDef, nodes.Lambda)) else None
    for block, start in blocks:
        for sibling in block[start:]:
            yield from _evaluated_parts(sibling)
            if _may_leave(sibling):
                return


def _blocks_of(node: nodes.NodeNG) -> list[list[nodes.NodeNG]]:
    """The statement lists of a compound statement (an `except` clause's body is its own)."""
    blocks = []
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            blocks.append(block)
    return blocks


def _evaluated_parts(statement: nodes.NodeNG):
    """The expressions a statement certainly evaluates: an `if`'s test (not its branches), a
    loop's iterable, a `with`'s items and body, a `try` body whose handlers let a TypeError
    through, any other statement whole (not inside nested defs, lambdas, branches of `x if c
    else y`, the right of `and`/`or`, comprehension conditions)."""
    if isinstance(statement, (nodes.If, nodes.While)):
        parts = [statement.test]
    elif isinstance(statement, (nodes.For, nodes.AsyncFor)):
        parts = [statement.iter]
    elif isinstance(statement, (nodes.With, nodes.AsyncWith)):
        parts = [item for item, _variable in statement.items]
        for node in parts:
            yield from _evaluated_in(node)
        for inner in statement.body:
            yield from _evaluated_parts(inner)
            if _may_leave(inner):
                return
        return
    elif isinstance(statement, nodes.Try):
        if _swallows(statement):
            return
        for inner in statement.body:
            yield from _evaluated_parts(inner)
            if _may_leave(inner):
                return
        return
    elif isinstance(statement, (nodes.FunctionDef, nodes.ClassDef)):
        return
    else:
        parts = [statement]
    for node in parts:
        yield from _evaluated_in(node)


def _evaluated_in(expression: nodes.NodeNG):
    stack = [expression]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (nodes.Lambda, nodes.FunctionDef, nodes.ClassDef, nodes.GeneratorExp)):
            continue
        if isinstance(node, nodes.IfExp):
            stack.append(node.test)
            continue
        if isinstance(node, nodes.BoolOp):
            stack.append(node.values[0])
            continue
        if isinstance(node, nodes.Comprehension):
            stack.append(node.iter)
            continue
        stack.extend(reversed(list(node.get_children())))


def _may_leave(statement: nodes.NodeNG) -> bool:
    """May control leave the block at or inside this statement (return, raise, break,
    continue, outside nested defs)?"""
    exits = (nodes.Return, nodes.Raise, nodes.Break, nodes.Continue)
    if isinstance(statement, exits):
        return True
    nested = (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)
    return any(True for _ in statement.nodes_of_class(exits, skip_klass=nested))


def _swallows(statement: nodes.Try) -> bool:
    """Does a handler of this `try` catch what a missing await raises, and not re-raise?"""
    for handler in statement.handlers:
        if handler.type is None or _names_swallowing(handler.type):
            if not any(isinstance(s, nodes.Raise) for s in handler.body):
                return True
    return False


def _inside_swallowing_try(node: nodes.NodeNG) -> bool:
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Module)):
        if isinstance(parent, nodes.Try) and any(s is child for s in parent.body) and _swallows(parent):
            return True
        child, parent = parent, parent.parent
    return False


def _names_swallowing(expression: nodes.NodeNG) -> bool:
    if isinstance(expression, nodes.Tuple):
        return any(_names_swallowing(element) for element in expression.elts)
    name = expression.attrname if isinstance(expression, nodes.Attribute) else \
        expression.name if isinstance(expression, nodes.Name) else None
    return name in SWALLOWING


# -- which code a test drives -------------------------------------------------------------------
#
# One fixture and one assertion can be a real defect in one test and not in the next: the test
# that starts a TCP site drives the await site that reads the server's sockets, the test that
# starts a socket site drives the one that only keeps the server. So the call sites can be
# narrowed to those in the functions the test's own calls reach: calls followed by inference,
# into the project's code only; `if sock is not None:` decided where the argument (or its
# default) says whether it is None; a method called on an object inference cannot see
# (`for site in sites: await site.start()`) taken to be that method of every class the reached
# code constructs. Without a bound on the work, or with a bound reached, nothing is narrowed.

#: Names of builtins: a call of one runs no project code (unless the project defines the name).
BUILTIN_NAMES = frozenset(dir(builtins))
#: How many function bodies (one per argument pattern) are walked before giving up.
MAX_REACHED = 400


@dataclass
class Reached:
    functions: set  # FunctionDef nodes the test's calls may run
    complete: bool  # False when the bound was reached: then nothing may be concluded


@contained(Reached(set(), False))
def reached_from(roots: list[nodes.FunctionDef], within: Callable[[nodes.Module], bool],
                 callees: dict | None = None, defined: frozenset[str] | None = None) -> Reached:
    """The functions of modules `within` accepts that calls made in `roots` may run.
    `callees`: what inference found for the calls of library code, kept across tests (the
    walks of one module's tests mostly cover the same code). `defined`: the names of the
    functions, classes and `self.` attributes those modules define; a method call of another
    name (`loop.create_task(...)`) or a builtin's (`len(...)`) is not inferred: it cannot lead
    there. A plain name is always inferred: a local may hold a function (`fetcher()`)."""
    walk = _Walk(within, callees if callees is not None else {}, defined)
    walk.roots = {root.root() for root in roots}
    for root in roots:
        walk.add(root, {})
    walk.run()
    return Reached(walk.functions, walk.complete)


class _Walk:
    def __init__(self, within: Callable[[nodes.Module], bool], shared: dict,
                 defined: frozenset[str] | None) -> None:
        self.within = within
        self.shared = shared
        self.defined = defined
        self.roots: set = set()
        self.functions: set = set()
        self.seen: set = set()  # (function, frozen environment)
        self.pending: list = []
        self.classes: list[nodes.ClassDef] = []
        self.unresolved_methods: set[str] = set()
        self.complete = True
        self.callees: dict = {}  # for the calls in the roots' own module (a test module)

    def add(self, function: nodes.FunctionDef, environment: dict) -> None:
        environment = {name: state for name, state in environment.items()
                       if len(function.locals.get(name, ())) == 1}  # a rebound one says nothing
        key = (function, frozenset(environment.items()))
        if key in self.seen:
            return
        if len(self.seen) >= MAX_REACHED:
            self.complete = False
            return
        self.seen.add(key)
        self.functions.add(function)
        self.pending.append((function, environment))

    def run(self) -> None:
        while self.pending and self.complete:
            function, environment = self.pending.pop()
            for call in _calls_run(function, environment):
                self._follow(call, environment)

    def _follow(self, call: nodes.Call, environment: dict) -> None:
        func = call.func
        if self.defined is not None:
            if isinstance(func, nodes.Attribute) and func.attrname not in self.defined:
                return  # a method no project class defines (a local may hold a function: inferred)
            if isinstance(func, nodes.Name) and func.name in BUILTIN_NAMES and func.name not in self.defined:
                return
        cache = self.callees if call.root() in self.roots else self.shared
        if call not in cache:
            cache[call] = infer_all(call.func)
        values = cache[call]
        if values is None:
            func = call.func
            if isinstance(func, nodes.Attribute):
                self._dispatch(func.attrname)
            return
        for value in values:
            function = unwrap(value)
            if isinstance(function, nodes.ClassDef):
                self._construct(function, call, environment)
            elif isinstance(function, nodes.FunctionDef) and self.within(function.root()):
                bound = isinstance(value, bases.BoundMethod) or function.type == "classmethod"
                self.add(function, _call_environment(call, function, bound, environment))

    def _construct(self, cls: nodes.ClassDef, call: nodes.Call, environment: dict) -> None:
        if not self.within(cls.root()):
            return
        if not any(cls is known for known in self.classes):
            self.classes.append(cls)
            for name in sorted(self.unresolved_methods):
                self._method_of(cls, name)
        found = class_member(cls, "__init__")
        if found and len(found) == 1 and isinstance(found[0], nodes.FunctionDef) \
                and self.within(found[0].root()):
            self.add(found[0], _call_environment(call, found[0], True, environment))

    def _dispatch(self, name: str) -> None:
        """A method called on an object inference cannot see: that method of every class
        constructed so far (and of those constructed later)."""
        if name in self.unresolved_methods:
            return
        self.unresolved_methods.add(name)
        for cls in list(self.classes):
            self._method_of(cls, name)

    def _method_of(self, cls: nodes.ClassDef, name: str) -> None:
        found = class_member(cls, name)
        for method in found or ():
            if isinstance(method, nodes.FunctionDef) and self.within(method.root()):
                self.add(method, {})


def _calls_run(function: nodes.FunctionDef, environment: dict) -> Iterator[nodes.Call]:
    """The calls in `function`, leaving out the branches that the environment (which
    parameters are None) decides are not taken. Nested functions and lambdas count: they are
    made to be called."""
    stack = list(reversed(function.body))
    while stack:
        statement = stack.pop()
        if isinstance(statement, (nodes.If, nodes.While)):
            taken = _truth(statement.test, environment)
            yield from statement.test.nodes_of_class(nodes.Call)
            if taken is not False:
                stack.extend(reversed(statement.body))
            if taken is not True or isinstance(statement, nodes.While):
                stack.extend(reversed(statement.orelse))
            continue
        blocks = [block for field in ("body", "handlers", "orelse", "finalbody")
                  if isinstance(block := getattr(statement, field, None), list)]
        if not blocks or isinstance(statement, nodes.ClassDef):
            yield from statement.nodes_of_class(nodes.Call)
            continue
        for child in statement.get_children():
            if not any(any(child is inner for inner in block) for block in blocks):
                yield from child.nodes_of_class(nodes.Call)  # a loop's iterable, `with` items...
        for block in reversed(blocks):
            stack.extend(reversed(block))


def _truth(test: nodes.NodeNG, environment: dict) -> bool | None:
    """True / False when the environment decides the condition, else None."""
    if isinstance(test, nodes.UnaryOp) and test.op == "not":
        inner = _truth(test.operand, environment)
        return None if inner is None else not inner
    if isinstance(test, nodes.BoolOp):
        answers = [_truth(value, environment) for value in test.values]
        if test.op == "and":
            return False if False in answers else (True if all(answers) else None)
        return True if True in answers else (False if all(a is False for a in answers) else None)
    if isinstance(test, nodes.Compare) and len(test.ops) == 1 and isinstance(test.left, nodes.Name):
        op, right = test.ops[0]
        if op in ("is", "is not") and isinstance(right, nodes.Const) and right.value is None:
            state = environment.get(test.left.name)
            if state is None:
                return None
            return (state == "none") == (op == "is")
    if isinstance(test, nodes.Name) and environment.get(test.name) == "none":
        return False
    return None


def _call_environment(call: nodes.Call, function: nodes.FunctionDef, bound: bool,
                      caller: dict) -> dict:
    """Which parameters of `function` are None / not None for this call: from the argument
    (a literal, a parameter of the caller whose state is known, a value inference is sure
    of), or from the parameter's default when the call does not pass it."""
    arguments = function.args
    positional = list(arguments.posonlyargs or []) + list(arguments.args or [])
    if bound:
        positional = positional[1:]
    keyword_only = list(arguments.kwonlyargs or [])
    given: dict[str, nodes.NodeNG] = {}
    starred = any(isinstance(arg, nodes.Starred) for arg in call.args)
    double_starred = any(keyword.arg is None for keyword in call.keywords or ())
    if not starred:
        for parameter, value in zip(positional, call.args):
            given[parameter.name] = value
    for keyword in call.keywords or ():
        if keyword.arg is not None:
            given[keyword.arg] = keyword.value
    environment = {}
    defaults = _defaults(arguments, positional, keyword_only)
    tested = _none_tested(function)
    for parameter in positional + keyword_only:
        name = parameter.name
        if name not in tested:
            continue  # no condition of the function asks: not worth an inference
        if name in given:
            state = _none_state(given[name], caller)
        elif starred or double_starred:
            state = None
        else:
            default = defaults.get(name)
            state = _none_state(default, {}) if default is not None else None
        if state is not None:
            environment[name] = state
    return environment


#: Per function (weakly held: a linted module's functions must not outlive its analysis).
_NONE_TESTED: "weakref.WeakKeyDictionary[nodes.FunctionDef, frozenset[str]]" = weakref.WeakKeyDictionary()


def _none_tested(function: nodes.FunctionDef) -> frozenset[str]:
    """The names that the conditions of `function` test (for None or for truth), or that it
    passes on to calls as they are (`_run_app(app, sock=sock)`: the callee may test them)."""
    if function not in _NONE_TESTED:
        names = set()
        for statement in function.nodes_of_class((nodes.If, nodes.While)):
            for node in statement.test.nodes_of_class(nodes.Name):
                names.add(node.name)
        for call in function.nodes_of_class(nodes.Call):
            for value in list(call.args) + [keyword.value for keyword in call.keywords or ()]:
                if isinstance(value, nodes.Name):
                    names.add(value.name)
        _NONE_TESTED[function] = frozenset(names)
    return _NONE_TESTED[function]


def _defaults(arguments: nodes.Arguments, positional, keyword_only) -> dict[str, nodes.NodeNG]:
    found = {}
    everything = list(arguments.posonlyargs or []) + list(arguments.args or [])
    for parameter, default in zip(everything[len(everything) - len(arguments.defaults or []):],
                                  arguments.defaults or []):
        found[parameter.name] = default
    for parameter, default in zip(keyword_only, arguments.kw_defaults or []):
        if default is not None:
            found[parameter.name] = default
    return found


def _none_state(value: nodes.NodeNG, caller: dict) -> str | None:
    if isinstance(value, nodes.Const):
        return "none" if value.value is None else "not-none"
    if isinstance(value, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Set, nodes.JoinedStr,
                          nodes.Lambda, nodes.ListComp, nodes.DictComp, nodes.SetComp)):
        return "not-none"
    if isinstance(value, nodes.Name) and value.name in caller:
        return caller[value.name]
    if not isinstance(value, nodes.Name):
        return None  # an attribute or a call: inferring it costs more than it tells
    values = infer_all(value)
    if not values:
        return None
    if all(isinstance(v, nodes.Const) and v.value is None for v in values):
        return "none"
    if all(not (isinstance(v, nodes.Const) and v.value is None) for v in values):
        return "not-none"
    return None
