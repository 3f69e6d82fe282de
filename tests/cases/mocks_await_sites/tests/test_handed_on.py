"""ASYNC652 stays silent where the library hands the coroutine to its caller unawaited on
purpose (no await of it anywhere in the project to forget)."""

from unittest import mock

from shop.client import Client, close_all


async def test_request_wrapped_for_the_caller():
    client = Client()
    with mock.patch("shop.client.Client._request", autospec=True) as request:
        await client.get("/items")
    assert request.called
    assert request.call_args[0][1:] == ("GET", "/items")


async def test_awaited_and_ignored_in_the_library():
    client = Client()
    with mock.patch.object(Client, "_send") as send:
        await client.notify(b"hello")
    send.assert_called_once_with(b"hello")  # error: ASYNC652


async def test_awaited_through_wait_for_and_ignored():
    with mock.patch.object(Client, "_ping") as ping:
        await Client().check()
    ping.assert_called_once()  # error: ASYNC652


async def test_gathered_from_a_generator():
    client = mock.AsyncMock()
    await close_all([client])
    client.aclose.assert_called_once()  # error: ASYNC652
