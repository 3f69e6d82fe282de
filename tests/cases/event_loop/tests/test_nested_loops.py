import asyncio

import anyio
import pytest
import trio


async def work():
    return 1


async def test_asyncio_run():
    asyncio.run(work())  # error: ASYNC701


async def test_run_until_complete():
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(work())  # error: ASYNC701
    finally:
        loop.close()


async def test_running_loop():
    asyncio.get_running_loop().run_until_complete(work())  # error: ASYNC701


async def test_runner():
    with asyncio.Runner() as runner:
        runner.run(work())  # error: ASYNC701


async def test_anyio_run():
    anyio.run(work)  # error: ASYNC701


async def test_in_a_thread_is_fine():
    await asyncio.to_thread(asyncio.run, work())

    def in_thread():
        return asyncio.run(work())

    await asyncio.to_thread(in_thread)


async def test_expected_error_is_the_point():
    with pytest.raises(RuntimeError):
        asyncio.run(work())


async def test_trio_run_inside_asyncio_works():
    trio.run(work)  # verified: runs to completion (it blocks the loop meanwhile)


def test_sync_test_may_run_a_loop():
    asyncio.run(work())
    loop = asyncio.new_event_loop()
    loop.run_until_complete(work())
    loop.close()
