"""Code under test whose values inference cannot follow: only the annotations say what they are."""

from typing import Any, AsyncIterator, Optional, Protocol, TypeVar, Union

T = TypeVar("T")


class Store:
    async def mark(self, order_id):
        return order_id

    def size(self):
        return 0


class Client:
    async def fetch(self, order_id):
        return {"id": order_id}

    def close(self):
        pass


class Repository(Protocol):
    async def save(self, item) -> None: ...


def _from_the_environment():
    return globals()["_connector"]()


def connect() -> Client:
    return _from_the_environment()


def open_store() -> "Optional[Store]":
    return _from_the_environment()


async def connect_async() -> Client:
    return await _from_the_environment()


def anything() -> Any:
    return _from_the_environment()


def either() -> Union[Client, Store]:
    return _from_the_environment()


def generic(value: T) -> T:
    return value


def store_class() -> "type[Store]":
    return _from_the_environment()
