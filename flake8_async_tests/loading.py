"""Where astroid gets a module: located from files, loaded from the cache, or built.

Why this sits between astroid and the disk: the linted project's code must never run, and two
projects' modules must never be confused (see imports.py); and a fresh flake8 process per file
must not rebuild the same library modules again (see cache/). Every `ast_from_module_name`
of astroid's — its own, its brains', this plugin's — comes here: the name is located by
`imports.locate` over the project's roots and a `sys.path` without them; a module found on
disk is loaded from the cache when every fact its stored build rested on still holds, else built
by astroid from its file (and stored); only names with no file at all reach astroid's finder.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import astroid
from astroid import manager as astroid_manager_module
from astroid import nodes
from astroid.manager import AstroidManager

from . import budget, imports, memory
from .cache import modules as module_cache
from .cache.store import CacheFolder
from .inference import LOG, MANAGER, forget_files_read, raise_internal_errors

#: The linted project's import roots, sys.path without them, and the project's module cache,
#: while a file is analysed.
_PROJECT_ROOTS: tuple[str, ...] = ()
_LIBRARY_PATH: tuple[str, ...] = ()
_MODULE_CACHE: CacheFolder | None = None
#: The sys.path astroid's own finder caches were filled under.
_FINDER_PATH: tuple[str, ...] | None = None


@contextmanager
def project_imports(roots: list[str], cache: CacheFolder | None = None) -> Iterator[None]:
    """Resolve imports from the project's `roots` (pytest's order), then the interpreter's path;
    reuse and store built modules in `cache`.

    The roots are searched by `imports.locate`, from files, and never put on `sys.path`; for
    the time of the analysis `sys.path` itself loses every entry through which the project's
    code could be imported (`imports.library_path`), so that nothing imported while linting —
    by astroid, a brain or this plugin — can be the project's code."""
    global _PROJECT_ROOTS, _LIBRARY_PATH, _MODULE_CACHE, _FINDER_PATH
    saved = (_PROJECT_ROOTS, _LIBRARY_PATH, _MODULE_CACHE, list(sys.path))
    _PROJECT_ROOTS = tuple(os.path.normpath(root) for root in roots)
    library = imports.library_path(_PROJECT_ROOTS, os.getcwd())
    if library != _FINDER_PATH:
        _forget_finder_caches()
        _FINDER_PATH = library
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
    library = _LIBRARY_PATH or imports.library_path((), os.getcwd())  # outside any analysis
    located = imports.locate(modname, _PROJECT_ROOTS, library)
    if _BUILDS:  # most calls come from the rules' inference, with no build under way
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
    else built by astroid (and stored, with the modules of its import cycle). Its cost is not
    charged to the analysis's time bounds (budget.py): a cold cache must not change a finding."""
    with budget.reading():
        return _read_module(manager, modname, located)


def _read_module(manager: AstroidManager, modname: str, located: imports.Located) -> nodes.Module:
    identity = module_cache.file_identity(located.file)
    if identity is not None and identity[1] > MAX_MODULE_BYTES:
        _note(module_cache.Facts(files={identity}))  # what imports it is rebuilt when it shrinks
        _say_too_large(located.file)
        return _failed_import(manager, modname)
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


#: Modules larger than this are not read: what they define is unknown to the rules. The
#: largest real modules met are ~0.6 MB (libcst's matchers; telegram's _bot.py, 0.6 s to
#: build; redis-py's commands/core.py, 0.4 MB, 0.5 s); a generated 3.7 MB module cost 96 s
#: and 1 GB (its build, pickling it for the cache, and the rules' lookups in it).
MAX_MODULE_BYTES = 1024 * 1024
_SAID_TOO_LARGE: set[str] = set()


def _say_too_large(path: str) -> None:
    if path not in _SAID_TOO_LARGE:
        _SAID_TOO_LARGE.add(path)
        LOG.warning("flake8-async-tests: %s is larger than %d MB; what it defines is not read "
                    "(findings that depend on it are not reported)", path, MAX_MODULE_BYTES >> 20)


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
    _note(facts, settled=True)
    return modules[0]


def release_failed_lookups() -> None:
    """Let go of the frames astroid's memo of failed imports holds.

    astroid remembers each name it could not find (`_mod_file_cache`) as the exception it
    raised; the exception's traceback holds every frame of the lookup, down to the rule that
    asked and the linted module it was looking at, so each such module stayed alive for the
    rest of the process; so did the errors it wraps, through their `target`, `context` and
    `mros` (an AttributeInferenceError names the class it looked in). The memo is kept (it
    saves the next lookup); its tracebacks and the nodes its errors name are not (astroid only
    formats them into a message)."""
    for value in list(MANAGER._mod_file_cache.values()):
        pending = [value] if isinstance(value, BaseException) else []
        seen: set[int] = set()
        while pending:  # the error, its cause and context, the errors it wraps (`.error`)
            error = pending.pop()
            if id(error) in seen:
                continue
            seen.add(id(error))
            error.__traceback__ = None
            pending += [inner for inner in (error.__cause__, error.__context__, *vars(error).values())
                        if isinstance(inner, BaseException)]
            for name, attribute in list(vars(error).items()):
                if not isinstance(attribute, (BaseException, str, int, float, bool, type(None))):
                    setattr(error, name, None)


memory.forget_on_restart(MANAGER._mod_file_cache.clear)


def forget_file_modules(keep_standard_library: bool = False) -> None:
    """Drop every module read from a file, as a new process would start (the tests, and a
    worker starting afresh: memory.py). The standard library's may stay: shared by every
    project, and never changed by one."""
    cache = MANAGER.astroid_cache
    for name, module in list(cache.items()):
        files = [module.file] if module.file else list(getattr(module, "path", None) or ())
        if files and not (keep_standard_library and all(map(imports.is_standard_library_file, files))):
            del cache[name]
    for key in [key for key in _MODULE_FACTS if key[0] not in cache]:
        del _MODULE_FACTS[key]
    forget_files_read()


memory.forget_on_restart(lambda: forget_file_modules(keep_standard_library=True))


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
