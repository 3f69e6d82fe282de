"""Find and read the project's pytest configuration exactly the way pytest 9 chooses it.

Why exact: the asyncio mode decides whether half of the rules fire. A plugin that reads a
`pyproject.toml` which pytest ignores (because a `pytest.ini` sits beside it) would flag every
test of an auto-mode project. So this module mirrors pytest's `locate_config`: walk up from the
linted file's directory; in each directory try the candidate files in pytest's order; the first
file that *counts as* a pytest config wins. Files that hold settings pytest ignores are kept as
`ConfigProblem`s for ASYNC850/851 instead of being raised.

Nothing here raises: an unreadable or malformed file becomes a problem (pytest would abort on it),
and its values are unknown.
"""

from __future__ import annotations

import difflib
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ConfigValue = Union[str, bool, int, float, list]

#: Where tomllib's message says the error is: "... (at line 3, column 7)".
TOML_ERROR_LINE = re.compile(r"\bline (\d+)")

#: pytest 9's candidate files, in precedence order within one directory.
CONFIG_FILE_NAMES = (
    "pytest.toml",
    ".pytest.toml",
    "pytest.ini",
    ".pytest.ini",
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
)

#: The settings this plugin reads; a file that carries one of these where pytest does not
#: look is what ASYNC850 reports.
ASYNC_SETTINGS = (
    "asyncio_mode",
    "asyncio_default_fixture_loop_scope",
    "asyncio_default_test_loop_scope",
    "anyio_mode",
    "trio_mode",
)


#: pytest's settings of type "args": pytest shell-splits them when it reads them and aborts the
#: run ("No closing quotation") on an unclosed quote. These four are read on every run.
SHELL_SPLIT_SETTINGS = ("addopts", "python_files", "python_classes", "python_functions")


@dataclass(frozen=True)
class ConfigProblem:
    """A configuration fact pytest would ignore (ASYNC850) or reject (ASYNC851), and where it is
    written: `path` and 1-based `line` (0: the file as a whole), for the standalone command,
    which reports it in the config file itself when it is given that file."""

    code: str  # "ASYNC850" or "ASYNC851"
    message: str
    path: Path | None = None
    line: int = 0


@dataclass
class ParsedFile:
    """What one candidate file says, before precedence is applied.

    `values` is None when the file does not count as a pytest config (pytest moves on to the
    next candidate); `{}` when it counts but is empty (a `pytest.ini` without `[pytest]`).
    `stray` lists (section, key, line) of async settings written where pytest does not read them.
    """

    path: Path
    values: dict[str, ConfigValue] | None
    lines: dict[str, int] = field(default_factory=dict)
    stray: list[tuple[str, str, int]] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)
    fatal: bool = False  # pytest aborts on this file: nothing after it is looked at
    section_line: int = 0  # the header of the section pytest reads, where known


@dataclass
class PytestConfig:
    """The configuration pytest would use for files under `rootdir`."""

    path: Path | None  # None: no config file found
    rootdir: Path | None
    values: dict[str, ConfigValue]
    lines: dict[str, int]
    problems: list[ConfigProblem]
    #: False when pytest would abort on the chosen file: its values are unknown, and every
    #: finding that depends on them must stay silent.
    readable: bool = True
    #: True for the nearest `pyproject.toml` without a pytest table: pytest takes its directory
    #: as the rootdir and reads nothing from it. The project has no pytest configuration.
    only_marks_rootdir: bool = False

    def get(self, key: str) -> ConfigValue | None:
        return self.values.get(key)

    def as_list(self, key: str) -> list[str]:
        """A value of pytest's 'args' type: a shell-split string, or a list already."""
        value = self.values.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(item) for item in value]
        try:
            return shlex.split(str(value))
        except ValueError:  # an unclosed quote: pytest aborts (ASYNC851); nothing of it applies
            return []

    def as_bool(self, key: str) -> bool | None:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "y", "on", "t"):
            return True
        if text in ("0", "false", "no", "n", "off", "f"):
            return False
        return None

    def describe(self, key: str | None = None) -> str:
        """Where a setting came from, for messages: 'pytest.ini:3' or 'pyproject.toml'."""
        if self.path is None:
            return "no pytest config file"
        line = self.lines.get(key) if key else None
        return f"{self.path.name}:{line}" if line else self.path.name


# ---------------------------------------------------------------------------------------------
# INI files, parsed the way pytest's iniconfig does (configparser differs on duplicates,
# continuation lines and comments, and pytest aborts where iniconfig raises).


class IniError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


def parse_ini(text: str) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], int]]:
    """Sections -> {key: value}, and (section, key) -> 1-based line number ((section, "") is
    the line of the section's header)."""
    sections: dict[str, dict[str, str]] = {}
    lines: dict[tuple[str, str], int] = {}
    section: str | None = None
    last_key: str | None = None
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if raw.lstrip()[:1] in ("#", ";") or not raw.strip():
            continue
        line = raw.rstrip()
        if line[0] == "[":
            header = line
            for comment in "#;":
                header = header.split(comment)[0].rstrip()
            if header.endswith("]"):
                section = header[1:-1]
                if not section:
                    raise IniError(number, "empty section name")
                if section in sections:
                    raise IniError(number, f"duplicate section {section!r}")
                sections[section] = {}
                lines[(section, "")] = number
                last_key = None
                continue
            # iniconfig treats an unterminated '[' line as a continuation
        if line[0].isspace() or line[0] == "[":
            if section is None or last_key is None:
                raise IniError(number, "unexpected value continuation")
            previous = sections[section][last_key]
            sections[section][last_key] = f"{previous}\n{line.strip()}" if previous else line.strip()
            continue
        if section is None:
            raise IniError(number, "no section header defined")
        name, sep, value = line.partition("=")
        if not sep or ":" in name:
            name, sep, value = line.partition(":")
            if not sep:
                raise IniError(number, f"unexpected line: {line!r}")
        key = name.strip()
        if key in sections[section]:
            raise IniError(number, f"duplicate name {key!r}")
        sections[section][key] = value.strip()
        lines[(section, key)] = number
        last_key = key
    return sections, lines


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _toml_key_lines(text: str) -> dict[str, int]:
    """Best-effort line numbers of `key = ...` lines in a TOML file (for messages only)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        key, sep, _ = line.partition("=")
        key = key.strip().strip('"').strip("'")
        if sep and key and key not in found:
            found[key] = number
    return found


def _parse_ini_candidate(path: Path) -> ParsedFile:
    """pytest.ini/.pytest.ini, tox.ini, setup.cfg."""
    try:
        sections, lines = parse_ini(_read_text(path))
    except (OSError, UnicodeDecodeError, IniError) as error:
        line = error.line if isinstance(error, IniError) else 0
        message = f"{path.name} cannot be parsed by pytest ({_brief(error)}); fix the file"
        return ParsedFile(path, None, problems=[ConfigProblem("ASYNC851", message, path, line)], fatal=True)
    name = path.name
    if name in ("pytest.ini", ".pytest.ini"):
        read_section: str | None = "pytest"
    elif name == "setup.cfg":
        read_section = "tool:pytest"
    else:
        read_section = "pytest"
    parsed = ParsedFile(path, None)
    if read_section in sections:
        parsed.values = dict(sections[read_section])
        parsed.lines = {key: lines[(read_section, key)] for key in sections[read_section]}
        parsed.section_line = lines[(read_section, "")]
    elif name in ("pytest.ini", ".pytest.ini"):
        parsed.values = {}  # a pytest.ini always counts, even without [pytest]
    if name == "setup.cfg" and "pytest" in sections and "tool:pytest" not in sections:
        parsed.problems.append(
            ConfigProblem(
                "ASYNC850",
                "setup.cfg has a [pytest] section, which pytest rejects with an error; "
                "rename it to [tool:pytest]",
                path,
                lines.get(("pytest", ""), 0),
            )
        )
        parsed.fatal = True
    for section, entries in sections.items():
        if section == read_section or (parsed.fatal and section == "pytest"):
            continue
        for key in entries:
            if key in ASYNC_SETTINGS:
                parsed.stray.append((f"[{section}]", key, lines[(section, key)]))
    return parsed


def _parse_toml_candidate(path: Path) -> ParsedFile:
    """pytest.toml/.pytest.toml ([pytest] table) and pyproject.toml ([tool.pytest...])."""
    try:
        text = _read_text(path)
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        at = TOML_ERROR_LINE.search(str(error))
        problem = ConfigProblem("ASYNC851", f"{path.name} is not valid TOML ({_brief(error)}); fix the file",
                                path,
                                int(at.group(1)) if at else 0)
        return ParsedFile(path, None, problems=[problem], fatal=True)
    key_lines = _toml_key_lines(text)
    parsed = ParsedFile(path, None)

    def take(table: dict) -> None:
        parsed.values = {k: v for k, v in table.items() if not isinstance(v, dict)}
        parsed.lines = {k: key_lines[k] for k in parsed.values if k in key_lines}

    if path.name in ("pytest.toml", ".pytest.toml"):
        table = document.get("pytest")
        if isinstance(table, dict):
            take(table)
        else:
            top_level = [k for k, v in document.items() if not isinstance(v, dict)]
            if top_level:
                parsed.problems.append(
                    ConfigProblem(
                        "ASYNC851",
                        f"{path.name} has options outside a [pytest] table "
                        f"({_brief(', '.join(top_level), 30)}), so pytest aborts; put them under [pytest]",
                        path,
                        key_lines.get(top_level[0], 0),
                    )
                )
                parsed.fatal = True
            parsed.values = {}  # pytest.toml always counts
        return parsed

    tool = document.get("tool")
    tool_pytest = tool.get("pytest") if isinstance(tool, dict) else None
    if isinstance(tool_pytest, dict):
        native = {k: v for k, v in tool_pytest.items() if k != "ini_options"}
        ini_options = tool_pytest.get("ini_options")
        if native and isinstance(ini_options, dict):
            parsed.problems.append(
                ConfigProblem(
                    "ASYNC851",
                    "pyproject.toml has both [tool.pytest] and [tool.pytest.ini_options]: "
                    "pytest aborts; keep one of them",
                    path,
                    _table_header_line(text, "tool.pytest.ini_options"),
                )
            )
            parsed.fatal = True
            return parsed
        if native:
            take(native)
        elif isinstance(ini_options, dict):
            take(ini_options)
            # ini mode: scalars become strings, lists stay lists
            parsed.values = {
                k: (v if isinstance(v, list) else _toml_scalar_as_ini(v))
                for k, v in (parsed.values or {}).items()
            }
    for stray_key in ASYNC_SETTINGS:
        for where, table in _misplaced_tables(document):
            if stray_key in table:
                parsed.stray.append((where, stray_key, key_lines.get(stray_key, 0)))
    return parsed


def _table_header_line(text: str, table: str) -> int:
    """The line of `[table]` in a TOML text (0 when it is not written as a header)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().replace(" ", "") == f"[{table}]":
            return number
    return 0


def _toml_scalar_as_ini(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _misplaced_tables(document: dict) -> list[tuple[str, dict]]:
    """Tables of a pyproject.toml where people put pytest settings and pytest does not look."""
    found = []
    if isinstance(document.get("pytest"), dict):
        found.append(("[pytest]", document["pytest"]))
    tool = document.get("tool")
    if isinstance(tool, dict):
        for name in ("pytest-asyncio", "pytest_asyncio", "pytest.ini-options"):
            if isinstance(tool.get(name), dict):
                found.append((f"[tool.{name}]", tool[name]))
        pytest_table = tool.get("pytest")
        if isinstance(pytest_table, dict):
            for name, sub in pytest_table.items():
                if isinstance(sub, dict) and name != "ini_options":
                    found.append((f"[tool.pytest.{name}]", sub))
    return found


def parse_candidate(path: Path) -> ParsedFile:
    if path.suffix == ".toml":
        return _parse_toml_candidate(path)
    return _parse_ini_candidate(path)


# ---------------------------------------------------------------------------------------------


def locate_config(start: Path) -> PytestConfig:
    """pytest's choice of config file for a run started in `start` (a directory).

    Mirrors `_pytest.config.findpaths.locate_config`: the first candidate that counts wins;
    failing all, the nearest `pyproject.toml` is the (empty) config and marks the rootdir.
    Async settings in the files passed over in the chosen file's own directory (a
    pyproject.toml with only `[tool.pytest_asyncio]`, a tox.ini with `[tool:pytest]`) are
    ASYNC850s of that config. Only there: one config serves every directory below it (one
    Project), so what a file passed over deeper down would depend on which file came first.
    """
    nearest_pyproject: Path | None = None
    passed: list[ParsedFile] = []  # every candidate read, the chosen one last
    for base in (start, *start.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = base / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and nearest_pyproject is None:
                nearest_pyproject = candidate
            parsed = parse_candidate(candidate)
            passed.append(parsed)
            if parsed.values is not None or parsed.fatal:
                here = [other for other in passed if other.path.parent == base]
                return _config_from(parsed, base, here, _siblings(base, name))
    if nearest_pyproject is not None:
        empty = ParsedFile(nearest_pyproject, {})
        root = nearest_pyproject.parent
        here = [parsed for parsed in passed if parsed.path.parent == root]
        config = _config_from(empty, root, here, [])
        config.only_marks_rootdir = True
        return config
    return PytestConfig(None, None, {}, {}, [])


def _siblings(base: Path, chosen: str) -> list[ParsedFile]:
    """The candidates after the chosen one in the same directory: pytest ignores them."""
    later = CONFIG_FILE_NAMES[CONFIG_FILE_NAMES.index(chosen) + 1 :]
    return [parse_candidate(base / name) for name in later if (base / name).is_file()]


def _config_from(
    chosen: ParsedFile, base: Path, passed: list[ParsedFile], later: list[ParsedFile]
) -> PytestConfig:
    problems: list[ConfigProblem] = []
    for parsed in passed:
        problems.extend(parsed.problems)
        for section, key, line in parsed.stray:
            where = f"{parsed.path.name}:{line}" if line else parsed.path.name
            read = _section_read_in(parsed.path.name)
            problems.append(
                ConfigProblem(
                    "ASYNC850",
                    f"{key} in {section} ({where}) is ignored by pytest; move it to {read}",
                    parsed.path,
                    line,
                )
            )
    for shadowed in later:
        keys = [k for k in ASYNC_SETTINGS if shadowed.values and k in shadowed.values]
        if keys:
            problems.append(
                ConfigProblem(
                    "ASYNC850",
                    f"{_brief(', '.join(keys), 40)} in {shadowed.path.name} is ignored: pytest reads "
                    f"{chosen.path.name} first; move {'them' if len(keys) > 1 else 'it'} there",
                    shadowed.path,
                    min((shadowed.lines[k] for k in keys if k in shadowed.lines),
                        default=shadowed.section_line),
                )
            )
    values = chosen.values or {}
    config = PytestConfig(
        chosen.path, base, dict(values), dict(chosen.lines), problems, readable=not chosen.fatal
    )
    unsplittable = unclosed_quote_problems(config)
    if unsplittable:
        config.readable = False  # pytest aborts before any test runs: its values are unknown
    problems.extend(unsplittable)
    problems.extend(validate_asyncio_settings(config))
    return config


def unclosed_quote_problems(config: PytestConfig) -> list[ConfigProblem]:
    """Settings pytest shell-splits and cannot (an unclosed quote): pytest 9.2 stops with
    "ERROR: No closing quotation" and exit 4 before running anything. Checked in
    /tmp/scratch-venv for `addopts = -ra --asyncio-mode=auto -k "foo` in pytest.ini and in
    [tool.pytest.ini_options], and for python_files."""
    problems = []
    for key in SHELL_SPLIT_SETTINGS:
        value = config.get(key)
        if not isinstance(value, str):
            continue
        try:
            shlex.split(value)
        except ValueError:
            problems.append(
                ConfigProblem(
                    "ASYNC851",
                    f"{key} ({config.describe(key)}) has an unclosed quote, so pytest aborts "
                    "('No closing quotation'); close the quote",
                    config.path,
                    config.lines.get(key, 0),
                )
            )
    return problems


def _brief(text: object, limit: int = 50) -> str:
    """A parser's error or a user's value, short enough for an editor's status line: cut at a
    word's end when one is in the second half of `limit` (else at the limit), the rest shown as
    '...'."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 3]
    boundary = max(cut.rfind(" "), cut.rfind(","), cut.rfind("("))
    return (cut[:boundary] if boundary > limit // 2 else cut).rstrip(" ,(") + "..."


def _section_read_in(file_name: str) -> str:
    return {
        "pytest.ini": "[pytest]",
        ".pytest.ini": "[pytest]",
        "tox.ini": "[pytest]",
        "setup.cfg": "[tool:pytest]",
        "pytest.toml": "[pytest]",
        ".pytest.toml": "[pytest]",
    }.get(file_name, "[tool.pytest.ini_options]")


SCOPES = ("function", "class", "module", "package", "session")


def validate_asyncio_settings(config: PytestConfig) -> list[ConfigProblem]:
    """Values that make pytest-asyncio abort the run (exit 4): ASYNC851."""
    problems = []
    mode = config.get("asyncio_mode")
    if mode is not None and str(mode).strip() not in ("strict", "auto"):
        problems.append(
            ConfigProblem(
                "ASYNC851",
                f"asyncio_mode = {_brief(mode, 20)} ({config.describe('asyncio_mode')}) makes "
                "pytest-asyncio abort; use strict or auto",
                config.path,
                config.lines.get("asyncio_mode", 0),
            )
        )
    for key, extra in (
        ("asyncio_default_fixture_loop_scope", ("fixture-scope",)),
        ("asyncio_default_test_loop_scope", ()),
    ):
        value = config.get(key)
        if value is not None and str(value).strip() not in SCOPES + extra:
            closest = difflib.get_close_matches(str(value).strip(), SCOPES + extra, n=1)
            problems.append(
                ConfigProblem(
                    "ASYNC851",
                    f"{key} = {_brief(value, 20)} ({config.describe(key)}) makes pytest-asyncio "
                    f"abort; use {closest[0] if closest else 'function'}",
                    config.path,
                    config.lines.get(key, 0),
                )
            )
    addopts_mode = _addopts_asyncio_mode(config.as_list("addopts"))
    if addopts_mode is not None and addopts_mode not in ("strict", "auto"):
        problems.append(
            ConfigProblem(
                "ASYNC851",
                f"--asyncio-mode={_brief(addopts_mode, 20)} in addopts ({config.describe('addopts')}) "
                "makes pytest abort; use strict or auto",
                config.path,
                config.lines.get("addopts", 0),
            )
        )
    return problems


def option_value(args: list[str], option: str) -> str | None:
    """The last value of `--option=value` / `--option value` in an argument list."""
    value = None
    for index, arg in enumerate(args):
        if arg.startswith(option + "="):
            value = arg.split("=", 1)[1]
        elif arg == option and index + 1 < len(args):
            value = args[index + 1]
    return value


def _addopts_asyncio_mode(args: list[str]) -> str | None:
    return option_value(args, "--asyncio-mode")


def disabled_plugins(args: list[str]) -> set[str]:
    """`-p no:asyncio`, `-pno:anyio`, `-p=no:trio` in addopts."""
    names = set()
    for index, arg in enumerate(args):
        spec = None
        if arg == "-p" and index + 1 < len(args):
            spec = args[index + 1]
        elif arg.startswith("-p"):
            spec = arg[2:].lstrip("=")
        if spec and spec.startswith("no:"):
            names.add(spec[3:])
    return names


def addopts_asyncio_mode(config: PytestConfig) -> str | None:
    return _addopts_asyncio_mode(config.as_list("addopts"))
