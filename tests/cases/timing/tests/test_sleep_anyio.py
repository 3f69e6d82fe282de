import anyio
import pytest
from anyio import create_task_group, sleep

pytestmark = pytest.mark.anyio


async def test_start_soon_then_sleep():
    results = []

    async def work():
        results.append(1)

    async with create_task_group() as tg:
        tg.start_soon(work)
        await sleep(0.1)  # error: ASYNC704
        assert results == [1]


async def test_wait_all_tasks_blocked():
    results = []

    async def work():
        results.append(1)

    async with anyio.create_task_group() as tg:
        tg.start_soon(work)
        await anyio.wait_all_tasks_blocked()
        assert results == [1]


async def test_sleep_until_cancelled():
    finished = False

    async def child():
        raise RuntimeError("stop")

    with pytest.raises(ExceptionGroup):
        async with anyio.create_task_group() as tg:
            tg.start_soon(child)
            await anyio.sleep(0.5)
            finished = True
    assert not finished


async def test_assertions_after_the_task_group_joined():
    cancelled = False

    async def watcher():
        nonlocal cancelled
        cancelled = True

    async with anyio.create_task_group() as tg:
        tg.start_soon(watcher)
        await anyio.sleep(0.1)
        done = True
    assert done and cancelled


async def test_sleep_inside_a_cancel_scope():
    async def cancel_soon(scope):
        await anyio.wait_all_tasks_blocked()
        scope.cancel()

    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as scope:
            tg.start_soon(cancel_soon, scope)
            with anyio.fail_after(1):
                await anyio.sleep(5)
                pytest.fail("the scope should have been cancelled")
            pytest.fail("not reached either")
        assert scope.cancel_called
