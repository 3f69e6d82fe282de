import asyncio

import pytest


async def work():
    await asyncio.sleep(0)


async def test_gather_result_dropped():
    await asyncio.gather(work(), work(), return_exceptions=True)  # error: ASYNC802


async def test_gather_result_checked():
    results = await asyncio.gather(work(), work(), return_exceptions=True)
    assert not any(isinstance(r, BaseException) for r in results)
    first, second = await asyncio.gather(work(), work(), return_exceptions=True)
    assert first is None
    await asyncio.gather(work(), work())  # without return_exceptions, a failure raises


async def test_gather_after_cancelling_is_clean_up():
    tasks = [asyncio.create_task(work()) for _ in range(3)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_wait_dropped():
    task = asyncio.create_task(work())
    await asyncio.wait([task])  # error: ASYNC802


async def test_done_set_never_read():
    task = asyncio.create_task(work())
    done, pending = await asyncio.wait([task])  # error: ASYNC802
    assert not pending


async def test_wait_then_results():
    task = asyncio.create_task(work())
    await asyncio.wait([task])
    assert task.result() is None
    done, _ = await asyncio.wait([asyncio.create_task(work())])
    for finished in done:
        finished.result()


@pytest.fixture
async def background():
    tasks = [asyncio.create_task(work())]
    yield tasks
    await asyncio.gather(*tasks, return_exceptions=True)  # teardown draining: fine
