class ClientSession:
    def __init__(self, connector=None):
        self.connector = connector

    async def get(self, url):
        return url

    async def close(self):
        pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
