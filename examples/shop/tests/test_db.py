"""Tests of the Database facade."""

import asyncio

import pytest

from shop.db import Database, NotConnected


@pytest.mark.asyncio
async def test_connect_and_close():
    database = Database("memory://scratch")
    await database.connect()
    assert database.connected
    await database.close()
    assert not database.connected


@pytest.mark.asyncio
async def test_insert_and_get(db):
    key = await db.insert("orders", {"items": []})
    assert await db.get("orders", key) == {"items": []}


@pytest.mark.asyncio
async def test_use_after_close_raises(db):
    await db.close()
    with pytest.raises(NotConnected):
        await db.get("orders", 1)


def test_unconnected_database_raises():
    database = Database("memory://scratch")
    with pytest.raises(NotConnected):
        database._check()


@pytest.mark.asyncio
async def test_catalog_lists_every_product(catalog_db):
    products = await catalog_db.all("products")
    assert {p["sku"] for p in products} == {"widget", "gadget", "doohickey"}


@pytest.mark.asyncio
async def test_catalog_prices_are_positive(catalog_db):
    products = await catalog_db.all("products")
    assert all(p["price"] > 0 for p in products)


@pytest.mark.asyncio(loop_scope="module")
async def test_catalog_get_by_key(catalog_db):
    product = await catalog_db.get("products", 1)
    assert product["sku"] == "widget"


@pytest.mark.asyncio(scope="module")
async def test_concurrent_catalog_reads(catalog_db):
    results = await asyncio.gather(
        *(catalog_db.get("products", key) for key in (1, 2, 3))
    )
    assert [r["sku"] for r in results] == ["widget", "gadget", "doohickey"]


@pytest.mark.asyncio
async def test_close_can_be_scheduled(db, event_loop):
    event_loop.call_soon(asyncio.ensure_future, db.close())
    await asyncio.sleep(0.01)
    assert not db.connected


@pytest.mark.asyncio
async def test_reporting_db_starts_empty(reporting_db):
    assert await reporting_db.all("orders") == []
