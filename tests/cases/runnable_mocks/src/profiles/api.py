"""The remote API the service talks to; the tests replace it (nothing here reaches a network)."""

import asyncio


class HTTPError(Exception):
    pass


class Response:
    def __init__(self, status, payload):
        self.status = status
        self.payload = payload

    def raise_for_status(self):
        if self.status >= 400:
            raise HTTPError(self.status)


async def get_user(user_id):
    await asyncio.sleep(0)
    raise ConnectionError("the tests replace the remote API")


async def update_last_seen(user_id):
    await asyncio.sleep(0)
    raise ConnectionError("the tests replace the remote API")


async def update_name(user_id, name):
    await asyncio.sleep(0)
    raise ConnectionError("the tests replace the remote API")
