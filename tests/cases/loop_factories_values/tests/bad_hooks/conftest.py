import asyncio


def pytest_asyncio_loop_factories(config, item):
    """Answers last for the tests below: those whose nearer hook returns None get this."""
    return {"default": asyncio.new_event_loop}
