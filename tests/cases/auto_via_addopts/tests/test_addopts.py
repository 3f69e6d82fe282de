import pytest


@pytest.fixture
async def resource():
    yield 1


async def test_unmarked(resource):
    pass
