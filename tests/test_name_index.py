"""The name index that spares inference the expressions that cannot matter to a rule."""

from pathlib import Path

import astroid

from flake8_async_tests.model import name_index
from flake8_async_tests.model.name_index import NameIndex, callee_name, dynamic_names, source_names


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
    write(site / "extlib" / "sub" / "io.py",
          "async def read_all(): ...\n\nclass Stream:\n    async def __aenter__(self): ...\n")
    write(site / "notimported" / "__init__.py", "async def never_seen(): ...\n")
    monkeypatch.syspath_prepend(str(site))
    name_index._located_names.cache_clear()

    index = NameIndex(project)

    assert index.complete
    assert {"fetch", "helper", "read_all", "sleep"} <= index.names.async_defs  # sleep: asyncio
    assert not {"sync_only", "in_a_virtualenv", "never_seen"} & index.names.async_defs
    assert "sync_only" in index.names.sync_defs and "fetch" not in index.names.sync_defs
    assert {"Stream", "Lock"} <= index.names.async_protocol_classes  # Lock: asyncio.locks
    assert "C" not in index.names.async_protocol_classes


def test_a_tree_too_large_to_read_is_incomplete(tmp_path, monkeypatch):
    write(tmp_path / "big.py", "async def fetch(): ...\n" * 10)
    monkeypatch.setattr(name_index, "MAX_BYTES", 50)

    assert not NameIndex(tmp_path).complete


def test_a_tree_of_too_many_directories_is_incomplete(tmp_path, monkeypatch):
    for index in range(5):
        write(tmp_path / f"d{index}" / "m.py", "")
    monkeypatch.setattr(name_index, "MAX_DIRECTORIES", 3)

    assert not NameIndex(tmp_path).complete


def test_the_projects_own_package_is_not_looked_up_on_sys_path(tmp_path, monkeypatch):
    write(tmp_path / "src" / "app" / "__init__.py", "import app.api\n")
    write(tmp_path / "src" / "app" / "api.py", "async def get_user(): ...\n")
    write(tmp_path / "lib" / "helpers" / "__init__.py", "import helpers\n")
    read = []
    monkeypatch.setattr(name_index, "_located_names", lambda located, cache=None: (
        read.append(Path(located.file).parent.name) or name_index.Names()))

    NameIndex(tmp_path, (str(tmp_path / "src"), str(tmp_path / "lib")))

    assert "app" not in read and "helpers" not in read and "asyncio" in read


def test_source_names_by_kind():
    names = source_names("class A:\n    def get(self): ...\n    async def fetch(self): ...\n")
    assert names.sync_defs == {"get"} and names.async_defs == {"fetch"}
    assert names.async_protocol_classes == set()


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
    assert callee_name(astroid.extract_node("self.client.fetch(1)").func) == "fetch"
    assert callee_name(astroid.extract_node("fetch(1)").func) == "fetch"
    assert callee_name(astroid.extract_node("handlers[0](1)").func) is None


def test_builtin_and_missing_modules_define_nothing():
    for name in ("sys", "no_such_package_here"):
        assert name_index._locate_package(name, ()) is None
