"""Built modules that outlive a process: the astroid trees of the modules a linted file reaches.

(The folder, its signing and atomic writes are `store.py`; this is what goes into it for a
module, and when it may be used.)

Why: editors and pre-commit start a fresh flake8 for every file, and almost all of the
plugin's cost was astroid building the same library modules again (asyncio, unittest.mock, the
project's own package). Here each module built from a file is stored after its build, and the
next process loads it instead of building it.

What makes an entry valid — it must equal what a fresh build would give:
* the module's own file (path, size, mtime in ns), the Python, astroid and plugin versions
  (the plugin's own source is hashed: a changed plugin never reads old entries);
* every fact its build consulted (`Facts`): the identity of each module file it read, its own
  and those of the modules it built or loaded meanwhile, transitively; and where each module
  name it asked for was found (`imports.locate`), so that a new file shadowing a name
  invalidates what was built without it. A module whose build saw another one half-built
  (an import cycle met during inference) depends on that build: it is stored with it, the
  whole cycle as one entry, and loaded only whole (asyncio's 20 modules are one entry).

What is stored: the module as astroid left it after its transforms and post-build steps, minus
values astroid memoises on nodes (recomputed on demand), with each inference tip a brain set
stored as the brain function it wraps. References to other modules are stored by name and
resolved through the import machinery on load; a module that refers into another module's
nodes is not stored.
"""

from __future__ import annotations

import copyreg
import functools
import io
import logging
import os
import pickle
import sys
import types
from dataclasses import dataclass, field

import astroid
from astroid import nodes
from astroid.inference_tip import _inference_tip_cached
from astroid.util import Uninferable

from .store import CacheFolder

LOG = logging.getLogger("flake8_async_tests")


# -- facts ------------------------------------------------------------------------------------


def file_identity(path: str) -> tuple[str, int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (path, status.st_size, status.st_mtime_ns)


@dataclass
class Facts:
    """What a module's build consulted: file identities, and where names were found."""

    files: set[tuple[str, int, int]] = field(default_factory=set)
    #: (module name, where imports.locate found it: a file, a namespace's directories, a kind)
    names: set[tuple[str, object]] = field(default_factory=set)
    #: saw a module whose own facts are not known (built by astroid on its own, or found
    #: through an import hook): a build that rests on it is not stored
    unstorable: bool = False

    def add(self, other: "Facts") -> None:
        self.files |= other.files
        self.names |= other.names
        self.unstorable |= other.unstorable


# -- pickling astroid trees -------------------------------------------------------------------


class NotStorable(Exception):
    """The module refers into another module's nodes, or holds something unpicklable."""


@functools.lru_cache(maxsize=None)
def _memoised_names(cls: type) -> frozenset[str]:
    """The names of `functools.cached_property` values on instances of an astroid class."""
    names = set()
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if isinstance(value, functools.cached_property):
                names.add(value.attrname or name)
    return frozenset(names)


def _is_cached(module: nodes.Module) -> bool:
    """A module astroid shares under its name; the others (trees a brain parsed from a string
    of its own) belong to whatever refers to them, and are stored with it."""
    return astroid.MANAGER.astroid_cache.get(module.name) is module


def _tip_function(tip) -> object:
    """The brain function behind an inference tip (`_inference_tip_cached(func)`)."""
    for cell in tip.__closure__ or ():
        if callable(cell.cell_contents):
            return cell.cell_contents
    raise NotStorable(f"inference tip {tip!r} wraps no function")


@functools.lru_cache(maxsize=None)
def _registered_tips() -> tuple[dict[int, tuple[str, int]], dict[tuple[str, int], object]]:
    """The inference functions astroid's brains registered as transforms, under stable names
    (node class, position): brains register them when astroid is imported, in a fixed order
    for one astroid version, so a name means the same function in every process. Many are
    closures (`register_builtin_transform`), which pickle cannot store by reference."""
    by_id: dict[int, tuple[str, int]] = {}
    by_name: dict[tuple[str, int], object] = {}
    for node_class, entries in astroid.MANAGER._transform.transforms.items():
        for position, (transform, _predicate) in enumerate(entries):
            function = (getattr(transform, "__defaults__", None) or (None,))[0]
            if callable(function):
                name = (node_class.__name__, position)
                by_id.setdefault(id(function), name)
                by_name[name] = function
    return by_id, by_name


def _memoised_value(function: types.FunctionType):
    """brain_typing replaces a node's inference by `lambda node, context: iter([value])` once
    it has inferred it (typing.Generic, a special alias): that value, or NotStorable."""
    cells = function.__closure__ or ()
    if function.__module__ != "astroid.brain.brain_typing" or len(cells) != 1 \
            or function.__code__.co_varnames[:2] != ("node", "context"):
        raise NotStorable(f"a lambda of {function.__module__}")
    return cells[0].cell_contents


def _fixed_inference(value):
    return lambda node, context=None: iter([value])


def _registered_tip(name: tuple[str, int]):
    return _inference_tip_cached(_registered_tips()[1][name])


class _ModulePickler(pickle.Pickler):
    """Stores a group of modules (one, or an import cycle) by value; every other module it
    refers to by name. Everything is decided in `reducer_override`, which pickle calls only for
    objects it has no fast path for (not for strings, numbers, lists, dicts...)."""

    def __init__(self, stream, modules: list[nodes.Module]) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.group = {id(module) for module in modules}
        #: every node of the group's trees: the others are checked for where they belong
        self.own = {id(node) for module in modules for node in module.nodes_of_class(nodes.NodeNG)}

    def reducer_override(self, obj):
        if isinstance(obj, nodes.NodeNG):
            if id(obj) not in self.own:
                root = obj.root()
                if id(root) not in self.group and isinstance(root, nodes.Module) and _is_cached(root):
                    if obj is root:
                        return (_referred_module, (obj.name,))
                    raise NotStorable(f"refers to {obj!r} of module {root.name}")
            state = obj.__dict__
            skipped = _memoised_names(type(obj))
            if not skipped.isdisjoint(state):
                state = {key: value for key, value in state.items() if key not in skipped}
            return (copyreg.__newobj__, (type(obj),), state)
        if obj is Uninferable:
            return (_uninferable, ())
        if callable(obj) and getattr(obj, "__qualname__", "") == "_inference_tip_cached.<locals>.inner":
            name = _registered_tips()[0].get(id(_tip_function(obj)))
            if name is None:
                raise NotStorable(f"inference tip {obj!r} is not a registered brain's")
            return (_registered_tip, (name,))
        if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
            return (_fixed_inference, (_memoised_value(obj),))
        return NotImplemented


def _uninferable():
    return Uninferable


#: How a module being loaded gets the other modules its stored form names (set by load_modules).
_IMPORT_MODULE = None


def _referred_module(name: str) -> nodes.Module:
    if _IMPORT_MODULE is None:
        raise pickle.UnpicklingError(f"no way to import {name}")
    return _IMPORT_MODULE(name)


def dump_modules(modules: list[nodes.Module]) -> bytes:
    stream = io.BytesIO()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # trees are deep; pickling recurses per node
    try:
        _ModulePickler(stream, modules).dump(modules)
    except NotStorable:
        raise
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as error:
        raise NotStorable(repr(error)) from error
    finally:
        sys.setrecursionlimit(limit)
    return stream.getvalue()


def load_modules(data: bytes, import_module) -> list[nodes.Module]:
    """The modules of an entry; `import_module(name)` gives the other modules it refers to."""
    global _IMPORT_MODULE
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    saved, _IMPORT_MODULE = _IMPORT_MODULE, import_module
    try:
        return pickle.loads(data)
    finally:
        _IMPORT_MODULE = saved
        sys.setrecursionlimit(limit)


def read_entry(folder: CacheFolder, modname: str, path: str, valid,
               members_fit) -> tuple[Facts, bytes] | None:
    """(facts, modules' bytes) of a stored build of `modname` from `path`, when `valid(facts)`
    holds and `members_fit(names of the other modules of its import cycle)`; else None."""
    stored = folder.read("modules", f"{modname}\0{path}")
    if stored is None:
        return None
    header, payload = stored
    try:
        stored_name, stored_path, files, names, members = header
        if (stored_name, stored_path) != (modname, path):
            return None
        facts = Facts(set(files), set(names))
    except (TypeError, ValueError):
        return None
    if not valid(facts) or not members_fit(members):
        return None
    return facts, payload


def write_entry(folder: CacheFolder, modname: str, path: str, facts: Facts,
                modules: list[nodes.Module]) -> int:
    """Store `modules[0]` (built from `path`) with the modules of its import cycle; how many
    modules were stored."""
    if not folder.writable:
        return 0
    try:
        data = dump_modules(modules)
    except NotStorable as error:
        LOG.debug("flake8-async-tests: %s is not stored: %s", modname, error)
        return 0
    members = [module.name for module in modules[1:]]
    header = (modname, path, sorted(facts.files), sorted(facts.names, key=repr), members)
    return len(modules) if folder.write("modules", f"{modname}\0{path}", header, data) else 0
