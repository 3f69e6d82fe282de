"""ASYNC503: async set-up and tear-down hooks that unittest never awaits."""

import unittest

from inventory.store import open_store


class TestStock(unittest.IsolatedAsyncioTestCase):
    async def setUp(self):  # error: ASYNC503
        self.store = await open_store()
        await self.store.add("pear", 3)

    async def tearDown(self):  # error: ASYNC503
        await self.store.close()

    async def test_stock(self):
        self.assertEqual(await self.store.count("pear"), 3)


class TestOpen(unittest.TestCase):
    async def asyncSetUp(self):  # error: ASYNC503
        self.store = await open_store()

    def test_store_is_open(self):
        self.assertTrue(self.store.is_open)
