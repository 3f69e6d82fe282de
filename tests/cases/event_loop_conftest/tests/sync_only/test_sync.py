import asyncio


def test_drives_the_loop(event_loop):
    assert event_loop.run_until_complete(asyncio.sleep(0, result=1)) == 1
