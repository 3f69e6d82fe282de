"""pytest marks, recognised in every spelling real code uses.

`@pytest.mark.asyncio`, `@pytest.mark.asyncio(loop_scope="module")`, `@mark.asyncio` after
`from pytest import mark`, `@asyncio_mark` after `asyncio_mark = pytest.mark.asyncio`, and the
module- or class-level `pytestmark = [...]` lists: all resolve to the same Mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from ..inference import qualified_name, single_assigned_value

RUNNER_MARKS = ("asyncio", "anyio", "trio")
MARK_PREFIXES = ("pytest.mark.", "_pytest.mark.structures.MARK_GEN.", "_pytest.mark.MARK_GEN.")


@dataclass(frozen=True)
class Mark:
    """One mark as written: its name, its arguments, where it is, and at which level."""

    name: str
    node: nodes.NodeNG  # the decorator or the pytestmark element, for locations
    call: nodes.Call | None = None
    level: str = "function"  # function, class, module
    args: tuple[nodes.NodeNG, ...] = field(default=())
    keywords: tuple[tuple[str | None, nodes.NodeNG], ...] = field(default=())

    def keyword(self, name: str) -> nodes.NodeNG | None:
        for key, value in self.keywords:
            if key == name:
                return value
        return None

    def string_keyword(self, name: str) -> str | None:
        value = self.keyword(name)
        if isinstance(value, nodes.Const) and isinstance(value.value, str):
            return value.value
        return None

    @property
    def is_runner(self) -> bool:
        return self.name in RUNNER_MARKS


def mark_name(qualname: str | None) -> str | None:
    """'pytest.mark.asyncio' -> 'asyncio'; anything else -> None."""
    if not qualname:
        return None
    for prefix in MARK_PREFIXES:
        if qualname.startswith(prefix):
            rest = qualname[len(prefix) :]
            # pytest.mark.asyncio.with_args(...) still names the asyncio mark
            return rest.split(".")[0] or None
    return None


def mark_from_expression(expr: nodes.NodeNG, level: str, _depth: int = 0) -> Mark | None:
    """A decorator or pytestmark element -> Mark, following simple aliases."""
    call = expr if isinstance(expr, nodes.Call) else None
    target = call.func if call else expr
    name = mark_name(qualified_name(target))
    if name is None and call is None and isinstance(expr, nodes.Name) and _depth < 5:
        # `asyncio_mark = pytest.mark.asyncio(loop_scope="module")` then `@asyncio_mark`
        value = single_assigned_value(expr)
        if value is not None:
            aliased = mark_from_expression(value, level, _depth + 1)
            if aliased is not None:
                return Mark(aliased.name, expr, aliased.call, level, aliased.args, aliased.keywords)
        return None
    if name is None:
        return None
    args: tuple = ()
    keywords: tuple = ()
    if call is not None:
        args = tuple(call.args)
        keywords = tuple((kw.arg, kw.value) for kw in (call.keywords or ()))
    return Mark(name, expr, call, level, args, keywords)


def decorator_marks(decorated: nodes.FunctionDef | nodes.ClassDef, level: str) -> list[Mark]:
    if not decorated.decorators:
        return []
    marks = []
    for decorator in decorated.decorators.nodes:
        mark = mark_from_expression(decorator, level)
        if mark is not None:
            marks.append(mark)
    return marks


def pytestmark_marks(scope: nodes.Module | nodes.ClassDef, level: str) -> list[Mark]:
    """`pytestmark = pytest.mark.x` or a list/tuple of marks, at module or class level.

    Also `pytestmark += [...]` and `pytestmark.append(...)` at the same level.
    """
    marks: list[Mark] = []
    for statement in scope.body:
        values: list[nodes.NodeNG] = []
        if isinstance(statement, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign)):
            targets = (
                statement.targets
                if isinstance(statement, nodes.Assign)
                else [statement.target]
            )
            if any(isinstance(t, nodes.AssignName) and t.name == "pytestmark" for t in targets):
                if statement.value is not None:
                    values.append(statement.value)
        elif (
            isinstance(statement, nodes.Expr)
            and isinstance(statement.value, nodes.Call)
            and isinstance(statement.value.func, nodes.Attribute)
            and statement.value.func.attrname in ("append", "extend")
            and isinstance(statement.value.func.expr, nodes.Name)
            and statement.value.func.expr.name == "pytestmark"
        ):
            values.extend(statement.value.args)
        for value in values:
            elements = value.elts if isinstance(value, (nodes.List, nodes.Tuple)) else [value]
            for element in elements:
                mark = mark_from_expression(element, level)
                if mark is not None:
                    marks.append(mark)
    return marks
