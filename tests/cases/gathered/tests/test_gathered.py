import asyncio
from asyncio import gather

import pytest


async def write(store, key):
    await asyncio.sleep(0)
    store[key] = True


# The mistakes: the work may fail, the failure is swallowed, and nothing else is checked.

async def test_concurrent_writes(store):
    await asyncio.gather(*(write(store, i) for i in range(10)), return_exceptions=True)  # error: ASYNC802


async def test_concurrent_writes_alias(store):
    results = await gather(write(store, 1), write(store, 2), return_exceptions=True)  # error: ASYNC802
    print("done")


async def test_waits_for_workers(store):
    tasks = [asyncio.create_task(write(store, i)) for i in range(3)]
    await asyncio.wait(tasks)  # error: ASYNC802


# The correct idioms beside them.

async def test_results_checked(store):
    results = await asyncio.gather(write(store, 1), write(store, 2), return_exceptions=True)
    assert not any(isinstance(result, Exception) for result in results)


async def test_effects_checked(store):
    await asyncio.gather(write(store, 1), write(store, 2), return_exceptions=True)
    assert store == {1: True, 2: True}


async def test_failures_raise(store):
    await asyncio.gather(write(store, 1), write(store, 2))


async def test_cancelled_then_drained(store):
    tasks = [asyncio.create_task(write(store, i)) for i in range(3)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_done_set_inspected(store):
    tasks = [asyncio.create_task(write(store, i)) for i in range(3)]
    done, _pending = await asyncio.wait(tasks)
    for task in done:
        task.result()


@pytest.fixture
async def store():
    store = {}
    background = [asyncio.create_task(write(store, "warm-up"))]
    yield store
    await asyncio.gather(*background, return_exceptions=True)


async def drain(tasks):
    await asyncio.gather(*tasks, return_exceptions=True)
