import pytest


def test_sync_requests_nearest_async_db(db):  # error: ASYNC521
    pass


@pytest.mark.usefixtures("plain_async")  # error: ASYNC521
def test_usefixtures():
    pass


def test_sync_with_pytest_asyncio_fixture(proper):
    """pytest-asyncio runs its own fixtures for sync tests too (verified)."""


@pytest.mark.parametrize("plain_async", [1, 2])
def test_parametrized_shadows_fixture(plain_async):
    pass


def test_default_argument_is_not_a_fixture(plain_async=None):
    pass


def test_unknown_fixture_from_a_plugin(tmp_path, some_plugin_fixture):
    pass


@pytest.fixture
def sync_fixture_requests_async(plain_async):  # error: ASYNC521
    return plain_async


@pytest.mark.asyncio
async def test_uses_module_queue(module_queue):  # error: ASYNC524
    await module_queue.put(1)


@pytest.mark.asyncio
async def test_uses_module_queue_again(module_queue):
    await module_queue.put(2)


@pytest.mark.asyncio(loop_scope="module")
async def test_same_loop(module_queue):
    await module_queue.put(3)


@pytest.mark.asyncio
async def test_plain_value_is_fine(session_settings):
    pass


@pytest.mark.asyncio
async def test_event_loop_removed(event_loop):  # error: ASYNC523
    pass
