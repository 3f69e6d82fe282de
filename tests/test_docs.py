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


# --- the docs a user reaches from a message, a package index page, or the example -------------

def project_urls() -> dict[str, str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]


def docs_base() -> str:
    """Where README links point: the repository's files, from the Homepage Project-URL."""
    return project_urls()["Homepage"].rstrip("/") + "/blob/main/"


def github_anchor(heading: str) -> str:
    """The id GitHub gives a heading: lower case, spaces to '-', punctuation dropped."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def rule_anchors() -> dict[str, list[str]]:
    """code -> the anchors of docs/rules.md's headings for that code."""
    from flake8_async_tests.codes import CODES

    headings = re.findall(r"^#{1,6} (.+?)\s*$", (ROOT / "docs" / "rules.md").read_text(), flags=re.MULTILINE)
    return {code: [github_anchor(h) for h in headings if h.split()[0] == code] for code in CODES}


def test_every_code_has_exactly_one_anchor_in_rules_md():
    anchors = rule_anchors()
    assert all(len(found) == 1 for found in anchors.values()), anchors
    names = {rule.code: rule.name for rule in CATALOGUE}
    assert {code: found[0] for code, found in anchors.items()} == \
        {code: f"{code.lower()}-{names[code]}" for code in anchors}


def test_readme_links_work_from_a_package_index_page():
    """PyPI shows the README without the repository around it: a relative link leads nowhere.
    Every link is absolute; those into this repository name a file that exists (and a heading
    that exists, for a link into docs/rules.md)."""
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert links
    assert [link for link in links if not link.startswith("https://")] == []
    base = docs_base()
    assert project_urls()["Documentation"].startswith(base)
    ours = [link for link in links if link.startswith(base)]
    assert ours, "the README links to its own docs"
    known = {anchor for found in rule_anchors().values() for anchor in found}
    for link in ours + [project_urls()["Documentation"]]:
        path, _, anchor = link[len(base):].partition("#")
        assert (ROOT / path).is_file(), link
        if anchor:
            assert path == "docs/rules.md" and anchor in known, link


def test_install_lines_match_how_the_package_is_installed():
    """Not on PyPI: `pip install flake8-async-tests` would fail; a checkout or the repository
    (git+Homepage) is how it is installed, and that is what every install line says."""
    homepage = project_urls()["Homepage"]
    for path in (ROOT / "README.md", ROOT / "docs" / "rules.md", ROOT / "examples" / "README.md"):
        for line in path.read_text().splitlines():
            for command in re.findall(r"pip install ([^&#`]+)", line):
                target = next(word for word in command.split() if not word.startswith("-")).strip("'\"")
                assert target in (".", ".[test]", "requirements-test.txt") \
                    or target.startswith(f"git+{homepage}"), f"{path.name}: {line}"


def test_only_this_plugins_codes_selection_covers_every_family():
    """'Only this plugin's codes' is spelled as a prefix list wherever it is given: it must
    name every hundreds family the plugin has (ASYNC7 was once missing)."""
    from flake8_async_tests.codes import CODES

    families = sorted({code[:6] for code in CODES})
    places = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
              *sorted((ROOT / "flake8_async_tests" / "cli").glob("*.py"))]
    found = 0
    for path in places:
        for listed in re.findall(r"ASYNC5,ASYNC\d(?:,ASYNC\d)*", path.read_text()):
            found += 1
            assert listed.split(",") == families, f"{path.name}: {listed}"
    assert found >= 2


def test_example_project_says_how_to_run_its_tests():
    readme = (ROOT / "examples" / "README.md").read_text()
    requirements = ROOT / "examples" / "shop" / "requirements-test.txt"
    assert "pip install -r requirements-test.txt" in readme and "python -m pytest" in readme
    packages = {re.split(r"[<>=\s]", line)[0] for line in requirements.read_text().splitlines()
                if line and not line.startswith("#")}
    assert {"pytest", "pytest-asyncio", "anyio", "trio"} <= packages
    assert "expect a failing run" in readme  # the mistakes are on purpose


def test_async501_doc_quotes_the_warning_for_a_module_pytestmark():
    """Checked with pytest 9.2 and pytest-asyncio 1.5: a sync test under a module-level
    `pytestmark = pytest.mark.asyncio` gets the same warning as a directly marked one."""
    section = sections((ROOT / "docs" / "rules.md").read_text())["ASYNC501 runner-mark-on-sync-function"]
    silent = section.split("### When it stays silent", 1)[1]
    assert "pytestmark = pytest.mark.asyncio" in silent
    assert ("is marked with '@pytest.mark.asyncio' but it is not an async function. Please remove the "
            "asyncio mark. If the test is not marked explicitly, check for global marks applied via "
            "'pytestmark'.") in silent
    assert "filterwarnings = error" in silent


def test_noqa_is_honoured_only_on_the_reported_line(tmp_path):
    """flake8 itself, on tests/cases/multiline_findings: a `# noqa` on the first line of a
    three-line call and on a decorated test's `def` line silences the finding; after the closing
    `)` or on a decorator it does not. The README and docs/rules.md say so."""
    import shutil
    import subprocess
    import sys

    case = tmp_path / "case"
    shutil.copytree(ROOT / "tests" / "cases" / "multiline_findings", case)
    flake8 = [sys.executable, "-P", "-m", "flake8"] if sys.version_info >= (3, 11) else \
        [sys.executable, "-m", "flake8"]
    # only this plugin's families: flake8-async (the test extra) reports ASYNC1xx/9xx here too
    result = subprocess.run([*flake8, "--isolated", "--select=ASYNC5,ASYNC6,ASYNC7,ASYNC8",
                             "--format=%(row)d %(code)s",
                             f"--async-tests-cache-dir={tmp_path / 'cache'}", "tests"],
                            cwd=case, capture_output=True, text=True)
    reported = result.stdout.split("\n")
    assert sorted(line for line in reported if line) == \
        ["15 ASYNC600", "35 ASYNC600", "44 ASYNC500", "54 ASYNC500"], result.stderr
    readme = (ROOT / "README.md").read_text()
    assert "a `# noqa` after the\nclosing `)` does nothing" in readme
    assert "physical line" in (ROOT / "docs" / "rules.md").read_text()
