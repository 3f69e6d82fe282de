"""The flake8 entry point (registered as `ASY`). Thin: options in, findings out, nothing raised."""

from __future__ import annotations

import ast
import fnmatch
import logging
import os
from typing import Any, Iterator

from . import __version__
from .config import Settings, register_options, settings_from_options
from .config.options import warn_once

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
            filename = placed(self.filename)
            findings = analyse(filename, "".join(self.lines), self.settings, self.tree)
        except Exception as error:  # never take flake8 down (RecursionError included), but say so
            if raise_internal_errors():
                raise
            LOG.warning("flake8-async-tests: internal error on %s, its findings are missing: %r",
                        self.filename, error)
            LOG.debug("flake8-async-tests failed on %s", self.filename, exc_info=True)
            return
        for finding in sorted(set(findings)):
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)


#: flake8's name for a file read from stdin without `--stdin-display-name` ("-" from older ones).
STDIN_NAMES = ("stdin", "-")


def placed(filename: str) -> str:
    """Where the analysis takes the file to be. Its project (pytest config, rootdir, conftest
    files) is found from there, so a file that cannot be placed would lose most findings
    silently: stdin without `--stdin-display-name`, or a relative display name whose folder
    does not exist from the working directory (an editor running flake8 elsewhere). Such a file
    is placed in the working directory, as a test module (its own name when it has one), and a
    warning says so once. A new, unsaved file in an existing folder is placed where it will be."""
    if filename not in STDIN_NAMES:
        if os.path.isabs(filename) or os.path.isdir(os.path.dirname(filename) or "."):
            return filename
    cwd = os.getcwd()
    name = os.path.basename(filename)
    if not name.endswith(".py"):
        name = _test_module_name(cwd)
    if filename in STDIN_NAMES:
        what = "the file read from stdin has no name (no --stdin-display-name)"
    else:
        what = f"{filename} (--stdin-display-name) is not a path from the working directory"
    warn_once(f"{what}, so its project context is unknown; it is analysed as {name} in the "
              f"working directory {cwd}, with the pytest config and conftest.py found from there; "
              "run flake8 from the project's root with --stdin-display-name=<path of the file>")
    return os.path.join(cwd, name)


def _test_module_name(directory: str) -> str:
    """A file name pytest would collect as a test module in `directory` (its `python_files`)."""
    from pathlib import Path

    from .config import locate_config

    for pattern in locate_config(Path(directory)).as_list("python_files") or ["test_*.py"]:
        name = pattern.replace("*", "stdin", 1).replace("*", "")
        if "/" not in name and name.endswith(".py") and fnmatch.fnmatch(name, pattern):
            return name
    return "test_stdin.py"
