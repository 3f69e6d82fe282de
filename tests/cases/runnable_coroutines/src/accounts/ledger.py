"""A ledger of amounts. Seeded bugs: `refund` adds the amount instead of subtracting it, and `clear`
keeps the entries."""

import asyncio
from contextlib import asynccontextmanager


class Ledger:
    def __init__(self):
        self.entries = []

    async def post(self, amount):
        await asyncio.sleep(0)
        if amount <= 0:
            raise ValueError(amount)
        self.entries.append(amount)

    async def refund(self, amount):
        await asyncio.sleep(0)
        self.entries.append(amount)

    async def balance(self):
        await asyncio.sleep(0)
        return sum(self.entries)

    async def is_empty(self):
        await asyncio.sleep(0)
        return not self.entries

    async def clear(self):
        await asyncio.sleep(0)

    async def summary(self):
        await asyncio.sleep(0)
        return {"count": len(self.entries), "balance": sum(self.entries)}

    async def history(self):
        for amount in self.entries:
            await asyncio.sleep(0)
            yield amount

    @asynccontextmanager
    async def transaction(self):
        staged = []
        yield staged
        await asyncio.sleep(0)
        self.entries.extend(staged)
