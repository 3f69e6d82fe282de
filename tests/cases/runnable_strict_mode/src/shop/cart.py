"""A shopping cart. Seeded bug: `total_with_discount` adds the discount instead of subtracting it."""

import asyncio

PRICES = {"apple": 3, "pear": 4}


async def price_of(item):
    await asyncio.sleep(0)
    return PRICES[item]


async def total(items):
    return sum([await price_of(item) for item in items])


async def total_with_discount(items, percent):
    full = await total(items)
    return full + full * percent // 100
