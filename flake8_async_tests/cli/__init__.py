"""`flake8-async-tests`: the plugin's analysis without flake8, with fixes and rule docs.

    flake8-async-tests [options] [paths]     lint, flake8's output format, exit 1 on findings
    flake8-async-tests --fix [paths]         apply the safe, mechanical fixes (cli/fixes.py)
    flake8-async-tests --diff [paths]        show them as a unified diff, write nothing
    flake8-async-tests rule ASYNC652         the rule's documentation (docs/rules.md's section)
    flake8-async-tests rules                 every rule, one line each

Options are flake8's (`--select`, `--ignore`, `--extend-select`, `--extend-ignore`, `--exclude`,
`--extend-exclude`, `--per-file-ignores`, `--config`, `--isolated`) and the plugin's own
`--async-tests-*`, read from the command line and from the `[flake8]` section of the config file
flake8 would read, so both commands report the same findings. `# noqa` comments are honoured as
flake8 honours them on the reported line.

A pytest config file named as a path (`flake8-async-tests pytest.ini`, as pre-commit passes a
changed config file) gets the ASYNC850/851 findings written in it, at the offending line; flake8
sees only Python files and reports them at line 1 of the top conftest.py or the test modules.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import io
import os
import re
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

from .. import __version__
from ..codes import CODES
from . import config

#: `# noqa`, `# noqa: ASYNC500,ASYNC501` (flake8's own pattern, case-insensitive).
NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa(?P<codes>:\s?\S.*)?$", re.IGNORECASE)
#: How often a file is fixed and re-linted: a fix may bring out a finding another fix handles
#: (MagicMock -> AsyncMock, then its assert_called_once -> assert_awaited_once).
MAX_FIX_PASSES = 4


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # `flake8-async-tests rules | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run(arguments: list[str]) -> int:
    if arguments[:1] == ["rule"]:
        return show_rule(arguments[1:])
    if arguments[:1] == ["rules"]:
        return list_rules()
    parser = build_parser()
    parsed = parser.parse_args(arguments)
    options = config.resolve(parsed)
    if not options.settings.anything_to_report:
        return 0
    paths = list(discover(parsed.paths or ["."], options.exclude))
    config_paths = [path for path in paths if is_pytest_config_file(path)]
    paths = [path for path in paths if not is_pytest_config_file(path)]
    said: set[tuple[str, str]] = set()  # config problems shown in their file, not again at line 1
    found = 0
    if not parsed.diff:
        for path in config_paths:
            for finding in config_findings(path, options):
                print(format_finding(path, finding))
                said.add((finding.code, finding.message))
                found += 1
    if parsed.fix or parsed.diff:
        status = fix_files(paths, options, write=parsed.fix, show_diff=parsed.diff, said=said)
        return max(status, 1 if found else 0)
    for path in paths:
        for finding in lint(path, read_source(path), options):
            if (finding.code, finding.message) in said:
                continue
            print(format_finding(path, finding))
            found += 1
    return 1 if found else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flake8-async-tests",
        description="Find the mistakes that make async tests pass without testing anything. "
                    "Subcommands: 'rule CODE' shows a rule's documentation, 'rules' lists them.",
    )
    parser.add_argument("paths", nargs="*", help="files and directories (default: .)")
    parser.add_argument("--fix", action="store_true",
                        help="rewrite files for the findings that have a safe, mechanical fix")
    parser.add_argument("--diff", action="store_true",
                        help="print those fixes as a unified diff; write nothing")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    config.add_arguments(parser)
    return parser


# --- rule documentation -------------------------------------------------------------------------

def show_rule(arguments: list[str]) -> int:
    from .ruledocs import rule_text

    if len(arguments) != 1:
        print("usage: flake8-async-tests rule CODE   (e.g. ASYNC652)", file=sys.stderr)
        return 2
    text = rule_text(arguments[0])
    if text is None:
        print(f"flake8-async-tests: no rule {arguments[0]!r}; 'flake8-async-tests rules' lists them",
              file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def list_rules() -> int:
    from .ruledocs import sections

    for code, (name, text) in sorted(sections().items()):
        opt_in = " (opt-in)" if CODES.get(code) else ""
        print(f"{code} {name}{opt_in}: {summary(text)}")
    return 0


def summary(section: str, width: int = 110) -> str:
    """The start of the section's 'What it does': its first sentence, cut at a word."""
    match = re.search(r"### What it does\s+(.+?)(?:\n###|$)", section, re.DOTALL)
    text = " ".join(match.group(1).split()) if match else ""
    sentence = re.match(r"(.+?[.:])(?:\s|$)", text)
    if sentence and not sentence.group(1).endswith(":"):
        text = sentence.group(1)
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0] + " …"


# --- files --------------------------------------------------------------------------------------

def discover(paths: Sequence[str], exclude: Sequence[str]) -> Iterator[str]:
    """flake8's walk: named files as given, `*.py` under named directories, minus `exclude`."""
    for path in paths:
        if excluded(path, exclude):
            continue
        if not os.path.isdir(path):
            yield path
            continue
        for root, directories, files in os.walk(path):
            directories[:] = sorted(d for d in directories if not excluded(os.path.join(root, d), exclude))
            for name in sorted(files):
                full = os.path.join(root, name)
                if name.endswith(".py") and not excluded(full, exclude):
                    yield full


def excluded(path: str, patterns: Sequence[str]) -> bool:
    return _matches(path, patterns)


def _matches(path: str, patterns: Sequence[str]) -> bool:
    """flake8's matching: a pattern matches the base name or the absolute path."""
    if not patterns:
        return False
    name = os.path.basename(path.rstrip(os.sep)) or path
    absolute = os.path.abspath(path)
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(absolute, p) for p in patterns)


def is_pytest_config_file(path: str) -> bool:
    from ..config.pytest_config import CONFIG_FILE_NAMES

    return os.path.basename(path) in CONFIG_FILE_NAMES


def read_source(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def decode(source: bytes) -> str:
    """The text as Python reads it (PEP 263 coding cookie, BOM), as flake8 does."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return source.decode("latin-1")


# --- linting ------------------------------------------------------------------------------------

def lint(path: str, source: bytes, options: config.Options) -> list:
    """The findings flake8 would show for `path` with this plugin: analysis, then the codes
    selected, `per-file-ignores` and `# noqa`."""
    from ..analysis import analyse
    from ..inference import raise_internal_errors

    text = decode(source)
    try:
        findings = analyse(path, text, options.settings)
    except Exception as error:  # a file that breaks the analysis is reported, never fatal
        if raise_internal_errors():
            raise
        print(f"flake8-async-tests: internal error on {path} ({type(error).__name__}: {error}); "
              "set FLAKE8_ASYNC_TESTS_RAISE=1 to see it", file=sys.stderr)
        return []
    lines = text.splitlines()
    if _file_noqa(lines):
        return []
    ignored = [code for pattern, codes in options.per_file_ignores
               if _matches(path, [pattern]) for code in codes]
    shown = []
    for finding in sorted(set(findings)):
        if not options.settings.is_enabled(finding.code, CODES.get(finding.code, False)):
            continue
        if ignored and finding.code.startswith(tuple(ignored)):
            continue
        line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        if _noqa_silences(line, finding.code):
            continue
        shown.append(finding)
    return shown


def config_findings(path: str, options: config.Options) -> list:
    """ASYNC850/851 about what is written in the pytest config file `path`, at its lines (line 1
    where the problem is the file as a whole): the configuration pytest picks for that file's
    directory, as the plugin sees it for the tests there. Selection and `per-file-ignores`
    apply as to any file; there is no `# noqa` in a config file."""
    from ..config import locate_config
    from ..rules.base import Finding

    here = Path(os.path.abspath(path))
    if not here.is_file():
        return []
    ignored = [code for pattern, codes in options.per_file_ignores
               if _matches(path, [pattern]) for code in codes]
    shown = []
    for problem in locate_config(here.parent).problems:
        if problem.path is None or problem.path.resolve() != here.resolve():
            continue
        if not options.settings.is_enabled(problem.code, CODES.get(problem.code, False)):
            continue
        if ignored and problem.code.startswith(tuple(ignored)):
            continue
        shown.append(Finding(problem.line or 1, 0, problem.code, problem.message))
    return sorted(set(shown))


def _noqa_silences(line: str, code: str) -> bool:
    match = NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    listed = [c for c in re.split(r"[,\s]+", codes.strip()) if c]
    return any(code == c.upper() or code.startswith(c.upper()) for c in listed)


def _file_noqa(lines: list[str]) -> bool:
    """`# flake8: noqa` alone skips the file (flake8 ignores the form with codes)."""
    return any((m := NOQA_FILE.match(line)) and not m.group("codes") for line in lines)


def format_finding(path: str, finding) -> str:
    """flake8's default format (columns are 1-based there)."""
    return f"{path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message}"


# --- fixing -------------------------------------------------------------------------------------

@dataclass
class FixOutcome:
    """One file after fixing: its new text, the findings fixed (at their lines in the new
    text) and the findings left."""

    source: bytes
    fixed: list
    remaining: list
    before: list  # the findings before any fix


def fix_file(path: str, source: bytes, options: config.Options) -> FixOutcome:
    """Fix, re-lint, fix again while fixes apply (at most MAX_FIX_PASSES times)."""
    from . import fixes

    fixed: list = []
    findings = before = lint(path, source, options)
    asyncio_only = runs_on_asyncio_only(path, decode(source))
    for _ in range(MAX_FIX_PASSES):
        new_source, applied = fixes.apply(source, findings, asyncio_only=asyncio_only)
        if not applied or new_source == source:
            break
        moved = line_map(decode(source), decode(new_source))
        fixed = [replace(f, line=moved.get(f.line, f.line)) for f in fixed + applied]
        source = new_source
        findings = lint(path, source, options)
    return FixOutcome(source, fixed, findings, before)


#: Words that put a test under anyio or trio (a mark, a fixture, a mode, a backend list).
OTHER_RUNNERS = re.compile(r"\b(anyio|trio)")
RUNNER_STRING = re.compile(r"(anyio|trio)[\w.:-]*")
PYTEST_CONFIGS = ("pytest.ini", ".pytest.ini", "pytest.toml", "pyproject.toml", "tox.ini", "setup.cfg")


def runs_on_asyncio_only(path: str, text: str) -> bool:
    """Conservatively: neither the file nor a conftest.py or pytest config file in its folder or
    above mentions anyio or trio, so its async code runs on asyncio (ASYNC700's asyncio.sleep)."""
    if _python_mentions_other_runners(text):
        return False
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        for name in ("conftest.py", *PYTEST_CONFIGS):
            candidate = os.path.join(directory, name)
            try:
                with open(candidate, encoding="utf-8", errors="replace") as file:
                    content = file.read()
            except OSError:
                continue
            if name == "conftest.py" and _python_mentions_other_runners(content):
                return False
            if name != "conftest.py" and OTHER_RUNNERS.search(content):
                return False
        parent = os.path.dirname(directory)
        if parent == directory:
            return True
        directory = parent


def _python_mentions_other_runners(text: str) -> bool:
    """A name (`anyio`, `trio`, `anyio_backend`, `trio_mode`…) or a short string (`"trio"` in a
    backend list) in code; comments and docstrings do not count."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return bool(OTHER_RUNNERS.search(text))
    for token in tokens:
        if token.type == tokenize.NAME and OTHER_RUNNERS.match(token.string):
            return True
        if token.type == tokenize.STRING and RUNNER_STRING.fullmatch(token.string.strip("'\"")):
            return True
    return False


def line_map(before: str, after: str) -> dict[int, int]:
    """Line numbers (1-based) of `before` -> where those lines are in `after`."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for offset in range(i2 - i1):
                moved[i1 + offset + 1] = min(j1 + offset, max(j2 - 1, j1)) + 1
    return moved


def fix_files(paths: Sequence[str], options: config.Options, write: bool, show_diff: bool,
              said: set[tuple[str, str]] = frozenset()) -> int:
    """Fix each file; with `write`, print what is left (but the config problems already shown
    in their config file, `said`)."""
    fixed: Counter = Counter()
    remaining = 0
    changed = 0
    for path in paths:
        original = read_source(path)
        outcome = fix_file(path, original, options)
        fixed.update(finding.code for finding in outcome.fixed)
        if outcome.source != original:
            changed += 1
            if show_diff:
                sys.stdout.write(unified_diff(path, original, outcome.source))
            if write:
                with open(path, "wb") as file:
                    file.write(outcome.source)
        if write:
            left = [f for f in outcome.remaining if (f.code, f.message) not in said]
            for finding in left:
                print(format_finding(path, finding))
            remaining += len(left)
    total = sum(fixed.values())
    counts = ", ".join(f"{code} {count}" for code, count in sorted(fixed.items()))
    verb = "Fixed" if write else "Would fix"
    print(f"{verb} {total} finding{'s' if total != 1 else ''} in {changed} "
          f"file{'s' if changed != 1 else ''}{f' ({counts})' if counts else ''}.", file=sys.stderr)
    if write:
        return 1 if remaining else 0
    return 1 if changed else 0


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    lines = difflib.unified_diff(
        decode(before).splitlines(keepends=True), decode(after).splitlines(keepends=True),
        fromfile=f"a/{os.path.normpath(path)}", tofile=f"b/{os.path.normpath(path)}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
