"""One file's analysis, from source text to findings (DESIGN.md's data flow, top to bottom)."""

from __future__ import annotations

import ast
import functools
import logging
import os
from pathlib import Path

from . import budget, inference, loading, memory
from .checker import Dispatcher
from .config import Settings
from .model.callables import forget_classes
from .model.test_module import TestModule
from .project import Project, module_name_of
from .rules import CATALOGUE
from .rules.base import Context, Finding
from .rules.callees import defined_as

LOG = logging.getLogger("flake8_async_tests")

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
        with budget.reading():  # bounded by the file's size; the bounds are for the rules
            module = inference.build_module(source, module_name_of(path), str(path), tree)
        if module is None:
            if tree is not None:  # Python parsed it (else flake8 reports E999): say why it is silent
                LOG.warning("flake8-async-tests: astroid cannot build %s (nested too deeply?); "
                            "it is not analysed", filename)
            return []
        budget.start_file(source.count("\n") + 1)
        try:
            ctx = Context(TestModule(module, path, project, source), settings)
            return Dispatcher(rules).run(module, ctx)
        finally:
            budget.end_file()
            inference.forget_module(module)
            forget_classes(module)
            defined_as.cache_clear()
            forget_what_the_file_left()
            _keep_memory_bounded()


def forget_what_the_file_left() -> None:
    """Drop what astroid's process-wide caches hold of the file just analysed, so that memory
    stays flat however many files one worker lints (it grew ~1 MB a file, to 862 MB after 1,500).

    The inference cache holds inferred values keyed by the nodes they were inferred from, so
    its entries pin the linted module whole; it is emptied after each file (astroid itself
    empties it whenever a transform replaces a node, i.e. while building most library modules,
    so little is lost). Two of astroid's lru_caches hold contexts and nodes the same way, and
    its memo of failed imports holds the frames of each lookup (`loading.release_failed_lookups`);
    each class's special-attribute model keeps the last node it was asked about.
    Conftests and library modules stay: they are shared by the next files."""
    try:
        loading.release_failed_lookups()
        from astroid import context
        from astroid.inference_tip import clear_inference_tip_cache
        from astroid.nodes import ClassDef
        from astroid.nodes._base_nodes import LookupMixIn

        context._invalidate_cache()
        clear_inference_tip_cache()  # 64 entries, but each context's path pins whole modules
        for cached in (ClassDef._metaclass_lookup_attribute, LookupMixIn.lookup):
            cached.cache_clear()
        for model in _object_models():
            model._instance = None
    except Exception as error:  # astroid internals moved: keep the memory, lose nothing else
        if inference.raise_internal_errors():
            raise
        LOG.debug("flake8-async-tests: cannot empty astroid's caches: %r", error)


def _keep_memory_bounded() -> None:
    """memory.keep_within_limit, never at the cost of the file's findings (it runs in a
    `finally`: an exception there would replace them)."""
    try:
        memory.keep_within_limit()
    except Exception as error:
        if inference.raise_internal_errors():
            raise
        LOG.debug("flake8-async-tests: cannot start afresh: %r", error)


@functools.lru_cache(maxsize=1)
def _object_models() -> tuple:
    """astroid's special-attribute models (`FunctionDef.special_attributes`...): one object per
    class, which remembers the last node it served (`_instance`). Found once per process: the
    node classes do not change after astroid is imported, and every file asks."""
    from astroid import bases, nodes
    from astroid.interpreter.objectmodel import ObjectModel

    models = []
    pending: list[type] = [nodes.NodeNG, bases.Proxy]
    seen: set[type] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        model = vars(cls).get("special_attributes")
        if isinstance(model, ObjectModel):
            models.append(model)
        pending += cls.__subclasses__()
    return tuple(models)
