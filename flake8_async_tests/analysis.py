"""One file's analysis, from source text to findings (DESIGN.md's data flow, top to bottom)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from . import inference, loading
from .checker import Dispatcher
from .config import Settings
from .model.test_module import TestModule
from .project import Project, module_name_of
from .rules import CATALOGUE
from .rules.base import Context, Finding

#: Texts without which a non-test module cannot hold anything a rule reports.
NON_TEST_MARKERS = ("fixture", "TestCase", "pytest")


def analyse(filename: str, source: str, settings: Settings, tree: ast.Module | None = None) -> list[Finding]:
    """The findings for one file; `tree` is flake8's parse of `source`, reused when given."""
    path = Path(os.path.abspath(filename))
    project = Project.for_file(str(path), settings)
    is_test_code = path.name == "conftest.py" or project.is_test_module(path)
    rules = [rule() for rule in CATALOGUE if settings.is_enabled(rule.code, rule.opt_in)]
    if not is_test_code and not settings.all_code and not any(m in source for m in NON_TEST_MARKERS):
        rules = [rule for rule in rules if rule.every_module]  # the rest look at test code only
    if not rules:
        return []
    with loading.project_imports(project.search_path(path), project.cache):
        module = inference.build_module(source, module_name_of(path), str(path), tree)
        if module is None:
            return []
        try:
            ctx = Context(TestModule(module, path, project, source), settings)
            return Dispatcher(rules).run(module, ctx)
        finally:
            inference.forget_module(module)
