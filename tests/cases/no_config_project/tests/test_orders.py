from client import Client
from helpers.base import ClientTestCase, PlainTestCase


class TestOrders(ClientTestCase):
    async def test_fetch(self):
        self.client.fetch(1)  # error: ASYNC600
        assert await self.client.fetch(2)

    async def test_local_client(self):
        client = Client()
        client.fetch(1)  # error: ASYNC600
        client.close()


class TestInASyncBase(PlainTestCase):
    async def test_never_runs(self):  # error: ASYNC502
        await Client().fetch(1)

    def test_sync(self):
        Client().close()
