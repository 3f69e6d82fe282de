"""Fixtures shared by the shop test suite."""

from decimal import Decimal

import pytest
import pytest_asyncio

from shop.client import OrderClient
from shop.db import Database

TEST_DSN = "memory://shop-tests"

CATALOG = [
    {"sku": "widget", "price": Decimal("4.50")},
    {"sku": "gadget", "price": Decimal("12.00")},
    {"sku": "doohickey", "price": Decimal("0.99")},
]


@pytest.fixture
def sample_items():
    return [("widget", 2, Decimal("4.50")), ("gadget", 1, Decimal("12.00"))]


@pytest_asyncio.fixture
async def db():
    database = Database(TEST_DSN)
    await database.connect()
    yield database
    await database.close()


@pytest_asyncio.fixture
async def client(db):
    return OrderClient(db)


@pytest.fixture
async def seeded_client(client, sample_items):
    await client.place_order(sample_items)
    return client


# Seeding the catalogue is slow against the real driver: once per module.
@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def catalog_db():
    database = Database(TEST_DSN)
    await database.connect()
    for product in CATALOG:
        await database.insert("products", product)
    yield database
    await database.close()


@pytest_asyncio.fixture(scope="module")
async def reporting_db():
    database = Database(TEST_DSN + "/reporting")
    await database.connect()
    yield database
    await database.close()
