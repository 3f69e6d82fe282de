"""The standalone command `flake8-async-tests`: flake8's findings without flake8, its options
from the same places, `rule`/`rules`, `--fix`/`--diff`, and the shipped pre-commit hooks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casekit import CACHE_DIR, CASES
from flake8_async_tests.cli import main
from flake8_async_tests.cli.ruledocs import documentation, sections
from flake8_async_tests.rules import CATALOGUE

ROOT = Path(__file__).parent.parent
ENV = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
       "HOME": os.environ.get("HOME", "/tmp")}
UNMARKED = "async def test_x():\n    pass\n"
ASSERTED = ("from unittest.mock import AsyncMock\n\nimport pytest\n\n\n@pytest.mark.asyncio\n"
            "async def test_y():\n    m = AsyncMock()\n    m.assert_called_once()\n")


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The console script, as a user runs it (`-m` would put the project on sys.path); one
    module cache for the whole suite."""
    return subprocess.run([sys.executable, "-c", "import sys; from flake8_async_tests.cli import main; "
                           "sys.exit(main())", f"--async-tests-cache-dir={CACHE_DIR}", *args],
                          cwd=cwd, capture_output=True, text=True, env=ENV, timeout=300)


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True,
                          text=True, env=ENV, timeout=300)


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"pytest.ini": "[pytest]\n", **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def codes(output: str) -> list[tuple[str, int, str]]:
    found = []
    for line in output.splitlines():
        match = re.match(r"^(.+?):(\d+):(\d+): (ASYNC\d{3}) ", line)
        assert match, line
        found.append((match[1], int(match[2]), match[4]))
    return sorted(found)


# --- the same findings as flake8 -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["mocks", "coroutines", "fixtures_strict"])
def test_same_output_as_flake8_on_a_case(name):
    ours = command("--isolated", ".", cwd=CASES / name)
    theirs = flake8("--isolated", "--select=ASYNC5,ASYNC6,ASYNC7,ASYNC8",
                    f"--async-tests-cache-dir={CACHE_DIR}", ".", cwd=CASES / name)
    assert ours.stderr == ""
    assert ours.stdout and sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert ours.returncode == 1


def test_exit_status_zero_without_findings(tmp_path):
    root = project(tmp_path, {"tests/test_ok.py": "import pytest\n\n\n@pytest.mark.asyncio\n" + UNMARKED})
    result = command(cwd=root)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.parametrize("config_name", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_from_the_flake8_section(tmp_path, config_name):
    root = project(tmp_path, {
        config_name: "[flake8]\nasync-tests-disable = ASYNC500\nextend-exclude = build\n",
        "tests/test_a.py": UNMARKED + "\n\n" + ASSERTED.replace("async def test_y", "async def test_z"),
        "build/test_b.py": ASSERTED,
    })
    result = command(cwd=root)
    assert codes(result.stdout) == [("./tests/test_a.py", 13, "ASYNC652")]
    # the command line wins over the file, and --isolated reads no file
    result = command("--async-tests-disable=ASYNC652", "tests", cwd=root)
    assert codes(result.stdout) == [("tests/test_a.py", 1, "ASYNC500")]
    result = command("--isolated", "tests", cwd=root)
    assert [c for _, _, c in codes(result.stdout)] == ["ASYNC500", "ASYNC652"]


def test_the_config_is_found_from_a_subdirectory(tmp_path):
    root = project(tmp_path, {"setup.cfg": "[flake8]\nselect = ASYNC652\n", "tests/test_a.py": UNMARKED})
    assert command("test_a.py", cwd=root / "tests").stdout == ""


def test_select_and_ignore_as_flake8(tmp_path):
    root = project(tmp_path, {"test_a.py": UNMARKED + "\n\n" + ASSERTED})
    assert [c for _, _, c in codes(command("--select=ASYNC652", cwd=root).stdout)] == ["ASYNC652"]
    assert [c for _, _, c in codes(command("--extend-ignore=ASYNC6", cwd=root).stdout)] == ["ASYNC500"]
    assert [c for _, _, c in codes(command("--ignore=ASYNC50", "--select=ASYNC", cwd=root).stdout)] \
        == ["ASYNC652"]
    result = command("--per-file-ignores=test_*.py: ASYNC500", cwd=root)
    assert [c for _, _, c in codes(result.stdout)] == ["ASYNC652"]


def test_opt_in_codes_need_enabling(tmp_path):
    """ASYNC805 (opt-in): not by --select=ASYNC, yes by its full code or async-tests-enable."""
    root = project(tmp_path, {"test_a.py": "import pytest\n\n\n@pytest.mark.asyncio\nasync def test_x():\n"
                                           "    print(1)\n"})
    assert command("--select=ASYNC", cwd=root).stdout == ""
    assert "ASYNC805" in command("--extend-select=ASYNC805", cwd=root).stdout
    assert "ASYNC805" in command("--async-tests-enable=ASYNC805", cwd=root).stdout


def test_noqa_as_flake8(tmp_path):
    root = project(tmp_path, {
        "test_a.py": "async def test_x():  # noqa: ASYNC500\n    pass\n",
        "test_b.py": "async def test_x():  # NOQA:ASYNC5\n    pass\n",
        "test_c.py": "async def test_x():  # noqa: ASYNC652\n    pass\n",
        "test_d.py": "# flake8: noqa\n" + UNMARKED,
    })
    assert codes(command(cwd=root).stdout) == [("./test_c.py", 1, "ASYNC500")]


# --- pytest config files named as paths (pre-commit passes a changed config file alone) ----------

BAD_MODE = "[pytest]\nminversion = 8\nasyncio_mode = automatic\n"


def test_a_pytest_config_file_gets_its_findings_at_its_lines(tmp_path):
    root = project(tmp_path, {"pytest.ini": BAD_MODE, "tests/conftest.py": "import pytest\n",
                              "tests/test_a.py": UNMARKED})
    result = command("pytest.ini", cwd=root)
    assert result.returncode == 1
    assert result.stdout.startswith("pytest.ini:3:1: ASYNC851 asyncio_mode = automatic (pytest.ini:3)")
    assert codes(result.stdout) == [("pytest.ini", 3, "ASYNC851")]
    # flake8's place for it, line 1 of the top conftest, stays; given both, it is said once
    assert codes(command("tests/conftest.py", cwd=root).stdout) == [("tests/conftest.py", 1, "ASYNC851")]
    both = command("pytest.ini", "tests/conftest.py", cwd=root)
    assert codes(both.stdout) == [("pytest.ini", 3, "ASYNC851")]
    # a directory still means its Python files, as for flake8
    assert codes(command(".", cwd=root).stdout) == [("./tests/conftest.py", 1, "ASYNC851")]


def test_a_config_file_pytest_ignores_is_pointed_at(tmp_path):
    root = project(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\n'
                                                'asyncio_mode = "auto"\n'})
    assert codes(command("pyproject.toml", cwd=root).stdout) == [("pyproject.toml", 5, "ASYNC850")]
    assert command("pytest.ini", cwd=root).stdout == ""  # the config pytest uses is fine
    assert command("--extend-ignore=ASYNC85", "pyproject.toml", cwd=root).returncode == 0
    assert command("--per-file-ignores=pyproject.toml: ASYNC850", "pyproject.toml", cwd=root).stdout == ""


def test_fix_leaves_config_files_alone_and_reports_them(tmp_path):
    root = project(tmp_path, {"pytest.ini": BAD_MODE})
    fixed = command("--fix", "pytest.ini", cwd=root)
    assert (fixed.returncode, codes(fixed.stdout)) == (1, [("pytest.ini", 3, "ASYNC851")])
    assert (root / "pytest.ini").read_text() == BAD_MODE
    assert command("--diff", "pytest.ini", cwd=root).stdout == ""


# --- rule documentation ---------------------------------------------------------------------------

def test_rule_prints_its_section_of_the_documentation(capsys):
    assert main(["rule", "async652"]) == 0
    text = capsys.readouterr().out
    docs = (ROOT / "docs" / "rules.md").read_text()
    assert text.startswith("## ASYNC652 call-assertion-on-async-mock\n")
    assert text in docs and "### Use instead" in text and "## ASYNC653" not in text


def test_the_shipped_documentation_is_docs_rules_md():
    """One source: the package's rules.md is docs/rules.md (a link; the wheel holds a copy)."""
    assert documentation() == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert {code: name for code, (name, _) in sections().items()} == \
        {rule.code: rule.name for rule in CATALOGUE}
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"flake8_async_tests.cli" = ["rules.md"]' in pyproject


def test_rules_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(rule.code for rule in CATALOGUE)
    assert any(line.startswith("ASYNC805 async-test-asserts-nothing (opt-in): ") for line in lines)


def test_an_unknown_rule_is_an_error(capsys):
    assert main(["rule", "ASYNC8O5"]) == 2
    assert "no rule 'ASYNC8O5'" in capsys.readouterr().err


# --- --fix and --diff ---------------------------------------------------------------------------

def test_diff_shows_and_fix_writes(tmp_path):
    root = project(tmp_path, {"test_a.py": UNMARKED, "test_b.py": ASSERTED})
    before = (root / "test_b.py").read_text()
    result = command("--diff", cwd=root)
    assert result.returncode == 1
    assert "--- a/test_b.py\n+++ b/test_b.py\n" in result.stdout
    assert "-    m.assert_called_once()\n+    m.assert_awaited_once()\n" in result.stdout
    assert "+import pytest\n" in result.stdout and "+@pytest.mark.asyncio\n" in result.stdout
    assert "Would fix 2 findings in 2 files (ASYNC500 1, ASYNC652 1)." in result.stderr
    assert (root / "test_b.py").read_text() == before  # --diff writes nothing

    result = command("--fix", cwd=root)
    assert (result.returncode, result.stdout) == (0, "")  # nothing left to report
    assert "m.assert_awaited_once()" in (root / "test_b.py").read_text()
    assert command(cwd=root).stdout == ""


def test_fix_reports_what_is_left(tmp_path):
    root = project(tmp_path, {"test_a.py": "import time\n\nimport pytest\n\n\n@pytest.mark.asyncio\n"
                                           "def test_sync():\n    pass\n\n\n"
                                           + UNMARKED.replace("pass", "time.sleep(1)")})
    result = command("--fix", cwd=root)
    # line 7: below the import the fix added
    assert (result.returncode, codes(result.stdout)) == (1, [("./test_a.py", 7, "ASYNC501")])
    text = (root / "test_a.py").read_text()
    assert "@pytest.mark.asyncio\nasync def test_x():\n    await asyncio.sleep(1)\n" in text


# --- pre-commit -----------------------------------------------------------------------------------

def test_the_hooks_run_under_pre_commit(tmp_path):
    """The shipped hooks, as pre-commit runs them: their entries, arguments and file patterns.
    Run as `repo: local` with `language: system` (this interpreter's console script): installing
    `language: python` hooks would need the network."""
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with pre-commit")
    pre_commit = shutil.which("pre-commit", path=ENV["PATH"])
    if pre_commit is None or shutil.which("git") is None:
        pytest.skip("pre-commit (the test extra) and git are needed")
    if shutil.which("flake8-async-tests", path=ENV["PATH"]) is None:
        pytest.skip("the console script is not installed next to this interpreter")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["flake8-async-tests", "flake8-async-tests-fix"]
    for hook in hooks:
        hook["language"] = "system"
    repo = project(tmp_path, {"tests/test_a.py": ASSERTED, "README.txt": "not python\n"})
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / ".cache"), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}

    def run(*args):
        return subprocess.run(list(args), cwd=repo, capture_output=True, text=True, env=env, timeout=300)

    assert run("git", "init", "-q").returncode == 0
    assert run("git", "add", ".").returncode == 0
    check = run(pre_commit, "run", "flake8-async-tests", "--all-files")
    assert check.returncode == 1 and "tests/test_a.py:9:5: ASYNC652" in check.stdout, check.stdout
    fix = run(pre_commit, "run", "flake8-async-tests-fix", "--all-files")
    assert fix.returncode == 1 and "files were modified by this hook" in fix.stdout, fix.stdout
    assert "m.assert_awaited_once()" in (repo / "tests/test_a.py").read_text()
    assert run("git", "add", ".").returncode == 0
    again = run(pre_commit, "run", "--all-files")
    assert again.returncode == 0, again.stdout

    # A commit that changes only the pytest config: the hooks get pytest.ini alone, and the
    # config finding is reported in it, at the offending key's line.
    assert run("git", "commit", "-q", "-m", "fixed").returncode == 0
    (repo / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n"
                                     "asyncio_mode = automatic\n")
    assert run("git", "add", "pytest.ini").returncode == 0
    config_only = run(pre_commit, "run")  # the staged files only, as the git hook runs it
    assert "pytest.ini:3:1: ASYNC851 asyncio_mode = automatic" in config_only.stdout, config_only.stdout
    reported = [line for line in config_only.stdout.splitlines() if re.match(r"^\S+:\d+:\d+: ASYNC", line)]
    assert len(reported) == 2 and all(line.startswith("pytest.ini:3:1: ASYNC851") for line in reported)
    assert config_only.returncode == 1
