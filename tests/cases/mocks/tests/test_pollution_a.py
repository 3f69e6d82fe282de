"""Sets an AsyncMock child on a MagicMock: astroid must not carry this to other modules."""

from unittest.mock import AsyncMock, MagicMock


async def test_sets_an_async_child():
    connection = MagicMock()
    connection.disconnect = AsyncMock()
    await connection.disconnect()
    connection.disconnect.assert_awaited_once()
