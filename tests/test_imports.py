"""Finding modules from files alone, in Python's order, and sys.path without the project."""

import importlib.machinery
import os
import sys

from flake8_async_tests import imports

EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0]


def write(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_python_order_within_a_directory(tmp_path):
    write(tmp_path / "pkg" / "__init__.py")
    write(tmp_path / "pkg.py")  # a package beats a module of the same name
    write(tmp_path / "fast" / "__init__.py")
    write(tmp_path / ("ext" + EXTENSION))
    write(tmp_path / "ext.py")  # an extension beats source
    write(tmp_path / "old.pyc")
    roots = (str(tmp_path),)
    assert imports.locate("pkg", roots, ()) == imports.Located(
        "source", str(tmp_path / "pkg" / "__init__.py"), (str(tmp_path / "pkg"),))
    assert imports.locate("ext", roots, ()).kind == "extension"
    assert imports.locate("old", roots, ()).kind == "compiled"


def test_earlier_root_wins_and_namespace_portions_join(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "app.py")
    write(second / "app" / "__init__.py")
    write(first / "ns" / "a.py")
    write(second / "ns" / "b.py")
    roots = (str(first), str(second))
    assert imports.locate("app", roots, ()).file == str(first / "app.py")
    namespace = imports.locate("ns", roots, ())
    assert namespace.kind == "namespace" and namespace.locations == (str(first / "ns"), str(second / "ns"))
    assert imports.locate("ns.b", roots, ()).file == str(second / "ns" / "b.py")


def test_a_regular_module_later_on_the_path_beats_namespace_portions(tmp_path):
    project, library = tmp_path / "project", tmp_path / "library"
    write(project / "tests" / "helpers.py")  # `tests/` without __init__: a namespace portion
    write(library / "tests" / "__init__.py")  # a sloppy distribution that installs `tests`
    assert imports.locate("tests", (str(project),), (str(library),)).file == str(
        library / "tests" / "__init__.py")


def test_missing_submodules_are_missing_and_not_asked_elsewhere(tmp_path):
    write(tmp_path / "secrets.py")
    write(tmp_path / "http" / "__init__.py")
    roots = (str(tmp_path),)
    for name in ("secrets.Vault", "secrets.Vault.get", "http.client2", "http.client2.x"):
        assert imports.locate(name, roots, tuple(sys.path)) is imports.MISSING
    assert imports.locate("a." * 100 + "b", roots, ()) is imports.MISSING
    assert imports.locate("not-a-name", roots, ()) is imports.MISSING


def test_names_without_files_are_left_to_astroid(tmp_path):
    assert imports.locate("sys", (str(tmp_path),), tuple(sys.path)) is None
    assert imports.locate("os.path", (str(tmp_path),), tuple(sys.path)) is None
    assert imports.locate("no_such_module_anywhere", (str(tmp_path),), tuple(sys.path)) is None


def test_standard_library_files():
    assert imports.is_standard_library_file(os.__file__)
    assert not imports.is_standard_library_file(imports.__file__)


def test_library_path_drops_the_project_and_the_working_directory(tmp_path, monkeypatch):
    project = tmp_path / "project"
    venv = project / ".venv" / "lib" / "python3" / "site-packages"
    for directory in (project / "src", project / "lib", venv):
        directory.mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [
        "", ".", str(tmp_path), str(project), str(project / "lib"), str(venv), *sys.path,
    ])
    kept = imports.library_path((str(project), str(project / "src")), str(tmp_path))
    assert str(venv) in kept  # a virtualenv inside the project is the interpreter's, not the project
    for dropped in ("", ".", str(tmp_path), str(project), str(project / "lib")):
        assert dropped not in kept
    assert os.path.dirname(os.__file__) in kept
