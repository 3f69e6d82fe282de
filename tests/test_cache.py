"""The cache never changes a finding: cold and warm runs agree, and every kind of change to what
a stored module rests on is seen. Concurrency, corruption, foreign entries, folders that cannot
be written, and the options that move or switch off the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from casekit import CASES, actual_findings, case_names, expected_findings, fresh_process_state
from flake8_async_tests import loading
from test_flake8_e2e import findings, flake8, project

CACHE = ".flake8_async_tests_cache"


def test_every_case_is_the_same_warm_as_cold():
    """Each case project, linted as a fresh process with an empty cache, then as a fresh
    process again reading the cache the first one wrote."""
    cache_dir = tempfile.mkdtemp(prefix="flake8-async-tests-warm-")
    loaded = 0
    for name in case_names():
        case = CASES / name
        fresh_process_state()
        cold = actual_findings(case, cache_dir)
        fresh_process_state()
        before = loading.CACHE_STATS["loaded"]
        warm = actual_findings(case, cache_dir)
        loaded += loading.CACHE_STATS["loaded"] - before
        assert warm == cold == expected_findings(case), name
    assert loaded > 0  # the warm runs really read modules from the cache


def touch_later(path: Path) -> None:
    """Make an edit visible even to a file system with coarse timestamps."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


APP = {
    "pytest.ini": "[pytest]\n",
    "app/__init__.py": "",
    "app/api.py": "def fetch():\n    return 1\n",
    "app/plugin.py": (
        "import pytest\n\n\n"
        "@pytest.fixture\n"
        "async def db():\n"
        "    return 1\n"
    ),
    "tests/conftest.py": "pytest_plugins = ['app.plugin']\n",
    "tests/test_api.py": (
        "from app.api import fetch\n\n\n"
        "def test_fetch(db):\n"
        "    fetch()\n"
    ),
}


def edit(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)
    touch_later(root / name)


def test_edits_of_imported_modules_are_seen(tmp_path):
    root = project(tmp_path, APP)
    lint = lambda: findings(flake8("--select=ASYNC", "tests", cwd=root))  # noqa: E731
    assert lint() == [("tests/test_api.py", 4, "ASYNC521")]
    assert (root / CACHE / ".gitignore").read_text().strip().endswith("*")

    edit(root, "app/api.py", "async def fetch():\n    return 1\n")  # sync -> async
    assert lint() == [("tests/test_api.py", 4, "ASYNC521"), ("tests/test_api.py", 5, "ASYNC600")]

    edit(root, "app/plugin.py", APP["app/plugin.py"].replace("def db", "def database"))  # renamed
    assert lint() == [("tests/test_api.py", 5, "ASYNC600")]

    (root / "app" / "api.py").unlink()  # deleted: the import no longer resolves
    assert lint() == []

    (root / "app" / "api").mkdir()  # a package takes the module's place
    (root / "app" / "api" / "__init__.py").write_text("async def fetch():\n    return 1\n")
    assert lint() == [("tests/test_api.py", 5, "ASYNC600")]


def test_what_a_stored_module_took_from_other_modules_follows_their_edits(tmp_path):
    """`api` gets its names from `impl` when it is built (a star import): a stored `api` is
    stale when `impl` changes, and when `impl` appears where nothing was found."""
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "app/__init__.py": "",
        "app/api.py": "from app.impl import *\n",
        # an `async def fetch` elsewhere, so that no name filter spares inference the call
        "app/other.py": "class Other:\n    async def fetch(self):\n        pass\n",
        "tests/test_api.py": "from app.api import fetch\n\n\ndef test_fetch():\n    fetch()\n",
    })
    lint = lambda: findings(flake8("--select=ASYNC", "tests", cwd=root))  # noqa: E731
    assert lint() == []
    (root / "app" / "impl.py").write_text("def other():\n    return 1\n")  # appears
    assert lint() == []
    edit(root, "app/impl.py", "def other():\n    return 1\n\n\nasync def fetch():\n    return 1\n")
    assert lint() == [("tests/test_api.py", 5, "ASYNC600")]  # `api` now has `fetch`


def test_a_new_module_shadowing_a_library_one_is_seen(tmp_path):
    """Where a name is found is part of what a stored build rests on."""
    root = project(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "tests/test_x.py": "import contextlib\n\n\ndef test_x():\n    contextlib.suppress()\n",
    })
    lint = lambda: findings(flake8("--select=ASYNC", "tests", cwd=root))  # noqa: E731
    assert lint() == []
    (root / "contextlib.py").write_text("async def suppress():\n    pass\n")
    assert lint() == [("tests/test_x.py", 5, "ASYNC600")]


def run_concurrently(commands: list[list[str]], cwd: Path) -> list[subprocess.CompletedProcess]:
    env = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"}
    running = [subprocess.Popen(c, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for c in commands]
    results = []
    for process in running:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def many_tests_project(tmp_path: Path) -> Path:
    files = dict(APP, **{"app/api.py": "async def fetch():\n    return 1\n"})
    for number in range(6):
        files[f"tests/test_{number}.py"] = APP["tests/test_api.py"]
    return project(tmp_path, files)


def test_concurrent_writers_and_jobs(tmp_path):
    root = many_tests_project(tmp_path)
    reference = findings(flake8("--select=ASYNC", "--async-tests-no-cache", "tests", cwd=root))
    assert not (root / CACHE).exists()
    assert len(reference) == 14
    command = [sys.executable, "-m", "flake8", "--select=ASYNC", "--jobs=2", "tests"]
    for result in run_concurrently([command, command, command], cwd=root):
        assert findings(result) == reference
    assert findings(flake8("--select=ASYNC", "tests", cwd=root)) == reference


def test_corrupt_and_foreign_entries_are_misses(tmp_path):
    root = many_tests_project(tmp_path)
    reference = findings(flake8("--select=ASYNC", "tests", cwd=root))
    entries = [p for p in (root / CACHE).rglob("*") if p.is_file() and p.name != ".gitignore"]
    assert entries
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        if number % 3 == 0:
            entry.write_bytes(data[: len(data) // 2])  # truncated
        elif number % 3 == 1:
            entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit changed: bad signature
        else:
            entry.write_bytes(b"garbage")
    result = flake8("--select=ASYNC", "tests", cwd=root)
    assert findings(result) == reference and result.stderr == ""


def test_entries_signed_by_another_user_are_not_loaded(tmp_path):
    """A cache folder committed to the repository (someone else's key) is never unpickled."""
    root = many_tests_project(tmp_path / "project")
    reference = findings(flake8("--select=ASYNC", "tests", cwd=root))
    env = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path / "home")}
    probe = (
        "import sys\nfrom flake8.main.cli import main\nfrom flake8_async_tests import loading\n"
        "try:\n    main(['--select=ASYNC', '--jobs=1', 'tests'])\nexcept SystemExit:\n    pass\n"
        "print('STATS', dict(loading.CACHE_STATS), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True)
    assert findings(result) == reference
    assert "'loaded'" not in result.stderr.split("STATS")[1]
    assert (tmp_path / "home" / "flake8-async-tests" / "signing-key").stat().st_mode & 0o077 == 0


def test_a_cache_folder_that_cannot_be_written_is_ignored(tmp_path):
    root = many_tests_project(tmp_path)
    reference = findings(flake8("--select=ASYNC", "--async-tests-no-cache", "tests", cwd=root))
    (root / "blocked").write_text("a file where the folder should be")
    result = flake8("--select=ASYNC", "--async-tests-cache-dir=blocked", "tests", cwd=root)
    assert findings(result) == reference and result.stderr == ""
    elsewhere = tmp_path / "elsewhere"
    assert findings(flake8("--select=ASYNC", f"--async-tests-cache-dir={elsewhere}", "tests", cwd=root)) \
        == reference
    assert elsewhere.is_dir() and not (root / CACHE).exists()


def test_entries_of_other_versions_are_dropped(tmp_path):
    root = many_tests_project(tmp_path)
    old = root / CACHE / "v1-0123456789abcdef"
    old.mkdir(parents=True)
    (old / "modules-x").write_bytes(b"an entry of another plugin version")
    findings(flake8("--select=ASYNC", "tests", cwd=root))
    assert not old.exists() and len(list((root / CACHE).glob("v*-*"))) == 1


def test_a_symlinked_cache_folder_is_not_used(tmp_path):
    root = many_tests_project(tmp_path / "project")
    target = tmp_path / "target"
    target.mkdir()
    (root / CACHE).symlink_to(target)
    reference = findings(flake8("--select=ASYNC", "--async-tests-no-cache", "tests", cwd=root))
    assert findings(flake8("--select=ASYNC", "tests", cwd=root)) == reference
    assert list(target.iterdir()) == []


@pytest.mark.parametrize("options", [
    ["--select=E,F,W"], ["--extend-ignore=ASYNC"], ["--ignore=ASYNC5,ASYNC6,ASYNC8"],
    ["--async-tests-disable=ASYNC5,ASYNC6,ASYNC8"],
])
def test_nothing_selected_means_nothing_done(tmp_path, options):
    root = many_tests_project(tmp_path)
    start = time.process_time()
    result = flake8(*options, "tests", cwd=root)
    assert time.process_time() - start < 60  # (the child's CPU is measured by the benchmark)
    assert findings(result) == [] and not (root / CACHE).exists()


def test_editor_mode_reads_the_same_cache_and_reports_the_same(tmp_path):
    """`flake8 --stdin-display-name PATH -`, as editors run it on an unsaved buffer."""
    root = many_tests_project(tmp_path)
    reference = findings(flake8("--select=ASYNC", "tests/test_0.py", cwd=root))
    source = (root / "tests" / "test_0.py").read_text()
    env = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"}
    probe = (
        "import sys\nfrom flake8.main.cli import main\nfrom flake8_async_tests import loading\n"
        "try:\n    main(['--select=ASYNC', '--stdin-display-name', 'tests/test_0.py', '-'])\n"
        "except SystemExit:\n    pass\n"
        "print('STATS', dict(loading.CACHE_STATS), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, input=source,
                            capture_output=True, text=True)
    assert findings(result) == reference
    stats = result.stderr.split("STATS")[1]
    assert "'loaded'" in stats and "'built'" not in stats  # everything came from the cache
