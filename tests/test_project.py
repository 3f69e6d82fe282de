"""The project model: rootdir, import search path, module names, conftest chain, bad input."""

from pathlib import Path

from flake8_async_tests.analysis import analyse
from flake8_async_tests.config import Settings
from flake8_async_tests.project import Project, basedir_of, module_name_of, plugins_named_in


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def codes(path: Path, settings: Settings = Settings()) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in sorted(analyse(str(path), path.read_text(), settings))]


def test_module_names_follow_prepend_import_mode(tmp_path):
    write(tmp_path / "tests" / "__init__.py")
    test = write(tmp_path / "tests" / "unit" / "__init__.py")
    test = write(tmp_path / "tests" / "unit" / "test_x.py")
    assert basedir_of(test) == tmp_path
    assert module_name_of(test) == "tests.unit.test_x"
    loose = write(tmp_path / "other" / "test_y.py")
    assert module_name_of(loose) == "test_y"


def test_search_path_has_rootdir_src_pythonpath_and_basedir(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\npythonpath = lib\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "lib").mkdir()
    test = write(tmp_path / "tests" / "test_x.py")
    project = Project.for_file(str(test), Settings())
    assert project.rootdir == tmp_path
    assert project.search_path(test) == [
        str(tmp_path), str(tmp_path / "src"), str(tmp_path / "lib"), str(tmp_path / "tests")
    ]


def test_conftest_chain_stops_at_rootdir_nearest_first(tmp_path):
    write(tmp_path / "conftest.py")  # above the rootdir: pytest does not load it
    write(tmp_path / "proj" / "pytest.ini", "[pytest]\n")
    write(tmp_path / "proj" / "conftest.py")
    write(tmp_path / "proj" / "tests" / "conftest.py")
    test = write(tmp_path / "proj" / "tests" / "a" / "test_x.py")
    project = Project.for_file(str(test), Settings())
    chain = [c.path for c in project.conftest_chain(test)]
    assert chain == [tmp_path / "proj" / "tests" / "conftest.py", tmp_path / "proj" / "conftest.py"]


def test_python_files_functions_and_classes_are_read(tmp_path):
    write(
        tmp_path / "pytest.ini",
        "[pytest]\npython_files = check_*.py\npython_functions = check_*\npython_classes = Check\n",
    )
    test = write(
        tmp_path / "check_things.py",
        "async def check_one():\n    pass\n\n\nasync def test_not_a_test_here():\n    pass\n\n\n"
        "class CheckGroup:\n    async def check_two(self):\n        pass\n",
    )
    ignored = write(tmp_path / "test_ignored.py", "async def test_x():\n    pass\n")
    assert codes(test) == [(1, "ASYNC500"), (10, "ASYNC500")]
    assert codes(ignored) == []


def test_fixture_found_through_pytest_plugins_and_imports(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(tmp_path / "tests" / "fixtures" / "__init__.py")
    write(
        tmp_path / "tests" / "fixtures" / "net.py",
        "import pytest\n\n\n@pytest.fixture\nasync def server():\n    yield 1\n",
    )
    write(
        tmp_path / "tests" / "fixtures" / "db.py",
        "import pytest\n\n\n@pytest.fixture\nasync def database():\n    yield 1\n",
    )
    write(
        tmp_path / "tests" / "conftest.py",
        'from fixtures.db import database\n\npytest_plugins = ["fixtures.net"]\n',
    )
    test = write(
        tmp_path / "tests" / "test_x.py",
        "def test_a(server):\n    pass\n\n\ndef test_b(database):\n    pass\n",
    )
    assert codes(test) == [(1, "ASYNC521"), (5, "ASYNC521")]


def test_fixture_imported_into_the_test_module(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(
        tmp_path / "tests" / "helpers.py",
        "import pytest\n\n\n@pytest.fixture\nasync def database():\n    yield 1\n\n\n"
        "@pytest.fixture\nasync def cache():\n    yield 1\n",
    )
    test = write(
        tmp_path / "tests" / "test_x.py",
        "import pytest\nfrom helpers import cache, database\n\n\n"
        "def test_a(database):\n    pass\n\n\n"
        '@pytest.mark.usefixtures("cache")\ndef test_b():\n    pass\n',
    )
    assert codes(test) == [(5, "ASYNC521"), (9, "ASYNC521")]


def test_plugins_named_in_addopts():
    args = ["-p", "no:asyncio", "-p", "anyio", "-p trio._tests.pytest_plugin", "-pmyproj.plugin"]
    assert plugins_named_in(args) == ["trio._tests.pytest_plugin", "myproj.plugin"]


# -- bad input: no crash, no finding that depends on a missing fact ---------------------------


def test_syntax_error_in_the_linted_file(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    test = write(tmp_path / "test_broken.py", "async def test_x(:\n    pass\n")
    assert codes(test) == []


def test_conftest_that_does_not_parse(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(tmp_path / "conftest.py", "def broken(:\n")
    test = write(tmp_path / "test_x.py", "def test_a(server):\n    pass\n\n\nasync def test_b():\n    pass\n")
    assert codes(test) == [(5, "ASYNC500")]


def test_conftest_that_is_not_utf8(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    (tmp_path / "conftest.py").write_bytes(b"x = '\xff'\n")
    test = write(tmp_path / "test_x.py", "def test_a(server):\n    pass\n")
    assert codes(test) == []


def test_unresolvable_imports_make_facts_unknown(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    test = write(
        tmp_path / "test_x.py",
        "from nowhere import Base, fixture, mark\n\n\n"
        "class TestA(Base):\n    async def test_a(self):\n        pass\n\n\n"
        "@mark.asyncio\nasync def test_b():\n    pass\n\n\nasync def test_c():\n    pass\n",
    )
    # TestA's base may be a TestCase that runs coroutines; `mark` may be any decorator
    assert codes(test) == [(14, "ASYNC500")]


def test_file_that_is_not_on_disk(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    missing = tmp_path / "test_stdin.py"
    findings = analyse(str(missing), "async def test_x():\n    pass\n", Settings())
    assert [(f.line, f.code) for f in findings] == [(1, "ASYNC500")]


def test_deeply_nested_expression_is_survived(tmp_path):
    """astroid's builder recurses once per nesting level: such a file loses its findings (a
    bigger recursion limit could overflow the C stack and take flake8 down), nothing raises."""
    write(tmp_path / "pytest.ini", "[pytest]\n")
    chain = "x" + " + x" * 2000
    test = write(tmp_path / "test_x.py", f"x = 1\ny = {chain}\n\n\nasync def test_a():\n    pass\n")
    assert codes(test) == []


def test_moderately_nested_expression_keeps_findings(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    chain = "x" + " + x" * 150
    test = write(tmp_path / "test_x.py", f"x = 1\ny = {chain}\n\n\nasync def test_a():\n    pass\n")
    assert codes(test) == [(5, "ASYNC500")]


CLIENT = "class Client:\n    async def fetch(self):\n        return 1\n"
TEST_OF_CLIENT = "from client import Client\n\n\ndef test_a():\n    Client().fetch()\n"


def test_without_config_or_marker_imports_resolve_from_the_working_directory(tmp_path, monkeypatch):
    """`python -m pytest` / `python -m unittest` run from the project root put it on sys.path:
    `client.py` beside tests/ is found from there, as from flake8 started there."""
    root = tmp_path / "tutorial"
    write(root / "client.py", CLIENT)
    test = write(root / "tests" / "test_client.py", TEST_OF_CLIENT)
    monkeypatch.chdir(root)
    assert Project.for_file(str(test), Settings()).rootdir == root
    assert codes(test) == [(5, "ASYNC600")]


def test_the_working_directory_counts_only_above_the_file(tmp_path, monkeypatch):
    root = tmp_path / "tutorial"
    write(root / "client.py", CLIENT)
    test = write(root / "tests" / "test_client.py", TEST_OF_CLIENT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert Project.for_file(str(test), Settings()).rootdir == root / "tests"
    assert codes(test) == []


def test_without_config_a_project_marker_is_the_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for marker in ("setup.py", "setup.cfg", ".git", "pyproject.toml"):
        root = tmp_path / marker.strip(".").replace(".", "_")
        (root / marker).mkdir(parents=True) if marker == ".git" else write(root / marker, "")
        write(root / "client.py", CLIENT)
        test = write(root / "tests" / "test_client.py", TEST_OF_CLIENT)
        project = Project.for_file(str(test), Settings())
        assert (project.rootdir, project.has_pytest_config) == (root, False), marker
        assert codes(test) == [(5, "ASYNC600")], marker


def test_unittest_modules_of_a_project_without_config(tmp_path):
    """Without pytest config, a module in a tests directory that defines TestCase classes is
    test code whatever its name (unittest loads modules by name); with one, python_files rule."""
    write(tmp_path / "setup.py")
    write(tmp_path / "client.py", CLIENT)
    smoke = write(
        tmp_path / "pkg" / "tests" / "smoke.py",
        "import unittest\n\nfrom client import Client\n\n\n"
        "class Smoke(unittest.IsolatedAsyncioTestCase):\n    async def test_a(self):\n"
        "        Client().fetch()\n\n\nasync def test_function():\n    pass\n",
    )
    helper = write(tmp_path / "pkg" / "tests" / "helper.py", "class Helper:  # not a TestCase\n    pass\n")
    outside = write(tmp_path / "pkg" / "smoke.py", smoke.read_text())
    project = Project.for_file(str(smoke), Settings())
    assert [project.is_test_module(p) for p in (smoke, helper, outside)] == [True, False, False]
    assert codes(smoke) == [(8, "ASYNC600")]  # the module-level function is nobody's test
    write(tmp_path / "pytest.ini", "[pytest]\n")
    configured = write(tmp_path / "other" / "tests" / "smoke.py", smoke.read_text())
    assert not Project.for_file(str(configured), Settings()).is_test_module(configured)
