"""The flake8 entry point (registered as `ASY`). Thin: options in, findings out, nothing raised."""

from __future__ import annotations

import ast
import logging
from typing import Any, Iterator

from . import __version__
from .config import Settings, register_options, settings_from_options

LOG = logging.getLogger("flake8_async_tests")


class Plugin:
    name = "flake8-async-tests"
    version = __version__
    settings = Settings()

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @staticmethod
    def add_options(option_manager: Any) -> None:
        register_options(option_manager)

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.settings = settings_from_options(options)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not self.settings.anything_to_report:
            return
        from .analysis import analyse  # astroid is imported only once a file is checked
        from .inference import raise_internal_errors

        try:
            findings = analyse(self.filename, "".join(self.lines), self.settings, self.tree)
        except Exception as error:  # never take flake8 down (RecursionError included), but say so
            if raise_internal_errors():
                raise
            LOG.warning("flake8-async-tests: internal error on %s, its findings are missing: %r",
                        self.filename, error)
            LOG.debug("flake8-async-tests failed on %s", self.filename, exc_info=True)
            return
        for finding in sorted(set(findings)):
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
