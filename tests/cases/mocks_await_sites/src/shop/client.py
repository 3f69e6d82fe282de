"""A client whose request coroutine is handed to the caller unawaited, on purpose."""

import asyncio


class _RequestContext:
    """Awaitable (and usable with `async with`) around the request coroutine."""

    def __init__(self, coro):
        self._coro = coro

    def __await__(self):
        return self._coro.__await__()


class Client:
    async def _request(self, method, url):
        return {"method": method, "url": url}

    async def _send(self, payload):
        return len(payload)

    def get(self, url):
        return _RequestContext(self._request("GET", url))

    def post(self, url):
        return _RequestContext(self._request("POST", url))

    async def notify(self, payload):
        await self._send(payload)
        return True

    async def _ping(self):
        return True

    async def check(self):
        await asyncio.wait_for(self._ping(), timeout=1)


async def close_all(clients):
    await asyncio.gather(*(client.aclose() for client in clients))
