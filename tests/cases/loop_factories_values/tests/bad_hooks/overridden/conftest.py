def pytest_asyncio_loop_factories(config, item):
    """A deeper conftest answers first for the tests below it: not certain."""
