"""ASYNC700: time.sleep in an async test blocks the loop the code under test runs on."""

import asyncio
import time
from time import sleep

import pytest

from monitor.heartbeat import Heartbeat


@pytest.mark.asyncio
async def test_heartbeat_beats_while_the_test_waits():
    heartbeat = Heartbeat()
    task = asyncio.create_task(heartbeat.run(0.01))
    time.sleep(0.05)  # error: ASYNC700
    assert heartbeat.beats >= 1
    task.cancel()


@pytest.mark.asyncio
async def test_heartbeat_keeps_beating():
    heartbeat = Heartbeat()
    task = asyncio.create_task(heartbeat.run(0.001))
    sleep(0.05)  # error: ASYNC700
    assert heartbeat.beats >= 2
    task.cancel()
