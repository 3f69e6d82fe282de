import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")


def test_sync_db_here(db):
    """tests/other sees the sync db of tests/conftest.py."""


async def test_module_loop(module_queue):
    await module_queue.put(1)


class TestLocalOverride:
    @pytest.fixture
    def plain_async(self):
        return "a sync override in the class"

    def test_uses_override(self, plain_async):
        pass
