"""ASYNC803: a value of shared state read, an await, then written back from the stale value."""

import asyncio

import pytest

pytestmark = pytest.mark.asyncio

COUNTER = 0
TOTALS = {}
LOCK = asyncio.Lock()


async def fetch_increment():
    await asyncio.sleep(0)
    return 1


class Account:
    balance = 0
    _lock = asyncio.Lock()

    def __init__(self):
        self.count = 0
        self.items = []
        self.counts = {}
        self.guard = asyncio.Lock()
        self.mutex = asyncio.Semaphore(1)

    async def deposit(self, amount):
        current = self.balance
        await asyncio.sleep(0)
        self.balance = current + amount  # error: ASYNC803

    async def bump(self):
        count = self.count
        await fetch_increment()
        self.count = count + 1  # error: ASYNC803

    async def bump_through_call(self):
        count = self.count
        await asyncio.sleep(0)
        self.count = max(count, 0) + 1  # error: ASYNC803

    async def bump_derived_local(self):
        count = self.count + 1
        await asyncio.sleep(0)
        self.count = count  # error: ASYNC803

    async def bump_tainted(self):
        count = self.count
        await asyncio.sleep(0)
        count += 1
        self.count = count  # error: ASYNC803

    async def augmented(self):
        self.count += await fetch_increment()  # error: ASYNC803

    async def written_with_await_inside(self):
        self.count = self.count + await fetch_increment()  # error: ASYNC803

    async def copy_modify_write(self, item):
        items = list(self.items)
        await asyncio.sleep(0)
        items.append(item)
        self.items = items  # error: ASYNC803

    async def counter_by_key(self, key):
        seen = self.counts.get(key, 0)
        await asyncio.sleep(0)
        self.counts[key] = seen + 1  # error: ASYNC803

    async def across_async_with(self, session):
        count = self.count
        async with session:
            pass
        self.count = count + 1  # error: ASYNC803

    async def across_async_for(self, stream):
        count = self.count
        async for chunk in stream:
            count += len(chunk)
        self.count = count  # error: ASYNC803

    async def retry_until_done(self, attempt):
        count = self.count
        while True:
            try:
                await attempt()
                break
            except OSError:
                continue
        self.count = count + 1  # error: ASYNC803

    async def await_in_one_branch(self, slow):
        count = self.count
        if slow:
            await asyncio.sleep(0)
        self.count = count + 1  # error: ASYNC803

    async def lock_only_around_the_write(self):
        count = self.count
        await asyncio.sleep(0)
        async with self.guard:
            self.count = count + 1  # error: ASYNC803

    async def read_and_write_under_two_acquisitions(self):
        async with self.guard:
            count = self.count
        await asyncio.sleep(0)
        async with self.guard:
            self.count = count + 1  # error: ASYNC803

    @classmethod
    async def class_total(cls, amount):
        total = cls.balance
        await asyncio.sleep(0)
        cls.balance = total + amount  # error: ASYNC803

    # -- silent -----------------------------------------------------------------------------

    async def under_lock(self):
        async with self.guard:
            count = self.count
            await asyncio.sleep(0)
            self.count = count + 1

    async def under_lock_named_mutex(self):
        async with self.mutex:
            count = self.count
            await asyncio.sleep(0)
            self.count = count + 1

    async def under_class_lock(self):
        async with self._lock:
            self.count += await fetch_increment()

    async def under_acquired_lock(self):
        await self.guard.acquire()
        try:
            count = self.count
            await asyncio.sleep(0)
            self.count = count + 1
        finally:
            self.guard.release()

    async def await_first(self):
        increment = await fetch_increment()
        self.count += increment

    async def reread_after_await(self):
        await asyncio.sleep(0)
        count = self.count
        self.count = count + 1

    async def rebound_after_await(self):
        count = self.count
        await asyncio.sleep(0)
        count = self.count
        self.count = count + 1

    async def compare_and_set(self):
        count = self.count
        await asyncio.sleep(0)
        if self.count != count:
            return
        self.count = count + 1

    async def checked_by_assert(self):
        count = self.count
        await asyncio.sleep(0)
        assert self.count == count, "changed while waiting"
        self.count = count + 1

    async def awaited_in_assert(self):
        count = self.count
        assert await fetch_increment()
        self.count = count + 1  # error: ASYNC803

    async def written_before_await(self):
        count = self.count
        self.count = count + 1
        await asyncio.sleep(0)

    async def save_and_restore(self):
        saved = self.count
        self.count = 0
        await asyncio.sleep(0)
        self.count = saved

    async def put_back_unchanged(self):
        saved = self.items
        await asyncio.sleep(0)
        self.items = saved

    async def in_place(self, item):
        items = self.items
        await asyncio.sleep(0)
        items.append(item)

    async def awaited_after_the_read_in_the_value(self):
        self.count = await fetch_increment() + self.count

    async def different_state(self):
        count = self.count
        await asyncio.sleep(0)
        self.balance = count

    async def nested_sync_helper(self):
        count = self.count

        def later():
            self.count = count + 1

        await asyncio.sleep(0)
        return later


async def test_global_counter():
    global COUNTER
    seen = COUNTER
    await asyncio.sleep(0)
    COUNTER = seen + 1  # error: ASYNC803, ASYNC804


async def test_global_under_module_lock():
    global COUNTER
    async with LOCK:
        seen = COUNTER
        await asyncio.sleep(0)
        COUNTER = seen + 1  # error: ASYNC804


async def test_workers_share_a_closure():
    done = 0

    async def worker():
        nonlocal done
        current = done
        await asyncio.sleep(0)
        done = current + 1  # error: ASYNC803

    async def safe_worker():
        nonlocal done
        await asyncio.sleep(0)
        done += 1

    await asyncio.gather(worker(), worker(), safe_worker())
    assert done


class Stats:
    hits = 0


async def test_class_attribute():
    hits = Stats.hits
    await asyncio.sleep(0)
    Stats.hits = hits + 1  # error: ASYNC803, ASYNC804


async def test_local_state_is_no_shared_state():
    data = {"count": 0}
    count = data["count"]
    await asyncio.sleep(0)
    data["count"] = count + 1


class Connection:
    def __init__(self, pool):
        self.pool = pool
        self.connection = None
        self.total = 0

    async def release(self):
        self.connection = await self.pool.release(self.connection)
        self.connection = None

    async def refresh(self):
        fresh = await self.pool.refresh(self.connection)
        self.connection = fresh

    async def add_fetched(self):
        self.total = self.total + await self.pool.size()  # error: ASYNC803

    async def open_once(self):
        self.connection = self.connection or await self.pool.open()

    async def stream_totals(self, chunks):
        total = self.total
        for chunk in chunks:
            yield chunk
            total += len(chunk)
        self.total = total  # error: ASYNC803
