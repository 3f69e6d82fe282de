"""The definition a call names, found by reading names, not by inferring the call.

Rules that look at every call statement of a test (ASYNC700's helper chains, ASYNC801's
factories) cannot afford astroid's inference on each: on aiohttp's test_web_response.py it was
most of the plugin's time. A callee spelled as a name — a function of this module, an imported
function, a module's attribute, `self.method` of the enclosing class — is found by lookup and
by reading the imported module's file; anything else (a method of an object a fixture built)
is unknown, and the rules stay silent.
"""

from __future__ import annotations

from functools import lru_cache

from astroid import nodes

from ..inference import contained, import_module, lookup_in_module, qualified_name
from ..model.callables import unwrap


def definition_of(func: nodes.NodeNG) -> nodes.FunctionDef | nodes.ClassDef | None:
    """The def or class `func` names, or None when a name cannot tell."""
    if isinstance(func, nodes.Name):
        _scope, bindings = func.lookup(func.name)
        if len(bindings) == 1 and isinstance(bindings[0], (nodes.FunctionDef, nodes.ClassDef)):
            return bindings[0]
    elif isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name) \
            and func.expr.name == "self":
        return _own_method(func)
    name = qualified_name(func)
    if name is None or "." not in name:
        return None
    found = defined_as(name)
    return found if isinstance(found, (nodes.FunctionDef, nodes.ClassDef)) else None


@lru_cache(maxsize=4096)
@contained(None)
def defined_as(qualified: str) -> nodes.NodeNG | None:
    """What a dotted import name stands for, read from its module's file (a re-export followed
    to its definition). Remembered for the file being analysed only (analysis.py forgets it
    after each file: two projects linted in one process may share a dotted name)."""
    module_name, _, attribute = qualified.rpartition(".")
    module = import_module(module_name)
    if module is None:
        return None  # not a module (`obj.attr` spelled through a class), or not found
    values = lookup_in_module(module, attribute)
    return unwrap(values[0]) if values and len(values) == 1 else None


def _own_method(func: nodes.Attribute) -> nodes.FunctionDef | None:
    """`self.helper` in a method: the class's own `def helper` (not one it inherits)."""
    scope = func.scope()
    cls = scope.parent if isinstance(scope, nodes.FunctionDef) else None
    if not isinstance(cls, nodes.ClassDef):
        return None
    bindings = cls.locals.get(func.attrname, [])
    if len(bindings) == 1 and isinstance(bindings[0], nodes.FunctionDef):
        return bindings[0]
    return None
