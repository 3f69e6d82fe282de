"""ASYNC85x: pytest settings that pytest ignores or rejects.

A config problem belongs to the project, not to one file, so it is reported once: at line 1 of
the top-most conftest.py between the rootdir and the linted module; where there is none, at line 1
of each test module that has async tests or async fixtures (the modules it hurts). flake8 sees
only Python files; the standalone command, given the config file itself, reports the problem there,
at the line each ConfigProblem carries (cli.config_findings).
"""

from __future__ import annotations

from astroid import nodes

from .base import Context, Rule


class _ConfigRule(Rule):
    message = "{problem}"
    visits = (nodes.Module,)

    def check(self, node, ctx: Context):
        if not _reports_config_here(ctx):
            return
        for problem in ctx.model.project.config.problems:
            if problem.code == self.code:
                yield self.finding_at(1, 0, problem=problem.message)


def _reports_config_here(ctx: Context) -> bool:
    model = ctx.model
    chain = model.conftests  # nearest first; a linted conftest is its own first entry
    if chain:
        return chain[-1].path == model.path
    if not model.is_test_module:
        return False
    return any(test.is_async for test in model.tests) or any(
        fixture.is_async for fixture in model.all_fixtures
    )


class IgnoredPytestConfigSection(_ConfigRule):
    code = "ASYNC850"
    name = "ignored-pytest-config-section"


class InvalidAsyncioSetting(_ConfigRule):
    code = "ASYNC851"
    name = "invalid-asyncio-setting"


RULES = (IgnoredPytestConfigSection, InvalidAsyncioSetting)
