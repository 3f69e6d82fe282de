"""The plugin's own flake8 options, and the Settings object the rest of the plugin reads.

Every option name starts with `async-tests-`: flake8 crashes when two plugins register the same
option name, and flake8-async (our neighbour on the ASYNC prefix) owns `--enable`, `--disable`,
`--anyio` and others.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..codes import CODES

LOG = logging.getLogger("flake8_async_tests")
CODE_PATTERN = re.compile(r"^ASYNC\d{1,3}$")


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
        _warn_once(problem)
    return Settings(
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


_WARNED: set[str] = set()


def _warn_once(problem: str) -> None:
    """flake8 parses options once per process (and once per worker with --jobs): one warning
    per problem per process."""
    if problem not in _WARNED:
        _WARNED.add(problem)
        LOG.warning("flake8-async-tests: %s", problem)
