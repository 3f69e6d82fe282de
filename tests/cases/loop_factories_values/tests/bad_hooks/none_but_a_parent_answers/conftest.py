def pytest_asyncio_loop_factories(config, item):
    """Returns nothing: the hook of tests/bad_hooks answers instead."""
