"""Waiting for orders: the event-loop mistakes (ASYNC700, ASYNC701)."""

import asyncio
from time import sleep as pause

import pytest


def wait_until_stored(client, order_id):
    """A sync helper that polls: called from an async test it stalls the loop."""
    pause(0.01)


@pytest.mark.asyncio
async def test_order_is_stored_eventually(client, sample_items):
    order_id = await client.place_order(sample_items)
    wait_until_stored(client, order_id)  # ASYNC700: 'wait_until_stored' → time.sleep
    assert await client.fetch_order(order_id)


@pytest.mark.asyncio
async def test_fetch_with_a_fresh_loop(client, sample_items):
    order_id = await client.place_order(sample_items)
    order = asyncio.run(client.fetch_order(order_id))  # ASYNC701: RuntimeError
    assert order["items"] == sample_items


@pytest.mark.asyncio
async def test_orders_in_the_background(client, sample_items):
    asyncio.create_task(client.place_order(sample_items))  # ASYNC800: never awaited
