"""docs/rules.md and the README's table are kept in step with the rule catalogue."""

import re
from pathlib import Path

from flake8_async_tests.rules import CATALOGUE

ROOT = Path(__file__).parent.parent
SUBSECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "When it stays silent")


def sections(text: str) -> dict[str, str]:
    """'## ASYNC500 name' heading -> the text up to the next such heading."""
    parts = re.split(r"^## (ASYNC\d{3} [a-z-]+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_every_rule_has_one_documented_section_in_shape():
    text = (ROOT / "docs" / "rules.md").read_text()
    found = sections(text)
    expected = [f"{rule.code} {rule.name}" for rule in CATALOGUE]
    assert sorted(found) == sorted(expected)
    for heading in expected:
        assert text.count(f"## {heading}\n") == 1, heading
        for subsection in SUBSECTIONS:
            assert f"### {subsection}" in found[heading], f"{heading}: missing '{subsection}'"


def test_readme_table_lists_every_rule():
    readme = (ROOT / "README.md").read_text()
    rows = set(re.findall(r"^\| (ASYNC\d{3}) \| ([a-z-]+) \|", readme, flags=re.MULTILINE))
    assert rows == {(rule.code, rule.name) for rule in CATALOGUE}


def test_rule_names_and_codes_are_unique_and_in_our_range():
    codes = [rule.code for rule in CATALOGUE]
    names = [rule.name for rule in CATALOGUE]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert all(re.fullmatch(r"ASYNC[5-8]\d\d", code) for code in codes)


def test_the_light_code_list_matches_the_catalogue():
    from flake8_async_tests.codes import CODES

    assert CODES == {rule.code: rule.opt_in for rule in CATALOGUE}
