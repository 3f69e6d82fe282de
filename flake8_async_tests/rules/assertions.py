"""ASYNC805 (opt-in): async tests that can only fail by raising.

The rule claims that a test checks nothing, so anything that may check counts and ends in
silence: an `assert`, an expected-exception helper, a call or reference whose name says it
checks (`assertEqual`, `assert_awaited_once`, `check_reply`, `verify(...)`, `expect(...)`), a
hand-written `raise` in the test's own body, a helper of the test code that does one of these
(followed through inference, a few calls deep), a requested fixture that checks after its
`yield`, and mock routers that fail the test when a registered response is never requested.

What inference cannot follow (a library call, an unresolved callee) is not taken as a check:
otherwise almost every test would be silent, and the rule is opt-in for exactly this judgement.
"""

from __future__ import annotations

from pathlib import Path

from astroid import nodes

from ..inference import contained, infer_all, last_name, qualified_name
from ..model.callables import display_name, methods_through_instances, unwrap
from ..model.decorators import decorator_name
from ..model.test_module import TestFunction, TestModule, parametrize_names
from ..rendering import expression_text
from .base import Context, Rule

#: A callee or reference named with one of these words, as a whole word (`assert_that`,
#: `assertEqual`, `check`, `verify_reply`; not `checkpoint` nor `expected`), checks something.
CHECK_WORDS = ("assert", "check", "verify", "expect")
#: Names that expect an outcome: pytest's and unittest's failure and expected-error helpers,
#: and nose's comparison helpers (`eq_`, still sqlalchemy's spelling).
EXPECTATION_NAMES = frozenset({"fail", "raises", "warns", "deprecated_call", "RaisesGroup", "RaisesExc",
                               "eq_", "ne_", "ok_"})
#: Exceptions that skip or xfail a test rather than fail it.
NOT_A_FAILURE = ("Skip", "skip", "xfail", "XFail")
#: Calls that, made unconditionally, make a test skip or xfail: it is never a silent pass.
SKIPPING_CALLS = frozenset({"pytest.skip", "pytest.xfail", "_pytest.outcomes.skip", "_pytest.outcomes.xfail"})
SKIPPING_METHODS = frozenset({"skipTest"})
#: Decorators that make a test skip or expect it to fail.
SKIPPING_DECORATORS = ("unittest.skip", "unittest.case.skip", "unittest.expectedFailure",
                       "unittest.case.expectedFailure")
#: Marks under which a test that only raises is no silent pass: pytest reports it.
SKIPPING_MARKS = frozenset({"skip", "xfail"})
#: A benchmark measures; it is not meant to check (pytest-benchmark, pytest-codspeed).
BENCHMARK_FIXTURES = frozenset({"benchmark", "aio_benchmark"})
BENCHMARK_MARKS = frozenset({"benchmark"})
#: Plugin fixtures that fail the test at teardown when a registered response was never
#: requested (pytest-httpx, and respx's routers, by default).
VERIFYING_FIXTURES = frozenset({"httpx_mock", "respx_mock"})
#: Mock routers that, entered or applied as a decorator, check at exit that every registered
#: route was called (respx: `assert_all_called=True` unless told otherwise).
VERIFYING_ROUTERS = frozenset({"respx.mock", "respx.MockRouter", "respx.router.MockRouter"})
#: Directory names and module names that hold test helpers rather than the code under test.
TEST_HELPER_PARTS = frozenset({"tests", "test", "testing", "testutils", "test_utils", "_testing",
                               "test_helpers", "testlib"})
#: How many calls deep a helper is followed to a check.
MAX_HELPER_DEPTH = 3
#: How many fixtures deep a requested fixture is followed to a teardown check.
MAX_FIXTURE_DEPTH = 2


class AsyncTestAssertsNothing(Rule):
    code = "ASYNC805"
    name = "async-test-asserts-nothing"
    message = "async test {what}; {fix}"
    opt_in = True
    visits = (nodes.AsyncFunctionDef,)

    def __init__(self) -> None:
        #: helper function -> does it check, directly or through its own helpers
        self._helpers: dict[nodes.FunctionDef, bool] = {}

    def check(self, node: nodes.AsyncFunctionDef, ctx: Context):
        model = ctx.model
        test = model.test_for(node)
        if test is None or not _runs_as_async_test(test):
            return
        if self.checks_something(test, model):
            return
        dropped = _dropped_comparison(node)
        if dropped is not None:
            what = f"asserts nothing: the comparison on line {dropped.lineno} is thrown away"
            fix = "put 'assert' in front of it"
        elif _is_placeholder(node):
            what = "has an empty body: it always passes"
            fix = "write its checks, or mark it @pytest.mark.skip(reason=...)"
        else:
            what = "asserts nothing (no assert, pytest.raises or mock check): only an error fails it"
            fix = "assert on its result"
        yield self.finding(node, test=display_name(node), what=what, fix=fix)

    def checks_something(self, test: TestFunction, model: TestModule) -> bool:
        """May the test fail otherwise than by raising: does it, a helper it calls, or a fixture
        it requests check something (or is it skipped, expected to fail, a benchmark)?
        ASYNC802 asks the same question."""
        node = test.node
        if _skipped_or_expected_to_fail(test, model) or _is_benchmark(test, model) or checks_itself(node):
            return True
        if self._fixture_checks(test, model):
            return True
        model.ensure_fixture_values()
        return self._calls_checking_helper(node, model, depth=0) or \
            self._calls_checking_parameter(test, model)

    # -- helpers of the test code --------------------------------------------------------------

    def _calls_checking_helper(self, function: nodes.FunctionDef, model: TestModule, depth: int) -> bool:
        """Does `function` call (or decorate with) a function of the test code that checks?"""
        for callee, is_decorator in _callees(function, nested=depth == 0):
            helpers = _test_code_functions(callee, model)
            if helpers is None:
                if not is_decorator and _imported_from_test_helpers(callee):
                    return True  # `eq_` from a testing package that cannot be read: it may check
                continue
            for helper in helpers:
                if helper is not function and self._helper_checks(helper, model, depth + 1):
                    return True
        return False

    def _calls_checking_parameter(self, test: TestFunction, model: TestModule) -> bool:
        """`@pytest.mark.parametrize("verify", [same_reply, same_status])` and `verify(reply)`:
        does the test call a parameter whose values include a check?"""
        parameters = set(test.node.argnames())
        called = {call.func.name for call in test.node.nodes_of_class(nodes.Call)
                  if isinstance(call.func, nodes.Name) and call.func.name in parameters}
        for name in called:
            for value in _parametrized_values(name, model.marks_reaching(test)):
                if names_a_check(last_name(value)):
                    return True
                for helper in _test_code_functions(value, model) or ():
                    if self._helper_checks(helper, model, depth=1):
                        return True
        return False

    def _helper_checks(self, helper: nodes.FunctionDef, model: TestModule, depth: int) -> bool:
        if helper not in self._helpers:
            self._helpers[helper] = False  # a recursive helper does not check through itself
            self._helpers[helper] = checks_itself(helper, nested=False) or (
                depth < MAX_HELPER_DEPTH and self._calls_checking_helper(helper, model, depth)
            )
        return self._helpers[helper]

    # -- fixtures ------------------------------------------------------------------------------

    def _fixture_checks(self, test: TestFunction, model: TestModule) -> bool:
        """Does a fixture the test asks for check something once the test has run?"""
        return self._requests_checking_fixture(test.node, model.marks_reaching(test), model, depth=0)

    def _requests_checking_fixture(self, requester: nodes.FunctionDef, marks, model: TestModule,
                                   depth: int) -> bool:
        for name, _where in model.requested_fixtures(requester, marks):
            fixture = model.resolve_fixture(name, requester)
            if fixture is None:
                if name in VERIFYING_FIXTURES:
                    return True
                continue
            if _checks_at_teardown(fixture.node):
                return True
            if depth + 1 < MAX_FIXTURE_DEPTH and fixture.node is not requester and \
                    self._requests_checking_fixture(fixture.node, fixture.marks, model, depth + 1):
                return True
        return False


# -- what a body does by itself ---------------------------------------------------------------------


def checks_itself(function: nodes.FunctionDef, nested: bool = True) -> bool:
    """Does `function`'s own text check something? With `nested`, its nested functions count
    too: a callback that a test hands to the code under test checks when it is called. A
    helper's nested functions do not: they are what it builds (the handlers of an app, a
    stand-in that fails on purpose), which the test may never drive."""
    if _uses_verifying_router(function):
        return True
    for node in function.nodes_of_class((nodes.Assert, nodes.Raise, nodes.Call, nodes.Decorators)):
        if not nested and not _in_own_body(node, function):
            continue
        if isinstance(node, nodes.Assert):
            return True
        if isinstance(node, nodes.Raise):
            if _raise_checks(node, function):
                return True
        elif isinstance(node, nodes.Decorators):
            if any(names_a_check(last_name(decorator)) for decorator in node.nodes):
                return True  # @raises(ValueError), @assert_no_leaks
        elif names_a_check(last_name(node.func)) or any(_passes_a_check(argument) for argument in node.args):
            return True  # self.assertEqual(...), or self.addCleanup(self.assertFalse, ...)
    return False


def _in_own_body(node: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    if isinstance(node, nodes.Decorators):
        return node.parent is function
    return node.scope() is function


def _passes_a_check(argument: nodes.NodeNG) -> bool:
    """`self.addCleanup(self.assertFalse, ...)`, `map(assert_valid, replies)`: only the word
    `assert` here, as a value named `check` or `expect` is as often a flag as a function."""
    name = last_name(argument) if isinstance(argument, (nodes.Name, nodes.Attribute)) else None
    return bool(name) and name.lstrip("_").startswith("assert") and names_a_check(name)


def names_a_check(name: str | None) -> bool:
    """`assert_that`, `assertEqual`, `check`, `verify_reply`, `expect`, `fail`, `raises`..."""
    if not name:
        return False
    name = name.lstrip("_")
    if name in EXPECTATION_NAMES:
        return True
    for word in CHECK_WORDS:
        if name.startswith(word):
            rest = name[len(word):]
            if not rest or rest[0] == "_" or rest[0].isupper() or rest[0].isdigit():
                return True
    return False


def _raise_checks(statement: nodes.Raise, function: nodes.FunctionDef) -> bool:
    """`raise AssertionError(...)` anywhere; any other raise written in the function's own body,
    outside an `except` clause (there it translates an error rather than detecting one), is a
    hand-written check (`if reply != expected: raise RuntimeError(...)`). A raise in a nested
    function is usually a stand-in that fails on purpose, not a check."""
    exception = statement.exc
    if exception is None:
        return False  # a bare re-raise
    raised = _raised_type(exception)
    if raised.endswith("AssertionError") or raised.startswith("pytest.fail.Exception"):
        return True
    if _skips_or_xfails(exception):
        return False
    if statement.scope() is not function:
        return False
    parent = statement.parent
    while parent is not None and parent is not function:
        if isinstance(parent, nodes.ExceptHandler):
            return False
        parent = parent.parent
    return True


def _raised_type(exception: nodes.NodeNG) -> str:
    """'unittest.SkipTest' for `raise unittest.SkipTest("why")`: the type as written."""
    return expression_text(exception.func if isinstance(exception, nodes.Call) else exception)


def _skips_or_xfails(exception: nodes.NodeNG) -> bool:
    """`raise unittest.SkipTest(...)`, `raise pytest.skip.Exception(...)`."""
    return any(word in _raised_type(exception) for word in NOT_A_FAILURE)


def _uses_verifying_router(function: nodes.FunctionDef) -> bool:
    """`@respx.mock`, `with respx.mock(...)`: the router fails the test at exit when a route
    registered in it was never called (unless told `assert_all_called=False`)."""
    candidates = list(function.decorators.nodes) if function.decorators else []
    for statement in function.nodes_of_class((nodes.With, nodes.AsyncWith)):
        candidates.extend(expression for expression, _target in statement.items)
    for candidate in candidates:
        call = candidate if isinstance(candidate, nodes.Call) else None
        if qualified_name(call.func if call else candidate) not in VERIFYING_ROUTERS:
            continue
        keywords = call.keywords or () if call is not None else ()
        if not any(keyword.arg == "assert_all_called" and isinstance(keyword.value, nodes.Const)
                   and keyword.value.value is False for keyword in keywords):
            return True
    return False


def _checks_at_teardown(fixture: nodes.FunctionDef) -> bool:
    """A yield fixture that checks after its `yield`, or that yields inside a verifying router."""
    yields = [y for y in fixture.nodes_of_class(nodes.Yield) if y.scope() is fixture]
    if not yields:
        return False
    if _uses_verifying_router(fixture):
        return True
    first_yield = min(y.lineno for y in yields)
    for node in fixture.nodes_of_class((nodes.Assert, nodes.Call)):
        if node.lineno <= first_yield:
            continue
        if isinstance(node, nodes.Assert) or names_a_check(last_name(node.func)):
            return True
    return False


def _dropped_comparison(function: nodes.FunctionDef) -> nodes.Compare | None:
    """`await response.read() == payload` as a statement (or bound to `_`): an `assert` that
    lost its keyword."""
    for statement in function.nodes_of_class((nodes.Expr, nodes.Assign)):
        value = statement.value
        if not isinstance(value, nodes.Compare):
            continue
        if isinstance(statement, nodes.Expr) or all(
            isinstance(target, nodes.AssignName) and target.name == "_" for target in statement.targets
        ):
            return value
    return None


def _is_placeholder(function: nodes.FunctionDef) -> bool:
    """A body of only `pass`, `...` and a docstring."""
    return all(
        isinstance(statement, nodes.Pass)
        or (isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Const))
        for statement in function.body
    )


def _is_benchmark(test: TestFunction, model: TestModule) -> bool:
    marks = model.marks_reaching(test)
    if any(mark.name in BENCHMARK_MARKS for mark in marks):
        return True
    return any(name in BENCHMARK_FIXTURES for name, _where in model.requested_fixtures(test.node, marks))


# -- which tests -------------------------------------------------------------------------------------


def _runs_as_async_test(test: TestFunction) -> bool:
    """pytest's async tests, and the async test methods of TestCases that run coroutines; an
    `async def test*` of a plain unittest.TestCase never runs (ASYNC502 reports it)."""
    return test.is_async and not (test.cls is not None and test.cls.kind.plain_sync_testcase)


def _skipped_or_expected_to_fail(test: TestFunction, model: TestModule) -> bool:
    """pytest reports such a test as skipped or xfailed, never as a silent pass."""
    if any(mark.name in SKIPPING_MARKS for mark in model.marks_reaching(test)):
        return True
    decorated = [test.node] + [cls.node for cls in model.class_chain(test.cls)]
    for node in decorated:
        for decorator in node.decorators.nodes if node.decorators else ():
            if decorator_name(decorator).startswith(SKIPPING_DECORATORS):
                return True
    for statement in test.node.body:  # unconditional: a top-level statement of the test
        if isinstance(statement, nodes.Expr) and isinstance(statement.value, nodes.Call):
            func = statement.value.func
            if qualified_name(func) in SKIPPING_CALLS or last_name(func) in SKIPPING_METHODS:
                return True
        if isinstance(statement, nodes.Raise) and statement.exc is not None \
                and _skips_or_xfails(statement.exc):
            return True
    return False


def _parametrized_values(name: str, marks) -> list[nodes.NodeNG]:
    """The values `@pytest.mark.parametrize` gives the argument `name`, where they are written
    out as a list or tuple (`pytest.param(...)` included)."""
    values = []
    for mark in marks:
        if mark.name != "parametrize" or len(mark.args) < 2:
            continue
        names = parametrize_names(mark.args[0])
        if name not in names or not isinstance(mark.args[1], (nodes.List, nodes.Tuple)):
            continue
        index = names.index(name)
        for element in mark.args[1].elts:
            if isinstance(element, nodes.Call) and last_name(element.func) == "param":
                row = element.args
            elif len(names) > 1 and isinstance(element, (nodes.List, nodes.Tuple)):
                row = element.elts
            else:
                row = [element]
            if index < len(row):
                values.append(row[index])
    return values


def _callees(function: nodes.FunctionDef, nested: bool):
    """(expression called, is it a decorator) for what `function` calls, decorators included
    (a decorator of the test code may check around the test it wraps); with `nested`, the calls
    of its nested functions too (see `checks_itself`)."""
    for decorator in function.decorators.nodes if function.decorators else ():
        yield (decorator.func if isinstance(decorator, nodes.Call) else decorator), True
    for call in function.nodes_of_class(nodes.Call):
        if nested or call.scope() is function:
            yield call.func, False


def _test_code_functions(callee: nodes.NodeNG, model: TestModule) -> list[nodes.FunctionDef] | None:
    """The functions of the test code `callee` may be: helpers in the test module, a conftest, a
    test module or a module of test helpers (`tests/helpers.py`, `mypkg/testing.py`); the code
    under test and libraries are not followed. None when inference cannot tell."""
    values = _method_through_super(callee)
    if values is None:
        values = methods_through_instances(callee)
    if values is None:
        values = infer_all(callee)
    if values is None:
        return None
    functions = []
    for value in values:
        function = unwrap(value)
        if isinstance(function, nodes.FunctionDef) and _is_test_code(function, model):
            functions.append(function)
    return functions


@contained(None)
def _method_through_super(callee: nodes.NodeNG) -> list[nodes.NodeNG] | None:
    """`super().test_inherited(...)` in a method: the definition the base classes give (astroid
    leaves `super()` unknown in the linted module, built without its transforms)."""
    if not (isinstance(callee, nodes.Attribute) and isinstance(callee.expr, nodes.Call)
            and isinstance(callee.expr.func, nodes.Name) and callee.expr.func.name == "super"
            and not callee.expr.args):
        return None
    method = callee.scope()
    cls = method.parent if isinstance(method, nodes.FunctionDef) else None
    if not isinstance(cls, nodes.ClassDef):
        return None
    for ancestor in cls.ancestors():
        if callee.attrname in ancestor.locals:
            return list(ancestor.locals[callee.attrname])
    return None


def _is_test_code(function: nodes.FunctionDef, model: TestModule) -> bool:
    root = function.root()
    if root is model.module:
        return True
    if any(part in TEST_HELPER_PARTS for part in root.name.split(".")):
        return True
    if not root.file:
        return False
    path = Path(root.file)
    if path.name == "conftest.py" or model.project.is_test_module(path):
        return True
    try:
        relative = path.relative_to(model.project.rootdir)
    except ValueError:
        return False
    return bool(TEST_HELPER_PARTS & set(relative.parts[:-1]))


def _imported_from_test_helpers(callee: nodes.NodeNG) -> bool:
    """A name imported from a module of test helpers (`from sqlalchemy.testing import eq_`)."""
    if not isinstance(callee, nodes.Name):
        return False
    try:
        _scope, bindings = callee.lookup(callee.name)
    except Exception:  # astroid's lookup failures mean: not an import we can read
        return False
    if not bindings or not all(isinstance(binding, nodes.ImportFrom) for binding in bindings):
        return False
    name = qualified_name(callee) or ""
    return any(part in TEST_HELPER_PARTS for part in name.split(".")[:-1])


RULES = (AsyncTestAssertsNothing,)
