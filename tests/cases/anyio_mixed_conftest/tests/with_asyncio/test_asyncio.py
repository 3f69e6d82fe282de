import anyio
import pytest


@pytest.fixture
async def local_resource():  # error: ASYNC520
    """This module mentions anyio, but no anyio test requests this fixture."""
    yield 1


@pytest.mark.asyncio
async def test_database(database):
    assert database == "db"


@pytest.mark.asyncio
async def test_local(local_resource):
    await anyio.sleep(0)


async def test_settings(settings, anyio_backend):
    assert settings == {}
