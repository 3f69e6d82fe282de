"""A server starter whose await sites differ by path: a TCP site reads the server's sockets
(a coroutine has none: a missing await raises), a socket site only keeps it and closes it
later (a coroutine has close(): a missing await goes unnoticed)."""


class Server:
    def __init__(self, sockets):
        self.sockets = sockets

    def close(self):
        self.sockets = []


async def create_server(host=None, port=None, sock=None):
    return Server([sock] if sock is not None else [(host, port)])


class BaseSite:
    def __init__(self):
        self._server = None

    async def start(self):
        raise NotImplementedError

    def stop(self):
        if self._server is not None:
            self._server.close()


class TCPSite(BaseSite):
    def __init__(self, host, port):
        super().__init__()
        self._host = host
        self._port = port
        self.bound = None

    async def start(self):
        self._server = await create_server(self._host, self._port)
        if self._server.sockets:
            self.bound = self._server.sockets[0]


class SockSite(BaseSite):
    def __init__(self, sock):
        super().__init__()
        self._sock = sock

    async def start(self):
        self._server = await create_server(sock=self._sock)


async def serve(host=None, port=None, sock=None):
    sites = []
    if sock is not None:
        sites.append(SockSite(sock))
    else:
        sites.append(TCPSite(host, port))
    for site in sites:
        await site.start()
    return sites
