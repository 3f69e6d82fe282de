"""ASYNC602 on methods looked up through instances of the same classes again and again (the
lookup is remembered per class and name: every test must still get its own answer)."""

from app.client import AsyncClient, Client, TracedClient


async def test_sync_client(client: Client):
    await client.ping()  # error: ASYNC602
    await client.size("k")  # error: ASYNC602
    await client.get("k")
    await client.echo("hi")


async def test_sync_client_again(client: Client):
    await client.ping()  # error: ASYNC602
    await client.size(b"k")  # error: ASYNC602


async def test_async_client(client: AsyncClient):
    await client.ping()
    await client.get("k")
    await client.size("k")  # error: ASYNC602


async def test_either_client(sync: Client, other: AsyncClient):
    for client in (sync, other):
        await client.ping()


async def test_instance_attribute_shadows_the_method(client: TracedClient):
    await client.ping()


async def test_unknown_client(client):
    await client.ping()
    await client.size("k")


async def test_client_made_here():
    client = Client()
    await client.ping()  # error: ASYNC602
    if client.ping is not None:
        await client.ping()  # error: ASYNC602
