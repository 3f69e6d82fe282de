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
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import astroid
from astroid import nodes
from astroid import manager as astroid_manager_module
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager
from astroid.rebuilder import TreeRebuilder

from . import imports

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
    if module is not None:
        return module
    try:
        return AstroidBuilder(MANAGER, apply_transforms=False).string_build(source, modname, path)
    except Exception as error:
        # SyntaxError: flake8 reports it (E999); RecursionError: a pathologically deep
        # expression that astroid's builder cannot handle. Both mean: no findings for this file.
        if raise_internal_errors() and not isinstance(
            error, (SyntaxError, RecursionError, astroid.AstroidError)
        ):
            raise
        LOG.debug("flake8-async-tests: cannot build %s: %r", path, error)
        return None


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
    This is process-wide: flake8's process is the plugin's, and astroid is only used here."""
    original = getattr(AstroidBuilder, "delayed_assattr", None)
    if original is None or getattr(original, "_self_attributes_only", False):
        return

    def delayed_assattr(self, node):
        if _is_self_or_cls(node.expr):
            original(self, node)

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

#: The linted project's import roots, and sys.path without them, while a file is analysed.
_PROJECT_ROOTS: tuple[str, ...] = ()
_LIBRARY_PATH: tuple[str, ...] = ()


@contextmanager
def project_imports(roots: list[str]) -> Iterator[None]:
    """Resolve imports from the project's `roots` (pytest's order), then the interpreter's path.

    The roots are searched by `imports.locate`, from files, and never put on `sys.path`; for
    the time of the analysis `sys.path` itself loses every entry through which the project's
    code could be imported (`imports.library_path`), so that nothing imported while linting —
    by astroid, a brain or this plugin — can be the project's code."""
    global _PROJECT_ROOTS, _LIBRARY_PATH
    saved = (_PROJECT_ROOTS, _LIBRARY_PATH, list(sys.path))
    _PROJECT_ROOTS = tuple(os.path.normpath(root) for root in roots)
    library = imports.library_path(_PROJECT_ROOTS, os.getcwd())
    if library != _LIBRARY_PATH:
        _forget_finder_caches()
    _LIBRARY_PATH = library
    sys.path[:] = library
    try:
        yield
    finally:
        _PROJECT_ROOTS, _LIBRARY_PATH, sys.path[:] = saved


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
    cached = self.astroid_cache.get(modname)
    if located is None:
        if cached is not None and cached.file and not imports.is_standard_library_file(cached.file):
            del self.astroid_cache[modname]  # found from a file before, in another project
        return _ASTROID_AST_FROM_MODULE_NAME(self, modname, None, use_cache)
    if located.kind in ("missing", "compiled"):
        return _failed_import(self, modname)
    if located.kind == "extension":
        if imports.is_standard_library_file(located.file):
            return _ASTROID_AST_FROM_MODULE_NAME(self, modname, None, use_cache)
        return self._build_stub_module(modname)
    if cached is not None:
        if use_cache and _is_built_from(cached, located):
            return cached
        del self.astroid_cache[modname]
    if located.kind == "namespace":
        module = self._build_namespace_module(modname, list(located.locations))
        self.cache_module(module)
        return module
    return self.ast_from_file(located.file, modname, fallback=False)


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
