"""Older unittest-style tests, still collected by pytest."""

import unittest
from decimal import Decimal

from shop.client import OrderClient, OrderNotFound
from shop.db import Database
from tests.base import ShopTestCase


class TestFormatTotal(ShopTestCase):
    def setUp(self):
        self.client = OrderClient(db=None)

    def test_single_item(self):
        order = {"items": [("widget", 1, Decimal("4.50"))]}
        self.assertMoneyEqual(self.client.format_total(order), "4.50")

    async def test_total_of_placed_order(self):
        db = Database("memory://legacy")
        await db.connect()
        client = OrderClient(db)
        order_id = await client.place_order([("gadget", 2, Decimal("12"))])
        order = await client.fetch_order(order_id)
        self.assertMoneyEqual(client.format_total(order), "24.00")


class TestOrderClient(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.db = Database("memory://legacy")
        await self.db.connect()
        self.client = OrderClient(self.db)

    async def asyncTearDown(self):
        await self.db.close()

    async def test_fetch_placed_order(self):
        order_id = await self.client.place_order([("widget", 1, Decimal(1))])
        order = await self.client.fetch_order(order_id)
        self.assertEqual(order["items"], [("widget", 1, Decimal(1))])

    async def test_fetch_unknown_order(self):
        with self.assertRaises(OrderNotFound):
            await self.client.fetch_order(42)


class TestOrderHistory(unittest.IsolatedAsyncioTestCase):
    async def setUp(self):
        self.db = Database("memory://history")
        await self.db.connect()

    async def test_history_starts_empty(self):
        self.assertEqual(await self.db.all("orders"), [])
