"""Blocks where a test expects an exception: misuse there is often the point of the test.

Tests of a library's own error paths misuse it on purpose inside `pytest.raises(...)` (trio's
test that `with open_nursery()` raises). ASYNC602-606 and ASYNC653 stay silent there. Not
ASYNC600: a dropped coroutine makes pytest.raises fail with a misleading 'DID NOT RAISE', which
is the mistake; unless the call runs another call first (`make_handler("")()`), which may raise
the expected exception before any coroutine exists (rules.coroutines.sync_part_may_raise).
"""

from __future__ import annotations

from astroid import nodes

from ..inference import qualified_name

#: Context managers that expect the block to raise.
EXPECTED_ERROR_CONTEXTS = frozenset({"pytest.raises"})
EXPECTED_ERROR_METHODS = frozenset({"assertRaises", "assertRaisesRegex"})


def inside_expected_error(node: nodes.NodeNG) -> bool:
    """Is `node` in the body of `with pytest.raises(...)` / `with self.assertRaises(...)`?"""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Module)):
        if isinstance(parent, nodes.With) and child in parent.body:
            for expression, _target in parent.items:
                if isinstance(expression, nodes.Call):
                    if qualified_name(expression.func) in EXPECTED_ERROR_CONTEXTS:
                        return True
                    func = expression.func
                    if isinstance(func, nodes.Attribute) and func.attrname in EXPECTED_ERROR_METHODS:
                        return True
        child, parent = parent, parent.parent
    return False
