"""ASYNC500: async tests without a mark in strict mode."""

from shop import cart


async def test_total():  # error: ASYNC500
    assert await cart.total(["apple", "pear"]) == 7


async def test_total_with_discount():  # error: ASYNC500
    assert await cart.total_with_discount(["pear", "pear"], 50) == 4
