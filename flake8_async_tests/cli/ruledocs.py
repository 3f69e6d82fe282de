"""`flake8-async-tests rule ASYNC652`: a rule's documentation, from docs/rules.md itself.

One source: `rules.md` in this package is docs/rules.md (a symbolic link in the repository, a copy
in a built wheel: setuptools copies what the link points at). tests/test_cli.py checks that the
shipped text is the documentation's and that every rule has its section.
"""

from __future__ import annotations

import re
from importlib import resources

SECTION_HEADING = re.compile(r"^## (ASYNC\d{3}) ([a-z0-9-]+)\s*$", re.MULTILINE)


def documentation() -> str:
    return resources.files(__package__).joinpath("rules.md").read_text(encoding="utf-8")


def sections(text: str | None = None) -> dict[str, tuple[str, str]]:
    """code -> (name, the section's text from its heading to the next `## ` heading)."""
    text = documentation() if text is None else text
    found: dict[str, tuple[str, str]] = {}
    for match in SECTION_HEADING.finditer(text):
        following = re.search(r"^## ", text[match.end():], re.MULTILINE)
        end = match.end() + following.start() if following else len(text)
        found[match.group(1)] = (match.group(2), text[match.start():end].rstrip() + "\n")
    return found


def rule_text(code: str) -> str | None:
    """The documentation of `code` (any case: `async652` works), or None when there is none."""
    section = sections().get(code.strip().upper())
    return section[1] if section else None
