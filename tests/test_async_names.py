"""The async-def name index that spares inference the calls that cannot create a coroutine."""

import sys

import astroid

from flake8_async_tests.model import async_names
from flake8_async_tests.model.async_names import AsyncNames, callee_name, dynamic_names


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_project_files_and_imported_packages_are_read(tmp_path, monkeypatch):
    project = tmp_path / "project"
    write(project / "app" / "client.py", "import extlib\n\nclass C:\n    async def fetch(self): ...\n")
    write(project / "tests" / "conftest.py", "async  def  helper(): ...\ndef sync_only(): ...\n")
    write(project / ".venv" / "lib" / "hidden.py", "async def in_a_virtualenv(): ...\n")
    site = tmp_path / "site"
    write(site / "extlib" / "__init__.py", "")
    write(site / "extlib" / "sub" / "io.py", "async def read_all(): ...\n")
    write(site / "notimported" / "__init__.py", "async def never_seen(): ...\n")
    monkeypatch.syspath_prepend(str(site))
    async_names._package_async_names.cache_clear()

    index = AsyncNames(project)

    assert index.complete
    assert {"fetch", "helper", "read_all", "sleep"} <= index.names  # sleep: asyncio, always read
    assert not {"sync_only", "in_a_virtualenv", "never_seen"} & index.names
    assert index.covers("fetch") and not index.covers("sync_only")


def test_a_tree_too_large_to_read_covers_every_name(tmp_path, monkeypatch):
    write(tmp_path / "big.py", "async def fetch(): ...\n" * 10)
    monkeypatch.setattr(async_names, "MAX_BYTES", 50)

    index = AsyncNames(tmp_path)

    assert not index.complete
    assert index.covers("anything_at_all")


def test_the_projects_own_package_is_not_looked_up_on_sys_path(tmp_path, monkeypatch):
    write(tmp_path / "src" / "app" / "__init__.py", "import app.api\n")
    write(tmp_path / "src" / "app" / "api.py", "async def get_user(): ...\n")
    looked_up = []
    monkeypatch.setattr(async_names, "_package_async_names",
                        lambda name: looked_up.append(name) or frozenset())

    AsyncNames(tmp_path)

    assert "app" not in looked_up and "asyncio" in looked_up


def test_dynamic_names_are_assignments_parameters_and_import_aliases():
    module = astroid.parse(
        "from app import get_user as fetch_user\n"
        "import app.api as api_module\n"
        "def test(client):\n"
        "    fetch = client.fetch\n"
        "    self.notify = AsyncMock()\n"
    )
    assert {"fetch_user", "api_module", "client", "fetch", "notify"} <= dynamic_names(module)
    assert "get_user" not in dynamic_names(module)


def test_callee_names():
    call = astroid.extract_node("self.client.fetch(1)")
    assert callee_name(call.func) == "fetch"
    assert callee_name(astroid.extract_node("fetch(1)").func) == "fetch"
    assert callee_name(astroid.extract_node("handlers[0](1)").func) is None


def test_builtin_and_missing_modules_have_no_names():
    assert async_names._package_async_names("sys") == frozenset()
    assert async_names._package_async_names("no_such_package_here") == frozenset()
    assert "sys" in sys.builtin_module_names
