"""What one test function does with its mocks, read in a single walk.

Why: ASYNC652 asks the same questions of the same test for every assertion it checks (are the
mock's awaits checked? does the test call it? what does it set its side_effect to?). Asked by
rescanning the test each time, a test with 1,000 assertions took 16 s (quadratic); read once
and looked up by the mock's text, it takes as long as one scan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from astroid import nodes

from ..model.expected_errors import inside_expected_error
from ..model.patches import has_starred
from ..rendering import expression_text

#: The checks that read a mock's awaits: a test that uses any of them counts the awaits.
AWAIT_CHECKS = frozenset(
    {"assert_awaited", "assert_awaited_once", "assert_awaited_with", "assert_awaited_once_with",
     "assert_any_await", "assert_has_awaits", "assert_not_awaited", "await_count", "await_args",
     "await_args_list"}
)


def call_arguments(call: nodes.Call):
    """(position, None, value) for each positional argument, then (None, name, value) for each
    named one (`**kwargs` left out)."""
    for position, value in enumerate(call.args):
        yield position, None, value
    for keyword in call.keywords or ():
        if keyword.arg is not None:
            yield None, keyword.arg, keyword.value


@dataclass
class ScopeIndex:
    """Everything below `scope` (nested functions included, as `nodes_of_class` reads it),
    keyed by the text of the expression involved."""

    scope: nodes.NodeNG
    #: texts of the objects whose awaits are checked (`m` in `m.assert_awaited_once()`)
    await_checked: set[str] = field(default_factory=set)
    #: texts of everything called (`m` in `await m()`, `client.get` in `client.get(1)`)
    called: set[str] = field(default_factory=set)
    #: attribute names called inside functions the test defines (callbacks)
    called_in_nested_functions: set[str] = field(default_factory=set)
    #: (setting, text) -> the first value assigned (`m.side_effect = X`)
    settings: dict[tuple[str, str], nodes.NodeNG] = field(default_factory=dict)
    #: text -> the values assigned to it (`obj.m = AsyncMock()`), in order
    assigned: dict[str, list[nodes.NodeNG]] = field(default_factory=lambda: defaultdict(list))
    #: text of an argument -> (call, position, keyword) for each call it is passed to, in order
    passed: dict[str, list[tuple[nodes.Call, int | None, str | None]]] = field(
        default_factory=lambda: defaultdict(list))
    #: does a `with pytest.raises(...)` (or the like) start with a statement of this test?
    expects_error: bool = False

    @classmethod
    def of(cls, scope: nodes.NodeNG, function_scope) -> "ScopeIndex":
        index = cls(scope)
        kinds = (nodes.Attribute, nodes.Call, nodes.AssignAttr, nodes.Assign, nodes.With)
        for node in scope.nodes_of_class(kinds):
            if isinstance(node, nodes.Attribute):
                if node.attrname in AWAIT_CHECKS:
                    index.await_checked.add(expression_text(node.expr))
            elif isinstance(node, nodes.Call):
                index._add_call(node, function_scope)
            elif isinstance(node, nodes.AssignAttr):
                if isinstance(node.parent, nodes.Assign):
                    key = (node.attrname, expression_text(node.expr))
                    index.settings.setdefault(key, node.parent.value)
            elif isinstance(node, nodes.Assign):
                if len(node.targets) == 1:
                    index.assigned[expression_text(node.targets[0])].append(node.value)
            elif node.body and not index.expects_error:
                index.expects_error = inside_expected_error(node.body[0])
        return index

    def _add_call(self, call: nodes.Call, function_scope) -> None:
        func = call.func
        self.called.add(expression_text(func))
        if isinstance(func, nodes.Attribute) and function_scope(call) is not self.scope:
            self.called_in_nested_functions.add(func.attrname)
        if has_starred(call):
            return
        for position, keyword, value in call_arguments(call):
            self.passed[expression_text(value)].append((call, position, keyword))

    def passed_as_or_within(self, text: str) -> list[tuple[nodes.Call, int | None, str | None, str]]:
        """Where `text` itself, or an object it hangs on (`svc` for `svc.fetch`), is passed to a
        call: (call, position, keyword, the rest of `text` after what was passed)."""
        found = []
        ends = [i for i, char in enumerate(text) if char == "."] + [len(text)]
        for end in ends:
            prefix = text[:end]
            for call, position, keyword in self.passed.get(prefix, ()):
                found.append((call, position, keyword, text[end:]))
        return found
