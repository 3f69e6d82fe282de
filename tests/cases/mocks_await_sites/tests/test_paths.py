"""Per code path: the same fixture and the same assertion are a real defect when the test drives
the path whose await site only keeps the server (and closes it later), and not one when it
drives the path that reads the server's sockets."""

from unittest import mock

import pytest

from shop import net


@pytest.fixture
def create_server_mock():
    server = net.Server([("localhost", 8080)])
    with mock.patch.object(net, "create_server", autospec=True, return_value=server) as create_server:
        yield create_server


async def test_tcp_site_reads_the_sockets(create_server_mock):
    sites = await net.serve("localhost", 8080)
    assert sites[0].bound == ("localhost", 8080)
    create_server_mock.assert_called_once_with("localhost", 8080)


async def test_socket_site_keeps_the_server(create_server_mock):
    sites = await net.serve(sock="a socket")
    sites[0].stop()
    create_server_mock.assert_called_once_with(sock="a socket")  # error: ASYNC652
