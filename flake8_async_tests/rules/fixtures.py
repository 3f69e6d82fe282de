"""ASYNC52x: async fixtures that nothing runs, or that run in another loop than their tests."""

from __future__ import annotations

from astroid import nodes

from ..model.fixtures import Fixture, scope_index
from ..rendering import config_source
from .base import Context, Rule, and_more


class AsyncFixtureWithPlainDecorator(Rule):
    code = "ASYNC520"
    name = "async-fixture-with-plain-decorator"
    message = (
        "async fixture {fixture!r} under @pytest.fixture in strict mode ({source}); "
        "use @pytest_asyncio.fixture"
    )
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node, ctx: Context):
        model = ctx.model
        fixture = model.fixture_for(node)
        if fixture is None or fixture.kind != "pytest" or fixture.node is not node:
            return
        if not ctx.setup.asyncio_strict or "asyncio" in ctx.setup.disabled_plugins:
            return
        if model.runner_hook or model.anyio_or_trio_may_run(fixture):
            return
        yield self.finding(node, fixture=fixture.name, source=config_source(ctx.setup.mode_source))


class AsyncFixtureInSyncTest(Rule):
    code = "ASYNC521"
    name = "unresolvable-async-fixture-in-sync-test"
    message = (
        "sync {what} requests async fixture {fixture!r} ({where}), which nothing runs; {fix}"
    )
    visits = (nodes.FunctionDef,)

    def check(self, node, ctx: Context):
        if isinstance(node, nodes.AsyncFunctionDef):
            return
        model = ctx.model
        if ctx.setup.asyncio_mode != "strict" or model.runner_hook:
            return
        fixture = model.fixture_for(node)
        test = model.test_for(node)
        if fixture is not None and fixture.node is node:
            what, marks = "fixture", fixture.marks
        elif test is not None and not test.in_unittest_class:
            what, marks = "test", model.marks_reaching(test)
        else:
            return
        requested_names = [name for name, _ in model.requested_fixtures(node, marks)]
        if "anyio_backend" in requested_names:
            return  # anyio runs async fixtures for any request that has anyio_backend (verified)
        for name, where in model.requested_fixtures(node, marks):
            requested = model.resolve_fixture(name, node)
            if requested is None or not requested.is_async or requested.kind != "pytest":
                continue
            if "anyio_backend" in requested.arguments or requested.autouse:
                continue  # anyio runs it when anyio_backend is in the closure
            if what == "fixture" and model.anyio_or_trio_may_run(requested):
                continue  # the sync fixture is requested by anyio/trio tests, which run it
            fix = ("make the test async" if what == "test"
                   else "make this fixture async")
            yield self.finding(where, what=what, name=node.name, fixture=name,
                               where=requested.where, fix=fix)


class FixtureLoopNarrowerThanScope(Rule):
    code = "ASYNC522"
    name = "fixture-loop-narrower-than-scope"
    message = (
        "async fixture of scope {scope!r} in a {loop!r} loop ({source}): ScopeMismatch; "
        "set loop_scope={scope!r}"
    )
    visits = (nodes.AsyncFunctionDef,)

    def check(self, node, ctx: Context):
        fixture = ctx.model.fixture_for(node)
        if fixture is None or fixture.node is not node or not ctx.model.asyncio_runs_fixture(fixture):
            return
        if ctx.model.legacy_event_loop is not None:
            return  # pytest-asyncio < 1.0: the loop's scope is event_loop's
        loop, source = ctx.model.fixture_loop_scope(fixture)
        scope_rank, loop_rank = scope_index(fixture.scope), scope_index(loop)
        if scope_rank is None or loop_rank is None or loop_rank >= scope_rank:
            return
        yield self.finding(node, fixture=fixture.name, scope=fixture.scope, loop=loop,
                           source=config_source(source))


class EventLoopFixture(Rule):
    code = "ASYNC523"
    name = "event-loop-fixture"
    message = "{problem}; {fix}"
    visits = (nodes.FunctionDef,)

    def check(self, node, ctx: Context):
        model = ctx.model
        fixture = model.fixture_for(node)
        if fixture is not None and fixture.node is node:
            yield from self._definition(fixture, ctx)
            marks = fixture.marks
            runs_async = model.asyncio_runs_fixture(fixture)
        else:
            test = model.test_for(node)
            if test is None:
                return
            marks = model.marks_reaching(test)
            runs_async = test.is_async and "asyncio" in model.runners_of(test).names
        for name, where in model.requested_fixtures(node, marks):
            if name != "event_loop":
                continue
            defined = model.resolve_fixture(name, node)
            if defined is None:
                yield self.finding(
                    where,
                    problem="fixture 'event_loop' no longer exists (pytest-asyncio 1.0)",
                    fix="use asyncio.get_running_loop() in async code",
                )
            elif runs_async and defined.scope == "function" and defined.node is not node \
                    and not _reported_at_definition(defined, node):
                yield self.finding(
                    where,
                    problem=(f"this runs in pytest-asyncio's loop, not in the 'event_loop' "
                             f"fixture's ({defined.where})"),
                    fix="use asyncio.get_running_loop()",
                )

    def _definition(self, fixture: Fixture, ctx: Context):
        if fixture.name == "event_loop" and fixture.scope == "function":
            yield from self._ignored_function_loop(fixture, ctx)
        elif fixture.name == "event_loop":
            yield self.finding(
                fixture.node,
                problem=f"'event_loop' ({fixture.scope}) is ignored by pytest-asyncio 1.x",
                fix=(f"remove it, use @pytest.mark.asyncio(loop_scope={fixture.scope!r})"
                     if fixture.scope else "remove it and set loop_scope on the tests"),
            )
        elif fixture.name == "event_loop_policy":
            yield self.finding(
                fixture.node,
                problem="overriding 'event_loop_policy' is deprecated in pytest-asyncio 1.x",
                fix="implement the pytest_asyncio_loop_factories hook",
            )

    def _ignored_function_loop(self, fixture: Fixture, ctx: Context):
        """A function-scoped `event_loop` (defined in a conftest or a test module): reported once,
        here, when async tests that pytest-asyncio runs request it, themselves or through an async
        fixture pytest-asyncio runs; silent when only sync tests and sync fixtures use it (a plain
        loop object they drive, as aiohttp's suite does)."""
        model = ctx.model
        if model.runner_hook or "asyncio" in ctx.setup.disabled_plugins or model.legacy_event_loop:
            return
        requests = model.fixture_requests(fixture)
        if not requests:
            return
        asyncio_fixtures = {"pytest_asyncio", "pytest"} if ctx.setup.asyncio_auto else {"pytest_asyncio"}
        in_asyncio = [r for r in requests if r.test.is_async and not r.test.in_unittest_class and (
            "asyncio" in r.test.marks or (ctx.setup.asyncio_auto and not r.anyio_or_trio))
            and (r.direct or r.async_requesters & asyncio_fixtures)]
        if not in_asyncio:
            return
        sync_users = any(not r.test.is_async for r in requests)
        yield self.finding(
            fixture.node,
            problem="'event_loop' is ignored in pytest-asyncio 1.x async tests",
            fix=("use asyncio.get_running_loop() there"
                 + (", rename this" if sync_users else ", remove this")),
        )


def _reported_at_definition(defined: Fixture, requester: nodes.FunctionDef) -> bool:
    """Is this `event_loop` definition where ASYNC523 reports it (a conftest file, or the
    requester's own module)? Then not again at each test that requests it."""
    path = defined.node.root().file or ""
    return path.endswith("conftest.py") or defined.node.root() is requester.root()


class TestLoopDiffersFromFixtureLoop(Rule):
    code = "ASYNC524"
    name = "test-loop-differs-from-fixture-loop"
    message = (
        "fixture {fixture!r} has a {fixture_loop!r} loop, this test a {test_loop!r} one; "
        "use @pytest.mark.asyncio(loop_scope={fixture_loop!r})"
    )
    visits = (nodes.AsyncFunctionDef,)

    def __init__(self) -> None:
        # fixture node -> (its loop scope, first test, test loop scope, count of tests)
        self._seen: dict[nodes.NodeNG, list] = {}

    def check(self, node, ctx: Context):
        model = ctx.model
        test = model.test_for(node)
        if test is None or test.in_unittest_class:
            return ()
        runners = model.runners_of(test)
        if runners.names != {"asyncio"} or runners.unknown or model.legacy_event_loop is not None:
            return ()
        test_loop = model.test_loop_scope(test)
        for name, _where in model.requested_fixtures(node, model.marks_reaching(test)):
            fixture = model.resolve_fixture(name, node)
            if fixture is None or not model.asyncio_runs_fixture(fixture):
                continue
            fixture_loop, _source = model.fixture_loop_scope(fixture)
            if fixture_loop is None or fixture_loop == test_loop or _plain_value(fixture):
                continue
            entry = self._seen.setdefault(fixture.node, [fixture, fixture_loop, node, test_loop, 0])
            entry[4] += 1
        return ()

    def finish(self, ctx: Context):
        for fixture, fixture_loop, test_node, test_loop, count in self._seen.values():
            others = and_more(count)
            yield self.finding(
                test_node, fixture=fixture.name, where=fixture.where, fixture_loop=fixture_loop,
                test=test_node.name, others=others, test_loop=test_loop,
            )


IMMUTABLE_CONSTANTS = (str, bytes, int, float, bool, type(None))


def _plain_value(fixture: Fixture) -> bool:
    """Does the fixture only ever give a plain immutable value (nothing loop-bound)?"""
    values = []
    for node in fixture.node.nodes_of_class((nodes.Return, nodes.Yield)):
        if node.scope() is not fixture.node:
            continue
        values.append(node.value)
    if not values:
        return True  # gives None
    return all(_is_plain(value) for value in values)


def _is_plain(value: nodes.NodeNG | None) -> bool:
    if value is None:
        return True
    if isinstance(value, nodes.Const):
        return isinstance(value.value, IMMUTABLE_CONSTANTS)
    if isinstance(value, nodes.Tuple):
        return all(_is_plain(element) for element in value.elts)
    if isinstance(value, nodes.JoinedStr):
        return True
    return False


RULES = (
    AsyncFixtureWithPlainDecorator,
    AsyncFixtureInSyncTest,
    FixtureLoopNarrowerThanScope,
    EventLoopFixture,
    TestLoopDiffersFromFixtureLoop,
)
