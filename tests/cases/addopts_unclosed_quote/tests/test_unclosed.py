# error: ASYNC851
"""The --asyncio-mode=auto inside the broken addopts is not applied, nor anything else of it:
pytest runs no test, so the mode is unknown and what depends on it stays silent (ASYNC500 on the
test, ASYNC520 on the fixture in strict mode; nothing in auto mode)."""
import pytest


@pytest.fixture
async def resource():
    yield 1


async def test_unmarked(resource):
    pass
