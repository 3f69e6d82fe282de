import time


def connect_with_retry():
    """Code under test: its sleeps are its own business, not the test's."""
    time.sleep(0.1)
    return object()
