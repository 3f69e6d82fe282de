import aiofiles
import asyncpg

from app.db import Connection


async def test_file_never_closed():
    handle = await aiofiles.open("data.txt")  # error: ASYNC801
    assert await handle.read() == "data"


async def test_file_in_async_with():
    async with aiofiles.open("data.txt") as handle:
        assert await handle.read() == "data"


async def test_connection_never_closed():
    connection = await asyncpg.connect("postgresql://localhost/test")  # error: ASYNC801
    assert await connection.fetchval("SELECT 1") == 1


async def test_pool_dropped():
    await asyncpg.create_pool("postgresql://localhost/test")  # error: ASYNC801


async def test_connection_closed():
    connection = await asyncpg.connect("postgresql://localhost/test")
    try:
        assert await connection.fetchval("SELECT 1") == 1
    finally:
        await connection.close()


async def test_configured_resource_never_closed():
    connection = Connection()  # error: ASYNC801
    assert await connection.query("SELECT 1")


async def test_configured_resource_closed():
    connection = Connection()
    assert await connection.query("SELECT 1")
    await connection.close()


def test_sync_test_making_a_resource_is_judged_too():
    connection = Connection()  # error: ASYNC801
    assert connection.query
