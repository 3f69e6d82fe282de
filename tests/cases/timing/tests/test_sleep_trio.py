import pytest
import trio
import trio.testing


@pytest.mark.trio
async def test_nursery_then_sleep():
    results = []

    async def work():
        results.append(1)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(work)
        await trio.sleep(0.1)  # error: ASYNC704
        assert results


@pytest.mark.trio
async def test_started_server(nursery):
    served = []

    async def serve(task_status=trio.TASK_STATUS_IGNORED):
        task_status.started()
        served.append(1)

    await nursery.start(serve)
    await trio.sleep(1)  # error: ASYNC704
    assert served


@pytest.mark.trio
async def test_wait_all_tasks_blocked(nursery):
    results = []

    async def work():
        results.append(1)

    nursery.start_soon(work)
    await trio.testing.wait_all_tasks_blocked()
    assert results


@pytest.mark.trio
async def test_current_time_on_a_mock_clock(autojump_clock):
    start = trio.current_time()
    await trio.sleep(10)
    assert trio.current_time() - start < 10.5


@pytest.mark.trio
async def test_sleep_on_the_autojump_clock(autojump_clock):
    results = []

    async def work():
        await trio.sleep(1)
        results.append(1)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(work)
        await trio.sleep(2)
        assert results == [1]
