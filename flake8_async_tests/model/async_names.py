"""Which names can be the name of a coroutine function: a text index that lets inference skip
calls that cannot create a coroutine.

Why: inferring the callee of every call in a test suite is most of the plugin's cost, and most
calls (`len(x)`, `self.assertEqual(...)`, `m.assert_called_once()`, `parser.feed_data(...)`)
call functions whose name no `async def` anywhere carries. A call `x.fetch(1)` can only create a
coroutine if some reachable `async def` is named `fetch`, or if `fetch` is bound dynamically
(an `AsyncMock()` assigned to an attribute, an alias, a `functools.partial`), which the linted
module shows. So a call is inferred only when its callee's name is:

* the name of an `async def` in the project (every `*.py` under the rootdir, read as text), in
  the linted source itself, in asyncio, or in a top-level package that a project file imports
  (found on `sys.path` without importing it, read as text); or
* a name the linted module binds by assignment, parameter or import alias (`fetch = client.get`,
  `self.fetch = AsyncMock()`, `from app import get_user as fetch_user`).

What this misses, knowingly: a coroutine function of a package that no project file imports by
name, reached through objects another package returns. The index only ever removes candidates:
a name in it still needs inference to be reported.

Everything is read once per process; a tree too large to read disables the filter.
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from astroid import nodes

ASYNC_DEF = re.compile(rb"\basync[ \t]+def[ \t]+(\w+)")
IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(\w+)|import[ \t]+([\w \t,.]+))", re.MULTILINE)
#: Directories of a project that hold no project code: virtual environments, caches, VCS data,
#: build output. (Inside an installed package, only __pycache__ is skipped.)
PROJECT_SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".mypy_cache",
     ".pytest_cache", "__pycache__", "node_modules", "build", "dist", "site-packages", ".eggs"}
)
PACKAGE_SKIPPED_DIRECTORIES = frozenset({"__pycache__"})
#: Above this much Python text under one root, reading it costs more than it saves: no filter.
MAX_BYTES = 400 * 1024 * 1024
#: Packages every async project reaches, imported by name or not.
ALWAYS_INDEXED = ("asyncio",)


class AsyncNames:
    """The async def names of one project and of the packages it imports."""

    def __init__(self, rootdir: Path) -> None:
        names, imported, complete = _scan_tree(rootdir, PROJECT_SKIPPED_DIRECTORIES)
        self.complete = complete
        for package in sorted(imported | set(ALWAYS_INDEXED)):
            if (rootdir / package).exists() or (rootdir / "src" / package).exists():
                continue  # the project's own package: already read
            package_names = _package_async_names(package)
            if package_names is None:
                self.complete = False
                break
            names |= package_names
        self.names = frozenset(names)

    def covers(self, name: str) -> bool:
        """May `name` be the name of a coroutine function? (always, when the index is
        incomplete)"""
        return not self.complete or name in self.names


def source_async_names(source: str) -> frozenset[str]:
    """The async def names in one module's text (an editor's unsaved buffer, say)."""
    return frozenset(m.decode() for m in ASYNC_DEF.findall(source.encode("utf-8", "replace")))


def dynamic_names(module: nodes.Module) -> frozenset[str]:
    """Names the module binds to values inference must look at: assigned names and attributes,
    parameters, and import aliases (`from app import get_user as fetch_user`)."""
    found: set[str] = set()
    for node in module.nodes_of_class((nodes.AssignName, nodes.AssignAttr, nodes.ImportFrom,
                                       nodes.Import)):
        if isinstance(node, nodes.AssignName):
            found.add(node.name)
        elif isinstance(node, nodes.AssignAttr):
            found.add(node.attrname)
        else:
            found.update(alias for _original, alias in node.names if alias)
    return frozenset(found)


def callee_name(expression: nodes.NodeNG) -> str | None:
    """The name a callee expression ends in (`fetch` for `self.client.fetch`); None for other
    shapes (`partial(f)()`, `handlers[0]()`), which are always inferred."""
    if isinstance(expression, nodes.Name):
        return expression.name
    if isinstance(expression, nodes.Attribute):
        return expression.attrname
    return None


# -- reading text --------------------------------------------------------------------------


def _scan_tree(root: Path, skipped: frozenset[str]) -> tuple[set[str], set[str], bool]:
    """(async def names, top-level imported names, complete) of the *.py files under root."""
    names: set[str] = set()
    imported: set[str] = set()
    total = 0
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = [d for d in subdirectories
                             if d not in skipped and not d.endswith(".egg-info")]
        for file in files:
            if not file.endswith(".py"):
                continue
            text = _read(os.path.join(directory, file))
            total += len(text)
            if total > MAX_BYTES:
                return names, imported, False
            names.update(m.decode() for m in ASYNC_DEF.findall(text))
            imported |= _imported_packages(text)
    return names, imported, True


def _imported_packages(text: bytes) -> set[str]:
    found = set()
    for match in IMPORT.finditer(text):
        if match.group(1):
            found.add(match.group(1).decode())
        else:
            for part in match.group(2).decode().split(","):
                words = part.split()
                if words:
                    found.add(words[0].split(".")[0])
    return found


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


@lru_cache(maxsize=None)
def _package_async_names(package: str) -> frozenset[str] | None:
    """The async def names of an installed package or module (empty when it is not found or has
    no Python source); None when it is too large to read."""
    if not package.isidentifier() or package in sys.builtin_module_names:
        return frozenset()
    try:
        spec = importlib.machinery.PathFinder.find_spec(package, sys.path)
    except (ImportError, ValueError, OSError):
        return frozenset()
    if spec is None:
        return frozenset()
    if spec.submodule_search_locations:
        names: set[str] = set()
        for location in spec.submodule_search_locations:
            found, _imports, complete = _scan_tree(Path(location), PACKAGE_SKIPPED_DIRECTORIES)
            if not complete:
                return None
            names |= found
        return frozenset(names)
    if spec.origin and spec.origin.endswith(".py"):
        return frozenset(m.decode() for m in ASYNC_DEF.findall(_read(spec.origin)))
    return frozenset()
