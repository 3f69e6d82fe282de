import asyncio


async def test_runs_in_another_loop(event_loop):
    assert asyncio.get_running_loop() is not event_loop  # passes: the fixture's loop is unused


async def test_through_a_sync_fixture(scheduler):
    assert asyncio.get_running_loop() is not scheduler


async def test_through_an_async_fixture(clock):
    assert clock >= 0


def test_sync_drives_the_loop(event_loop):
    assert event_loop.run_until_complete(asyncio.sleep(0, result=1)) == 1
