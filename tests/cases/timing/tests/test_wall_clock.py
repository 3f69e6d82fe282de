import asyncio
import datetime
import math
import time
import unittest
from datetime import datetime as dt
from time import monotonic as now
from timeit import default_timer

import pytest
import pytest_asyncio

clock = time.perf_counter


async def fetch():
    await asyncio.sleep(0)
    return 1


def elapsed_since(start):
    return time.monotonic() - start


def read_clock():
    return time.monotonic()


@pytest.mark.asyncio
async def test_upper_bound_through_locals():
    start = time.monotonic()
    await fetch()
    elapsed = time.monotonic() - start
    assert elapsed < 0.5  # error: ASYNC703


@pytest.mark.asyncio
async def test_upper_bound_inline():
    start = time.perf_counter()
    await fetch()
    assert time.perf_counter() - start <= 0.1  # error: ASYNC703
    assert 0.5 > time.perf_counter() - start  # error: ASYNC703


@pytest.mark.asyncio
async def test_both_bounds_chained():
    t0 = time.monotonic()
    await asyncio.sleep(0.1)
    t1 = time.monotonic()
    assert 0.1 <= t1 - t0 < 0.2  # error: ASYNC703


@pytest.mark.asyncio
async def test_approx_and_isclose():
    start = time.monotonic()
    await asyncio.sleep(0.1)
    elapsed = time.monotonic() - start
    assert elapsed == pytest.approx(0.1, abs=0.05)  # error: ASYNC703
    assert math.isclose(elapsed, 0.1, abs_tol=0.05)  # error: ASYNC703
    assert abs(elapsed - 0.1) < 0.05  # error: ASYNC703


@pytest.mark.asyncio
async def test_aliases():
    begin = now()
    await fetch()
    assert now() - begin < 1  # error: ASYNC703
    first = clock()
    await fetch()
    assert clock() - first < 1  # error: ASYNC703
    t0 = default_timer()
    await fetch()
    assert default_timer() - t0 < 1  # error: ASYNC703


@pytest.mark.asyncio
async def test_loop_time_and_deadline():
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1.0
    await fetch()
    assert loop.time() < deadline  # error: ASYNC703
    started = asyncio.get_running_loop().time()
    await fetch()
    assert asyncio.get_running_loop().time() - started < 1  # error: ASYNC703


@pytest.mark.asyncio
async def test_milliseconds():
    start = time.monotonic()
    await fetch()
    elapsed_ms = (time.monotonic() - start) * 1000
    assert elapsed_ms < 100  # error: ASYNC703


@pytest.mark.asyncio
async def test_datetime_upper_bound():
    start = datetime.datetime.now()
    await fetch()
    assert datetime.datetime.now() - start < datetime.timedelta(seconds=1)  # error: ASYNC703
    began = dt.utcnow()
    await fetch()
    assert (dt.utcnow() - began).total_seconds() < 1  # error: ASYNC703


@pytest.mark.asyncio
async def test_lower_bound_on_system_time():
    start = time.time()
    await asyncio.sleep(0.2)
    assert time.time() - start >= 0.2  # error: ASYNC703
    began = dt.now()
    await asyncio.sleep(0.2)
    assert (dt.now() - began).total_seconds() >= 0.2  # error: ASYNC703


@pytest.mark.asyncio
async def test_lower_bound_on_monotonic_clock():
    """A sleep really slept: a loaded machine only makes it longer."""
    start = time.monotonic()
    await asyncio.sleep(0.2)
    end = time.monotonic()
    assert end - start >= 0.2
    loop = asyncio.get_running_loop()
    began = loop.time()
    await asyncio.sleep(0.2)
    assert loop.time() - began > 0.19


@pytest.mark.asyncio
async def test_reassigned_locals():
    start = time.monotonic()
    await fetch()
    end = time.monotonic()
    assert end - start >= 0
    start = time.monotonic()
    await fetch()
    end = time.monotonic()
    assert end - start < 2  # error: ASYNC703


@pytest.mark.asyncio
async def test_fail_spelled_as_if():
    start = time.monotonic()
    await fetch()
    if time.monotonic() - start > 1:  # error: ASYNC703
        pytest.fail("too slow")


@pytest.mark.asyncio
async def test_polling_deadline_is_a_timeout():
    deadline = time.monotonic() + 5
    while not await fetch():
        if time.monotonic() > deadline:
            pytest.fail("never became ready")
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_polling_deadline_spelled_as_assert():
    deadline = time.monotonic() + 5
    while not await fetch():
        assert time.monotonic() < deadline, "never became ready"
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_timing_each_case_in_a_loop():
    for _ in range(3):
        start = time.monotonic()
        await fetch()
        if time.monotonic() - start > 1:  # error: ASYNC703
            raise AssertionError("too slow")


@pytest.mark.asyncio
async def test_helper_returning_a_clock():
    start = read_clock()
    await fetch()
    assert read_clock() - start < 1  # error: ASYNC703


@pytest.mark.asyncio
async def test_what_is_not_an_interval(record):
    start = time.monotonic()
    result = await fetch()
    assert result < 2
    assert record.created_at <= time.time()
    assert start > 0
    assert elapsed_since(start) < 1  # a helper's interval is not followed
    stamp = time.time()
    assert record.expires_at - stamp > 10


@pytest.mark.asyncio
async def test_equality_means_a_virtual_clock():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(10)
    assert loop.time() - t0 == 10


@pytest.mark.asyncio
async def test_frozen_time(freezer):
    start = datetime.datetime.now()
    freezer.tick(5)
    await fetch()
    assert datetime.datetime.now() - start < datetime.timedelta(seconds=6)


@pytest_asyncio.fixture
async def timed_client():
    start = time.monotonic()
    await fetch()
    assert time.monotonic() - start < 5  # error: ASYNC703
    yield 1


def test_sync_test_is_not_this_rules_business():
    start = time.monotonic()
    asyncio.run(fetch())
    assert time.monotonic() - start < 1


class TestTimings(unittest.IsolatedAsyncioTestCase):
    async def test_assert_less(self):
        start = time.monotonic()
        await fetch()
        elapsed = time.monotonic() - start
        self.assertLess(elapsed, 0.5)  # error: ASYNC703
        self.assertGreater(1.0, elapsed)  # error: ASYNC703
        self.assertAlmostEqual(elapsed, 0.0, delta=0.1)  # error: ASYNC703
        self.assertTrue(elapsed < 0.5)  # error: ASYNC703
        self.assertFalse(elapsed > 0.5)  # error: ASYNC703
        self.assertGreaterEqual(elapsed, 0.0)

    async def test_lower_bound_with_time_time(self):
        start = time.time()
        await asyncio.sleep(0.1)
        self.assertGreaterEqual(time.time() - start, 0.1)  # error: ASYNC703
