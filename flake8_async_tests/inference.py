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
from pathlib import Path
from typing import Callable, TypeVar

import astroid
from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.rebuilder import TreeRebuilder

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
        if _last_name(decorator) in ("classmethod", "staticmethod"):
            return None
    for base in function.parent.bases:
        name = _last_name(base) or ""
        if name == "type" or name.endswith(("Meta", "Metaclass", "MetaClass")):
            return None
    return function.parent


def _last_name(expression: nodes.NodeNG) -> str | None:
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
    try:
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
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            _FILE_MODULES[key] = None
        else:
            _FILE_MODULES[key] = build_module(source, modname, str(path))
    return _FILE_MODULES[key]


def forget_files_read() -> None:
    """Forget the conftest modules built so far (for the tests: a new process would)."""
    _FILE_MODULES.clear()


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
    values = []
    for value in node.infer():
        if value is astroid.Uninferable or isinstance(value, type(astroid.Uninferable)):
            return None
        values.append(value)
        if len(values) > MAX_INFERRED:
            return None
    return values or None


def fixture_value_inference(fixture: nodes.FunctionDef):
    """An inference function for a parameter that pytest fills with `fixture`'s value: what
    the fixture returns, or what it yields (for an async fixture, the awaited value)."""

    def infer(node, context=None, **kwargs):
        produced = False
        kind = nodes.Yield if fixture.is_generator() else nodes.Return
        for statement in fixture.nodes_of_class(kind):
            if statement.scope() is not fixture or statement.value is None:
                continue
            for value in statement.value.infer(context):
                produced = True
                yield value
        if not produced:
            yield astroid.Uninferable

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
            name_node._explicit_inference = fixture_value_inference(fixture)


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
