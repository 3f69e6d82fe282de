from typing import Any

from app.api import UserClient, get_user


async def load_profile(user_id):
    user = await get_user(user_id)  # handed on as it comes: a coroutine would go unnoticed
    return {"user": user, "source": "api"}


async def fetch_user(client: UserClient, user_id):
    return await client.fetch(user_id)


async def fetch_many(client, user_ids):
    return [await client(user_id) for user_id in user_ids]


async def use_session(session):
    async with session.begin():
        pass


async def checked(client):
    """Never awaits its parameter."""
    return client.cache_key(1)


class Service:
    def __init__(self, client: UserClient, cache):
        self.client = client
        self.cache = cache

    async def run(self, user_id):
        self.cache.set(user_id)
        return await self.client.fetch(user_id)


class Connection:
    """Awaits its reader only in receive(), and only when it is not busy."""

    def __init__(self, reader):
        self._reader = reader
        self._busy = False

    @property
    def name(self):
        return "connection"

    def close(self):
        self._reader = None

    async def receive(self):
        if self._busy:
            raise RuntimeError("busy")
        return await self._reader.read()

    async def receive_twice(self):
        first = await self._receive_one()
        return first, await self._receive_one()

    async def _receive_one(self):
        return await self._reader.read()


class Connector:
    """Closes the resolver only when it made it itself."""

    def __init__(self, resolver=None):
        if resolver is None:
            self._resolver = Resolver()
            self._owner = True
        else:
            self._resolver = resolver
            self._owner = False

    async def close(self):
        if self._owner:
            await self._resolver.close()


class Resolver:
    async def close(self):
        pass


async def fetch_if(client, wanted):
    if wanted:
        return await client.fetch(1)
    return None


async def fetch_anything(client: Any, user_id):
    return await client.fetch(user_id)


async def fetch_positive(client, user_id):
    if user_id < 0:
        raise ValueError(user_id)
    return await client.fetch(user_id)


async def fetch_or_fail(client, user_id):
    user = await client.fetch(user_id)
    if user is None:
        raise LookupError(user_id)
    return user
