"""The standalone command's options: flake8's own, read the way flake8 reads them.

One source for the plugin's options: `config.options.register_options` declares them for flake8,
and `OptionTable` records the same declarations for this command's argparse parser and for the
`[flake8]` section of the config file flake8 would pick (`setup.cfg`, `tox.ini`, `.flake8`, found
by flake8's own search from the working directory up).
"""

from __future__ import annotations

import argparse
import configparser
import os
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings, register_options, settings_from_options
from ..config.options import unknown_option_problems, warn_once

#: flake8's default `exclude`.
DEFAULT_EXCLUDE = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox", ".eggs", "*.egg")


@dataclass
class Declared:
    """One option as declared by an `add_option` call (flake8's keyword arguments)."""

    flag: str
    kwargs: dict[str, Any]

    @property
    def dest(self) -> str:
        return self.kwargs.get("dest") or self.flag.lstrip("-").replace("-", "_")

    @property
    def config_name(self) -> str:
        return self.flag.lstrip("-")

    @property
    def is_flag(self) -> bool:
        return self.kwargs.get("action") in ("store_true", "store_false")

    @property
    def is_list(self) -> bool:
        return bool(self.kwargs.get("comma_separated_list"))


@dataclass
class OptionTable:
    """Stands in for flake8's OptionManager when `register_options` declares the options."""

    declared: list[Declared] = field(default_factory=list)

    def add_option(self, *flags: str, **kwargs: Any) -> None:
        long_flags = [flag for flag in flags if flag.startswith("--")]
        if long_flags:
            self.declared.append(Declared(long_flags[0], kwargs))


#: flake8's own options that this command honours, with whether each is a comma-separated list.
FLAKE8_LIST_OPTIONS = ("select", "ignore", "extend-select", "extend-ignore", "exclude", "extend-exclude")


def plugin_options() -> list[Declared]:
    table = OptionTable()
    register_options(table)
    return table.declared


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """flake8's selection options, and the plugin's options exactly as flake8 gets them."""
    for name in FLAKE8_LIST_OPTIONS:
        parser.add_argument(f"--{name}", default=None, metavar="CODES" if "select" in name
                            or "ignore" in name else "PATTERNS")
    parser.add_argument("--per-file-ignores", default=None, metavar="MAPPING",
                        help="'path/glob: CODES' pairs, as flake8's")
    parser.add_argument("--config", default=None, help="the config file to read (default: "
                        "flake8's search for setup.cfg, tox.ini, .flake8 from here up)")
    parser.add_argument("--isolated", action="store_true", help="read no config file")
    for option in plugin_options():
        kwargs = {key: value for key, value in option.kwargs.items()
                  if key in ("action", "choices", "help", "metavar", "type")}
        if option.is_flag:
            kwargs["default"] = None  # None: not given (the config file may set it)
        else:
            kwargs["default"] = None
        parser.add_argument(option.flag, dest=option.dest, **kwargs)


def find_config_file(start: str) -> str | None:
    """flake8's search (5.0 to 7.x): from `start` up to the home directory or the root, the first
    setup.cfg / tox.ini / .flake8 that has a [flake8] section."""
    try:
        from flake8.options.config import _find_config_file

        return _find_config_file(start)
    except Exception:  # flake8's private helper moved: the same search, written out
        pass
    path = os.path.abspath(start)
    while True:
        for candidate in ("setup.cfg", "tox.ini", ".flake8"):
            parser = configparser.RawConfigParser()
            try:
                parser.read(os.path.join(path, candidate), encoding="UTF-8")
            except (UnicodeDecodeError, configparser.ParsingError):
                continue
            if "flake8" in parser or "flake8:local-plugins" in parser:
                return os.path.join(path, candidate)
        parent = os.path.dirname(path)
        if parent == path or parent == os.path.expanduser("~"):
            return None
        path = parent


def read_config(path: str) -> dict[str, str]:
    """The [flake8] section, keys normalised as flake8 does (`a_b` is `a-b`)."""
    parser = configparser.RawConfigParser()
    if not parser.read(path, encoding="UTF-8"):
        raise SystemExit(f"flake8-async-tests: cannot read the config file {path}")
    if "flake8" not in parser:
        return {}
    return {key.replace("_", "-").lower(): value for key, value in parser["flake8"].items()}


def split_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "yes", "true", "on")


@dataclass
class Options:
    """What a run needs: the Settings the analysis reads, plus file selection and noqa data."""

    settings: Settings
    exclude: list[str]
    per_file_ignores: list[tuple[str, list[str]]]
    config_path: str | None


def resolve(arguments: argparse.Namespace) -> Options:
    """Command line over config file over defaults, for flake8's options and the plugin's."""
    config_path = None
    config: dict[str, str] = {}
    if not arguments.isolated:
        config_path = arguments.config or find_config_file(os.getcwd())
        if config_path is not None:
            config = read_config(config_path)
            where = f"the [flake8] section of {os.path.relpath(config_path)}"
            for problem in unknown_option_problems(config, where):
                warn_once(problem)
    config_dir = os.path.dirname(os.path.abspath(config_path)) if config_path else os.getcwd()

    namespace = argparse.Namespace(extended_default_select=["ASY"], extended_default_ignore=[])
    for name in FLAKE8_LIST_OPTIONS:
        given = getattr(arguments, name.replace("-", "_"))
        value = split_list(given if given is not None else config.get(name))
        if name.startswith("extend-") and value is None:
            value = []
        setattr(namespace, name.replace("-", "_"), value)
    for option in plugin_options():
        given = getattr(arguments, option.dest, None)
        if given is None and option.config_name in config:
            raw = config[option.config_name]
            given = _truthy(raw) if option.is_flag else raw
        if given is None:
            given = option.kwargs.get("default")
        if option.is_list and isinstance(given, str):
            given = split_list(given) or []
        setattr(namespace, option.dest, given)

    exclude = namespace.exclude if namespace.exclude is not None else list(DEFAULT_EXCLUDE)
    exclude = [_normalise_pattern(p, config_dir) for p in exclude + namespace.extend_exclude]
    per_file = arguments.per_file_ignores if arguments.per_file_ignores is not None \
        else config.get("per-file-ignores")
    return Options(
        settings=settings_from_options(namespace),
        exclude=exclude,
        per_file_ignores=parse_per_file_ignores(per_file or "", config_dir),
        config_path=config_path,
    )


def _normalise_pattern(pattern: str, base: str) -> str:
    """flake8's rule: a pattern with a slash is a path, relative to the config's directory."""
    if "/" in pattern:
        return os.path.abspath(os.path.join(base, pattern))
    return pattern


def parse_per_file_ignores(value: str, base: str) -> list[tuple[str, list[str]]]:
    """`tests/*: ASYNC500 ASYNC501` -> [(absolute glob, [codes])], by flake8's own parser."""
    from flake8.utils import parse_files_to_codes_mapping

    if not value.strip():
        return []
    return [(_normalise_pattern(pattern, base), list(codes))
            for pattern, codes in parse_files_to_codes_mapping(value)]
