"""Not named test_*.py: `python -m unittest tests.smoke` (or a package __init__ importing it) runs
it all the same. Its TestCase classes are tests; its functions are not pytest tests."""
from helpers.base import ClientTestCase


class SmokeTest(ClientTestCase):
    async def test_exists(self):
        self.client.exists(1)  # error: ASYNC600

    async def test_exists_awaited(self):
        self.assertTrue(await self.client.exists(1))


async def test_not_collected_by_anyone():
    pass
