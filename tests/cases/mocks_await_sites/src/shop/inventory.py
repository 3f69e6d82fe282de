"""The code under test awaits these lookups and uses what they return."""

import asyncio

__all__ = ["fetch_stock", "reserve"]


async def fetch_stock(sku):
    await asyncio.sleep(0)
    return {"sku": sku, "count": 3}


async def fetch_prices(skus):
    await asyncio.sleep(0)
    return [{"sku": sku, "price": 1} for sku in skus]


async def fetch_total(skus):
    await asyncio.sleep(0)
    return len(skus)


async def is_blocked(customer):
    await asyncio.sleep(0)
    return False


async def audit(event):
    await asyncio.sleep(0)
    return {"event": event}


async def available(sku):
    """Subscripts the awaited stock: a coroutine in its place raises TypeError."""
    stock = await fetch_stock(sku)
    return stock["count"] > 0


async def price_list(skus):
    """Iterates the awaited prices."""
    return {entry["sku"]: entry["price"] for entry in await fetch_prices(skus)}


async def order_total(skus):
    """Passes the awaited total to a function that computes with it."""
    total = await fetch_total(skus)
    return _with_tax(total)


def _with_tax(amount):
    return amount * 1.2


async def checkout(customer, skus):
    """Branches on the awaited answer."""
    if await is_blocked(customer):
        return "blocked"
    return "ok"


async def reserve(sku):
    """Records the event and ignores what the audit returns."""
    await audit(("reserve", sku))
    return sku


async def is_open(store):
    """Returns the awaited answer to its caller."""
    return await store.ping()


async def lookup(store, sku):
    record = await store.get(sku)
    return record


async def lookup_host(host, strict):
    await asyncio.sleep(0)
    return [{"address": host}]


async def resolve(host):
    """Retries without `strict`; either way the awaited records are iterated."""
    try:
        infos = await lookup_host(host, strict=True)
    except LookupError:
        infos = await lookup_host(host, strict=False)
    return [info["address"] for info in infos]
