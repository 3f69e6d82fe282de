"""The project a linted file belongs to, as pytest would see it.

rootdir and configuration, the import search path, module names, the conftest files that apply
to a directory and the fixtures they define. Everything here is cached per process: flake8 calls
the plugin once per file, and a conftest two directories up is shared by hundreds of test files.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from astroid import nodes

from . import budget, imports, inference, loading, memory
from .config import AsyncSetup, PytestConfig, Settings, async_setup, locate_config
from .model.name_index import NameIndex
from .cache.store import DIRECTORY_NAME as CACHE_DIRECTORY_NAME, CacheFolder
from .model.fixture_users import FixtureUsers
from .model.fixtures import Fixture, fixtures_in
from .model.marks import Mark, RUNNER_MARKS, pytestmark_marks
from .rendering import module_source

#: Hooks through which a conftest or plugin can make pytest run coroutines its own way.
RUNNER_HOOKS = ("pytest_pyfunc_call", "pytest_pycollect_makeitem", "pytest_fixture_setup")
#: Hooks that often add runner marks (`item.add_marker(pytest.mark.asyncio)`).
MARKING_HOOKS = ("pytest_collection_modifyitems", "pytest_itemcollected", "pytest_collection_finish")
ROOT_MARKERS = (".git", ".hg", "setup.py", "setup.cfg", "pyproject.toml", "tox.ini")
#: Signs that anyio or trio runs the tests of a file: their marks in any spelling, anyio_backend,
#: or an import of the library. Text, not AST: `from pytest import mark; @mark.anyio` and
#: `anyio_mark = pytest.mark.anyio` are caught alike.
ANYIO_OR_TRIO = re.compile(
    r"\bmark\.(?:anyio|trio)\b|\banyio_backend\b|^\s*(?:import|from)\s+(?:anyio|trio|pytest_trio)\b",
    re.MULTILINE,
)
#: A class statement with a base named like a TestCase (`unittest.TestCase`,
#: `IsolatedAsyncioTestCase`, a project's `ClientTestCase`): text, read before anything is built.
TESTCASE_CLASS = re.compile(r"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*TestCase\b", re.MULTILINE)
#: How many files a conftest's directory tree is searched for anyio/trio tests.
TREE_SCAN_LIMIT = 3000


@dataclass
class Conftest:
    """What one conftest.py (or a plugin module it names) contributes."""

    path: Path
    module: nodes.Module | None
    fixtures: dict[str, Fixture] = field(default_factory=dict)
    #: a hook that may run or mark async tests itself: runner facts are unknown below it
    runner_hook: str = ""
    #: the module uses anyio or trio (marks, imports, anyio_backend)
    uses_anyio_or_trio: bool = False
    pytestmarks: list[Mark] = field(default_factory=list)
    #: the pytest hooks it implements (pytest_asyncio_loop_factories...)
    hooks: set[str] = field(default_factory=set)
    #: their definitions (its own, then those of the plugins it names), where they are plain defs
    hook_functions: dict[str, list[nodes.FunctionDef]] = field(default_factory=dict)


@lru_cache(maxsize=None)
def _config_for_directory(directory: Path) -> PytestConfig:
    return locate_config(directory)


@lru_cache(maxsize=None)
def _has_init(directory: Path) -> bool:
    return (directory / "__init__.py").is_file()


def basedir_of(path: Path) -> Path:
    """The first directory upwards without `__init__.py`: what pytest's prepend mode imports from."""
    directory = path.parent
    while _has_init(directory) and directory.parent != directory:
        directory = directory.parent
    return directory


def module_name_of(path: Path) -> str:
    """The dotted name pytest's prepend import mode gives `path`."""
    base = basedir_of(path)
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or path.stem


class Project:
    """One pytest rootdir with its config; shared by all files under it in this process."""

    _instances: dict[tuple, "Project"] = {}

    def __init__(self, config: PytestConfig, rootdir: Path, settings: Settings) -> None:
        self.config = config
        self.rootdir = rootdir
        self.settings = settings
        self.setup: AsyncSetup = async_setup(config, settings)
        self._conftests: dict[Path, Conftest] = {}
        self._conftest_chains: dict[Path, list[Conftest]] = {}
        self._python_files = config.as_list("python_files") or ["test_*.py", "*_test.py"]
        self._python_functions = config.as_list("python_functions") or ["test"]
        self._python_classes = config.as_list("python_classes") or ["Test"]
        self._addopts_plugins: list[Conftest] | None = None
        self._trees: dict[Path, bool] = {}
        self._hooks_below: dict[tuple[Path, str], bool] = {}
        self._name_index: NameIndex | None = None
        self._fixture_users: FixtureUsers | None = None
        self.cache = _cache_folder_for(rootdir, settings)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def for_file(cls, filename: str, settings: Settings) -> "Project":
        path = Path(os.path.abspath(filename))
        config = _config_for_directory(path.parent)
        rootdir = config.rootdir or _fallback_rootdir(path)
        key = (config.path, rootdir, settings)
        if key not in cls._instances:
            cls._instances[key] = cls(config, rootdir, settings)
        return cls._instances[key]

    # -- pytest's collection rules ----------------------------------------------------------

    @property
    def has_pytest_config(self) -> bool:
        """Is there a file pytest reads settings from (not just a pyproject.toml marking the
        rootdir)?"""
        return self.config.path is not None and not self.config.only_marks_rootdir

    def is_test_module(self, path: Path) -> bool:
        """A module pytest collects (`python_files`), or a unittest module (see below)."""
        if path.name == "conftest.py":
            return False
        return self.matches_python_files(path) or self.is_unittest_module(path)

    def is_unittest_module(self, path: Path) -> bool:
        """A module of a project without pytest configuration, in a `test`/`tests` directory,
        that defines TestCase classes. Such projects run `python -m unittest`, which loads test
        modules by name whatever their file names (`python -m unittest aiosqlite.tests` runs
        the classes of `aiosqlite/tests/smoke.py`): their TestCase classes are the tests."""
        if self.has_pytest_config or self.matches_python_files(path):
            return False
        try:
            directories = path.relative_to(self.rootdir).parts[:-1]
        except ValueError:
            return False
        return any(part in ("test", "tests") for part in directories) and _mentions_testcase(path)

    def matches_python_files(self, path: Path) -> bool:
        """Does pytest collect this file (its `python_files` patterns)?"""
        for pattern in self._python_files:
            if os.sep in pattern or "/" in pattern:
                if fnmatch.fnmatch(str(path), pattern):
                    return True
            elif fnmatch.fnmatch(path.name, pattern):
                return True
        return False

    def is_test_function_name(self, name: str) -> bool:
        return _matches_any(name, self._python_functions)

    def is_test_class_name(self, name: str) -> bool:
        return _matches_any(name, self._python_classes)

    # -- imports ---------------------------------------------------------------------------

    def search_path(self, path: Path) -> list[str]:
        """rootdir, rootdir/src, pytest's `pythonpath`, then the file's basedir."""
        entries = [self.rootdir, self.rootdir / "src"]
        entries += [self.rootdir / entry for entry in self.config.as_list("pythonpath")]
        entries.append(basedir_of(path))
        result: list[str] = []
        for entry in entries:
            text = str(entry)
            if text not in result and entry.is_dir():
                result.append(text)
        return result

    @property
    def name_index(self) -> NameIndex:
        """The names the project and the packages it imports define (read on first use)."""
        if self._name_index is None:
            roots = self.search_path(self.rootdir / "conftest.py")
            with budget.reading():  # once per worker: not charged to the file that asks first
                self._name_index = NameIndex(self.rootdir, tuple(roots), self.cache)
        return self._name_index

    @property
    def fixture_users(self) -> FixtureUsers:
        """Which tests request which fixtures (read from disk on first use)."""
        if self._fixture_users is None:
            self._fixture_users = FixtureUsers(self)
        return self._fixture_users

    # -- conftest files and fixtures --------------------------------------------------------

    def conftest_chain(self, path: Path) -> list[Conftest]:
        """The conftest files that apply to `path`, nearest first (pytest's override order).
        Found once per file: each fixture a test requests is looked up through it."""
        if path not in self._conftest_chains:
            self._conftest_chains[path] = self._find_conftest_chain(path)
        return self._conftest_chains[path]

    def _find_conftest_chain(self, path: Path) -> list[Conftest]:
        chain = []
        directory = path.parent
        while True:
            candidate = directory / "conftest.py"
            if candidate.is_file() and candidate != path:
                chain.append(self.conftest(candidate))
            if directory == self.rootdir or directory.parent == directory:
                break
            if self.rootdir not in directory.parents:
                break
            directory = directory.parent
        if path.name == "conftest.py":
            chain.insert(0, self.conftest(path))
        return chain

    def conftest(self, path: Path) -> Conftest:
        if path not in self._conftests:
            module = inference.module_from_file(path, module_name_of(path))
            self._conftests[path] = conftest = describe_plugin_module(path, module, self)
            self._give_fixture_values(conftest)
        return self._conftests[path]

    def _give_fixture_values(self, conftest: Conftest) -> None:
        """Let inference follow `def api(client): return client` inside a conftest file."""
        parents = [c for c in self.conftest_chain(conftest.path) if c.path != conftest.path]
        for fixture in conftest.fixtures.values():
            if conftest.module is None or fixture.node.root() is not conftest.module:
                continue
            found = {}
            for name in fixture.arguments:
                target = conftest.fixtures.get(name) if name != fixture.name else None
                for parent in parents:
                    if target is not None:
                        break
                    target = parent.fixtures.get(name)
                if target is not None:
                    found[name] = target.node
            inference.give_fixture_values(fixture.node, found)

    def addopts_plugins(self) -> list[Conftest]:
        """Project-local plugins loaded with `-p module` in addopts (trio loads its runner so)."""
        if self._addopts_plugins is None:
            self._addopts_plugins = []
            for name in plugins_named_in(self.config.as_list("addopts")):
                with loading.project_imports(self.search_path(self.rootdir / "conftest.py"),
                                             self.cache):
                    module = inference.import_module(name)
                if module is not None and module.file:
                    self._addopts_plugins.append(describe_plugin_module(Path(module.file), module, self))
        return self._addopts_plugins

    def may_import_fixture(self, name: str, statement: nodes.ImportFrom) -> bool:
        """Can `from x import name` in a conftest bring in a fixture worth resolving? Only from
        the project's own modules (fixtures of installed plugins come through the plugin, and
        stay unknown), and not a class or a constant (`Client`, `TIMEOUT`)."""
        if name[:1].isupper():
            return False
        roots = self.search_path(Path(statement.root().file or self.rootdir / "conftest.py"))
        modname = statement.modname
        if statement.level:
            modname = statement.root().relative_to_absolute_name(modname, statement.level)
        else:
            package = modname.split(".")[0]
            if not any(os.path.isdir(os.path.join(root, package)) or
                       os.path.isfile(os.path.join(root, f"{package}.py")) for root in roots):
                return False
        located = imports.locate(modname, tuple(roots), ())
        return not (located is not None and located.kind == "source" and
                    _defines_plain_function(located.file, name))

    def hook_defined_below(self, directory: Path, hook: str) -> bool:
        """Does a conftest file under `directory` (not its own) define `hook`? Text, not AST."""
        key = (directory, hook)
        if key not in self._hooks_below:
            pattern = re.compile(rf"^\s*def\s+{re.escape(hook)}\b", re.MULTILINE)
            self._hooks_below[key] = _a_file_below_says(
                directory, "conftest.py", lambda path: path.parent != directory, pattern)
        return self._hooks_below[key]

    def tree_uses_anyio_or_trio(self, directory: Path) -> bool:
        """Do test files below `directory` run under anyio or trio? (for a conftest's fixtures)"""
        if directory not in self._trees:
            self._trees[directory] = _a_file_below_says(
                directory, "*.py", lambda path: self.is_test_module(path) or path.name == "conftest.py",
                ANYIO_OR_TRIO)
        return self._trees[directory]

    def resolve_fixture(self, name: str, path: Path, module_fixtures: dict[str, Fixture],
                        class_fixtures: list[dict[str, Fixture]] = ()) -> Fixture | None:
        """The fixture `name` as pytest resolves it for a test in `path`; None when not visible.

        None also when it is provided by a plugin we cannot see: callers treat None as unknown.
        """
        for fixtures in class_fixtures:
            if name in fixtures:
                return fixtures[name]
        if name in module_fixtures:
            return module_fixtures[name]
        for conftest in self.conftest_chain(path):
            if name in conftest.fixtures:
                return conftest.fixtures[name]
        return None


def describe_plugin_module(path: Path, module: nodes.Module | None, project: Project,
                           _depth: int = 0) -> Conftest:
    """Fixtures, hooks and anyio/trio use of a conftest (and the plugins it lists)."""
    conftest = Conftest(path, module)
    if module is None:
        return conftest
    conftest.fixtures = dict(imported_fixtures(module, project.may_import_fixture))
    conftest.fixtures.update(fixtures_in(module))
    for hook in RUNNER_HOOKS:
        if hook in module.locals:
            conftest.runner_hook = f"{hook} in {path.name}"
    for hook in MARKING_HOOKS:
        function = _function(module, hook)
        if function is not None and _mentions_runner(function):
            conftest.runner_hook = conftest.runner_hook or f"{hook} in {path.name}"
    conftest.pytestmarks = pytestmark_marks(module, "module")
    conftest.hooks = {name for name in module.locals if name.startswith("pytest_")}
    for name in conftest.hooks:
        function = _function(module, name)
        if function is not None:
            conftest.hook_functions[name] = [function]
    conftest.uses_anyio_or_trio = (
        bool(ANYIO_OR_TRIO.search(module_source(module))) or "anyio_backend" in conftest.fixtures
    )
    if _depth < 2:
        for plugin_name in pytest_plugins_of(module):
            plugin = inference.import_module(plugin_name)
            if plugin is None or plugin.file is None:
                continue
            described = describe_plugin_module(Path(plugin.file), plugin, project, _depth + 1)
            for fixture_name, fixture in described.fixtures.items():
                conftest.fixtures.setdefault(fixture_name, fixture)
            conftest.runner_hook = conftest.runner_hook or described.runner_hook
            conftest.uses_anyio_or_trio |= described.uses_anyio_or_trio
            conftest.hooks |= described.hooks
            for name, functions in described.hook_functions.items():
                conftest.hook_functions.setdefault(name, []).extend(functions)
    return conftest


#: Plugins installed from PyPI that `-p` commonly names; they are not project code to read.
KNOWN_PLUGINS = frozenset({"anyio", "asyncio", "trio", "pytester", "xdist", "cov", "mock", "aiohttp"})


def plugins_named_in(args: list[str]) -> list[str]:
    """`-p name` / `-pname` entries of addopts, minus `no:` ones and well-known plugins."""
    names = []
    for index, arg in enumerate(args):
        spec = None
        if arg == "-p" and index + 1 < len(args):
            spec = args[index + 1]
        elif arg.startswith("-p") and len(arg) > 2:
            spec = arg[2:].lstrip("=").strip()
        if spec and not spec.startswith("no:") and spec not in KNOWN_PLUGINS:
            names.append(spec)
    return names


def imported_fixtures(module: nodes.Module,
                      wanted: Callable[[str, nodes.ImportFrom], bool]) -> dict[str, Fixture]:
    """Fixtures brought into a module by `from x import fixture_name` (pytest sees them).

    Only the names `wanted` accepts are followed: resolving an import builds the imported
    module, and most imports of a test module (`from aiohttp import web`) are not fixtures."""
    from .model.fixtures import fixture_of

    found: dict[str, Fixture] = {}
    for statement in module.body:
        if not isinstance(statement, nodes.ImportFrom):
            continue
        for original, alias in statement.names:
            if original == "*" or not wanted(original, statement):
                continue
            value = inference.safe_infer_name(statement, alias or original)
            if isinstance(value, nodes.FunctionDef):
                fixture = fixture_of(value)
                if fixture is not None:
                    found[fixture.name if fixture.name != value.name else (alias or original)] = fixture
    return found


def pytest_plugins_of(module: nodes.Module) -> list[str]:
    names: list[str] = []
    for binding in module.locals.get("pytest_plugins", []):
        statement = binding.statement() if hasattr(binding, "statement") else None
        value = getattr(statement, "value", None)
        if isinstance(value, nodes.Const) and isinstance(value.value, str):
            names.append(value.value)
        elif isinstance(value, (nodes.List, nodes.Tuple)):
            names += [e.value for e in value.elts if isinstance(e, nodes.Const) and isinstance(e.value, str)]
    return names


def _function(module: nodes.Module, name: str) -> nodes.FunctionDef | None:
    for binding in module.locals.get(name, []):
        if isinstance(binding, nodes.FunctionDef):
            return binding
    return None


def _mentions_runner(function: nodes.FunctionDef) -> bool:
    """Does a hook's body talk about async tests (add_marker(asyncio), iscoroutinefunction...)?"""
    for node in function.nodes_of_class((nodes.Name, nodes.Attribute, nodes.Const)):
        text = node.name if isinstance(node, nodes.Name) else (
            node.attrname if isinstance(node, nodes.Attribute) else node.value)
        if isinstance(text, str) and (
            text in RUNNER_MARKS or "coroutine" in text or text.startswith("async")
        ):
            return True
    return False


def _matches_any(name: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            if fnmatch.fnmatch(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def _cache_folder_for(rootdir: Path, settings: Settings) -> CacheFolder | None:
    if not settings.use_cache:
        return None
    directory = Path(settings.cache_dir) if settings.cache_dir else rootdir / CACHE_DIRECTORY_NAME
    return CacheFolder.open(directory)


@lru_cache(maxsize=4096)
def _mentions_testcase(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return TESTCASE_CLASS.search(text) is not None


@lru_cache(maxsize=1024)
def _defines_plain_function(path: str, name: str) -> bool:
    """Does the module define `name` with `def` and never mention "fixture"? Then `name` is
    no fixture, and the module need not be built to find out (redis-py's conftest imports
    `parse_url` from the 1,900-line `redis.connection`)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "fixture" not in text and re.search(
        rf"^[ \t]*(?:async[ \t]+)?def[ \t]+{re.escape(name)}[ \t]*\(", text, re.MULTILINE) is not None


def _a_file_below_says(directory: Path, glob: str, wanted, pattern: re.Pattern) -> bool:
    """Does a file below `directory` matching `glob` and `wanted(path)` hold `pattern`? Read as
    text; past TREE_SCAN_LIMIT files the tree is too large to know: assume it may."""
    for count, path in enumerate(directory.rglob(glob)):
        if count > TREE_SCAN_LIMIT:
            return True
        if not wanted(path):
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if pattern.search(text):
            return True
    return False


@memory.forget_on_restart
def _forget_projects() -> None:
    """Each Project keeps its conftests' modules, its name index and fixture users."""
    Project._instances.clear()
    _config_for_directory.cache_clear()


def _fallback_rootdir(path: Path) -> Path:
    """Without a pytest config, the project's root as `python -m pytest` / `python -m unittest`
    started there see it: the nearest directory up holding a project marker (pyproject.toml,
    setup.py, setup.cfg, .git...); else flake8's working directory, which `python -m` puts on
    sys.path, when the file is below it (not the filesystem root or the home directory: those
    hold no one project); else the file's basedir."""
    for directory in path.parents:
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    try:
        cwd, home = Path.cwd(), Path.home()
    except (OSError, RuntimeError, KeyError):
        return basedir_of(path)
    if cwd in path.parents and cwd.parent != cwd and cwd != home:
        return cwd
    return basedir_of(path)
