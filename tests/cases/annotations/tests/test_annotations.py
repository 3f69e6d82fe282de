import unittest
from typing import Any, Optional, Union

from shop.store import (
    Client, Repository, Store, anything, connect, connect_async, either, generic, open_store, store_class,
)


class Checkout:
    """A helper of the tests: its attributes are known only through __init__'s annotations."""

    def __init__(self, store: Store, repository: "Repository", spare: Optional[Store] = None,
                 other: Store | None = None, anything: Any = None, several: Union[Store, Client] = None):
        self.store = store
        self.repository = repository
        self.spare = spare
        self.other = other
        self.anything = anything
        self.several = several

    def forgets_to_await(self):
        self.store.mark(1)  # error: ASYNC600
        self.repository.save(1)  # error: ASYNC600
        self.spare.mark(2)  # error: ASYNC600
        self.other.mark(3)  # error: ASYNC600

    async def awaits(self):
        await self.store.mark(1)
        await self.repository.save(1)
        self.store.size()
        self.anything.mark(1)
        self.several.mark(1)


def test_annotated_parameter_of_a_visible_fixture(client: Client):
    client.fetch(1)  # error: ASYNC600


def test_annotated_parameter_of_an_invisible_fixture(plugin_client: Client):
    plugin_client.fetch(1)  # error: ASYNC600


def test_annotated_parameter_where_the_fixture_gives_nothing(unannotated: Store):
    unannotated.mark(1)  # error: ASYNC600


def test_fixture_return_annotation(client):
    client.fetch(1)  # error: ASYNC600
    client.close()


async def test_async_generator_fixture_annotation(store, plain_store):
    store.mark(1)  # error: ASYNC600
    plain_store.mark(2)  # error: ASYNC600
    await store.mark(3)


def test_factory_return_annotation():
    connect().fetch(1)  # error: ASYNC600
    open_store().mark(1)  # error: ASYNC600
    store_class()().mark(1)  # error: ASYNC600


async def test_awaited_factory():
    """astroid does not infer `await`: the annotation of an async factory is not reached."""
    client = await connect_async()
    client.fetch(1)
    await client.fetch(2)


def test_class_parameter(kind: "type[Store]"):
    kind().mark(1)  # error: ASYNC600


def test_annotations_that_name_no_single_class(value: Any, pair: Union[Client, Store], thing: object):
    anything().fetch(1)
    either().fetch(1)
    generic(value).fetch(1)
    pair.fetch(1)
    thing.fetch(1)


def test_unresolvable_string_annotation(remote: "NoSuchClient"):
    remote.fetch(1)


def test_a_default_is_one_of_the_values(store: Store = Store()):
    store.mark(1)  # error: ASYNC600


class TestInUnittest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.checkout = Checkout(store=connect.__wrapped__(), repository=None)

    async def test_through_the_helper(self):
        self.checkout.store.mark(1)  # error: ASYNC600
        await self.checkout.store.mark(2)
