import asyncio
import queue
import socket
import subprocess
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from time import sleep
from time import sleep as pause

import requests

from app.client import connect_with_retry
from helpers.waiting import wait_for_ready


async def test_direct_sleep():
    time.sleep(0.1)  # error: ASYNC700


async def test_aliases():
    sleep(0.1)  # error: ASYNC700
    pause(0.1)  # error: ASYNC700
    snooze = time.sleep
    snooze(0.1)  # error: ASYNC700


async def test_session_object():
    session = requests.Session()
    session.get("http://localhost")  # error: ASYNC700
    requests.post("http://localhost")  # error: ASYNC700


async def test_helper_chain():
    wait_for_ready()  # error: ASYNC700


def _local_helper():
    subprocess.run(["true"])


async def test_local_helper():
    _local_helper()  # error: ASYNC700


async def test_joins_with_worker_threads_are_not_reported():
    """Real suites (anyio, trio, asgiref) join their worker threads like this on purpose: a
    bounded wait for a thread that does not need the loop."""
    event = threading.Event()
    event.wait(0.1)
    with ThreadPoolExecutor() as pool:
        future = pool.submit(time.sleep, 0.1)  # handing the function to a thread: fine
        future.result()
        await asyncio.wrap_future(pool.submit(time.sleep, 0.1))


async def test_a_peer_socket_after_an_async_connect_is_not_reported():
    """anyio's and trio's pattern: the kernel has queued the connection, accept() returns."""
    server = socket.create_server(("localhost", 0))
    reader, writer = await asyncio.open_connection(*server.getsockname()[:2])
    connection, _ = server.accept()
    connection.close()
    writer.close()


async def test_blocking_calls_named_in_the_options_are():
    results = queue.Queue()
    results.get()  # error: ASYNC700


async def test_offloaded_is_fine():
    await asyncio.to_thread(time.sleep, 0.1)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, time.sleep, 0.1)
    thread = threading.Thread(target=lambda: time.sleep(0.1))
    thread.start()
    thread.join  # not called: nothing blocks

    def in_thread():
        time.sleep(0.1)

    await asyncio.to_thread(in_thread)


async def test_code_under_test_is_not_followed():
    connect_with_retry()


async def test_already_silenced_for_flake8_async():
    time.sleep(0.1)  # noqa: ASYNC251


def test_sync_test_may_sleep():
    time.sleep(0.1)
    wait_for_ready()


async def test_nested_async_helper():
    async def helper():
        time.sleep(0.1)  # error: ASYNC700

    await helper()


class TestWithUnittest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        subprocess.run(["true"])  # error: ASYNC700

    async def test_it(self):
        subprocess.check_output(["true"])  # error: ASYNC700
