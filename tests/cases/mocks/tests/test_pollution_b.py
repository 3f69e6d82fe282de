"""A plain MagicMock child stays a MagicMock, whatever other modules set on other mocks."""

from unittest.mock import MagicMock


def close(connection):
    connection.disconnect()


def test_plain_child_of_a_magic_mock():
    connection = MagicMock()
    close(connection)
    connection.disconnect.assert_called_once()
