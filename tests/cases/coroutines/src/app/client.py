import asyncio
from contextlib import asynccontextmanager, contextmanager


class UserClient:
    def __init__(self):
        self.session = Session()

    async def fetch(self, user_id):
        await asyncio.sleep(0)
        return {"id": user_id}

    async def is_ready(self):
        return True

    def format_user(self, user):
        return f"user {user['id']}"

    def cached(self, user_id):
        return {"id": user_id}

    def later(self, user_id):
        """A sync method that returns a coroutine: awaiting its result is right."""
        return self.fetch(user_id)

    async def stream(self):
        yield 1

    @classmethod
    async def connect(cls):
        return cls()


class Session:
    async def close(self):
        pass


async def get_user(user_id):
    return {"id": user_id}


def make_client():
    return UserClient()


@asynccontextmanager
async def transaction():
    yield


@contextmanager
def sync_transaction():
    yield


class AsyncOnly:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


class RefusesSyncWith(AsyncOnly):
    def __enter__(self):
        raise TypeError("Use async with instead")


class SyncOnly:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Pages:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration


def numbers():
    yield 1
