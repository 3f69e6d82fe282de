"""The safe, mechanical fixes, applied with libcst (formatting and comments kept).

A fix is computed here from a finding's (line, column, code, message) and the file's concrete
syntax tree: the rules stay untouched, and a finding has a fix only when the reported node is
found where the finding says, in the shape the fix expects. A fix that could change behaviour
beyond the finding is not offered (docs/fixes.md says what each code's fix does and when it is
left to the user); a file that does not parse is left alone.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from ..rules.base import Finding

#: ASYNC652: a call assertion and its await twin (same arguments, same meaning for awaits).
AWAIT_TWINS = {
    "assert_called": "assert_awaited",
    "assert_called_once": "assert_awaited_once",
    "assert_called_with": "assert_awaited_with",
    "assert_called_once_with": "assert_awaited_once_with",
    "assert_any_call": "assert_any_await",
    "assert_has_calls": "assert_has_awaits",
    "call_count": "await_count",
    "called": "await_count",
}
SYNC_MOCK_NAMES = ("MagicMock", "Mock")
#: Where each patching API takes its substitute, by the called attribute's name.
SUBSTITUTE_POSITION = {"patch": 1, "object": 2, "setattr": 2}

Edit = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class Plan:
    """The edits for one file: node -> how to rewrite it, and the imports the edits need."""

    edits: dict[cst.CSTNode, list[Edit]] = field(default_factory=dict)
    imports: list[tuple[str, str | None]] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)

    def add(self, node: cst.CSTNode, edit: Edit, finding: Finding, *imports: tuple[str, str | None]):
        self.edits.setdefault(node, []).append(edit)
        self.imports.extend(imports)
        self.fixed.append(finding)


def apply(source: bytes, findings: Sequence[Finding], *, asyncio_only: bool = True
          ) -> tuple[bytes, list[Finding]]:
    """`source` with every finding that has a fix fixed, and the findings fixed.

    `asyncio_only`: the file's async tests certainly run on asyncio (no anyio or trio anywhere
    near them), so that an asyncio API may be written into them (ASYNC700)."""
    if not findings:
        return source, []
    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except (cst.ParserSyntaxError, ValueError, RecursionError):
        return source, []
    tree = Tree(wrapper)
    tree.asyncio_only = asyncio_only
    plan = Plan()
    for finding in findings:
        planner = PLANNERS.get(finding.code)
        if planner is not None:
            try:
                planner(tree, finding, findings, plan)
            except (LookupError, ValueError, TypeError, AttributeError):
                continue  # a shape this fix does not know: no fix
    if not plan.fixed:
        return source, []
    module = tree.module.visit(_Apply(plan.edits))
    if plan.imports:
        context = CodemodContext()
        for module_name, obj in dict.fromkeys(plan.imports):
            AddImportsVisitor.add_needed_import(context, module_name, obj)
        module = AddImportsVisitor(context).transform_module(module)
    fixed_source = module.bytes
    try:
        ast.parse(fixed_source)
    except (SyntaxError, ValueError):  # never write a file that does not parse
        return source, []
    return fixed_source, plan.fixed


class _Apply(cst.CSTTransformer):
    def __init__(self, edits: dict[cst.CSTNode, list[Edit]]) -> None:
        super().__init__()
        self.edits = edits

    def on_leave(self, original_node, updated_node):
        for edit in self.edits.get(original_node, ()):
            updated_node = edit(updated_node)
        return updated_node


class Tree:
    """The module's concrete syntax tree, indexed by where nodes start."""

    asyncio_only = True

    def __init__(self, wrapper: MetadataWrapper) -> None:
        self.module = wrapper.module
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.lines = self.module.code.splitlines()
        self.starting: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, where in self.positions.items():
            self.starting.setdefault((where.start.line, where.start.column), []).append(node)

    def column(self, finding: Finding) -> int:
        """The finding's column (UTF-8 bytes, as Python's ast counts) in characters."""
        line = self.lines[finding.line - 1] if 0 < finding.line <= len(self.lines) else ""
        return len(line.encode("utf-8")[:finding.col].decode("utf-8", "ignore"))

    def at(self, finding: Finding, kind: type | tuple[type, ...]) -> list:
        return [node for node in self.starting.get((finding.line, self.column(finding)), [])
                if isinstance(node, kind)]

    def function_at(self, finding: Finding) -> cst.FunctionDef:
        """The `def` whose name is on the finding's line (findings on functions name the def line)."""
        found = [node for node in self.positions if isinstance(node, cst.FunctionDef)
                 and self.positions[node.name].start.line == finding.line]
        if len(found) != 1:
            raise LookupError("no single def on that line")
        return found[0]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def runs_in_async_def(self, node: cst.CSTNode) -> bool:
        """Is `node` run directly by an `async def` (so `await`/`async with`/`async for` may be
        used there with the same meaning)? Not inside a lambda, a class body or a generator
        expression (an `await` would turn it into an async generator); list, set and dict
        comprehensions run in the function."""
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                return current.asynchronous is not None
            if isinstance(current, (cst.Lambda, cst.ClassDef, cst.GeneratorExp, cst.Module)):
                return False
            current = self.parent(current)
        return False

    def imported_from(self, name: str) -> str | None:
        """The module a top-level `from M import name` (no alias) takes `name` from."""
        for statement in self.module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar) \
                        and small.module is not None and not small.relative:
                    for alias in small.names:
                        if alias.asname is None and dotted(alias.name) == name:
                            return dotted(small.module)
        return None


def dotted(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def message_quotes(message: str, prefix: str) -> str | None:
    """The Python string literal after `prefix` in a message (`coroutine 'f(1)' is ...`)."""
    match = re.search(re.escape(prefix) + r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""", message)
    if match is None:
        return None
    try:
        return ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return None


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace('"', "'")


# --- ASYNC652: assert_called* -> assert_awaited* --------------------------------------------------

def plan_call_assertion(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    for attribute in tree.at(finding, cst.Attribute):
        name = attribute.attr.value
        if name not in AWAIT_TWINS:
            continue
        if name == "called" and not _truth_tested(tree, attribute):
            return  # `m.called is True`: await_count is no bool; left to the user
        twin = AWAIT_TWINS[name]
        plan.add(attribute.attr, lambda node, twin=twin: node.with_changes(value=twin), finding)
        return


def _truth_tested(tree: Tree, node: cst.CSTNode) -> bool:
    """Is the value only tested for truth (`assert m.called`, `assert m.called and x`,
    `self.assertTrue(m.called)`), where an int count means the same as the bool?"""
    parent = tree.parent(node)
    while isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.And):
        node, parent = parent, tree.parent(parent)
    if isinstance(parent, cst.Assert):
        return parent.test is node
    if isinstance(parent, cst.Arg):
        call = tree.parent(parent)
        return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) \
            and call.func.attr.value == "assertTrue" and call.args[0] is parent
    return False


# --- ASYNC600 / ASYNC601: add 'await' -------------------------------------------------------------

def plan_add_await(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    if not finding.message.rstrip().endswith("add 'await'"):
        return  # the other ASYNC600 forms (a test returning it, a sync caller) need a person
    reported = message_quotes(finding.message, "coroutine ")
    if reported is None or reported.endswith("..."):
        return
    reported = squeeze(reported)
    calls = [call for call in tree.at(finding, cst.Call)
             if reported.startswith(squeeze(tree.module.code_for_node(call.func)) + "(")]
    if not calls:
        return
    call = max(calls, key=lambda c: len(tree.module.code_for_node(c.func)))
    if not tree.runs_in_async_def(call):
        return
    parent = tree.parent(call)
    if isinstance(parent, cst.Await):
        return
    needs_parentheses = (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is call) \
        or (isinstance(parent, cst.Call) and parent.func is call)

    def add_await(node, needs_parentheses=needs_parentheses):
        if needs_parentheses:
            return cst.Await(expression=node, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return cst.Await(expression=node)

    plan.add(call, add_await, finding)


# --- ASYNC520: @pytest.fixture -> @pytest_asyncio.fixture -----------------------------------------

def plan_asyncio_fixture(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    function = tree.function_at(finding)
    if function.asynchronous is None:
        return
    for decorator in function.decorators:
        expression = decorator.decorator
        target = expression.func if isinstance(expression, cst.Call) else expression
        name = dotted(target)
        if name == "pytest.fixture" or (name == "fixture" and tree.imported_from("fixture") == "pytest"):
            if isinstance(expression, cst.Call) and not _function_scoped(expression):
                return
            new = cst.Attribute(value=cst.Name("pytest_asyncio"), attr=cst.Name("fixture"))
            plan.add(target, lambda node, new=new: new, finding, ("pytest_asyncio", None))
            return


def _function_scoped(call: cst.Call) -> bool:
    """No `scope=`, or `scope="function"`. A wider scope is not fixed: `@pytest_asyncio.fixture`
    runs it in the loop `asyncio_default_fixture_loop_scope` names, so with `function` there it
    errors from its second test on (ASYNC522), and with the option unset it runs in a loop of its
    scope that its function-loop tests do not share (ASYNC524), verified with pytest-asyncio 1.5.
    Which loop the fixture and its tests should share is a decision."""
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value == "scope":
            value = argument.value
            return isinstance(value, cst.SimpleString) and value.evaluated_value == "function"
    return True


# --- ASYNC500: add @pytest.mark.asyncio -----------------------------------------------------------

def plan_asyncio_mark(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    if "add @pytest.mark.asyncio" not in finding.message:
        return
    function = tree.function_at(finding)
    if function.asynchronous is None:
        return
    mark = cst.Decorator(decorator=cst.parse_expression("pytest.mark.asyncio"))
    plan.add(function, lambda node: node.with_changes(decorators=[mark, *node.decorators]),
             finding, ("pytest", None))


# --- ASYNC603 / ASYNC604: with <-> async with -----------------------------------------------------

def _with_statement(tree: Tree, finding: Finding) -> cst.With | None:
    for item in tree.at(finding, cst.BaseExpression):
        parent = tree.parent(item)
        if isinstance(parent, cst.WithItem) and parent.item is item:
            statement = tree.parent(parent)
            if isinstance(statement, cst.With):
                return statement
    return None


def _every_item_reported(tree: Tree, statement: cst.With, code: str, findings) -> bool:
    """A `with` of several items changes as one: only when each item is reported."""
    reported = {(f.line, tree.column(f)) for f in findings if f.code == code}
    for item in statement.items:
        start = tree.positions[item.item].start
        if (start.line, start.column) not in reported:
            return False
    return True


def plan_async_with(tree: Tree, finding: Finding, findings, plan: Plan) -> None:
    statement = _with_statement(tree, finding)
    if statement is None or statement.asynchronous is not None or not tree.runs_in_async_def(statement):
        return
    if _every_item_reported(tree, statement, finding.code, findings) and statement not in plan.edits:
        plan.add(statement, lambda node: node.with_changes(asynchronous=cst.Asynchronous()), finding)
    elif statement in plan.edits:
        plan.fixed.append(finding)


def plan_sync_with(tree: Tree, finding: Finding, findings, plan: Plan) -> None:
    statement = _with_statement(tree, finding)
    if statement is None or statement.asynchronous is None:
        return
    if _every_item_reported(tree, statement, finding.code, findings) and statement not in plan.edits:
        plan.add(statement, lambda node: node.with_changes(asynchronous=None), finding)
    elif statement in plan.edits:
        plan.fixed.append(finding)


# --- ASYNC605: for -> async for ---------------------------------------------------------------------

def plan_async_for(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    for iterable in tree.at(finding, cst.BaseExpression):
        loop = tree.parent(iterable)
        if isinstance(loop, (cst.For, cst.CompFor)) and loop.iter is iterable and loop.asynchronous is None:
            if isinstance(loop, cst.CompFor) and isinstance(_comprehension(tree, loop), cst.GeneratorExp):
                return  # an async generator expression is another kind of value for its consumer
            if tree.runs_in_async_def(loop):
                plan.add(loop, lambda node: node.with_changes(asynchronous=cst.Asynchronous()), finding)
            return


def _comprehension(tree: Tree, node: cst.CompFor) -> cst.CSTNode | None:
    current = tree.parent(node)
    while isinstance(current, cst.CompFor):
        current = tree.parent(current)
    return current


# --- ASYNC650 / ASYNC651: MagicMock <-> AsyncMock ---------------------------------------------------

def plan_mock_swap(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    wanted, unwanted = ("AsyncMock", SYNC_MOCK_NAMES) if finding.code == "ASYNC650" \
        else ("MagicMock", ("AsyncMock",))
    substitute = None
    for node in tree.at(finding, (cst.Call, cst.Assign)):
        substitute = _substitute(node)
        if substitute is not None:
            break
    if substitute is None:
        return
    keyword_form = isinstance(substitute, cst.Arg) and substitute.keyword is not None \
        and substitute.keyword.value == "new_callable"
    value = substitute.value if isinstance(substitute, cst.Arg) else substitute
    if keyword_form:
        factory = value  # new_callable=MagicMock
    elif isinstance(value, cst.Call):
        factory = value.func  # new=MagicMock(...), a plain assignment's value
    else:
        return  # a mock made elsewhere (a variable, a fixture): the fix is not local
    name = factory.value if isinstance(factory, cst.Name) else \
        factory.attr.value if isinstance(factory, cst.Attribute) else None
    if name not in unwanted:
        return
    imports: tuple = ()
    if isinstance(factory, cst.Name):
        source = tree.imported_from(name)
        if source not in ("unittest.mock", "mock"):
            return
        imports = ((source, wanted),)
        renamed = factory
    else:
        renamed = factory.attr
    plan.add(renamed, lambda node, wanted=wanted: node.with_changes(value=wanted), finding, *imports)


def _substitute(node: cst.CSTNode) -> cst.CSTNode | None:
    """The substitute of a replacement: `patch(t, new)`, `patch.object(o, n, new)`, `new=` /
    `new_callable=`, `monkeypatch.setattr(o, n, v)` / `setattr("a.b", v)`, `o.name = value`."""
    if isinstance(node, cst.Assign):
        return node.value if len(node.targets) == 1 else None
    func = node.func
    api = dotted(func).rsplit(".", 1)[-1] if dotted(func) else None
    if api not in SUBSTITUTE_POSITION:
        return None
    for argument in node.args:
        if argument.keyword is not None and argument.keyword.value in ("new", "new_callable"):
            return argument
    positional = [a for a in node.args if a.keyword is None and not a.star]
    position = SUBSTITUTE_POSITION[api]
    if api == "setattr" and positional and isinstance(positional[0].value, cst.SimpleString) \
            and len(positional) == 2:
        position = 1  # monkeypatch.setattr("pkg.mod.name", value)
    return positional[position].value if len(positional) > position else None


# --- ASYNC503: async def setUp -> asyncSetUp --------------------------------------------------------

def plan_async_hook(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    match = re.search(r"; rename it (asyncSetUp|asyncTearDown)$", finding.message)
    if match is None:
        return  # a plain TestCase also needs another base class: left to the user
    function = tree.function_at(finding)
    old, new = function.name.value, match.group(1)
    if function.asynchronous is None or old not in ("setUp", "tearDown"):
        return
    for node in tree.positions:  # `super().setUp()` elsewhere would now call the sync base hook
        if isinstance(node, cst.Attribute) and node.attr.value in (old, new):
            return
    cls = tree.parent(tree.parent(function))
    if not isinstance(cls, cst.ClassDef):
        return
    for statement in cls.body.body:  # the class has both: which one was meant is not known
        if isinstance(statement, cst.FunctionDef) and statement.name.value == new:
            return
    plan.add(function.name, lambda node, new=new: node.with_changes(value=new), finding)


# --- ASYNC502 / ASYNC503: unittest.TestCase -> unittest.IsolatedAsyncioTestCase ---------------------

def plan_isolated_testcase(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    """The class the finding's method is in, when it is defined here with the one base
    `unittest.TestCase` (either spelling): that base becomes IsolatedAsyncioTestCase."""
    if finding.code == "ASYNC503" and not finding.message.endswith(
            "; inherit from unittest.IsolatedAsyncioTestCase"):
        return  # `async def setUp` needs a rename too; the next pass offers it once isolated
    function = tree.function_at(finding)
    cls = tree.parent(tree.parent(function))
    if not isinstance(cls, cst.ClassDef) or cls.keywords or len(cls.bases) != 1:
        return
    if f"{cls.name.value!r}" not in finding.message:
        return
    base = cls.bases[0].value
    if base in plan.edits:
        plan.fixed.append(finding)
        return
    if dotted(base) == "unittest.TestCase":
        plan.add(base, lambda node: node.with_changes(attr=cst.Name("IsolatedAsyncioTestCase")), finding)
    elif dotted(base) == "TestCase" and tree.imported_from("TestCase") == "unittest":
        plan.add(base, lambda node: node.with_changes(value="IsolatedAsyncioTestCase"), finding,
                 ("unittest", "IsolatedAsyncioTestCase"))


def plan_async_hook_or_base(tree: Tree, finding: Finding, findings, plan: Plan) -> None:
    if finding.message.endswith("; inherit from unittest.IsolatedAsyncioTestCase"):
        plan_isolated_testcase(tree, finding, findings, plan)
    else:
        plan_async_hook(tree, finding, findings, plan)


# --- ASYNC505: pytest.mark.asyncio(scope=...) -> loop_scope= ----------------------------------------

def plan_loop_scope(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    if "(scope=...) is deprecated" not in finding.message:
        return
    for node in tree.at(finding, (cst.Call, cst.Decorator)):
        call = node.decorator if isinstance(node, cst.Decorator) else node
        if not isinstance(call, cst.Call) or not (dotted(call.func) or "").endswith("asyncio"):
            continue
        keywords = [a.keyword.value for a in call.args if a.keyword is not None]
        if "loop_scope" in keywords:
            return
        for argument in call.args:
            if argument.keyword is not None and argument.keyword.value == "scope":
                plan.add(argument.keyword, lambda n: n.with_changes(value="loop_scope"), finding)
                return


# --- ASYNC700: time.sleep(x) -> await asyncio.sleep(x) ----------------------------------------------

def plan_async_sleep(tree: Tree, finding: Finding, _all, plan: Plan) -> None:
    if not re.match(r"(time\.sleep\(\)|sleep\(\) \(that is time\.sleep\)) blocks", finding.message):
        return
    if not tree.asyncio_only:
        return  # under anyio or trio the sleep is anyio.sleep / trio.sleep: the runner decides
    for call in tree.at(finding, cst.Call):
        spelled = dotted(call.func)
        if spelled == "time.sleep" or (spelled == "sleep" and tree.imported_from("sleep") == "time"):
            break
    else:
        return
    if not tree.runs_in_async_def(call) or isinstance(tree.parent(call), cst.Await):
        return
    parent = tree.parent(call)
    needs_parentheses = (isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is call) \
        or (isinstance(parent, cst.Call) and parent.func is call)

    def asyncio_sleep(node, needs_parentheses=needs_parentheses):
        new_call = node.with_changes(func=cst.Attribute(value=cst.Name("asyncio"), attr=cst.Name("sleep")))
        parentheses = {"lpar": [cst.LeftParen()], "rpar": [cst.RightParen()]} if needs_parentheses else {}
        return cst.Await(expression=new_call, **parentheses)

    plan.add(call, asyncio_sleep, finding, ("asyncio", None))


PLANNERS: dict[str, Callable[[Tree, Finding, Sequence[Finding], Plan], None]] = {
    "ASYNC500": plan_asyncio_mark,
    "ASYNC502": plan_isolated_testcase,
    "ASYNC503": plan_async_hook_or_base,
    "ASYNC505": plan_loop_scope,
    "ASYNC520": plan_asyncio_fixture,
    "ASYNC600": plan_add_await,
    "ASYNC601": plan_add_await,
    "ASYNC603": plan_async_with,
    "ASYNC604": plan_sync_with,
    "ASYNC605": plan_async_for,
    "ASYNC650": plan_mock_swap,
    "ASYNC651": plan_mock_swap,
    "ASYNC652": plan_call_assertion,
    "ASYNC700": plan_async_sleep,
}

#: The codes that may have a fix (docs/fixes.md describes each).
FIXABLE: frozenset[str] = frozenset(PLANNERS)


def fixable(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.code in FIXABLE]
