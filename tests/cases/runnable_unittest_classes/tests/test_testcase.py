"""ASYNC502: async test methods in a plain unittest.TestCase."""

import unittest
from unittest import TestCase

from inventory.store import open_store


class TestAdd(unittest.TestCase):
    async def test_add(self):  # error: ASYNC502
        store = await open_store()
        await store.add("apple", 2)
        self.assertEqual(await store.count("apple"), 2)


class TestRemove(TestCase):
    async def test_remove_more_than_in_stock(self):  # error: ASYNC502
        store = await open_store()
        with self.assertRaises(ValueError):
            await store.remove("apple", 1)
