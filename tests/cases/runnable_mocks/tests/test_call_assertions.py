"""ASYNC652: call assertions on AsyncMocks, which a missing `await` in the code under test passes."""

from unittest.mock import patch

import pytest

from profiles import service


@pytest.mark.asyncio
async def test_touch_user():
    with patch("profiles.api.update_last_seen") as update_last_seen:
        await service.touch_user(1)
    update_last_seen.assert_called_once_with(1)  # error: ASYNC652


@pytest.mark.asyncio
async def test_touch_user_counts():
    with patch("profiles.api.update_last_seen") as update_last_seen:
        await service.touch_user(1)
    assert update_last_seen.call_count == 1  # error: ASYNC652


@pytest.mark.asyncio
async def test_touch_user_happened():
    with patch("profiles.api.update_last_seen") as update_last_seen:
        await service.touch_user(1)
    assert update_last_seen.called  # error: ASYNC652


@pytest.mark.asyncio
async def test_rename_user():
    with patch("profiles.api.update_name") as update_name:
        await service.rename_user(1, "ada")
    update_name.assert_called_once_with(1, "ada")  # error: ASYNC652
