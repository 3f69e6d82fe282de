"""Fixtures as pytest sees them: name, decorator kind, scope, loop scope, sync or async.

A fixture is a function decorated with `pytest.fixture` / `pytest_asyncio.fixture` in any
spelling (`@fixture` after `from pytest import fixture`, with or without arguments, with
`name=`). Their location matters: pytest resolves a requested name through the requesting
class, then the module, then the conftest files from the module's directory up to the rootdir.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from ..inference import qualified_name
from .decorators import is_staticmethod
from .marks import Mark, decorator_marks

FIXTURE_DECORATORS = {
    "pytest.fixture": "pytest",
    "_pytest.fixtures.fixture": "pytest",
    "pytest.yield_fixture": "pytest",
    "pytest_asyncio.fixture": "pytest_asyncio",
    "pytest_asyncio.plugin.fixture": "pytest_asyncio",
    "pytest_trio.trio_fixture": "pytest_trio",
}

SCOPES = ("function", "class", "module", "package", "session")


@dataclass
class Fixture:
    name: str
    node: nodes.FunctionDef
    kind: str  # pytest, pytest_asyncio, pytest_trio
    decorator: nodes.NodeNG
    scope: str | None  # None: dynamic (a callable), unknown
    loop_scope: str | None  # the explicit loop_scope= argument, if any
    autouse: bool
    params: nodes.NodeNG | None
    marks: list[Mark] = field(default_factory=list)

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, nodes.AsyncFunctionDef)

    @property
    def arguments(self) -> list[str]:
        return requested_names(self.node)

    @property
    def where(self) -> str:
        """'conftest.py:12' for messages."""
        path = self.node.root().file or ""
        line = self.node.position.lineno if self.node.position else self.node.lineno
        return f"{path.rsplit('/', 1)[-1]}:{line}"


def fixture_decorator(function: nodes.FunctionDef) -> tuple[str, nodes.NodeNG, nodes.Call | None] | None:
    """(kind, decorator node, call node) when `function` is a fixture."""
    if not function.decorators:
        return None
    for decorator in function.decorators.nodes:
        call = decorator if isinstance(decorator, nodes.Call) else None
        name = qualified_name(call.func if call else decorator)
        if name in FIXTURE_DECORATORS:
            return FIXTURE_DECORATORS[name], decorator, call
    return None


def _keyword(call: nodes.Call | None, name: str) -> nodes.NodeNG | None:
    if call is None:
        return None
    for keyword in call.keywords or ():
        if keyword.arg == name:
            return keyword.value
    return None


def _string(node: nodes.NodeNG | None) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def fixture_of(function: nodes.FunctionDef) -> Fixture | None:
    found = fixture_decorator(function)
    if found is None:
        return None
    kind, decorator, call = found
    scope_node = _keyword(call, "scope")
    if call is not None and call.args and scope_node is None:
        scope_node = call.args[0]  # pytest.fixture("module") is the old positional scope
    scope: str | None = "function"
    if scope_node is not None:
        scope = _string(scope_node)
    autouse_node = _keyword(call, "autouse")
    autouse = isinstance(autouse_node, nodes.Const) and autouse_node.value is True
    name = _string(_keyword(call, "name")) or function.name
    return Fixture(
        name=name,
        node=function,
        kind=kind,
        decorator=decorator,
        scope=scope,
        loop_scope=_string(_keyword(call, "loop_scope")),
        autouse=autouse,
        params=_keyword(call, "params"),
        marks=decorator_marks(function, "function"),
    )


def fixtures_in(scope: nodes.Module | nodes.ClassDef) -> dict[str, Fixture]:
    """The fixtures defined directly in a module or class body (the last definition wins)."""
    found: dict[str, Fixture] = {}
    for statement in scope.body:
        if isinstance(statement, nodes.FunctionDef):
            fixture = fixture_of(statement)
            if fixture is not None:
                found[fixture.name] = fixture
    return found


def requested_names(function: nodes.FunctionDef) -> list[str]:
    """The argument names pytest fills with fixtures: no self/cls, none with defaults."""
    args = function.args
    if args is None or args.args is None:
        return []
    positional = list(args.posonlyargs or []) + list(args.args)
    defaults = len(args.defaults or [])
    if defaults:
        positional = positional[: len(positional) - defaults]
    names = [arg.name for arg in positional]
    kwonly = [
        arg.name
        for arg, default in zip(args.kwonlyargs or [], args.kw_defaults or [])
        if default is None
    ]
    names += kwonly
    if names and isinstance(function.parent, nodes.ClassDef) and not is_staticmethod(function):
        names = names[1:]
    return names


def scope_index(scope: str | None) -> int | None:
    return SCOPES.index(scope) if scope in SCOPES else None
