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


ANNOTATED = '''
import typing
from typing import Any, AsyncIterator, Iterator, Optional, TypeVar, Union

T = TypeVar("T")


class Store:
    pass


class Client:
    pass


def unknown():
    return globals()["x"]()


def plain(a: Store, b: "Store", c: Optional[Store], d: "Store | None", e: typing.Annotated[Store, 1],
          f: type[Store], g: Union[Store, None], h: Any, i: T, j: Union[Store, Client], k: object,
          m: "NoSuchName", n: list[Store], o=None, p: Store = Store()):
    return a, b, c, d, e, f, g, h, i, j, k, m, n, o, p


def factory() -> Client:
    return unknown()


def known() -> Client:
    return Store()


def generator() -> Iterator[Client]:
    yield unknown()


async def agen() -> "AsyncIterator[Client]":
    yield unknown()
'''


def _names(values):
    return sorted(getattr(v, "name", None) or v.pytype() for v in values) if values is not None else None


def test_an_annotation_is_the_value_where_inference_gives_nothing(tmp_path):
    module = inference.build_module(ANNOTATED, "annotated", str(tmp_path / "annotated.py"))
    plain = module.body[-5]
    returned = plain.body[-1].value.elts
    found = {name.name: _names(inference.infer_all(name)) for name in returned}
    assert found == {
        "a": ["Store"], "b": ["Store"], "c": ["Store"], "d": ["Store"], "e": ["Store"],
        "f": ["Store"],  # the class itself (type[Store])
        "g": ["Store"],
        "h": None, "i": None, "j": None, "k": None, "m": None, "n": ["list"],
        "o": None,  # no annotation: None or unknown
        "p": ["Store"],  # the default (and what the annotation promises: a Store either way)
    }
    assert isinstance(inference.safe_infer(returned[5]), inference.nodes.ClassDef)
    assert isinstance(inference.safe_infer(returned[0]), inference.astroid.bases.Instance)


def test_a_return_annotation_is_the_call_where_the_body_gives_nothing(tmp_path):
    module = inference.build_module(
        ANNOTATED + "\n\nx = factory()\ny = known()\nz = generator()\n", "annotated2",
        str(tmp_path / "annotated2.py"))
    values = {target: module.locals[target][0].parent.value for target in ("x", "y", "z")}
    assert _names(inference.infer_all(values["x"])) == ["Client"]
    assert _names(inference.infer_all(values["y"])) == ["Store"]  # the body says: it wins
    assert inference.safe_infer(values["z"]).pytype().endswith("generator")  # still a generator


def test_a_generator_fixtures_annotation_gives_what_it_yields(tmp_path):
    module = inference.build_module(ANNOTATED, "annotated3", str(tmp_path / "annotated3.py"))
    generator, agen = module.body[-2], module.body[-1]
    assert _names(inference.annotated_values(generator.returns, yielded=True)) == ["Client"]
    assert _names(inference.annotated_values(agen.returns, yielded=True)) == ["Client"]
    assert inference.annotated_values(module.body[-4].returns, yielded=True) == []  # -> Client


THROUGH_INSTANCES = '''
from typing import overload


class Base:
    limit = 10

    @overload
    def get(self, key: str) -> bytes: ...

    @overload
    def get(self, key: bytes) -> bytes: ...

    def get(self, key):
        return key

    def put(self):
        return 1

    def put(self, value):
        return 2

    @property
    def name(self):
        return "base"

    @classmethod
    def make(cls):
        return cls()

    @staticmethod
    def version():
        return 3


class Shadowed(Base):
    def __init__(self, wrap):
        self.get = wrap(self.get)


class Async(Base):
    async def get(self, key):
        return key


def unknown():
    return undefined_name


def either(flag):
    return Base() if flag else Async()


def uses(b: Base, s: Shadowed, a: Async, flag):
    b.get; b.put; b.name; b.make; b.version; b.limit; b.missing
    s.get; a.get; either(flag).get; unknown().get; Base.get; uses.__name__
    if b.get is None:
        b.get
'''


def test_an_attribute_through_instances_is_what_astroid_infers(tmp_path):
    """model.callables.infer_attribute remembers per class what astroid infers `obj.name` to:
    asked twice (the second time from its memo), it must give infer_all's values."""
    from flake8_async_tests.model.callables import forget_classes, infer_attribute

    module = inference.build_module(THROUGH_INSTANCES, "through", str(tmp_path / "through.py"))
    uses = module.body[-1]
    attributes = [node for node in uses.nodes_of_class(inference.nodes.Attribute)]
    assert len(attributes) == 15

    def described(values):
        if values is None:
            return None
        return [(type(value).__name__, getattr(value, "lineno", None), value.as_string()[:20])
                for value in values]

    try:
        for attribute in attributes * 2:  # the second round answers from the memo
            assert described(infer_attribute(attribute)) == described(inference.infer_all(attribute)), \
                attribute.as_string()
    finally:
        forget_classes(module)
    get = described(infer_attribute(attributes[0]))
    # one of the overloaded defs: the implementation (line 14) for astroid 4, the first for 3.0
    assert get is not None and len(get) == 1 and get[0][1] in (8, 14)


HIERARCHY = '''
from typing import Generic, TypeVar

T = TypeVar("T")


class Base(Generic[T]):
    pass


class Left(Base[int]):
    pass


class Right(Base[int]):
    pass


class Both(Left, Right):
    pass


class Loop(Loop):
    pass


class Exc(ValueError):
    pass
'''


def test_a_class_ancestry_is_astroids_and_kept_for_one_file_only(tmp_path):
    """The ancestry memo (inference._ancestors_once / _mro_once) answers what astroid computes,
    asked twice, and is emptied when the file is done: kept across files, it held dropped
    modules alive."""
    module = inference.build_module(HIERARCHY, "hierarchy", str(tmp_path / "hierarchy.py"))
    original_ancestors = inference.nodes.ClassDef.ancestors.__closure__[0].cell_contents
    original_mro = inference.nodes.ClassDef.mro.__closure__[0].cell_contents
    classes = [node for node in module.body if isinstance(node, inference.nodes.ClassDef)]
    try:
        for cls in classes * 2:
            expected = [c.qname() for c in original_ancestors(cls, True, None)]
            assert [c.qname() for c in cls.ancestors()] == expected, cls.name
            assert [c.qname() for c in cls.ancestors(recurs=False)] == \
                [c.qname() for c in original_ancestors(cls, False, None)]
            if cls.name != "Loop":
                assert [c.qname() for c in cls.mro()] == [c.qname() for c in original_mro(cls)]
        assert [c.name for c in classes[-1].mro()][:3] == ["Exc", "ValueError", "Exception"]
        assert inference._ANCESTORS and inference._MROS
    finally:
        inference.forget_module(module)
    assert not inference._ANCESTORS and not inference._MROS
