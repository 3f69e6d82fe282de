import asyncio


def pytest_asyncio_loop_factories(config, item):
    return {"default": asyncio.new_event_loop}
