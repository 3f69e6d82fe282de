import asyncio
import gc
from unittest import mock
from asyncio import open_connection as connect

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp import ClientSession as Session
from httpx import AsyncClient

from app.clients import Api, make_session, shared_session


# The mistakes.

async def test_session_never_closed():
    session = aiohttp.ClientSession()  # error: ASYNC801
    assert await session.get("/") == "/"


async def test_alias_never_closed():
    session = Session()  # error: ASYNC801
    await session.get("/")


async def test_dropped_session():
    aiohttp.ClientSession()  # error: ASYNC801


async def test_connector_never_closed():
    connector = aiohttp.TCPConnector()  # error: ASYNC801
    assert await connector.connect("request")


async def test_connector_that_never_connects():
    connector = aiohttp.TCPConnector()
    assert connector.limit == 100


async def test_writer_dropped():
    reader, _ = await asyncio.open_connection("localhost", 80)  # error: ASYNC801
    assert await reader.read(1)


async def test_writer_never_closed():
    reader, writer = await connect("localhost", 80)  # error: ASYNC801
    writer.write(b"ping")
    assert await reader.read(4) == b"pong"


async def test_process_never_waited():
    process = await asyncio.create_subprocess_exec("true")  # error: ASYNC801
    assert process.pid


async def test_client_used_and_never_closed():
    client = AsyncClient()  # error: ASYNC801
    assert await client.get("/") == "/"


async def test_redis_used_and_never_closed():
    client = aioredis.from_url("redis://localhost")  # error: ASYNC801
    assert await client.get("k") == "k"


async def test_factory_session_never_closed():
    session = make_session()  # error: ASYNC801
    await session.get("/")


async def helper_that_leaks():
    session = aiohttp.ClientSession()  # error: ASYNC801
    return await session.get("/")


# The correct idioms beside them.

async def test_async_with():
    async with aiohttp.ClientSession() as session:
        assert await session.get("/") == "/"


async def test_closed_in_finally():
    session = aiohttp.ClientSession()
    try:
        await session.get("/")
    finally:
        await session.close()


async def test_entered_later():
    session = Session()
    async with session:
        await session.get("/")


async def test_handed_to_an_owner():
    api = Api(aiohttp.ClientSession())
    session = aiohttp.ClientSession()
    other = Api(session)
    await api.close()
    await other.close()


async def test_writer_closed():
    reader, writer = await asyncio.open_connection("localhost", 80)
    writer.close()
    await writer.wait_closed()
    assert reader


async def test_process_waited():
    process = await asyncio.create_subprocess_exec("true")
    assert await process.wait() == 0


async def test_idle_client_holds_nothing():
    client = AsyncClient()
    redis_client = aioredis.Redis()
    assert client is not redis_client


async def test_shared_session_is_not_ours_to_close():
    session = shared_session()
    await session.get("/")


async def test_cleanup_registered(request):
    session = aiohttp.ClientSession()
    request.addfinalizer(lambda: asyncio.run(session.close()))
    await session.get("/")


async def test_unclosed_session_warns():
    session = aiohttp.ClientSession()
    with pytest.warns(ResourceWarning):
        del session
        gc.collect()


async def test_finaliser_runs():
    session = aiohttp.ClientSession()
    await session.get("/")
    gc.collect()


async def test_constructor_raises():
    with pytest.raises(TypeError):
        aiohttp.ClientSession(bad=True)


@pytest.fixture
async def session():
    session = aiohttp.ClientSession()
    yield session
    await session.close()


@pytest.fixture
async def client():
    return AsyncClient()


async def make_client():
    client = AsyncClient()
    return client


class TestStored:
    async def test_stored_on_self(self):
        self.session = aiohttp.ClientSession()
        await self.session.get("/")


async def test_uses_fixture(session, client):
    assert await session.get("/") == await client.get("/")


async def test_client_given_a_pool_does_not_own_it(pool):
    client = aioredis.Redis(connection_pool=pool)
    assert await client.get("k")


async def test_closed_through_what_it_owns():
    client = aioredis.Redis()
    assert await client.get("k")
    await client.connection_pool.disconnect()


async def test_connection_expected_to_fail():
    client = aioredis.from_url("redis://nowhere")
    with pytest.raises(ConnectionError):
        await client.get("k")


async def test_transport_replaced_by_a_fixture(httpx_mock):
    client = AsyncClient()
    assert await client.get("/") == "/"


async def test_connect_path_patched():
    connector = aiohttp.TCPConnector()
    with mock.patch("aiohttp.connector.start_connection", side_effect=OSError):
        await connector.connect("request")


async def test_open_expected_to_fail():
    try:
        await asyncio.open_connection("nowhere", 1)
    except OSError:
        pass
