import asyncio
import subprocess
import threading
import unittest
from unittest import mock

import pytest
import pytest_asyncio

SETTLE = 0.05
NO_DELAY = 0


class Worker:
    def __init__(self):
        self.done = False
        self.items = []
        self.ready = asyncio.Event()

    async def run(self):
        await asyncio.sleep(0)
        self.items.append(1)
        self.done = True
        self.ready.set()


@pytest.mark.asyncio
async def test_sleep_then_assert():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)  # error: ASYNC704
    assert worker.done
    await task


@pytest.mark.asyncio
async def test_ensure_future_and_named_delay():
    worker = Worker()
    future = asyncio.ensure_future(worker.run())
    await asyncio.sleep(SETTLE)  # error: ASYNC704
    assert worker.items == [1]
    future.cancel()


@pytest.mark.asyncio
async def test_loop_create_task_and_mock_assertion():
    loop = asyncio.get_running_loop()
    callback = mock.Mock()

    async def notify():
        callback("changed")

    task = loop.create_task(notify())
    await asyncio.sleep(0.01)  # error: ASYNC704
    callback.assert_called_once_with("changed")
    await task


@pytest.mark.asyncio
async def test_task_group():
    worker = Worker()
    async with asyncio.TaskGroup() as group:
        group.create_task(worker.run())
        await asyncio.sleep(0.1)  # error: ASYNC704
        assert worker.done


@pytest.mark.asyncio
async def test_call_later():
    loop = asyncio.get_running_loop()
    fired = []
    loop.call_later(0.05, fired.append, True)
    await asyncio.sleep(0.1)  # error: ASYNC704
    assert fired == [True]


@pytest.mark.asyncio
async def test_thread():
    flags = []
    thread = threading.Thread(target=flags.append, args=(1,))
    thread.start()
    await asyncio.sleep(0.1)  # error: ASYNC704
    assert flags == [1]
    thread.join()


@pytest.mark.asyncio
async def test_assertion_after_a_plain_with_block():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    with mock.patch.object(Worker, "run"):
        await asyncio.sleep(0.1)  # error: ASYNC704
    assert worker.done
    await task



@pytest.mark.asyncio
async def test_cancel_and_logging_do_not_change_the_state():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)  # error: ASYNC704
    task.cancel()
    print("checking")
    assert worker.items

# -- the correct idioms, and the sleeps that are not synchronisation ------------------------------

@pytest.mark.asyncio
async def test_wait_on_the_task():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(task, timeout=1)
    assert worker.done


@pytest.mark.asyncio
async def test_wait_on_an_event():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    async with asyncio.timeout(1):
        await worker.ready.wait()
    assert worker.done
    await task


@pytest.mark.asyncio
async def test_sleep_zero_is_a_yield():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0)
    await asyncio.sleep(NO_DELAY)
    assert not task.done() or worker.done
    await task


@pytest.mark.asyncio
async def test_polling_loops():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    while not worker.done:
        await asyncio.sleep(0.01)
    assert worker.done
    for _ in range(100):
        if worker.items:
            break
        await asyncio.sleep(0.01)
    assert worker.items
    await task


@pytest.mark.asyncio
async def test_ttl_expiry_with_nothing_running():
    cache = {"key": asyncio.get_running_loop().time() + 0.05}
    await asyncio.sleep(0.1)
    assert asyncio.get_running_loop().time() > cache["key"]


@pytest.mark.asyncio
async def test_task_awaited_before_the_sleep():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await task
    await asyncio.sleep(0.1)
    assert worker.done


@pytest.mark.asyncio
async def test_task_group_joined_before_the_sleep():
    worker = Worker()
    async with asyncio.TaskGroup() as group:
        group.create_task(worker.run())
    await asyncio.sleep(0.1)
    assert worker.done


@pytest.mark.asyncio
async def test_something_else_is_awaited_in_between():
    queue = asyncio.Queue()
    task = asyncio.create_task(queue.put("item"))
    await asyncio.sleep(0.1)
    item = await queue.get()
    assert item == "item"
    assert await queue.get() if not queue.empty() else True
    await task


@pytest.mark.asyncio
async def test_checks_that_it_is_still_waiting():
    event = asyncio.Event()
    task = asyncio.create_task(event.wait())
    await asyncio.sleep(0.05)
    assert not task.done()
    event.set()
    await task


@pytest.mark.asyncio
async def test_sleep_expected_to_be_cut_short():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await asyncio.sleep(1)
    assert worker.done
    await task


@pytest.mark.asyncio
async def test_assertion_on_awaited_task():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)
    with pytest.raises(asyncio.CancelledError):
        task.cancel()
        await task


@pytest_asyncio.fixture
async def running_worker():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.1)
    yield worker
    task.cancel()


@pytest.mark.asyncio
async def test_work_started_by_a_fixture(running_worker):
    await asyncio.sleep(0.1)
    assert running_worker.done


@pytest.mark.asyncio
async def test_server_process_then_connect():
    process = subprocess.Popen(["true"])
    await asyncio.sleep(0.5)
    reader, writer = await asyncio.open_connection("localhost", 8080)
    assert await reader.read(1) == b"x"
    writer.close()
    await writer.wait_closed()
    process.terminate()


@pytest.mark.asyncio
async def test_process_still_running():
    process = await asyncio.create_subprocess_exec("sleep", "10")
    await asyncio.sleep(0.2)
    assert process.returncode is None
    process.kill()
    await process.wait()


@pytest.mark.asyncio
async def test_process_finished():
    process = await asyncio.create_subprocess_exec("true")
    await asyncio.sleep(0.5)  # error: ASYNC704
    assert process.returncode == 0
    await process.wait()


@pytest.mark.asyncio
async def test_cases_in_a_loop():
    for expected in ([1], [1]):
        worker = Worker()
        task = asyncio.create_task(worker.run())
        await asyncio.sleep(0.1)  # error: ASYNC704
        assert worker.items == expected
        await task


class TestWorker(unittest.IsolatedAsyncioTestCase):
    async def test_sleep_then_assert(self):
        worker = Worker()
        task = asyncio.create_task(worker.run())
        await asyncio.sleep(0.2)  # error: ASYNC704
        self.assertTrue(worker.done)
        await task

    async def test_negative_check_then_positive(self):
        worker = Worker()
        task = asyncio.create_task(worker.run())
        await asyncio.sleep(0.2)  # error: ASYNC704
        self.assertFalse(task.cancelled())
        self.assertEqual(worker.items, [1])
        await task

    async def test_interrupting_a_running_query(self):
        worker = Worker()
        task = asyncio.create_task(worker.run())
        await asyncio.sleep(0.2)
        self.assertFalse(worker.ready.is_set())
        worker.ready.set()
        self.assertTrue(worker.ready.is_set())
        task.cancel()

    async def test_wait_for(self):
        worker = Worker()
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(task, 1)
        self.assertTrue(worker.done)


@pytest.mark.asyncio
async def test_consumer_fed_through_a_queue():
    queue = asyncio.Queue()
    processed = []

    async def consume():
        while True:
            processed.append(await queue.get())

    task = asyncio.create_task(consume())
    await queue.put(1)
    await asyncio.sleep(0.1)  # error: ASYNC704
    assert processed == [1]
    task.cancel()


@pytest.mark.asyncio
async def test_waiting_out_a_ttl_after_checking_the_work():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await worker.ready.wait()
    assert worker.done
    deadline = asyncio.get_running_loop().time() + 0.05
    await asyncio.sleep(0.1)
    assert asyncio.get_running_loop().time() > deadline
    await task


@pytest.mark.asyncio
async def test_assertions_on_what_the_test_itself_did():
    worker = Worker()
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.2)
    assert not worker.done
    worker.ready.clear()
    assert not worker.ready.is_set()
    assert worker.ready is not None
    task.cancel()
