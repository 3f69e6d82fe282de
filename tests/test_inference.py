"""Building astroid modules: from flake8's tree when possible, from the text otherwise."""

import ast

from flake8_async_tests import inference

SOURCE = "import asyncio\n\n\nasync def test_x(client):\n    await asyncio.sleep(0)\n"


def test_module_from_flake8s_tree_equals_module_from_text(tmp_path):
    path = str(tmp_path / "test_x.py")
    from_tree = inference.build_module(SOURCE, "test_x", path, ast.parse(SOURCE))
    from_text = inference.build_module(SOURCE, "test_x2", path)
    assert from_tree.as_string() == from_text.as_string()
    assert from_tree.file == path and from_tree.name == "test_x"
    assert [n.name for n in from_tree.body[1].args.args] == ["client"]


def test_a_tree_astroid_cannot_rebuild_falls_back_to_the_text(tmp_path, monkeypatch):
    monkeypatch.delenv("FLAKE8_ASYNC_TESTS_RAISE", raising=False)
    not_a_module = ast.parse("x", mode="eval")
    module = inference.build_module(SOURCE, "test_y", str(tmp_path / "test_y.py"), not_a_module)
    assert module is not None and module.body[1].name == "test_x"
