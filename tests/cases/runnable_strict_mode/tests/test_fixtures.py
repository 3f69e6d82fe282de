"""ASYNC520: async fixtures with the plain `@pytest.fixture` in strict mode."""

import asyncio

import pytest
from pytest import fixture

from shop import cart


@pytest.fixture
async def basket():  # error: ASYNC520
    await asyncio.sleep(0)
    return ["apple", "apple"]


@fixture()
async def pears():  # error: ASYNC520
    await asyncio.sleep(0)
    yield ["pear"]


@pytest.mark.asyncio
async def test_basket_total(basket):
    assert await cart.total(basket) == 6


@pytest.mark.asyncio
async def test_pears_with_discount(pears):
    assert await cart.total_with_discount(pears, 50) == 2
