"""An editor's buffer: tests/test_flake8_e2e.py pipes this file to `flake8 -` with and without
--stdin-display-name; both give these findings."""
import asyncio
import time
from unittest.mock import AsyncMock

import pytest


async def fetch():
    return 1


@pytest.fixture
async def resource():  # error: ASYNC520
    yield 1


async def test_unmarked():  # error: ASYNC500
    pass


@pytest.mark.asyncio  # error: ASYNC501
def test_sync_marked():
    pass


def test_sync_requests_async_fixture(client):  # error: ASYNC521
    pass


@pytest.mark.asyncio
async def test_dropped_coroutine():
    fetch()  # error: ASYNC600
    time.sleep(0.1)  # error: ASYNC700


@pytest.mark.asyncio
async def test_mock_assertion():
    mock = AsyncMock()
    mock.assert_called_once()  # error: ASYNC652


@pytest.mark.asyncio
async def test_background_task():
    asyncio.create_task(fetch())  # error: ASYNC800
