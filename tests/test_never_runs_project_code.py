"""Linting never runs the linted project's code, and never mixes up two projects' modules.

Every route by which a linter could execute project code gets a canary: each module of the
project writes a marker file when it is imported, and flake8 runs from the project root both as
`flake8` and as `python -m flake8` (which puts the project first on `sys.path`). A marker means
the promise is broken. Each route also asserts a finding that
proves the plugin really followed the route (it read the module from its file).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_flake8_e2e import findings, flake8

CANARY = "\nopen({marker!r}, 'w').close()\n"


def canary_project(root: Path, files: dict[str, str]) -> Path:
    """A project whose every Python file announces its own execution in root/../markers."""
    markers = root.parent / "markers"
    markers.mkdir(exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".py"):
            text += CANARY.format(marker=str(markers / name.replace("/", ".")))
        path.write_text(text)
    return root


def ran(root: Path) -> list[str]:
    markers = root.parent / "markers"
    return sorted(p.name for p in markers.iterdir()) if markers.is_dir() else []


COROUTINE_CLASS = "class Vault:\n    async def get(self):\n        return 1\n"

#: route -> (project files, the finding that shows the plugin followed the route)
ROUTES = {
    "module named like an unloaded stdlib module, through a patch string": (
        {
            "pytest.ini": "[pytest]\n",
            "secrets.py": COROUTINE_CLASS,
            "tests/test_vault.py": (
                "from unittest.mock import MagicMock, patch\n\n\n"
                "def test_get():\n"
                "    with patch('secrets.Vault.get', MagicMock()):\n"
                "        pass\n"
            ),
        },
        ("./tests/test_vault.py", 5, "ASYNC650"),
    ),
    "stdlib-named package, through mocker.patch of a missing submodule": (
        {
            "pytest.ini": "[pytest]\n",
            "http/__init__.py": COROUTINE_CLASS,
            "tests/test_http.py": (
                "from unittest.mock import MagicMock\n\n\n"
                "def test_get(mocker):\n"
                "    mocker.patch('http.client2.Foo.get', MagicMock())\n"
                "    mocker.patch('http.Vault.get', MagicMock())\n"
            ),
        },
        ("./tests/test_http.py", 6, "ASYNC650"),
    ),
    "stdlib-named modules and packages, through imports of missing submodules": (
        {
            "pytest.ini": "[pytest]\n",
            "turtle.py": COROUTINE_CLASS,
            "xml/__init__.py": "",
            "code.py": "",
            "uuid.py": COROUTINE_CLASS,
            "tests/test_imports.py": (
                "import code.interact\n"
                "import turtle.missing\n"
                "import xml.missing\n"
                "from uuid import Vault\n"
                "from unittest.mock import patch\n\n\n"
                "def test_x():\n"
                "    patch('xml.dom.missing.x')\n"
                "    Vault().get()\n"
            ),
        },
        ("./tests/test_imports.py", 10, "ASYNC600"),
    ),
    "a project package named gi, whose astroid brain imports it": (
        {
            "pytest.ini": "[pytest]\n",
            "gi/__init__.py": COROUTINE_CLASS,
            "gi/repository/__init__.py": "",
            "tests/test_gi.py": (
                "import gi.repository.Gdk\n"
                "from gi.repository import Gtk\n"
                "from gi import Vault\n\n\n"
                "def test_x():\n"
                "    Gtk.get()\n"
                "    gi.repository.Gdk.get()\n"
                "    Vault().get()\n"
            ),
        },
        ("./tests/test_gi.py", 9, "ASYNC600"),
    ),
    "routes that were always safe: modules, conftests, plugins, patch strings, startup files": (
        {
            "pytest.ini": "[pytest]\naddopts = -p app.addopts_plugin\n",
            "setup.py": "",
            "sitecustomize.py": "",
            "usercustomize.py": "",
            "app.pth": "import app.startup\n",
            "app/__init__.py": "",
            "app/startup.py": "",
            "app/api.py": COROUTINE_CLASS,
            "app/addopts_plugin.py": "",
            "app/fixtures.py": "import pytest\n\n\n@pytest.fixture\ndef vault():\n    return 1\n",
            "tests/conftest.py": "pytest_plugins = ['app.fixtures']\n",
            "tests/test_app.py": (
                "from unittest.mock import MagicMock, patch\n\n"
                "from app.api import Vault\n\n\n"
                "def test_x(vault):\n"
                "    patch('app.api.Vault.get', MagicMock())\n"
                "    Vault().get()\n"
            ),
        },
        ("./tests/test_app.py", 8, "ASYNC600"),
    ),
}


def flake8_command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """flake8 started by its console script, which does not put the working directory on
    sys.path. (`python -m flake8` does, and then flake8's own start-up can import the project:
    pyflakes 2 imports doctest, which imports pdb, which imports `code`.)"""
    script = Path(sys.executable).with_name("flake8")
    env = {"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("start", ["python -m flake8", "flake8"])
def test_no_project_code_runs(tmp_path, route, start):
    files, proof = ROUTES[route]
    if start == "python -m flake8" and "code.py" in files:
        pytest.skip("python -m flake8 runs a project's code.py itself with pyflakes 2 (see above)")
    root = canary_project(tmp_path / "project", files)
    run = flake8 if start == "python -m flake8" else flake8_command
    result = run("--select=ASYNC", ".", cwd=root)
    assert ran(root) == []
    assert proof in findings(result)


EXTENSION_INIT = """
#include <stdio.h>
void *PyInit_{name}(void) {{
    FILE *marker = fopen("{marker}", "w");
    if (marker) fclose(marker);
    return 0;
}}
"""


def compiled_extension(directory: Path, name: str, marker: Path) -> None:
    """A C extension module `name` whose initialisation writes `marker` (no Python headers
    needed: the init function only has to exist)."""
    import importlib.machinery

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build the canary extension")
    source = directory / f"{name}_canary.c"
    source.write_text(EXTENSION_INIT.format(name=name, marker=marker))
    target = directory / (name + importlib.machinery.EXTENSION_SUFFIXES[0])
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(target), str(source)], check=True)
    source.unlink()


def test_a_project_extension_named_like_a_stdlib_one_is_never_loaded(tmp_path):
    root = canary_project(tmp_path / "project", {
        "pytest.ini": "[pytest]\n",
        "src/app/__init__.py": "",
        "tests/test_log.py": (
            "from unittest.mock import MagicMock, patch\n\n"
            "import audioop\n"
            "import syslog\n\n\n"
            "def test_x():\n"
            "    patch('syslog.openlog', MagicMock())\n"
            "    patch('audioop.add', MagicMock())\n"
            "    syslog.get()\n"
            "    audioop.get()\n"
        ),
    })
    markers = tmp_path / "markers"
    compiled_extension(root, "syslog", markers / "syslog-ran")
    compiled_extension(root / "src", "audioop", markers / "audioop-ran")
    # The canary itself works: Python runs the init function when it imports the module.
    subprocess.run([sys.executable, "-c", "import syslog"], cwd=root, capture_output=True)
    assert ran(root) == ["syslog-ran"]
    (markers / "syslog-ran").unlink()

    findings(flake8("--select=ASYNC", ".", cwd=root))
    assert ran(root) == []


# -- two projects in one process ---------------------------------------------------------------


def test_two_projects_with_same_named_modules_in_one_process(tmp_path):
    """A monorepo, or CI linting several projects at once: each `app/api.py` is its own."""
    for name, definition in (("async_one", "async def fetch"), ("sync_one", "def fetch")):
        canary_project(tmp_path / name, {
            "pytest.ini": "[pytest]\n",
            "app/__init__.py": "",
            # an `async def fetch` in both projects, so that no name filter can hide the mix-up
            "app/other.py": COROUTINE_CLASS.replace("get", "fetch"),
            "app/api.py": f"{definition}():\n    return 1\n",
            "tests/test_api.py": "from app.api import fetch\n\n\ndef test_fetch():\n    fetch()\n",
        })
    expected = [("./async_one/tests/test_api.py", 5, "ASYNC600")]
    for order in (["async_one", "sync_one"], ["sync_one", "async_one"]):
        result = flake8("--select=ASYNC", "--jobs=1", *[f"./{name}" for name in order], cwd=tmp_path)
        assert findings(result) == expected, order
