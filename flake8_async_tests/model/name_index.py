"""Which names the reachable code defines, and how: a text index that lets inference skip
expressions that cannot matter to a rule.

Why: inferring the callee of every call in a test suite is most of the plugin's cost, and most
calls (`len(x)`, `self.assertEqual(...)`, `m.assert_called_once()`, `parser.feed_data(...)`)
call functions whose name no `async def` anywhere carries. A call `x.fetch(1)` can only create a
coroutine if some reachable `async def` is named `fetch`, or if `fetch` is bound dynamically
(an `AsyncMock()` assigned to an attribute, an alias, a `functools.partial`), which the linted
module shows. Likewise `await x.close()` can only await a sync function's plain result if some
sync `def close` exists, and `with X()` can only enter an async-only context manager if `X` is
an async def or a class of a module that defines `__aenter__`.

The names are read as text from every `*.py` under the project's rootdir, from asyncio, and
from each top-level package that a project file imports (found from files as the analysis
finds it, never imported); the linted module adds its own source, and the names it binds by
assignment, parameter or import alias, which are always inferred (`fetch = client.get`,
`self.fetch = AsyncMock()`, `from app import get_user as fetch_user`).

What this misses, knowingly: a function of a package that no project file imports by name,
reached through objects another package returns. The index only ever removes candidates: a
name in it still needs inference to be reported.

Everything is read once per process, and what each file defines is kept in the cache folder
(keyed by its size and mtime), so a later process reads only the files that changed; a tree too
large to read disables the filter.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from astroid import nodes

from .. import imports, memory
from ..cache.store import CacheFolder

ASYNC_DEF = re.compile(rb"\basync[ \t]+def[ \t]+(\w+)")
SYNC_DEF = re.compile(rb"^[ \t]*def[ \t]+(\w+)", re.MULTILINE)
CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
ASYNC_PROTOCOL = re.compile(rb"\bdef[ \t]+__a(?:enter|iter|next)__\b")
IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(\w+)|import[ \t]+([\w \t,.]+))", re.MULTILINE)
#: Directories of a project that hold no project code: virtual environments, caches, VCS data,
#: build output. (Inside an installed package, only __pycache__ is skipped.)
PROJECT_SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".mypy_cache",
     ".pytest_cache", "__pycache__", "node_modules", "build", "dist", "site-packages", ".eggs"}
)
PACKAGE_SKIPPED_DIRECTORIES = frozenset({"__pycache__"})
#: Above this much Python text, or this many directories, under one root, reading it costs more
#: than it saves (a rootdir that is really a home directory, or `/`): no filter. The largest
#: project met (sqlalchemy) has 21 MB in 99 directories, read in 0.7 s; `/` under the old
#: limits (400 MB, 20,000 directories) took 16.5 s of CPU to read.
MAX_BYTES = 64 * 1024 * 1024
MAX_DIRECTORIES = 2_000
#: Packages every async project reaches, imported by name or not.
ALWAYS_INDEXED = ("asyncio",)


@dataclass
class Names:
    """The names one body of code defines, by kind."""

    async_defs: set[str] = field(default_factory=set)
    sync_defs: set[str] = field(default_factory=set)
    #: classes of modules that define `__aenter__`, `__aiter__` or `__anext__`
    async_protocol_classes: set[str] = field(default_factory=set)

    def add_text(self, text: bytes) -> None:
        self.async_defs.update(m.decode() for m in ASYNC_DEF.findall(text))
        self.sync_defs.update(m.decode() for m in SYNC_DEF.findall(text))
        if ASYNC_PROTOCOL.search(text):
            self.async_protocol_classes.update(m.decode() for m in CLASS.findall(text))

    def add(self, other: "Names") -> None:
        self.async_defs |= other.async_defs
        self.sync_defs |= other.sync_defs
        self.async_protocol_classes |= other.async_protocol_classes


class NameIndex:
    """The names a project and the packages it imports define; `complete` is False when a tree
    was too large to read, and then every name may be anything."""

    def __init__(self, rootdir: Path, roots: tuple[str, ...] = (), cache: CacheFolder | None = None) -> None:
        """`roots`: the project's import roots, searched before `sys.path` (as the analysis
        does; see imports.locate). `cache`: where what each file defines is kept between runs."""
        self.names, imported, self.complete = _scan_tree(rootdir, PROJECT_SKIPPED_DIRECTORIES, cache)
        #: the top-level packages the project's files import by name
        self.imported: frozenset[str] = frozenset(imported)
        for package in sorted(imported | set(ALWAYS_INDEXED)):
            located = _locate_package(package, roots)
            if located is None or _is_under(located, rootdir):
                continue  # nothing to read, or the project's own code: already read
            package_names = _located_names(located, cache)
            if package_names is None:
                self.complete = False
                break
            self.names.add(package_names)


def source_names(source: str) -> Names:
    """The names one module's text defines (an editor's unsaved buffer, say)."""
    return source_names_of(source.encode("utf-8", "replace"))


def source_names_of(text: bytes) -> Names:
    names = Names()
    names.add_text(text)
    return names


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


def _scan_tree(root: Path, skipped: frozenset[str], cache: CacheFolder | None = None
               ) -> tuple[Names, set[str], bool]:
    """(names, top-level imported names, complete) of the *.py files under root."""
    names = Names()
    imported: set[str] = set()
    total = 0
    memo = _TreeMemo(root, cache)
    for count, (directory, subdirectories, files) in enumerate(os.walk(root)):
        if count > MAX_DIRECTORIES:
            return names, imported, False
        subdirectories[:] = [d for d in subdirectories
                             if d not in skipped and not d.endswith(".egg-info")]
        for file in files:
            if not file.endswith(".py"):
                continue
            found, file_imports, size = memo.names_of(os.path.join(directory, file))
            total += size
            if total > MAX_BYTES:
                return names, imported, False
            names.add(found)
            imported |= file_imports
    memo.save()
    return names, imported, True


class _TreeMemo:
    """What each file under one directory defines, kept in the cache folder between runs and
    reused while the file's size and mtime are unchanged: a run reads only what changed."""

    def __init__(self, root: Path, cache: CacheFolder | None) -> None:
        self.root = str(root)
        self.cache = cache
        stored = cache.read("names", self.root) if cache is not None else None
        self.stored: dict = stored[0] if stored is not None and isinstance(stored[0], dict) else {}
        self.seen: dict = {}

    def names_of(self, path: str) -> tuple[Names, frozenset[str], int]:
        try:
            status = os.stat(path)
            identity = (status.st_size, status.st_mtime_ns)
        except OSError:
            identity = None
        entry = self.stored.get(path)
        if identity is None or entry is None or entry[0] != identity:
            text = _read(path)
            entry = (identity, (source_names_of(text), frozenset(imported_packages(text)), len(text)))
        self.seen[path] = entry
        return entry[1]

    def save(self) -> None:
        if self.cache is not None and self.seen != self.stored:
            self.cache.write("names", self.root, self.seen)


def imported_packages(text: bytes) -> set[str]:
    """The top-level names a module's text imports (`import a.b` and `from a.b import c`: `a`)."""
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


def _locate_package(package: str, roots: tuple[str, ...]) -> imports.Located | None:
    """An imported package or module, found from files the way the analysis finds it; None
    when it is not found or has no Python source."""
    if not package.isidentifier():
        return None
    located = imports.locate(package, roots, tuple(sys.path))
    if located is None or located.kind not in ("source", "namespace"):
        return None
    return located


def _is_under(located: imports.Located, directory: Path) -> bool:
    places = located.locations or (located.file,)
    return all(Path(place).is_relative_to(directory) for place in places if place)


@memory.forget_on_restart
def _forget_packages_read() -> None:
    _located_names.cache_clear()


@lru_cache(maxsize=None)
def _located_names(located: imports.Located, cache: CacheFolder | None = None) -> Names | None:
    """The names a located package or module defines; None when it is too large to read."""
    names = Names()
    if located.is_package:
        for location in located.locations:
            found, _imports, complete = _scan_tree(Path(location), PACKAGE_SKIPPED_DIRECTORIES, cache)
            if not complete:
                return None
            names.add(found)
    elif located.file:
        names.add_text(_read(located.file))
    return names
