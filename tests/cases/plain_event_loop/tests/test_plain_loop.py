def test_sync_uses_a_loop_object(event_loop):
    event_loop.run_until_complete(asyncio_sleep())


async def asyncio_sleep():
    pass


async def test_async_gets_another_loop(event_loop):
    pass
