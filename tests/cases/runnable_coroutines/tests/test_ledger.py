"""ASYNC600, ASYNC601, ASYNC603, ASYNC604, ASYNC605: coroutines, context managers and iterables
used the wrong way round."""

import pytest

from accounts.ledger import Ledger


async def check_balance(ledger, expected):
    assert await ledger.balance() == expected


@pytest.mark.asyncio
async def test_post():
    ledger = Ledger()
    await ledger.post(10)
    check_balance(ledger, 10)  # error: ASYNC600


@pytest.mark.asyncio
async def test_refund():
    ledger = Ledger()
    await ledger.post(10)
    await ledger.refund(10)
    check_balance(ledger, 0)  # error: ASYNC600


@pytest.mark.asyncio
async def test_new_ledger_is_empty():
    ledger = Ledger()
    assert ledger.is_empty()  # error: ASYNC601


@pytest.mark.asyncio
async def test_cleared_ledger_is_empty():
    ledger = Ledger()
    await ledger.post(5)
    await ledger.clear()
    assert ledger.is_empty()  # error: ASYNC601


@pytest.mark.asyncio
async def test_summary_counts_entries():
    ledger = Ledger()
    await ledger.post(5)
    assert ledger.summary()["count"] == 1  # error: ASYNC601


@pytest.mark.asyncio
async def test_transaction_commits():
    ledger = Ledger()
    with ledger.transaction() as staged:  # error: ASYNC603
        staged.append(7)
    assert await ledger.balance() == 7


@pytest.mark.asyncio
async def test_negative_amounts_are_refused():
    ledger = Ledger()
    async with pytest.raises(ValueError):  # error: ASYNC604
        await ledger.post(-1)


@pytest.mark.asyncio
async def test_history_lists_entries():
    ledger = Ledger()
    await ledger.post(1)
    await ledger.post(2)
    assert [amount for amount in ledger.history()] == [1, 2]  # error: ASYNC605
    total = 0
    for amount in ledger.history():  # error: ASYNC605
        total += amount
    assert total == 3
