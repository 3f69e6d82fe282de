"""The unittest forms of the missing await (issue 10, item 7)."""

import unittest
from collections.abc import Coroutine

from app.store import Store, connect


class TestStore(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.store = Store()
        self.client = Store()

    async def test_exists(self):
        self.assertTrue(self.store.exists(1))  # error: ASYNC601

    async def test_missing(self):
        self.assertFalse(self.store.exists(2))  # error: ASYNC601

    async def test_not_none(self):
        self.assertIsNotNone(self.store.get(1))  # error: ASYNC601

    async def test_equal(self):
        self.assertEqual(self.store.fetch_user(1), {"id": 1, "name": "alice"})  # error: ASYNC601
        self.assertEqual({"id": 1}, self.store.fetch_user(1))  # error: ASYNC601

    async def test_bound_then_asserted(self):
        found = self.store.exists(1)  # error: ASYNC601
        self.assertTrue(found)

    async def test_assert_raises_callable(self):
        self.assertRaises(KeyError, self.client.get, -1)  # error: ASYNC600

    # -- the correct idioms

    async def test_awaited(self):
        self.assertTrue(await self.store.exists(1))
        self.assertEqual(await self.store.fetch_user(1), {"id": 1, "name": "alice"})
        with self.assertRaises(KeyError):
            await self.client.get(-1)

    async def test_identity_and_type_of_the_coroutine(self):
        coroutine = self.store.get(1)
        self.assertIsNot(coroutine, None)
        self.assertIsInstance(coroutine, Coroutine)
        coroutine.close()


class TestSetUp(unittest.TestCase):
    def setUp(self):
        self.store = Store()

    def test_exists(self):
        self.assertTrue(self.store.exists(1))  # error: ASYNC601

    def test_sync_result(self):
        self.assertEqual(self.store.count(), 0)


class TestAwaitedInAsyncSetUp(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = await connect()

    async def test_assert_raises_callable(self):
        self.assertRaises(KeyError, self.client.get, -1)  # error: ASYNC600

    async def test_awaited(self):
        with self.assertRaises(KeyError):
            await self.client.get(-1)
