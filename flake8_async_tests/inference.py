"""The only module that talks to astroid's builder and inference.

Why one place: astroid raises many kinds of exceptions (InferenceError, NameInferenceError,
AttributeInferenceError, AstroidError, RecursionError on deep chains, and sometimes plain
TypeErrors from brain plugins). Every call into it goes through `contained`, which turns a
failure into the answer "unknown" (None) — and rules stay silent on unknown facts. Set the
environment variable FLAKE8_ASYNC_TESTS_RAISE=1 to make failures raise (the test suite does).

The user's code is never imported or executed: modules are built from source text, found on
disk by `imports.locate` (never through the import system), and an extension module of the
project is never loaded: `loading.py` puts that into astroid, and reuses built modules kept in
the cache folder.
"""

from __future__ import annotations

import ast
import builtins
import functools
import logging
import os
import tokenize
import weakref
from pathlib import Path
from typing import Callable, TypeVar

import astroid
from astroid import bases, nodes
from astroid.builder import AstroidBuilder
from astroid.context import InferenceContext
from astroid.rebuilder import TreeRebuilder

from . import budget, memory

LOG = logging.getLogger("flake8_async_tests")
T = TypeVar("T")

MANAGER = astroid.MANAGER
MANAGER.always_load_extensions = False
MANAGER.extension_package_whitelist = set()

#: Inference giving more values than this is treated as ambiguous.
MAX_INFERRED = 8


def raise_internal_errors() -> bool:
    return os.environ.get("FLAKE8_ASYNC_TESTS_RAISE", "") not in ("", "0")


def contained(default: T) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorator: any exception inside means 'unknown' (`default`), logged at debug level."""

    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception as error:  # astroid's failures are many and unpredictable
                if raise_internal_errors() and not _is_inference_failure(error):
                    raise
                LOG.debug("flake8-async-tests: %s failed: %r", function.__name__, error)
                return default

        return guarded

    return wrap


def _is_inference_failure(error: Exception) -> bool:
    """Failures that are a normal answer ('cannot know'), not a bug of ours."""
    return isinstance(error, (astroid.AstroidError, RecursionError))


# ---------------------------------------------------------------------------------------------
# Building modules


def build_module(source: str, modname: str, path: str, tree: ast.Module | None = None) -> nodes.Module | None:
    """An astroid module from the text flake8 gave us (which may differ from the file on disk).

    Built cheaply, because every linted file pays for it:
    * with `tree` (the `ast` flake8 already parsed from the same text), astroid's rebuilder works
      from it instead of parsing the text again. That goes through astroid's builder internals,
      so any failure falls back to astroid's public `string_build`;
    * recording only `self.x = ...` attribute assignments (see _record_only_self_attributes);
    * telling methods from classmethods without inferring test-library decorators
      (`_settle_function_types`);
    * without astroid's transforms (its "brain": dataclasses, enums, namedtuples, typing,
      builtins' inference tips), which visit every node and cost about as much as the rest of
      the build. The modules a test imports still get them. On the test module itself they only
      sharpen inference the rules do not rely on (`super()` calls, dataclass fields): without
      them such values are unknown, and the rules stay silent on unknown values.
    """
    try:
        module = _module_from_tree(tree or ast.parse(source), source, modname, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        module = None
    try:
        if module is None:
            module = AstroidBuilder(MANAGER, apply_transforms=False).string_build(source, modname, path)
        _settle_function_types(module)
        return module
    except Exception as error:
        # SyntaxError: flake8 reports it (E999); RecursionError: a pathologically deep
        # expression that astroid's builder cannot handle. Both mean: no findings for this file.
        if raise_internal_errors() and not isinstance(
            error, (SyntaxError, RecursionError, astroid.AstroidError)
        ):
            raise
        LOG.debug("flake8-async-tests: cannot build %s: %r", path, error)
        return None


#: Decorators of the test libraries, none of which turns a function into a classmethod or
#: staticmethod (read in their sources: they return the function, a wrapper, or a marker).
PLAIN_DECORATOR_PREFIXES = (
    "pytest.", "_pytest.", "pytest_asyncio.", "pytest_trio.", "unittest.mock.", "mock.",
    "unittest.skip", "unittest.case.skip", "unittest.expectedFailure", "anyio.", "trio.",
    "abc.abstractmethod", "functools.wraps", "typing.override", "typing_extensions.override",
    "contextlib.contextmanager", "contextlib.asynccontextmanager",
)


def _settle_function_types(module: nodes.Module) -> None:
    """Give each function decorated only by test-library decorators its type (method,
    function...) as astroid would compute it, without inference.

    astroid's `FunctionDef.type` infers every decorator to see whether it makes a classmethod
    or staticmethod, and it is asked for whenever a parameter is inferred: one
    `@pytest.mark.parametrize` made astroid build 25 modules of pytest to answer "method"."""
    for function in module.nodes_of_class(nodes.FunctionDef):
        if not function.decorators or "type" in function.__dict__:
            continue
        names = [qualified_name(d.func if isinstance(d, nodes.Call) else d) or ""
                 for d in function.decorators.nodes]
        if all(name.startswith(PLAIN_DECORATOR_PREFIXES) for name in names):
            decorators, function.decorators = function.decorators, None
            try:
                function.__dict__["type"] = type(function).type.func(function)
            finally:
                function.decorators = decorators


def _module_from_tree(tree: ast.Module, source: str, modname: str, path: str) -> nodes.Module | None:
    """What `AstroidBuilder.string_build` does after parsing (astroid 3.0 to 4.x)."""
    try:
        builder = AstroidBuilder(MANAGER, apply_transforms=False)
        rebuilder = TreeRebuilder(MANAGER, data=source)
        package = os.path.splitext(os.path.basename(path))[0] == "__init__"
        module = rebuilder.visit_module(tree, modname, os.path.abspath(path), package)
        module.file_bytes = source.encode("utf-8")
        return builder._post_build(module, rebuilder, "utf-8")
    except Exception as error:  # astroid internals: fall back to the public, slower path
        if raise_internal_errors():
            raise
        LOG.debug("flake8-async-tests: cannot rebuild %s from flake8's tree: %r", path, error)
        return None


def _is_self_or_cls(expression: nodes.NodeNG) -> bool:
    return isinstance(expression, nodes.Name) and expression.name in ("self", "cls")


#: Methods whose first argument is the class, not an instance, whatever their decorators.
_IMPLICIT_CLASSMETHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def _method_self_class(node: nodes.AssignAttr) -> nodes.ClassDef | None:
    """The class whose instance `self` is in `self.x = ...`, when that is plain from the
    syntax: `self` is the first parameter of a function defined in a class body, never
    rebound, and neither the function (no decorator named classmethod or staticmethod) nor the
    class (no base named like a metaclass) makes it anything but an instance. None otherwise,
    and then astroid infers it."""
    function = node.frame()
    if not isinstance(function, nodes.FunctionDef) or not isinstance(function.parent, nodes.ClassDef):
        return None
    positional = [*(function.args.posonlyargs or ()), *(function.args.args or ())]
    if not positional or positional[0].name != node.expr.name or node.expr.name != "self":
        return None
    if function.name in _IMPLICIT_CLASSMETHODS or function.locals.get("self") != [positional[0]]:
        return None
    for decorator in function.decorators.nodes if function.decorators else ():
        if last_name(decorator) in ("classmethod", "staticmethod"):
            return None
    for base in function.parent.bases:
        name = last_name(base) or ""
        if name == "type" or name.endswith(("Meta", "Metaclass", "MetaClass")):
            return None
    return function.parent


def last_name(expression: nodes.NodeNG | None) -> str | None:
    """The last name of a dotted expression or of a call's callee: `mark.asyncio(...)` -> 'asyncio'."""
    if isinstance(expression, nodes.Call):
        expression = expression.func
    if isinstance(expression, nodes.Name):
        return expression.name
    if isinstance(expression, nodes.Attribute):
        return expression.attrname
    return None


def _record_only_self_attributes() -> None:
    """Make astroid record `obj.attr = value` only where `obj` is `self` or `cls`.

    While building a module astroid infers the target of every attribute assignment and
    records it on whatever class that is, for the rest of the process. Two costs, both measured:
    * wrong answers: a test's `conn.disconnect = AsyncMock()` became an attribute of
      unittest.mock's one MagicMock class, so every later file's `MagicMock().disconnect` was an
      AsyncMock (a false ASYNC652 on redis-py); `client.fetch = MagicMock()` made the project's
      `UserClient.fetch` ambiguous in every later file;
    * time: inferring those targets was most of the cost of building redis-py's library
      modules.
    What inference needs is `self.x = ...` in methods (instance attributes of the class itself).
    In a plain method that is recorded without inference (`_method_self_class`): inferring
    `self` infers every decorator of the method to tell a method from a classmethod, and
    `@pytest.mark.parametrize` on one test method made astroid build 25 modules of pytest.
    This is process-wide: flake8's process is the plugin's, and astroid is only used here."""
    original = getattr(AstroidBuilder, "delayed_assattr", None)
    if original is None or getattr(original, "_self_attributes_only", False):
        return

    def delayed_assattr(self, node):
        if not _is_self_or_cls(node.expr):
            return
        cls = _method_self_class(node)
        if cls is None or "__slots__" in cls.locals:
            original(self, node)
            return
        values = cls.instance_attrs.setdefault(node.attrname, [])
        if node not in values:
            values.append(node)

    delayed_assattr._self_attributes_only = True
    AstroidBuilder.delayed_assattr = delayed_assattr


_record_only_self_attributes()


#: Above this many entries, astroid's process-wide inference cache is emptied between files.
INFERENCE_CACHE_LIMIT = 100_000


def forget_module(module: nodes.Module) -> None:
    """Let the memory of one linted file go once it is analysed.

    astroid keeps every module it builds, and every inference result, for the whole process:
    over a large suite in one flake8 worker that grew past 350 MB. The linted module is dropped
    from astroid's module cache (another file that imports it gets it rebuilt from disk), and the
    inference cache, whose entries hold on to the module's nodes, is emptied once it is large:
    what it holds of the imported library modules is cheap to recompute, the memory is not."""
    forget_ancestry()
    try:
        for cls in [cls for cls in _INSTANCES.keys() if cls.root() is module]:
            del _INSTANCES[cls]  # an instance holds its class: the entry would never die alone
        if MANAGER.astroid_cache.get(module.name) is module:
            del MANAGER.astroid_cache[module.name]
        from astroid import context

        if len(context._INFERENCE_CACHE) > INFERENCE_CACHE_LIMIT:
            context._invalidate_cache()
    except Exception as error:  # astroid internals moved: keep the memory, lose nothing else
        if raise_internal_errors():
            raise
        LOG.debug("flake8-async-tests: cannot forget %s: %r", module.name, error)


_FILE_MODULES: dict[tuple[str, float], nodes.Module | None] = {}


def module_from_file(path: Path, modname: str) -> nodes.Module | None:
    """An astroid module for a file we only read (a conftest), built once per process."""
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return None
    if key not in _FILE_MODULES:
        try:
            source = read_python_source(path)
        except (OSError, UnicodeDecodeError, SyntaxError):
            _FILE_MODULES[key] = None
        else:
            with budget.reading():
                _FILE_MODULES[key] = build_module(source, modname, str(path))
    return _FILE_MODULES[key]


def read_python_source(path: Path) -> str:
    """A Python file's text in the encoding it declares (PEP 263: a BOM or a coding cookie,
    UTF-8 otherwise), as Python and pytest read it; a latin-1 conftest is a conftest too."""
    with tokenize.open(path) as stream:
        return stream.read()


@memory.forget_on_restart
def forget_files_read() -> None:
    """Forget the conftest modules built so far (for the tests: a new process would), and
    the instances made of their classes and the library's."""
    _FILE_MODULES.clear()
    _INSTANCES.clear()


@contained(None)
def import_module(modname: str) -> nodes.Module | None:
    """An importable module by dotted name, found from files (never imported or executed)."""
    return MANAGER.ast_from_module_name(modname)


# ---------------------------------------------------------------------------------------------
# Inference


def safe_infer(node: nodes.NodeNG) -> nodes.NodeNG | None:
    """The single value `node` can have, or None when it is unknown or ambiguous."""
    values = infer_all(node)
    if not values:
        return None
    first = values[0]
    for other in values[1:]:
        if type(other) is not type(first) or not _same_value(first, other):
            return None
    return first


def _same_value(a: nodes.NodeNG, b: nodes.NodeNG) -> bool:
    if a is b:
        return True
    if isinstance(a, nodes.Const) and isinstance(b, nodes.Const):
        return a.value == b.value
    return False


@contained(None)
def infer_all(node: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """Every value `node` may have; None when any of them is unknown (Uninferable)."""
    spending = budget.InferenceBudget(budget.node_deadline())
    try:
        values = []
        for value in node.infer(InferenceContext(nodes_inferred=spending)):
            if value is astroid.Uninferable or isinstance(value, type(astroid.Uninferable)):
                return None
            values.append(value)
            if len(values) > MAX_INFERRED:
                return None
        return values or None
    finally:
        spending.close()


@contained(False)
def has_unknown_value(node: nodes.NodeNG) -> bool:
    """Whether one of `node`'s values is unknown (Uninferable), read only up to the first such.

    Why: astroid answers "unknown" for any attribute of an unknown value, so `r.get` is unknown
    whenever `r` may be; asking this first spares looking `get` up in every known value's class
    (a client with dozens of mixins, a thousand times a file). False when it cannot tell."""
    spending = budget.InferenceBudget(budget.node_deadline())
    try:
        for count, value in enumerate(node.infer(InferenceContext(nodes_inferred=spending))):
            if _is_uninferable(value):
                return True
            if count >= MAX_INFERRED:
                return False
        return False
    finally:
        spending.close()


class _CutShort:
    def __repr__(self) -> str:
        return "CUT_SHORT"


#: What instance_attribute_values answers when its budget ran out (not an answer to keep).
CUT_SHORT = _CutShort()


def instance_attribute_values(instance: bases.Instance,
                              name: str) -> tuple[nodes.NodeNG, ...] | _CutShort | None:
    """What astroid infers `obj.name` to for `obj` an `instance` (as its attribute inference
    does: a context bound to the instance, a missing attribute giving nothing); None when
    unknown, CUT_SHORT when the inference budget ran out first."""
    spending = budget.InferenceBudget(budget.node_deadline())
    context = InferenceContext(nodes_inferred=spending)
    context.boundnode = instance
    try:
        values = tuple(instance.igetattr(name, context))
    except (astroid.AttributeInferenceError, astroid.InferenceError, AttributeError):
        values = ()
    finally:
        spending.close()
    if spending.spent:
        return CUT_SHORT
    return None if any(_is_uninferable(value) for value in values) else values


def fixture_value_inference(fixture: nodes.FunctionDef, parameter_annotation: nodes.NodeNG | None = None):
    """An inference function for a parameter that pytest fills with `fixture`'s value: what
    the fixture returns, or what it yields (for an async fixture, the awaited value).

    Where its body gives nothing known, the annotations are the facts: the fixture's return
    annotation (`-> Client`, `-> AsyncIterator[Client]` for one that yields), else the
    parameter's own (`def test_x(client: Client)`)."""

    def infer(node, context=None, **kwargs):
        values = []
        kind = nodes.Yield if fixture.is_generator() else nodes.Return
        for statement in fixture.nodes_of_class(kind):
            if statement.scope() is not fixture or statement.value is None:
                continue
            try:
                values.extend(statement.value.infer(context))
            except astroid.InferenceError:
                values.append(astroid.Uninferable)
        if all(_is_uninferable(value) for value in values):
            promised = annotated_values(fixture.returns, yielded=fixture.is_generator())
            if not promised:
                promised = annotated_values(parameter_annotation)
            values = promised or values
        yield from values or [astroid.Uninferable]

    return infer


@contained(None)
def give_fixture_values(function: nodes.FunctionDef, fixtures: dict[str, nodes.FunctionDef]) -> None:
    """Make inference see fixture values for the parameters of `function` named in `fixtures`.

    astroid infers an unannotated parameter as unknown; pytest fills it with the fixture's value.
    This sets astroid's per-node explicit-inference hook on each use of such a parameter.
    """
    wanted = {name: fixtures[name] for name in fixtures if name in function.argnames()}
    if not wanted:
        return
    for name_node in function.nodes_of_class(nodes.Name):
        fixture = wanted.get(name_node.name)
        if fixture is None:
            continue
        _scope, bindings = name_node.lookup(name_node.name)
        if len(bindings) == 1 and isinstance(bindings[0].parent, nodes.Arguments) \
                and bindings[0].parent.parent is function:
            annotation = argument_annotation(function.args, name_node.name)
            name_node._explicit_inference = fixture_value_inference(fixture, annotation)


# ---------------------------------------------------------------------------------------------
# Annotations: facts where inference gives nothing
#
# `def __init__(self, store: Store)`, `def test_x(client: Client)`, `def make() -> Client`: astroid
# infers such a parameter, or the call of a function whose body it cannot follow, as unknown.
# An annotation that names one class is then taken at its word (mypy does the same): the value
# is an instance of that class. Read, never evaluated: `Optional[X]`, `X | None`, `"X"` and
# `Annotated[X, ...]` name X; `type[X]` is the class itself; unions of several classes, type
# variables, `Any`, `object` and typing's special forms name nothing. Used only where astroid's
# answer holds an "unknown", in its place: a default value stays one of the values, and the
# actual argument of a call in view, or what a body returns, wins.

#: Generic types whose first argument is what a generator yields: a generator fixture's value.
YIELDING_TYPES = frozenset({"Iterator", "Iterable", "Generator",
                            "AsyncIterator", "AsyncIterable", "AsyncGenerator"})
#: Wrappers whose first argument is the type itself.
TRANSPARENT_TYPES = frozenset({"Annotated", "Final", "ClassVar", "Required", "NotRequired",
                               "ReadOnly", "Optional"})
#: Classes an annotation may name that say nothing about the value.
UNINFORMATIVE_CLASSES = frozenset({"builtins.object", "builtins.type"})
#: How deep annotations nest before we give up (`Optional[Annotated["X", ...]]` is 3).
MAX_ANNOTATION_DEPTH = 6


def _is_uninferable(value: object) -> bool:
    return value is astroid.Uninferable or isinstance(value, type(astroid.Uninferable))


def argument_annotation(arguments: nodes.Arguments, name: str | None) -> nodes.NodeNG | None:
    """The annotation of parameter `name` (not of *args/**kwargs); None when it has none."""
    groups = ((arguments.posonlyargs, arguments.posonlyargs_annotations),
              (arguments.args, arguments.annotations),
              (arguments.kwonlyargs, arguments.kwonlyargs_annotations))
    for args, written in groups:
        for arg, annotation in zip(args or (), written or ()):
            if arg.name == name:
                return annotation
    return None


_ANNOTATIONS_IN_PROGRESS: set[int] = set()

#: class -> its instance, as annotations promise it (one per class: astroid proxies all alike)
_INSTANCES: "weakref.WeakKeyDictionary[nodes.ClassDef, nodes.NodeNG]" = weakref.WeakKeyDictionary()


def instance_of(cls: nodes.ClassDef) -> nodes.NodeNG:
    """`cls.instantiate_class()`, made once per class: astroid computes the whole MRO each
    time (to tell exception classes), and `def test_x(r: Redis)` repeats the class in every
    test (446 times in redis-py's test_commands.py: 1.1 s)."""
    if cls not in _INSTANCES:
        _INSTANCES[cls] = cls.instantiate_class()
    return _INSTANCES[cls]


@contained([])
def annotated_values(annotation: nodes.NodeNG | None, yielded: bool = False) -> list[nodes.NodeNG]:
    """What an annotation promises a value is: an instance of the one class it names (the
    class itself for `type[X]`); [] when it names no single class we can resolve.

    `yielded`: the annotation is a generator's return annotation, and the value wanted is what
    it yields (`Iterator[X]`, `AsyncGenerator[X, None]` -> an X)."""
    if annotation is None or id(annotation) in _ANNOTATIONS_IN_PROGRESS:
        return []
    memo_name = "_flake8_async_tests_yields" if yielded else "_flake8_async_tests_promises"
    memo = annotation.__dict__.get(memo_name)
    if memo is not None:
        return memo
    _ANNOTATIONS_IN_PROGRESS.add(id(annotation))  # `x: "x"` must not chase itself
    try:
        found = _named_class(annotation, yielded, 0)
    finally:
        _ANNOTATIONS_IN_PROGRESS.discard(id(annotation))
    values = []
    if found is not None:
        cls, as_class = found
        values = [cls] if as_class else [instance_of(cls)]
    annotation.__dict__[memo_name] = values  # kept on the node: it goes when the module goes
    return values


def _named_class(expression: nodes.NodeNG, yielded: bool, depth: int) -> tuple[nodes.ClassDef, bool] | None:
    """(class, is it the class itself rather than an instance) that `expression` names."""
    if depth > MAX_ANNOTATION_DEPTH:
        return None
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        parsed = _string_annotation(expression)
        return _named_class(parsed, yielded, depth + 1) if parsed is not None else None
    members = _union_members(expression)
    if members is not None:
        named = [m for m in members if not (isinstance(m, nodes.Const) and m.value is None)]
        return _named_class(named[0], yielded, depth + 1) if len(named) == 1 else None
    if isinstance(expression, nodes.Subscript):
        head = last_name(expression.value)
        arguments = expression.slice.elts if isinstance(expression.slice, nodes.Tuple) else [expression.slice]
        if head in TRANSPARENT_TYPES and arguments:
            return _named_class(arguments[0], yielded, depth + 1)
        if head in ("type", "Type") and arguments and not yielded:
            found = _named_class(arguments[0], False, depth + 1)
            return (found[0], True) if found is not None and not found[1] else None
        if yielded:
            if head in YIELDING_TYPES and arguments:
                return _named_class(arguments[0], False, depth + 1)
            return None
        expression = expression.value  # a generic class: `list[int]`, `Client[T]`
    if yielded or not isinstance(expression, (nodes.Name, nodes.Attribute)):
        return None
    value = safe_infer(expression)
    if isinstance(value, nodes.ClassDef) and _informative(value):
        return value, False
    return None


def _union_members(expression: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """The members of `A | B` or `Union[A, B]`; None when `expression` is no union."""
    if isinstance(expression, nodes.BinOp) and expression.op == "|":
        left = _union_members(expression.left) or [expression.left]
        right = _union_members(expression.right) or [expression.right]
        return left + right
    if isinstance(expression, nodes.Subscript) and last_name(expression.value) == "Union":
        elements = expression.slice
        return list(elements.elts) if isinstance(elements, nodes.Tuple) else [elements]
    return None


def _informative(cls: nodes.ClassDef) -> bool:
    """Does naming this class say what the value is? Not `object`, not a type variable (astroid
    makes one a class of no module), not typing's `Any`/`Self`/`Protocol`...; typing's aliases of
    collections.abc classes (`AsyncIterator`) do."""
    if cls.qname() in UNINFORMATIVE_CLASSES:
        return False
    root = cls.root()
    if not root.name or (root.file or "").startswith("<"):
        return root.name == "builtins"
    if root.name in ("typing", "typing_extensions"):
        return any(ancestor.root().name in ("_collections_abc", "collections.abc")
                   for ancestor in cls.ancestors())
    return True


def _string_annotation(const: nodes.Const) -> nodes.NodeNG | None:
    """A string annotation (`"Client"`, `"Optional[app.Client]"`) as an expression whose names
    resolve where the string stands. Parsed, never evaluated."""
    if "_flake8_async_tests_parsed" in const.__dict__:
        return const.__dict__["_flake8_async_tests_parsed"]
    expression = None
    try:
        tree = ast.parse(const.value.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if tree is not None and len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
        module = TreeRebuilder(MANAGER, data=const.value).visit_module(tree, "", "", False)
        expression = module.body[0].value
        expression.parent = const  # names are looked up from where the string is written
    const.__dict__["_flake8_async_tests_parsed"] = expression  # goes with the node
    return expression


def _keep_promise(values: list, promised: list) -> list:
    """astroid's answer with its unknowns replaced by what the annotation promises: a default
    value stays one of the possibilities (`store: Store | None = None` is None or a Store)."""
    if not promised:
        return values
    return [value for value in values if not _is_uninferable(value)] + promised


def _infer_argument_or_annotation(original):
    """astroid's inference of a parameter, with its annotation in place of the unknown astroid
    adds where no call site is in view (alone, or after a default value)."""

    def infer_argname(self, name, context):
        values = list(original(self, name, context))
        if name and any(_is_uninferable(value) for value in values):
            values = _keep_promise(values, annotated_values(argument_annotation(self, name)))
        yield from values

    infer_argname._annotations_as_facts = True
    return infer_argname


def _infer_call_result_or_annotation(original):
    """astroid's result of calling a function, with its return annotation in place of the
    unknowns (a body it cannot follow, an abstract or stub method). Generators keep astroid's
    answer: a generator object."""

    def infer_call_result(self, caller, context=None):
        if self.returns is None or self.is_generator():
            yield from original(self, caller, context)
            return
        values = list(original(self, caller, context))
        if any(_is_uninferable(value) for value in values):
            values = _keep_promise(values, annotated_values(self.returns))
        yield from values

    infer_call_result._annotations_as_facts = True
    return infer_call_result


def _annotations_as_facts() -> None:
    """Install the two fallbacks above into astroid (process-wide: flake8's process is the
    plugin's, and astroid is only used here). A missing hook (astroid moved) loses only them."""
    from astroid import protocols

    original = getattr(protocols, "_arguments_infer_argname", None)
    if original is not None and not getattr(original, "_annotations_as_facts", False):
        protocols._arguments_infer_argname = _infer_argument_or_annotation(original)
    original = getattr(nodes.FunctionDef, "infer_call_result", None)
    if original is not None and not getattr(original, "_annotations_as_facts", False):
        nodes.FunctionDef.infer_call_result = _infer_call_result_or_annotation(original)


_annotations_as_facts()


# ---------------------------------------------------------------------------------------------
# A class's ancestry, worked out once per file
#
# astroid recomputes a class's ancestors (inferring every base, recursively) on every attribute
# lookup, instantiation and subtype check, and its MRO on every instantiation: in redis-py's
# tests (a client with dozens of mixins) that was half of the analysis time. Within one file
# they are worked out once per class, in a fresh inference context (so the answer does not
# depend on which rule asks first), and forgotten when the file is done (forget_ancestry):
# kept longer, they kept whole dropped modules alive and memory restarts stopped freeing
# anything. While a class's ancestry is being worked out, a lookup of it from inside (a cyclic
# hierarchy) gets astroid's own answer.

#: id(class) -> (class, its ancestors): for the file being analysed
_ANCESTORS: dict[int, tuple] = {}
#: id(class) -> (class, its MRO): for the file being analysed
_MROS: dict[int, tuple] = {}
_ANCESTRY_IN_PROGRESS: set[int] = set()


@memory.forget_on_restart
def forget_ancestry() -> None:
    _ANCESTORS.clear()
    _MROS.clear()


def _ancestors_once(original):
    def ancestors(self, recurs=True, context=None):
        if not recurs or id(self) in _ANCESTRY_IN_PROGRESS:
            yield from original(self, recurs, context)
            return
        known = _ANCESTORS.get(id(self))
        if known is None:
            _ANCESTRY_IN_PROGRESS.add(id(self))
            try:
                known = _ANCESTORS[id(self)] = (self, tuple(original(self, True, InferenceContext())))
            finally:
                _ANCESTRY_IN_PROGRESS.discard(id(self))
        yield from known[1]

    ancestors._once = True
    return ancestors


def _mro_once(original):
    def mro(self, context=None):
        known = _MROS.get(id(self))
        if known is None:
            if id(self) in _ANCESTRY_IN_PROGRESS:
                return original(self, context)
            known = _MROS[id(self)] = (self, tuple(original(self, None)))  # inconsistent: raises
        return list(known[1])

    mro._once = True
    return mro


def _remember_class_ancestry() -> None:
    """Install the two memos above into astroid (process-wide, as _annotations_as_facts)."""
    for name, once in (("ancestors", _ancestors_once), ("mro", _mro_once)):
        original = getattr(nodes.ClassDef, name, None)
        if original is not None and not getattr(original, "_once", False):
            setattr(nodes.ClassDef, name, once(original))


_remember_class_ancestry()


@contained(None)
def qualified_name(node: nodes.NodeNG, _depth: int = 0) -> str | None:
    """The dotted name an expression stands for, through imports and simple aliases.

    `mark.asyncio` after `from pytest import mark` -> 'pytest.mark.asyncio';
    `asyncio_mark` after `asyncio_mark = pytest.mark.asyncio` -> the same.
    This is name resolution, not inference: it is cheap, and it answers for objects (like
    `pytest.mark`) whose inferred value would not carry the name. None when not a plain name.
    """
    if _depth > 10:
        return None
    if isinstance(node, nodes.Attribute):
        base = qualified_name(node.expr, _depth + 1)
        return f"{base}.{node.attrname}" if base else None
    if not isinstance(node, nodes.Name):
        return None
    _scope, bindings = node.lookup(node.name)
    if not bindings:
        return f"builtins.{node.name}" if node.name in _BUILTIN_NAMES else None
    names = {_binding_name(binding, node.name, _depth) for binding in bindings}
    return names.pop() if len(names) == 1 else None


_BUILTIN_NAMES = frozenset(dir(builtins))


def _binding_name(binding: nodes.NodeNG, name: str, depth: int) -> str | None:
    if isinstance(binding, nodes.Import):
        for module, alias in binding.names:
            if alias == name:
                return module
            if alias is None and module.split(".")[0] == name:
                return name
        return None
    if isinstance(binding, nodes.ImportFrom):
        module = binding.modname
        if binding.level:
            module = binding.root().relative_to_absolute_name(module, binding.level)
        for original, alias in binding.names:
            if (alias or original) == name:
                return f"{module}.{original}" if module else original
        return None
    if isinstance(binding, (nodes.FunctionDef, nodes.ClassDef)):
        return binding.qname()
    if isinstance(binding, nodes.AssignName):
        parent = binding.parent
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and parent.value is not None:
            targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
            if any(target is binding for target in targets):
                return qualified_name(parent.value, depth + 1)
    return None


def single_assigned_value(name: nodes.Name) -> nodes.NodeNG | None:
    """The value of a name bound once, by a plain one-target assignment (`later = partial(f)`,
    `asyncio_mark = pytest.mark.asyncio`); None otherwise."""
    try:
        _scope, bindings = name.lookup(name.name)
    except Exception:  # lookup failures mean 'not an alias'
        return None
    if len(bindings) != 1 or not isinstance(bindings[0], nodes.AssignName):
        return None
    parent = bindings[0].parent
    if isinstance(parent, nodes.Assign) and len(parent.targets) == 1:
        return parent.value
    return None


@contained(None)
def base_classes(cls: nodes.ClassDef) -> list[nodes.ClassDef | None] | None:
    """The inferred class of each base expression; None in the list where unknown."""
    result: list[nodes.ClassDef | None] = []
    for base in cls.bases:
        value = safe_infer(base)
        result.append(value if isinstance(value, nodes.ClassDef) else None)
    return result


@contained(None)
def lookup_in_module(module: nodes.Module, name: str) -> list[nodes.NodeNG] | None:
    """The module-level bindings of `name` (imports resolved to what they import)."""
    bindings = module.locals.get(name)
    if not bindings:
        return None
    resolved = []
    for binding in bindings:
        if isinstance(binding, (nodes.ImportFrom, nodes.Import)):
            value = safe_infer_name(binding, name)
            if value is None:
                return None
            resolved.append(value)
        else:
            resolved.append(binding)
    return resolved


@contained(None)
def safe_infer_name(import_node: nodes.NodeNG, name: str) -> nodes.NodeNG | None:
    """What an import statement binds `name` to (a function defined in another module...)."""
    if isinstance(import_node, nodes.ImportFrom):
        for original, alias in import_node.names:
            if (alias or original) == name:
                module = import_node.do_import_module(import_node.modname)
                values = module.getattr(original)
                return values[0] if len(values) == 1 else None
        return None
    if isinstance(import_node, nodes.Import):
        for module_name, alias in import_node.names:
            if (alias or module_name) == name:
                return import_module(module_name)
    return None


# astroid finds, loads and builds every module through loading.py (imported last: it uses this
# module's MANAGER and error policy).
from . import loading  # noqa: E402,F401
