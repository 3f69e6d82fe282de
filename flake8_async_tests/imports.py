"""Where a dotted module name lives, found by looking at files only — never by importing.

Why the plugin finds modules itself instead of letting astroid (or Python) do it: the code being
linted must never run, and both of the usual finders can run it.
* astroid asks `importlib.util.find_spec` about a dotted name whose first part is named like a
  standard-library module (`secrets.Vault`, `http.client2`, `turtle.missing`), and that
  *imports* the parent package through `sys.path`: a project's `secrets.py` would run (and
  a real `antigravity` or `this` would open a browser or print);
* astroid loads C extensions that are named like standard-library ones (a project's
  `syslog.so`);
* `sys.path` often holds the project itself (`python -m flake8` puts the working directory
  first), so any import made while linting could pick up the project's modules.
So the project's import roots are never put on `sys.path`; `locate` walks the directories
the way Python's path finder would (a package's `__init__` beats a module file, an extension
beats source, namespace portions are joined across directories), and says what it found.
Facts about modules are keyed by the file found here, not by the dotted name, so that two
projects with an `app/api.py` each never share one.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache

EXTENSION_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
#: Python's own order within one directory: extensions, then source, then bytecode.
SUFFIXES = (
    [(suffix, "extension") for suffix in EXTENSION_SUFFIXES]
    + [(suffix, "source") for suffix in importlib.machinery.SOURCE_SUFFIXES]
    + [(suffix, "compiled") for suffix in importlib.machinery.BYTECODE_SUFFIXES]
)
LIBRARY_DIRECTORY_NAMES = frozenset({"site-packages", "dist-packages"})
#: Modules that exist only as an attribute set at run time; astroid knows them without importing.
RUNTIME_ALIASES = frozenset({"os.path"})
#: Longer dotted names are not module names anyone writes (a patch target of 10,000 parts).
MAX_PARTS = 32


@dataclass(frozen=True)
class Located:
    """What a dotted name is on disk.

    kind: "source" (a .py module or a package's __init__.py), "namespace" (directories
    without __init__), "extension" (a compiled module: never loaded from a project),
    "compiled" (bytecode only: not readable), or "missing" (its first part exists, the rest
    does not: Python would raise ImportError, and so does the plugin, without asking
    anyone else)."""

    kind: str
    file: str | None = None
    #: the package's directories (its `__path__`), empty for a plain module
    locations: tuple[str, ...] = ()

    @property
    def is_package(self) -> bool:
        return bool(self.locations)


MISSING = Located("missing")


def locate(modname: str, project_roots: tuple[str, ...], library_path: tuple[str, ...]) -> Located | None:
    """Where `modname` is, searching the project's roots first, then the library path.

    None when its first part is no file or directory anywhere (a built-in module, a module that
    only an import hook provides): only then may astroid's own finder be asked."""
    if modname in RUNTIME_ALIASES:
        return None
    parts = modname.split(".")
    if len(parts) > MAX_PARTS or not all(part.isidentifier() for part in parts):
        return MISSING
    if parts[0] in sys.builtin_module_names:
        return None
    found = _find(parts[0], project_roots + library_path)
    if found is None:
        return None
    for part in parts[1:]:
        if not found.is_package:
            return MISSING
        found = _find(part, found.locations)
        if found is None:
            return MISSING
    return found


@lru_cache(maxsize=4096)
def _find(name: str, directories: tuple[str, ...]) -> Located | None:
    """Python's path-based finder for one name over `directories`, from the file system only."""
    portions: list[str] = []
    for directory in directories:
        package = os.path.join(directory, name)
        if os.path.isdir(package):
            for suffix, kind in SUFFIXES:
                init = os.path.join(package, "__init__" + suffix)
                if os.path.isfile(init):
                    return Located(kind, init, (package,))
            portions.append(package)
        for suffix, kind in SUFFIXES:
            candidate = package + suffix
            if os.path.isfile(candidate):
                return Located(kind, candidate)
    if portions:
        return Located("namespace", None, tuple(portions))
    return None


def _under_any(path: str, roots) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


# -- the interpreter's own path, without the project -----------------------------------------


@lru_cache(maxsize=None)
def _standard_library_directories() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    return tuple(sorted({os.path.normpath(paths[key]) for key in ("stdlib", "platstdlib") if key in paths}))


def is_standard_library_file(path: str) -> bool:
    """A file of the interpreter's standard library (not of a site-packages below it)."""
    path = os.path.normpath(path)
    return _under_any(path, _standard_library_directories()) and not (
        LIBRARY_DIRECTORY_NAMES & set(path.split(os.sep))
    )


def library_path(project_roots: tuple[str, ...], working_directory: str) -> tuple[str, ...]:
    """`sys.path` without the entries through which project code could be found.

    Dropped: relative entries and '' (the working directory, which `python -m flake8` puts
    first), the working directory itself, the project's roots, and anything below those —
    except installed-library directories (a virtualenv inside the project is common) and the
    standard library."""
    unsafe = tuple(os.path.normpath(root) for root in (*project_roots, working_directory))
    kept: list[str] = []
    for entry in sys.path:
        if not entry or not os.path.isabs(entry):
            continue
        normal = os.path.normpath(entry)
        if _under_any(normal, unsafe) and not _is_library_directory(normal):
            continue
        if normal not in kept:
            kept.append(normal)
    return tuple(kept)


def _is_library_directory(path: str) -> bool:
    if LIBRARY_DIRECTORY_NAMES & set(path.split(os.sep)):
        return True
    return path in _standard_library_directories() or is_standard_library_file(path)
