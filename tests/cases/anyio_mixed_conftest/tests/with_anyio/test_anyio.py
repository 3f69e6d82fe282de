import pytest

pytestmark = pytest.mark.anyio


async def test_server(server):
    assert server == "server"


async def test_client(client):
    assert client == "app"
