"""An inventory store. Seeded bug: `remove` lets a count go below zero instead of raising ValueError."""

import asyncio


class Store:
    def __init__(self):
        self.items = {}
        self.is_open = False

    async def connect(self):
        await asyncio.sleep(0)
        self.is_open = True

    async def close(self):
        await asyncio.sleep(0)
        self.is_open = False

    async def add(self, name, count):
        self.items[name] = self.items.get(name, 0) + count

    async def remove(self, name, count):
        self.items[name] = self.items.get(name, 0) - count

    async def count(self, name):
        return self.items.get(name, 0)


async def open_store():
    store = Store()
    await store.connect()
    return store
