def pytest_asyncio_loop_factories(config, item):
    return {}  # error: ASYNC505
