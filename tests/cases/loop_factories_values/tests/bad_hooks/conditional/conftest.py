import asyncio
import sys


def pytest_asyncio_loop_factories(config, item):
    """Built conditionally: what it returns depends on the platform, nothing is certain."""
    factories = {"default": asyncio.new_event_loop}
    if sys.platform != "win32":
        factories["uvloop"] = asyncio.new_event_loop
    return factories
