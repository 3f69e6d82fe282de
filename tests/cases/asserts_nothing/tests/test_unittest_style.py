import unittest

from app.client import Client


class ClientCase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.client = Client()

    async def test_fetches(self):  # error: ASYNC805
        await self.client.fetch("a")

    async def test_asserts(self):
        self.assertEqual(await self.client.fetch("a"), {"key": "a"})

    async def test_assert_raises(self):
        with self.assertRaises(AssertionError):
            await self.client.fetch("")

    async def test_fails_explicitly(self):
        if not await self.client.fetch("a"):
            self.fail("empty reply")

    async def test_through_a_method(self):
        await self.expect_reply("a")

    async def test_through_an_unnamed_method(self):
        await self.fetch_one()

    async def expect_reply(self, key):
        await self.client.fetch(key)

    async def fetch_one(self):
        self.assertTrue(await self.client.fetch("a"))

    @unittest.expectedFailure
    async def test_known_failure(self):
        await self.client.fetch("")

    @unittest.skip("later")
    async def test_skipped(self):
        pass

    async def test_skip_test(self):
        self.skipTest("needs a server")


class SyncCase(unittest.TestCase):
    async def test_never_runs(self):  # error: ASYNC502
        """ASYNC502's finding: this rule says nothing about it."""

    def test_sync(self):
        Client()
