"""An async database facade (an in-memory stand-in for the real driver)."""

import asyncio


class NotConnected(RuntimeError):
    """The database was used before connect() or after close()."""


class Database:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.connected = False
        self._tables: dict[str, dict[int, dict]] = {}
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        await asyncio.sleep(0)  # the real driver opens a socket here
        self.connected = True

    async def close(self) -> None:
        await asyncio.sleep(0)
        self.connected = False

    async def insert(self, table: str, row: dict) -> int:
        self._check()
        async with self._lock:
            rows = self._tables.setdefault(table, {})
            key = len(rows) + 1
            rows[key] = dict(row)
        return key

    async def get(self, table: str, key: int) -> dict | None:
        self._check()
        await asyncio.sleep(0)  # a round trip to the server
        row = self._tables.get(table, {}).get(key)
        return dict(row) if row is not None else None

    async def all(self, table: str) -> list[dict]:
        self._check()
        await asyncio.sleep(0)
        return [dict(row) for row in self._tables.get(table, {}).values()]

    async def delete(self, table: str, key: int) -> None:
        self._check()
        async with self._lock:
            self._tables.get(table, {}).pop(key, None)

    def _check(self) -> None:
        if not self.connected:
            raise NotConnected(self.dsn)
