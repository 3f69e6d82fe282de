class AsyncClient:
    async def get(self, url):
        return url

    async def aclose(self):
        pass
