from typing import AsyncIterator, Iterator

import pytest

from shop.store import Client, Store, connect


@pytest.fixture
def client() -> Client:
    return connect.__wrapped__()  # nothing inference can follow: the annotation says


@pytest.fixture
async def store() -> "AsyncIterator[Store]":
    yield _open()


@pytest.fixture
def plain_store() -> Iterator[Store]:
    yield Store()


@pytest.fixture
def unannotated():
    return _open()


def _open():
    return globals()["opener"]()
