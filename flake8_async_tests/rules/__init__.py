"""The catalogue: every rule class, in code order. docs/rules.md is checked against it."""

from __future__ import annotations

from . import (
    assertions, configuration, coroutines, event_loop, fixtures, gathered, mocks, resources,
    runners, shared_state, timing,
)
from .base import Rule

CATALOGUE: tuple[type[Rule], ...] = tuple(
    sorted(
        runners.RULES + fixtures.RULES + coroutines.RULES + mocks.RULES + event_loop.RULES
        + timing.RULES + resources.RULES + gathered.RULES + shared_state.RULES + assertions.RULES
        + configuration.RULES,
        key=lambda rule: rule.code,
    )
)

__all__ = ["CATALOGUE", "Rule"]
