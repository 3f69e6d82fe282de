"""Decorators whose effect is known to leave a function as it was, for inference's purposes.

Any other decorator may replace the function (a runner that wraps an async test in
`asyncio.run`, an `@asynccontextmanager`...), so a function or class carrying one is unknown to
the rules, and unknown means silent.
"""

from __future__ import annotations

from astroid import nodes

from ..inference import qualified_name

TRANSPARENT = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "abc.abstractmethod",
        "typing.override",
        "typing_extensions.override",
        "functools.wraps",
        "unittest.expectedFailure",
        "unittest.case.expectedFailure",
    }
)
#: pytest marks only label; mock.patch keeps a coroutine function async; skips skip.
TRANSPARENT_PREFIXES = ("pytest.mark.", "unittest.mock.patch", "mock.patch", "unittest.skip",
                        "unittest.case.skip")


def decorator_name(decorator: nodes.NodeNG) -> str:
    target = decorator.func if isinstance(decorator, nodes.Call) else decorator
    return qualified_name(target) or ""


def is_transparent(name: str) -> bool:
    return name in TRANSPARENT or name.startswith(TRANSPARENT_PREFIXES)


def unknown_decorators(decorated: nodes.FunctionDef | nodes.ClassDef) -> list[nodes.NodeNG]:
    """The decorators of `decorated` whose effect is not known to be transparent."""
    if not decorated.decorators:
        return []
    return [d for d in decorated.decorators.nodes if not is_transparent(decorator_name(d))]


def is_staticmethod(function: nodes.FunctionDef) -> bool:
    """`@staticmethod`, read from the names (astroid's `function.type` infers every decorator
    of the function, and a pytest decorator costs building much of pytest)."""
    decorators = function.decorators.nodes if function.decorators else ()
    return any(decorator_name(d) == "builtins.staticmethod" for d in decorators)
