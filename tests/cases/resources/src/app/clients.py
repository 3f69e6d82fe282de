import aiohttp

_shared = None


def make_session():
    return aiohttp.ClientSession()


def shared_session():
    global _shared
    if _shared is None:
        _shared = aiohttp.ClientSession()
    return _shared


class Api:
    def __init__(self, session):
        self.session = session

    async def close(self):
        await self.session.close()
