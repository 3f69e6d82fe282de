"""The plugin's own flake8 options, and the Settings object the rest of the plugin reads.

Every option name starts with `async-tests-`: flake8 crashes when two plugins register the same
option name, and flake8-async (our neighbour on the ASYNC prefix) owns `--enable`, `--disable`,
`--anyio` and others.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..codes import CODES

LOG = logging.getLogger("flake8_async_tests")
CODE_PATTERN = re.compile(r"^ASYNC\d{1,3}$")
#: A dotted Python name (`time.sleep`, `tornado.testing.gen_test`): what the name options match.
DOTTED_NAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
#: How a key of ours starts, spelt right or nearly (`async-test-enable`, `asynctests_enable`).
PREFIX_SPELLINGS = re.compile(r"^async-?tests?-?")
#: The name options read by one rule only: the option, its Settings field, that rule.
READ_BY_ONE_RULE = (
    ("async-tests-blocking-calls", "blocking_calls", "ASYNC700"),
    ("async-tests-resources", "resources", "ASYNC801"),
)


@dataclass(frozen=True)
class Settings:
    """Plugin options after parsing; the tests build one directly."""

    asyncio_mode: str | None = None  # overrides detection when set
    enable: frozenset[str] = frozenset()  # opt-in codes turned on
    disable: tuple[str, ...] = ()  # codes or code prefixes turned off
    blocking_calls: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    runner_decorators: tuple[str, ...] = ()
    all_code: bool = False
    #: codes named in full by flake8's `select`/`extend-select` (they enable opt-in rules)
    selected_in_full: frozenset[str] = field(default_factory=frozenset)
    #: the codes flake8 would show: None when all may be (the tests), else a subset of ours
    reportable: frozenset[str] | None = None
    #: the module cache folder (None: `.flake8_async_tests_cache` in the pytest rootdir)
    cache_dir: str | None = None
    use_cache: bool = True

    @property
    def anything_to_report(self) -> bool:
        """False when flake8 would show none of the codes this configuration runs: then the
        plugin does nothing at all (not even import astroid)."""
        return any(self.is_enabled(code, opt_in) for code, opt_in in CODES.items())

    def is_enabled(self, code: str, opt_in: bool) -> bool:
        if any(code.startswith(prefix) for prefix in self.disable):
            return False
        if self.reportable is not None and code not in self.reportable:
            return False
        if opt_in:
            return code in self.enable or code in self.selected_in_full
        return True


def register_options(option_manager: Any) -> None:
    """flake8's `add_options` hook."""
    add = option_manager.add_option
    add(
        "--async-tests-asyncio-mode",
        default=None,
        choices=["strict", "auto"],
        parse_from_config=True,
        help="pytest-asyncio mode to assume; default: read from the project's pytest config",
    )
    add(
        "--async-tests-enable",
        default="",
        comma_separated_list=True,
        parse_from_config=True,
        help="opt-in codes to turn on, e.g. ASYNC703,ASYNC805",
    )
    add(
        "--async-tests-disable",
        default="",
        comma_separated_list=True,
        parse_from_config=True,
        help="codes (or prefixes) to turn off; unlike extend-ignore, works in config files",
    )
    add(
        "--async-tests-blocking-calls",
        default="",
        comma_separated_list=True,
        parse_from_config=True,
        help="extra qualified names of calls that block the event loop",
    )
    add(
        "--async-tests-resources",
        default="",
        comma_separated_list=True,
        parse_from_config=True,
        help="extra qualified classes/factories whose instances must be closed",
    )
    add(
        "--async-tests-runner-decorators",
        default="",
        comma_separated_list=True,
        parse_from_config=True,
        help="qualified decorators that run an async test, e.g. tornado.testing.gen_test",
    )
    add(
        "--async-tests-all-code",
        default=False,
        action="store_true",
        parse_from_config=True,
        help="apply the coroutine rules (ASYNC6xx) to non-test modules too",
    )
    add(
        "--async-tests-cache-dir",
        default=None,
        parse_from_config=True,
        help="where built modules are kept between runs; default: "
             ".flake8_async_tests_cache in the pytest rootdir",
    )
    add(
        "--async-tests-no-cache",
        default=False,
        action="store_true",
        parse_from_config=True,
        help="neither read nor write the module cache",
    )


def _names(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    return tuple(item.strip() for item in value if item and item.strip())


def settings_from_options(options: Any) -> Settings:
    """flake8's `parse_options` hook: the argparse namespace -> Settings."""
    selected = set()
    for attribute in ("select", "extend_select"):
        for code in _names(getattr(options, attribute, None)):
            if CODE_PATTERN.match(code):
                selected.add(code)
    enable = frozenset(c.upper() for c in _names(getattr(options, "async_tests_enable", None)))
    disable = tuple(c.upper() for c in _names(getattr(options, "async_tests_disable", None)))
    for problem in code_option_problems(enable, disable):
        warn_once(problem)
    for problem in flake8_config_problems(options):
        warn_once(problem)
    settings = Settings(
        asyncio_mode=getattr(options, "async_tests_asyncio_mode", None),
        enable=enable,
        disable=disable,
        blocking_calls=_names(getattr(options, "async_tests_blocking_calls", None)),
        resources=_names(getattr(options, "async_tests_resources", None)),
        runner_decorators=_names(getattr(options, "async_tests_runner_decorators", None)),
        all_code=bool(getattr(options, "async_tests_all_code", False)),
        selected_in_full=frozenset(selected),
        reportable=reportable_codes(options),
        cache_dir=getattr(options, "async_tests_cache_dir", None) or None,
        use_cache=not getattr(options, "async_tests_no_cache", False),
    )
    for problem in value_problems(settings):
        warn_once(problem)
    return settings


def reportable_codes(options: Any) -> frozenset[str] | None:
    """The plugin's codes that flake8 would show, by flake8's own decision engine (select,
    ignore, extend-*; per-file-ignores only narrow it per file). None when it cannot be asked."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(code for code in CODES if engine.decision_for(code) is Decision.Selected)
    except Exception:  # an older or newer flake8 without this engine: assume every code
        return None


def code_option_problems(enable: Iterable[str], disable: Iterable[str]) -> list[str]:
    """What is wrong with the codes of `async-tests-enable`/`-disable`: a code that does not
    exist (`ASYNC8O5`), a prefix that matches none of ours, an enable of a code that is on by
    default (the option is for opt-in codes). Said, never silently accepted."""
    problems = []
    for code in sorted(enable):
        if code not in CODES:
            problems.append(f"async-tests-enable: {code} is not a code of flake8-async-tests "
                            f"(opt-in codes: {', '.join(c for c, opt_in in CODES.items() if opt_in)})")
        elif not CODES[code]:
            problems.append(f"async-tests-enable: {code} is on by default; the option turns on "
                            "opt-in codes only (it changes nothing here)")
    for prefix in disable:
        if not any(code.startswith(prefix) for code in CODES):
            problems.append(f"async-tests-disable: {prefix} matches no code of flake8-async-tests")
    return problems


def option_names() -> tuple[str, ...]:
    """The plugin's options as written in a config file (`async-tests-enable`...)."""
    names: list[str] = []

    class Recorder:
        @staticmethod
        def add_option(*flags: str, **_: Any) -> None:
            names.extend(flag[2:] for flag in flags if flag.startswith("--"))

    register_options(Recorder())
    return tuple(names)


def unknown_option_problems(keys: Iterable[str], where: str,
                            registered: Callable[[str], bool] = lambda name: False) -> list[str]:
    """Keys of a `[flake8]` section that look like one of our options but are none (flake8
    ignores a key no plugin registered, so `async-tests-enabel = ASYNC805` silently enables
    nothing). A key looks like ours when it starts with `async-test` or is a near miss of one
    of our names; `registered` says whether another plugin owns it."""
    ours = option_names()
    problems = []
    for key in keys:
        name = key.strip().lower().replace("_", "-")
        if name in ours or registered(name):
            continue
        prefixed = PREFIX_SPELLINGS.match(name)
        if prefixed:  # compare what follows the prefix: 'strict' is not close to 'resources'
            tail = name[prefixed.end():]
            tails = {option.removeprefix("async-tests-"): option for option in ours}
            close = [tails[t] for t in difflib.get_close_matches(tail, tails, n=1, cutoff=0.6)]
            containing = [option for t, option in tails.items() if tail and tail in t]
            if not close and len(containing) == 1:  # `async-tests-mode`: async-tests-asyncio-mode
                close = containing
        else:
            close = difflib.get_close_matches(name, ours, n=1, cutoff=0.85)
            if not close:
                continue
        fix = f"did you mean {close[0]}?" if close else f"the options are {', '.join(ours)}"
        problems.append(f"{key} in {where} is not an option of flake8-async-tests, so flake8 ignores "
                        f"it; {fix}")
    return problems


def flake8_config_problems(options: Any) -> list[str]:
    """`unknown_option_problems` for the config files flake8 read for this run. Only for the
    flake8 command (its namespace, its command line: `--config`, `--append-config` and
    `--isolated` are parsed before the options a plugin sees, which keep their defaults), with
    flake8's own `load_config`; the standalone command checks the section it read itself."""
    if not hasattr(options, "append_config"):
        return []
    try:
        command_line = _flake8_command_line()
        if command_line is None or command_line.isolated:
            return []
        from flake8.options.config import _find_config_file, load_config

        config, _ = load_config(command_line.config, command_line.append_config)
        if "flake8" not in config:
            return []
        read = [command_line.config or _find_config_file(os.path.abspath(".")),
                *command_line.append_config]
        where = "the [flake8] section of " + ", ".join(os.path.relpath(p) for p in read if p)
        return unknown_option_problems(config["flake8"], where,
                                       lambda name: hasattr(options, name.replace("-", "_")))
    except Exception:  # flake8 moved its helpers, or the file is unreadable (flake8 says so)
        return []


def _flake8_command_line() -> Any:
    """flake8's preliminary options, when this process is the flake8 command (not its API)."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) != "flake8" and not program.endswith(os.path.join("flake8", "__main__.py")):
        return None
    from flake8.main.options import stage1_arg_parser

    return stage1_arg_parser().parse_known_args(sys.argv[1:])[0]


def value_problems(settings: Settings) -> list[str]:
    """Option values that cannot change any finding, where the user clearly meant something:
    a name no call or decorator can have (`sleep` without its module, `time.sleep()`,
    `@gen_test`); a name list for a rule that `async-tests-disable` turns off; a cache folder
    with the cache turned off."""
    problems = []
    for option, field_name, code in READ_BY_ONE_RULE:
        values = getattr(settings, field_name)
        for value in values:
            if not DOTTED_NAME.match(value) or "." not in value:
                problems.append(f"{option}: {value!r} is not a qualified name (module.name, "
                                f"without parentheses), so it matches nothing; write it in full, "
                                f"e.g. {'time.sleep' if code == 'ASYNC700' else 'aiohttp.ClientSession'}")
        if values and any(code.startswith(prefix) for prefix in settings.disable):
            problems.append(f"{option} is set, but {code}, the only rule that reads it, is turned off "
                            "by async-tests-disable; the setting changes nothing, drop one of them")
    for value in settings.runner_decorators:
        if not DOTTED_NAME.match(value):
            problems.append(f"async-tests-runner-decorators: {value!r} is not a dotted name, so it "
                            "matches no decorator; write it without '@' or parentheses, "
                            "e.g. tornado.testing.gen_test")
    if settings.cache_dir and not settings.use_cache:
        problems.append("async-tests-cache-dir is set, but async-tests-no-cache turns the cache off; "
                        "the folder is never used, drop one of them")
    return problems


_WARNED: set[str] = set()


def warn_once(problem: str) -> None:
    """flake8 parses options once per process (and once per worker with --jobs): one warning
    per problem per process."""
    if problem not in _WARNED:
        _WARNED.add(problem)
        LOG.warning("flake8-async-tests: %s", problem)
