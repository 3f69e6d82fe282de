"""The catalogue: every rule class, in code order. docs/rules.md is checked against it."""

from __future__ import annotations

from . import configuration, coroutines, fixtures, mocks, runners
from .base import Rule

CATALOGUE: tuple[type[Rule], ...] = tuple(
    sorted(
        runners.RULES + fixtures.RULES + coroutines.RULES + mocks.RULES + configuration.RULES,
        key=lambda rule: rule.code,
    )
)

__all__ = ["CATALOGUE", "Rule"]
