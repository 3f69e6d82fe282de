from unittest.mock import AsyncMock, MagicMock

import pytest
from app.api import UserClient


@pytest.fixture
def client():
    return UserClient()


@pytest.fixture
def fake_client():
    return AsyncMock()


@pytest.fixture
def patched_get_user(mocker):
    return mocker.patch("app.service.get_user")


@pytest.fixture
def plain_mock():
    return MagicMock()
