"""What every rule is: a code, a name, a message template, the node kinds it visits.

A rule reads like its documentation: `check` receives one node of a kind it asked for and the
shared Context, and yields Findings. Rules that report once per module (after seeing every test)
collect in `check` and report in `finish`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable

from astroid import nodes

if TYPE_CHECKING:
    from ..config import Settings
    from ..model.test_module import TestModule


@dataclass(frozen=True, order=True)
class Finding:
    line: int
    col: int
    code: str
    message: str


@dataclass
class Context:
    """What a rule may use: the module's facts, and the plugin's settings."""

    model: "TestModule"
    settings: "Settings"

    @property
    def setup(self):
        return self.model.setup


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    #: opt-in rules run only when enabled by `async-tests-enable` or a full code in `select`
    opt_in: ClassVar[bool] = False
    #: the rule holds for any code, not only test code: modules that are not test code are
    #: analysed for it too (they are skipped before any rule runs otherwise)
    every_module: ClassVar[bool] = False
    visits: ClassVar[tuple[type[nodes.NodeNG], ...]] = ()

    def check(self, node: nodes.NodeNG, ctx: Context) -> Iterable[Finding]:
        return ()

    def finish(self, ctx: Context) -> Iterable[Finding]:
        return ()

    def finding(self, node: nodes.NodeNG, **fields: object) -> Finding:
        """A finding at `node`; for a function or class, at its `def`/`class` line (astroid's
        `lineno` is the first decorator's line, and `# noqa` goes on the def line)."""
        position = getattr(node, "position", None)
        if isinstance(node, (nodes.FunctionDef, nodes.ClassDef)) and position is not None:
            return self.finding_at(position.lineno, position.col_offset, **fields)
        line = getattr(node, "lineno", None) or 1
        col = getattr(node, "col_offset", None) or 0
        return self.finding_at(line, col, **fields)

    def finding_at(self, line: int, col: int, **fields: object) -> Finding:
        return Finding(line, col, self.code, self.message.format(**fields))


def and_more(count: int) -> str:
    """' (and 2 more tests in this module)' for findings reported once for several tests."""
    if count <= 1:
        return ""
    others = count - 1
    return f" (and {others} more test{'s' if others > 1 else ''} in this module)"
