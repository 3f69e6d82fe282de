"""flake8 itself, as a user runs it: entry point, options, noqa, config files, a second plugin."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casekit import CACHE_DIR, CASES, expected_findings
from flake8_async_tests.config import Settings

FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) ")


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env_free = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd, capture_output=True, text=True, env=env_free, timeout=300,
    )


OURS = re.compile(r"^ASYNC[5-8]\d\d$")


def findings(result: subprocess.CompletedProcess, only_ours: bool = True) -> list[tuple[str, int, str]]:
    """(path, line, code) of every finding; only this plugin's codes unless told otherwise
    (flake8-async, when installed, reports under the same ASYNC prefix)."""
    assert "Traceback" not in result.stderr, result.stderr
    found = []
    for line in result.stdout.splitlines():
        match = FINDING.match(line)
        assert match, line
        if not only_ours or OURS.match(match["code"]):
            found.append((match["path"], int(match["line"]), match["code"]))
    return sorted(found)


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


UNMARKED = "async def test_x():\n    pass\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_case_project_through_flake8(jobs):
    case = CASES / "strict_mode"
    result = flake8("--select=ASYNC", f"--jobs={jobs}", ".", cwd=case)
    expected = sorted(
        (f"./{path}", line, code) for (path, line, code) in expected_findings(case).elements()
    )
    assert findings(result) == expected


def test_codes_show_by_default_without_select(tmp_path):
    root = project(tmp_path, {"pytest.ini": "[pytest]\n", "test_a.py": UNMARKED})
    assert ("./test_a.py", 1, "ASYNC500") in findings(flake8(".", cwd=root))


def test_noqa(tmp_path):
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "test_a.py": "async def test_x():  # noqa: ASYNC500\n    pass\n\n\n"
                     "async def test_y():  # noqa\n    pass\n\n\n"
                     "async def test_z():  # noqa: E501\n    pass\n",
    })
    assert findings(flake8("--select=ASYNC", ".", cwd=root)) == [("./test_a.py", 9, "ASYNC500")]


def test_options_from_the_flake8_section_of_setup_cfg(tmp_path):
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "setup.cfg": "[flake8]\nasync-tests-disable = ASYNC500\n",
        "test_a.py": "import pytest\n\n\n" + UNMARKED
                     + "\n\n@pytest.mark.asyncio\nasync def test_g():\n    yield\n",
    })
    assert findings(flake8("--select=ASYNC", ".", cwd=root)) == [("./test_a.py", 9, "ASYNC506")]


def test_disable_takes_prefixes_and_mode_option_on_the_command_line(tmp_path):
    root = project(tmp_path, {"pytest.ini": "[pytest]\n", "test_a.py": UNMARKED})
    assert findings(flake8("--async-tests-disable=ASYNC5", ".", cwd=root)) == []
    assert findings(flake8("--async-tests-asyncio-mode=auto", ".", cwd=root)) == []
    assert findings(flake8("--extend-ignore=ASYNC500", ".", cwd=root)) == []


def test_per_file_ignores(tmp_path):
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        ".flake8": "[flake8]\nper-file-ignores =\n    test_a.py: ASYNC500\n",
        "test_a.py": UNMARKED,
        "test_b.py": UNMARKED,
    })
    assert findings(flake8(".", cwd=root)) == [("./test_b.py", 1, "ASYNC500")]


def test_opt_in_codes_need_enabling():
    plain = Settings()
    assert plain.is_enabled("ASYNC500", opt_in=False)
    assert not plain.is_enabled("ASYNC805", opt_in=True)
    assert Settings(enable=frozenset({"ASYNC805"})).is_enabled("ASYNC805", opt_in=True)
    assert Settings(selected_in_full=frozenset({"ASYNC805"})).is_enabled("ASYNC805", opt_in=True)
    assert not Settings(disable=("ASYNC80",)).is_enabled("ASYNC805", opt_in=False)


def test_select_with_full_code_enables_opt_in(tmp_path):
    from flake8_async_tests.config import settings_from_options

    class Options:
        select = ["ASYNC"]
        extend_select = ["ASYNC805", "E501"]
        async_tests_enable = ["asyncnope"]

    settings = settings_from_options(Options())
    assert settings.selected_in_full == {"ASYNC805"}


@pytest.mark.skipif(importlib.util.find_spec("flake8_async") is None, reason="flake8-async not installed")
def test_side_by_side_with_flake8_async(tmp_path):
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "test_a.py": "import time\n\n\nasync def test_x():\n    time.sleep(1)\n",
    })
    version = flake8("--version", cwd=root).stdout
    assert "flake8-async-tests" in version and "flake8-async:" in version
    both = findings(flake8("--select=ASYNC", ".", cwd=root), only_ours=False)
    assert ("./test_a.py", 4, "ASYNC500") in both  # ours
    assert ("./test_a.py", 5, "ASYNC251") in both  # flake8-async's time.sleep in async code


def test_stdin_without_a_usable_name_is_placed_in_the_working_directory():
    """An editor's `flake8 -`: without --stdin-display-name (or with a relative one that is not a
    path from the working directory) the file is analysed as a test module of the working
    directory, with its pytest config and conftest.py, and a warning says so once."""
    case = CASES / "editor_stdin"
    source = (case / "test_editor.py").read_text()
    expected = sorted((line, code) for (path, line, code) in expected_findings(case).elements()
                      if path == "test_editor.py")
    assert len(expected) == 8

    def from_stdin(*args: str) -> tuple[list[tuple[int, str]], str]:
        result = subprocess.run(
            [sys.executable, "-m", "flake8", f"--async-tests-cache-dir={CACHE_DIR}", *args, "-"],
            cwd=case, input=source, capture_output=True, text=True, timeout=300,
            env={"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"},
        )
        return [(line, code) for (_, line, code) in findings(result)], result.stderr

    named, quiet = from_stdin("--stdin-display-name=test_editor.py")
    assert (named, quiet) == (expected, "")
    for args in [(), ("--stdin-display-name=not/here/test_editor.py",)]:
        found, warning = from_stdin(*args)
        assert found == expected, args
        assert warning.count("project context is unknown") == 1, warning
        assert f"in the working directory {case}" in warning
