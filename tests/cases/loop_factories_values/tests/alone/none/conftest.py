def pytest_asyncio_loop_factories(config, item):  # error: ASYNC505
    """Returns nothing: pytest-asyncio aborts the run."""
