"""Which unittest family a class belongs to, by inferred ancestry across modules.

The answer must be conservative in both directions. "Inherits from `unittest.TestCase`" is only
claimed when the chain to it was resolved; "nothing here can run a coroutine" is only claimed when
every ancestor was resolved and none of the project's own ancestors carries machinery that could
(a metaclass, `__init_subclass__`, a class decorator, an override of `run`/`__call__`/
`_callTestMethod`...). Real suites do wrap `async def test*` in a base class's metaclass, and
Django's `SimpleTestCase.__call__` runs async tests through `async_to_sync`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from astroid import nodes

from ..inference import base_classes, contained, qualified_name
from .decorators import unknown_decorators

TESTCASE = "unittest.case.TestCase"
ISOLATED = "unittest.async_case.IsolatedAsyncioTestCase"

#: Library TestCases that run `async def` test methods themselves.
KNOWN_ASYNC_TESTCASES = frozenset(
    {
        ISOLATED,
        "unittest.IsolatedAsyncioTestCase",
        "aiohttp.test_utils.AioHTTPTestCase",
        "asynctest.TestCase",
        "asynctest.case.TestCase",
        "asynctest.ClockedTestCase",
        "asynctest.case.ClockedTestCase",
        "tornado.testing.AsyncTestCase",
        "tornado.testing.AsyncHTTPTestCase",
        "tornado.testing.AsyncHTTPSTestCase",
        "twisted.trial.unittest.TestCase",
        "django.test.SimpleTestCase",
        "django.test.TestCase",
        "django.test.TransactionTestCase",
        "django.test.LiveServerTestCase",
        "django.test.testcases.SimpleTestCase",
        "django.test.testcases.TestCase",
        "django.test.testcases.TransactionTestCase",
        "aiounittest.AsyncTestCase",
        "aiounittest.case.AsyncTestCase",
    }
)

#: Methods whose override lets a TestCase subclass run coroutines its own way.
RUNNER_METHODS = frozenset(
    {
        "run",
        "__call__",
        "debug",
        "__init__",
        "__getattribute__",
        "__init_subclass__",
        "_callTestMethod",
        "_callSetUp",
        "_callTearDown",
        "_callCleanup",
        "_setup_and_call",
    }
)

HARMLESS_METACLASSES = frozenset({"abc.ABCMeta", "builtins.type"})


@dataclass
class TestCaseKind:
    is_testcase: bool = False  # unittest.TestCase is a resolved ancestor
    is_isolated_async: bool = False  # IsolatedAsyncioTestCase is a resolved ancestor
    library_runner: str = ""  # a library TestCase (other than stdlib's) that runs coroutines
    custom_runner: str = ""  # project machinery that may run coroutines (metaclass, run()...)
    complete: bool = True  # every ancestor was resolved
    #: the non-unittest classes in the ancestry, `cls` first
    own_classes: list[nodes.ClassDef] = field(default_factory=list)

    @property
    def runs_coroutines(self) -> bool:
        return bool(self.is_isolated_async or self.library_runner or self.custom_runner)

    @property
    def plain_sync_testcase(self) -> bool:
        """A TestCase that certainly calls test methods synchronously."""
        return self.is_testcase and self.complete and not self.runs_coroutines


NOT_A_TESTCASE = TestCaseKind(complete=False)


@contained(NOT_A_TESTCASE)
def classify(cls: nodes.ClassDef) -> TestCaseKind:
    kind = TestCaseKind()
    seen: set[int] = set()
    pending: list[nodes.ClassDef] = [cls]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        qname = current.qname()
        if qname in KNOWN_ASYNC_TESTCASES:
            _note_library_runner(kind, qname)
            continue
        if qname == TESTCASE:
            kind.is_testcase = True
            continue
        if current.root().name.split(".")[0] in ("unittest", "builtins"):
            # `object` and unittest's own helpers: nothing to learn from them
            continue
        kind.own_classes.append(current)
        kind.custom_runner = kind.custom_runner or _runner_machinery(current)
        bases = base_classes(current)
        if bases is None:
            kind.complete = False
            continue
        for expression, base in zip(current.bases, bases):
            if base is None:
                name = qualified_name(expression)
                if name in KNOWN_ASYNC_TESTCASES:
                    _note_library_runner(kind, name)
                else:
                    kind.complete = False
                continue
            pending.append(base)
    return kind


def _note_library_runner(kind: TestCaseKind, qname: str) -> None:
    kind.is_testcase = True
    if qname in (ISOLATED, "unittest.IsolatedAsyncioTestCase"):
        kind.is_isolated_async = True
    else:
        kind.library_runner = kind.library_runner or qname


def _runner_machinery(cls: nodes.ClassDef) -> str:
    """Why `cls` might run coroutine methods itself ('' when nothing suggests it)."""
    for name in RUNNER_METHODS:
        if name in cls.locals:
            return f"{cls.name}.{name}"
    if unknown_decorators(cls):
        return f"class decorator on {cls.name}"
    if getattr(cls, "_metaclass", None) is not None:  # astroid keeps `metaclass=` out of keywords
        metaclass = cls.declared_metaclass()
        name = metaclass.qname() if isinstance(metaclass, nodes.ClassDef) else None
        if name not in HARMLESS_METACLASSES:
            return f"metaclass of {cls.name}"
    return ""
