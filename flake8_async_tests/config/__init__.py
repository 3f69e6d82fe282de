"""Configuration: the project's pytest settings and the plugin's own flake8 options."""

from __future__ import annotations

from dataclasses import dataclass

from .options import Settings, register_options, settings_from_options
from .pytest_config import (
    ConfigProblem,
    PytestConfig,
    addopts_asyncio_mode,
    disabled_plugins,
    locate_config,
    option_value,
)

__all__ = [
    "AsyncSetup",
    "ConfigProblem",
    "PytestConfig",
    "Settings",
    "async_setup",
    "locate_config",
    "register_options",
    "settings_from_options",
]


@dataclass(frozen=True)
class AsyncSetup:
    """What the pytest configuration says about who runs async tests and fixtures.

    `asyncio_mode` is None when it cannot be known (the config file is one pytest aborts on):
    rules that depend on it stay silent then.
    """

    asyncio_mode: str | None
    mode_source: str
    default_fixture_loop_scope: str | None
    default_test_loop_scope: str | None
    disabled_plugins: frozenset[str]
    trio_mode: bool
    anyio_auto: bool

    @property
    def asyncio_auto(self) -> bool:
        return self.asyncio_mode == "auto" and "asyncio" not in self.disabled_plugins

    @property
    def asyncio_strict(self) -> bool:
        return self.asyncio_mode == "strict"


def async_setup(config: PytestConfig, settings: Settings) -> AsyncSetup:
    """Combine the pytest config with the plugin's override option."""
    disabled = frozenset(disabled_plugins(config.as_list("addopts")))
    if settings.asyncio_mode:
        mode: str | None = settings.asyncio_mode
        source = "option async-tests-asyncio-mode"
    elif not config.readable:
        mode, source = None, f"{config.describe()} (pytest cannot read it)"
    elif addopts_asyncio_mode(config) is not None:
        mode = addopts_asyncio_mode(config)
        source = f"--asyncio-mode in addopts, {config.describe('addopts')}"
    elif config.get("asyncio_mode") is not None:
        mode = str(config.get("asyncio_mode")).strip()
        source = config.describe("asyncio_mode")
    else:
        mode = "strict"
        source = "the default"
        if config.path is not None:
            source += f"; {config.describe()} sets no asyncio_mode"
    if mode not in ("strict", "auto", None):
        mode = None  # pytest-asyncio aborts: ASYNC851 says so, the other rules stay silent
    loop_scope = config.get("asyncio_default_fixture_loop_scope")
    test_scope = config.get("asyncio_default_test_loop_scope")
    # anyio >= 4.11 reads anyio_mode, >= 4.15 also --anyio-mode: auto when either says auto
    anyio_modes = {option_value(config.as_list("addopts"), "--anyio-mode"), config.get("anyio_mode")}
    return AsyncSetup(
        asyncio_mode=mode,
        mode_source=source,
        default_fixture_loop_scope=str(loop_scope).strip() if loop_scope is not None else None,
        default_test_loop_scope=str(test_scope).strip() if test_scope is not None else None,
        disabled_plugins=disabled,
        trio_mode=bool(config.as_bool("trio_mode")),
        anyio_auto=any(str(mode).strip() == "auto" for mode in anyio_modes if mode is not None),
    )
