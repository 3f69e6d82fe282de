import unittest

from client import Client


class ClientTestCase(unittest.IsolatedAsyncioTestCase):
    """A base class in a helper package: its async tests run."""

    async def asyncSetUp(self):
        self.client = Client()


class PlainTestCase(unittest.TestCase):
    """A base class in a helper package: a sync TestCase."""
