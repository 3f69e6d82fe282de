"""The only module that talks to astroid's builder and inference.

Why one place: astroid raises many kinds of exceptions (InferenceError, NameInferenceError,
AttributeInferenceError, AstroidError, RecursionError on deep chains, and sometimes plain
TypeErrors from brain plugins). Every call into it goes through `contained`, which turns a
failure into the answer "unknown" (None) — and rules stay silent on unknown facts. Set the
environment variable FLAKE8_ASYNC_TESTS_RAISE=1 to make failures raise (the test suite does).

The user's code is never imported or executed: modules are built from source text, found on
disk by `imports.locate` (never through the import system), and an extension module of the
project is never loaded (see "Resolving imports").
"""

from __future__ import annotations

import ast
import builtins
import functools
import logging
import os
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import astroid
from astroid import nodes
from astroid import manager as astroid_manager_module
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager
from astroid.rebuilder import TreeRebuilder

from . import imports
from .cache import modules as module_cache
from .cache.store import CacheFolder

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


@contained(None)
def import_module(modname: str) -> nodes.Module | None:
    """An importable module by dotted name, found from files (never imported or executed)."""
    return MANAGER.ast_from_module_name(modname)


# ---------------------------------------------------------------------------------------------
# Resolving imports: from files only, the project's roots never on sys.path (see imports.py)

#: The linted project's import roots, sys.path without them, and the project's module cache,
#: while a file is analysed.
_PROJECT_ROOTS: tuple[str, ...] = ()
_LIBRARY_PATH: tuple[str, ...] = ()
_MODULE_CACHE: CacheFolder | None = None


@contextmanager
def project_imports(roots: list[str], cache: CacheFolder | None = None) -> Iterator[None]:
    """Resolve imports from the project's `roots` (pytest's order), then the interpreter's path;
    reuse and store built modules in `cache`.

    The roots are searched by `imports.locate`, from files, and never put on `sys.path`; for
    the time of the analysis `sys.path` itself loses every entry through which the project's
    code could be imported (`imports.library_path`), so that nothing imported while linting —
    by astroid, a brain or this plugin — can be the project's code."""
    global _PROJECT_ROOTS, _LIBRARY_PATH, _MODULE_CACHE
    saved = (_PROJECT_ROOTS, _LIBRARY_PATH, _MODULE_CACHE, list(sys.path))
    _PROJECT_ROOTS = tuple(os.path.normpath(root) for root in roots)
    library = imports.library_path(_PROJECT_ROOTS, os.getcwd())
    if library != _LIBRARY_PATH:
        _forget_finder_caches()
    _LIBRARY_PATH = library
    _MODULE_CACHE = cache
    sys.path[:] = library
    try:
        yield
    finally:
        _PROJECT_ROOTS, _LIBRARY_PATH, _MODULE_CACHE, sys.path[:] = saved


def _forget_finder_caches() -> None:
    """astroid memoises lookups made through sys.path, keyed by name only: when the path
    changes, they are stale."""
    MANAGER._mod_file_cache.clear()
    from astroid.interpreter._import import spec, util

    namespace_finder = getattr(spec, "ExplicitNamespacePackageFinder", None)
    for cached in (getattr(spec, "_find_spec", None), getattr(util, "is_namespace", None),
                   getattr(spec.ImportlibFinder, "find_module", None),
                   getattr(namespace_finder, "find_module", None)):
        getattr(cached, "cache_clear", lambda: None)()


_ASTROID_AST_FROM_MODULE_NAME = AstroidManager.ast_from_module_name
_ASTROID_LOAD_MODULE = astroid_manager_module.load_module_from_name
#: The facts each module built or loaded in this process rests on, by (name, file).
_MODULE_FACTS: dict[tuple[str, str], module_cache.Facts] = {}
#: How many modules were built from their file, loaded from the cache, stored in it.
CACHE_STATS: Counter = Counter()


@dataclass
class _Build:
    """A module being built from its file, and what its build has seen so far."""

    name: str
    file: str
    facts: module_cache.Facts
    #: it saw a module of an enclosing build half-built (an import cycle met by inference):
    #: its form depends on that build, and it is stored with it, never alone
    in_cycle: bool = False
    #: the modules of its import cycle built inside it, stored together with it
    members: list[nodes.Module] = field(default_factory=list)
    #: the settled facts already merged into `facts` (by id; they live as long as the process)
    merged: set[int] = field(default_factory=set)


#: The builds under way, outermost first; the modules being loaded from the cache.
_BUILDS: list[_Build] = []
_LOADING: set[str] = set()


def _note(facts: module_cache.Facts, settled: bool = False) -> None:
    """Every build under way depends on what a module it reached depends on.

    `settled`: the facts of a module already built or loaded (kept in _MODULE_FACTS for the
    process, never changed again): merged into a build once, however often inference reaches
    that module again (thousands of times while a large module is built)."""
    for build in _BUILDS:
        if settled:
            if id(facts) in build.merged:
                continue
            build.merged.add(id(facts))
        build.facts.add(facts)


def _where(located: imports.Located | None) -> object:
    if located is None:
        return "elsewhere"
    if located.kind == "namespace":
        return ("namespace", located.locations)
    return (located.kind, located.file)


def _ast_from_module_name(self, modname, context_file=None, use_cache=True):
    """astroid's `ast_from_module_name`, every name first located by `imports.locate`.

    A name found on disk is built from its file (a project's extension module becomes an
    empty stub: it is never loaded), and a module astroid cached under the same name but from
    another file (another project's `app/api.py`) is replaced, not reused. Only names with no
    file at all (built-in modules, import hooks) reach astroid's own finder, and then with a
    `sys.path` that holds no project directory."""
    if not modname or modname == "__main__":
        return _ASTROID_AST_FROM_MODULE_NAME(self, modname, None, use_cache)
    located = imports.locate(modname, _PROJECT_ROOTS, _LIBRARY_PATH)
    _note(module_cache.Facts(names={(modname, _where(located))}))
    cached = self.astroid_cache.get(modname)
    if located is None:
        if cached is not None and cached.file and not imports.is_standard_library_file(cached.file):
            del self.astroid_cache[modname]  # found from a file before, in another project
        module = _ASTROID_AST_FROM_MODULE_NAME(self, modname, None, use_cache)
        if module.file:  # through an import hook: what it rests on is not known
            _note(module_cache.Facts(unstorable=True))
        return module
    if located.kind in ("missing", "compiled"):
        return _failed_import(self, modname)
    if located.kind == "extension":
        if imports.is_standard_library_file(located.file):
            return _ASTROID_AST_FROM_MODULE_NAME(self, modname, None, use_cache)
        return self._build_stub_module(modname)
    if cached is not None:
        if use_cache and _is_built_from(cached, located):
            _note_reused(modname, located)
            return cached
        del self.astroid_cache[modname]
    if located.kind == "namespace":
        module = self._build_namespace_module(modname, list(located.locations))
        self.cache_module(module)
        return module
    return _load_or_build(self, modname, located)


def _note_reused(modname: str, located: imports.Located) -> None:
    facts = _MODULE_FACTS.get((modname, located.file))
    if facts is not None:
        _note(facts, settled=True)
        return
    for depth, build in enumerate(_BUILDS):
        if (build.name, build.file) == (modname, located.file):
            for inner in _BUILDS[depth + 1:]:
                inner.in_cycle = True
            return
    # built by astroid on its own: what it rests on is not known
    _note(module_cache.Facts(unstorable=True))


def _load_or_build(manager: AstroidManager, modname: str, located: imports.Located) -> nodes.Module:
    """The module from the cache when every fact its stored build rests on still holds;
    else built by astroid (and stored, with the modules of its import cycle)."""
    identity = module_cache.file_identity(located.file)
    cache = _MODULE_CACHE if identity is not None else None
    if cache is not None:
        module = _load(manager, cache, modname, located, identity)
        if module is not None:
            return module
    CACHE_STATS["built"] += 1
    build = _Build(modname, located.file, module_cache.Facts(files={identity} if identity else set()))
    _BUILDS.append(build)
    try:
        module = manager.ast_from_file(located.file, modname, fallback=False)
    finally:
        _BUILDS.pop()
    _MODULE_FACTS[(modname, located.file)] = build.facts
    _note(build.facts)
    if build.in_cycle and _BUILDS:
        _BUILDS[-1].members += [module, *build.members]
    elif cache is not None and not build.facts.unstorable:
        CACHE_STATS["stored"] += module_cache.write_entry(
            cache, modname, located.file, build.facts, [module, *build.members])
    return module


def _load(manager, cache, modname, located, identity) -> nodes.Module | None:
    def still_true(facts: module_cache.Facts) -> bool:
        return identity in facts.files and all(
            module_cache.file_identity(path) == (path, size, mtime) for path, size, mtime in facts.files
        ) and all(
            _where(imports.locate(name, _PROJECT_ROOTS, _LIBRARY_PATH)) == where
            for name, where in facts.names
        )

    def none_built_yet(member_names) -> bool:
        """A stored import cycle is only reused whole: a member this process already has
        (from another order of imports) would exist twice."""
        return not any(name in manager.astroid_cache for name in member_names)

    def referred_module(name: str) -> nodes.Module:
        if name in _LOADING:  # two stored modules referring to each other: build instead
            raise module_cache.NotStorable(f"{name} refers back to a module being loaded")
        return manager.ast_from_module_name(name)

    stored = module_cache.read_entry(cache, modname, located.file, still_true, none_built_yet)
    if stored is None:
        return None
    facts, data = stored
    _LOADING.add(modname)
    try:
        modules = module_cache.load_modules(data, referred_module)
    except module_cache.NotStorable as error:
        LOG.debug("flake8-async-tests: %s not loaded: %s", modname, error)
        return None
    except Exception as error:  # a stored tree astroid's classes no longer fit: a miss
        if raise_internal_errors():
            raise
        LOG.debug("flake8-async-tests: cannot load %s from the cache: %r", modname, error)
        return None
    finally:
        _LOADING.discard(modname)
    CACHE_STATS["loaded"] += len(modules)
    for module in modules:
        manager.astroid_cache[module.name] = module
        if module.file:
            _MODULE_FACTS[(module.name, os.path.normpath(module.file))] = facts
    _note(facts)
    return modules[0]


def forget_file_modules() -> None:
    """Drop every module built from a file, as a new process would start (for the tests)."""
    for name, module in list(MANAGER.astroid_cache.items()):
        if module.file:
            del MANAGER.astroid_cache[name]
    _MODULE_FACTS.clear()
    _FILE_MODULES.clear()


def _is_built_from(module: nodes.Module, located: imports.Located) -> bool:
    if located.kind == "namespace":
        return module.file is None and tuple(module.path or ()) == located.locations
    return bool(module.file) and os.path.normpath(module.file) == located.file


def _failed_import(manager: AstroidManager, modname: str) -> nodes.Module:
    """What astroid does when a name is not found: its brains may still provide the module
    (`six.moves`); otherwise ImportError, as Python would raise."""
    for hook in manager._failed_import_hooks:
        try:
            return hook(modname)
        except astroid.AstroidBuildingError:
            continue
    raise astroid.AstroidImportError("No module named {modname}", modname=modname)


def _load_standard_library_module_only(dotted_name: str):
    """The one place where astroid imports a module for real (built-in and C extension
    modules, to read them): allowed for the interpreter's own modules, refused otherwise."""
    if dotted_name not in sys.modules and dotted_name not in sys.builtin_module_names:
        located = imports.locate(dotted_name, (), _LIBRARY_PATH)
        if located is None or not located.file or not imports.is_standard_library_file(located.file):
            raise ImportError(f"flake8-async-tests does not import {dotted_name!r}")
    return _ASTROID_LOAD_MODULE(dotted_name)


def _never_import_while_linting() -> None:
    """Install the hooks above, and drop the brains that import the module they describe
    (astroid's `gi` brain calls `__import__`). Process-wide: astroid is only used here."""
    AstroidManager.ast_from_module_name = _ast_from_module_name
    astroid_manager_module.load_module_from_name = _load_standard_library_module_only
    MANAGER._failed_import_hooks[:] = [
        hook for hook in MANAGER._failed_import_hooks
        if not getattr(hook, "__module__", "").endswith("brain_gi")
    ]


_never_import_while_linting()


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
