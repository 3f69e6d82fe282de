"""Tests of OrderClient."""

import asyncio
from decimal import Decimal

import pytest

from shop.client import OrderClient, OrderNotFound


@pytest.mark.asyncio
async def test_place_and_fetch_order(client, sample_items):
    order_id = await client.place_order(sample_items)
    order = await client.fetch_order(order_id)
    assert order["items"] == sample_items


@pytest.mark.asyncio
async def test_fetch_missing_order_raises(client):
    with pytest.raises(OrderNotFound):
        await client.fetch_order(999)


async def test_order_ids_are_sequential(client, sample_items):
    first = await client.place_order(sample_items)
    second = await client.place_order(sample_items)
    assert second == first + 1


def test_format_total(sample_items):
    client = OrderClient(db=None)
    assert client.format_total({"items": sample_items}) == "$21.00"


def test_format_total_rounds_to_cents():
    client = OrderClient(db=None)
    order = {"items": [("doohickey", 3, Decimal("0.333"))]}
    assert client.format_total(order) == "$1.00"


@pytest.mark.asyncio
def test_format_total_of_empty_order():
    client = OrderClient(db=None)
    assert client.format_total({"items": []}) == "$0.00"


def test_seeded_client_formats_its_orders(seeded_client, sample_items):
    order = {"items": sample_items}
    assert seeded_client.format_total(order) == "$21.00"


@pytest.mark.asyncio
async def test_order_total(client, db, sample_items):
    order_id = await client.place_order(sample_items)
    order = await client.fetch_order(order_id)
    assert client.format_total(order) == "$21.00"
    # clean up after the assertions
    yield
    await db.delete("orders", order_id)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param


# Run on every backend we support.
@pytest.mark.anyio
@pytest.mark.asyncio
async def test_concurrent_orders_get_distinct_ids(client, sample_items):
    ids = await asyncio.gather(
        *(client.place_order(sample_items) for _ in range(5))
    )
    assert len(set(ids)) == 5


class TestPlaceOrderValidation:
    pytestmark = pytest.mark.asyncio

    async def test_rejects_empty_order(self, client):
        with pytest.raises(ValueError, match="at least one item"):
            await client.place_order([])

    async def test_rejects_zero_quantity(self, client):
        with pytest.raises(ValueError, match="positive"):
            await client.place_order([("widget", 0, 1)])


class TestFetchOrder:
    async def test_fetch_returns_a_copy(self, client, sample_items):
        order_id = await client.place_order(sample_items)
        order = await client.fetch_order(order_id)
        order["items"].clear()
        again = await client.fetch_order(order_id)
        assert again["items"] == sample_items
