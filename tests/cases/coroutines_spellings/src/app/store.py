import functools


class Store:
    def __init__(self):
        self._items = {}

    async def get(self, key):
        return self._items[key]

    async def exists(self, key):
        return key in self._items

    async def fetch_user(self, user_id):
        return {"id": user_id, "name": "alice"}

    # sync methods whose result is plainly not awaitable

    def count(self):
        return len(self._items)

    def next_id(self, last):
        return last + 1

    def label(self):
        return f"store of {len(self._items)}"

    def is_empty(self):
        return not self._items

    def keys(self):
        return sorted(self._items)

    def has(self, key):
        return key in self._items

    def limit(self):
        return 10

    # sync methods whose result may be awaitable: silent

    def size(self):
        return self._items.__len__()

    def later(self, key):
        return self.get(key)

    def first(self, *values):
        return min(values)

    def combined(self, other):
        return self._items | other


def validates(function, name="handler"):
    """A decorator that checks its arguments before anything is called."""
    if not name:
        raise ValueError("a handler needs a name")
    return function


def make_handler(name):
    """A sync factory that checks its argument, then returns an async function."""
    if not name:
        raise ValueError("a handler needs a name")

    async def handler():
        return name

    return handler


async def ping():
    return "pong"


def retrying(function):
    @functools.wraps(function)
    async def wrapper(*args):
        return await function(*args)

    return wrapper


async def connect():
    """Returns a connected Store (what `await connect()` gives)."""
    return Store()
