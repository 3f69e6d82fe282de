import pytest
import pytest_asyncio


@pytest.mark.asyncio  # error: ASYNC501
def test_sync_with_asyncio_mark():
    pass


@pytest.mark.trio  # error: ASYNC501
def test_sync_with_trio_mark():
    pass


@pytest.mark.anyio  # error: ASYNC501
@pytest.mark.parametrize("x", [1])
def test_sync_with_anyio_mark(x):
    pass


@pytest.mark.asyncio  # error: ASYNC501
@pytest_asyncio.fixture
async def fixture_with_mark_above():
    yield 1


@pytest.fixture
@pytest.mark.anyio  # error: ASYNC501
def sync_fixture_with_mark_below():
    return 1


@pytest.mark.slow
def test_sync_with_other_mark():
    pass


@pytest.mark.asyncio
class TestSyncMethodsInMarkedClass:
    def test_sync(self):
        pass


def helper():
    pass
