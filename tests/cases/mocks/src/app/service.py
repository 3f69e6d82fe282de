from app.api import UserClient, format_user, get_user


async def load_profile(user_id):
    user = await get_user(user_id)
    return format_user(user)


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
