"""ASYNC803 in the code under test: the rule holds for any async function, so modules that are
not test code are analysed for it (and only for it) when it is enabled."""

import asyncio

import anyio


class Throttle:
    def __init__(self):
        self.in_flight = 0
        self.sent = 0
        self._send_lock = anyio.Lock()
        self._one_at_a_time = anyio.CapacityLimiter(1)

    async def run(self, job):
        in_flight = self.in_flight
        await job()
        self.in_flight = in_flight + 1  # error: ASYNC803

    async def send(self, stream, data):
        self.sent += await stream.send(data)  # error: ASYNC803

    async def send_locked(self, stream, data):
        async with self._send_lock:
            self.sent += await stream.send(data)

    async def send_limited(self, stream, data):
        async with self._one_at_a_time:
            sent = self.sent
            sent += await stream.send(data)
            self.sent = sent

    async def send_counted(self, stream, data):
        sent = await stream.send(data)
        self.sent += sent
        await asyncio.sleep(0)


REGISTRY = {}


async def register(name, factory):
    """Not a test: ASYNC804 is about tests and fixtures only."""
    REGISTRY[name] = await factory()
