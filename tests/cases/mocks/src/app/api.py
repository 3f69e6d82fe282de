import asyncio


async def get_user(user_id):
    await asyncio.sleep(0)
    return {"id": user_id}


def format_user(user):
    return f"user {user['id']}"


def user_ids():
    return [1, 2, 3]


def later(user_id):
    """A sync function that returns a coroutine: an async substitute is right."""
    return get_user(user_id)


class UserClient:
    async def fetch(self, user_id):
        await asyncio.sleep(0)
        return {"id": user_id}

    async def close(self):
        pass

    def cache_key(self, user_id):
        return f"user:{user_id}"

    def send(self, message):
        raise NotImplementedError

    @property
    def name(self):
        return "client"


class Response:
    def __init__(self, status):
        self.status = status

    def raise_for_status(self):
        if self.status >= 400:
            raise RuntimeError(self.status)

    async def json(self):
        return {}
