"""Tests that stub the database out. Each mistake below lets a test pass without testing anything,
or fail with a TypeError far from its cause."""

from decimal import Decimal
from unittest import mock
from unittest.mock import AsyncMock, MagicMock

import pytest

from shop.client import OrderClient, OrderNotFound
from shop.db import Database

ORDER = {"items": [("widget", 2, Decimal("4.50"))]}


@pytest.mark.asyncio
async def test_fetch_order_reads_the_orders_table():
    db = AsyncMock(spec=Database)
    db.get.return_value = ORDER
    assert await OrderClient(db).fetch_order(1) == ORDER
    # Passes even if fetch_order forgot to await db.get(...).
    db.get.assert_called_once_with("orders", 1)


@pytest.mark.asyncio
async def test_missing_order_raises():
    # fetch_order awaits self.db.get(...): a bare MagicMock cannot be awaited.
    client = OrderClient(MagicMock())
    with pytest.raises(OrderNotFound):
        await client.fetch_order(404)


@pytest.mark.asyncio
async def test_place_order_with_a_stubbed_insert():
    with mock.patch.object(Database, "insert", MagicMock(return_value=7)):
        client = OrderClient(Database("memory://"))
        assert await client.place_order([("widget", 1, Decimal("4.50"))]) == 7


@pytest.mark.asyncio
async def test_total_of_a_stubbed_order(client):
    client.format_total = AsyncMock(return_value="$9.00")
    assert client.format_total(ORDER)


@pytest.mark.asyncio
async def test_orders_are_stored(client):
    client.place_order([("widget", 1, Decimal("4.50"))])
    assert client.fetch_order(1)


@pytest.mark.asyncio
async def test_fetch_order_through_a_stub(db):
    order_id = await db.insert("orders", ORDER)
    stub = AsyncMock(spec=Database)
    stub.get.return_value = db.get("orders", order_id)  # a coroutine, not the row
    assert await OrderClient(stub).fetch_order(order_id) == ORDER
