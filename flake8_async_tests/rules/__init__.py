"""The catalogue: every rule class, in code order. docs/rules.md is checked against it."""

from __future__ import annotations

from . import configuration, coroutines, event_loop, fixtures, mocks, resources, runners
from .base import Rule

CATALOGUE: tuple[type[Rule], ...] = tuple(
    sorted(
        runners.RULES + fixtures.RULES + coroutines.RULES + mocks.RULES + event_loop.RULES
        + resources.RULES + configuration.RULES,
        key=lambda rule: rule.code,
    )
)

__all__ = ["CATALOGUE", "Rule"]
