"""A client built like redis-py's: commands in mixins, typed with overloads, answered by the
class that mixes them in (sync or async)."""

from typing import overload


class Commands:
    @overload
    def size(self, key: str) -> int: ...

    @overload
    def size(self, key: bytes) -> int: ...

    def size(self, key):
        return len(key)

    @overload
    def get(self, key: str) -> bytes: ...

    @overload
    def get(self, key: bytes) -> bytes: ...

    def get(self, key):
        return self.execute("GET", key)

    def ping(self):
        return True

    def echo(self, text):
        return self.execute("ECHO", text)


class Client(Commands):
    def execute(self, *args):
        return args


class AsyncClient(Commands):
    async def execute(self, *args):
        return args

    async def ping(self):
        return True


class TracedClient(Client):
    def __init__(self, tracer):
        self.ping = tracer.wrap(self.ping)
