"""ASYNC650, ASYNC651: a sync substitute for an async function, an async one for a sync method."""

from unittest.mock import AsyncMock, MagicMock, patch

import pytest

from profiles import api, service


@pytest.mark.asyncio
async def test_load_profile():
    with patch("profiles.api.get_user", MagicMock(return_value={"name": "ada"})):  # error: ASYNC650
        assert await service.load_profile(1) == "ada (1)"


@pytest.mark.asyncio
async def test_load_profile_of_another_user():
    with patch.object(api, "get_user", new_callable=MagicMock) as get_user:  # error: ASYNC650
        get_user.return_value = {"name": "bob"}
        assert await service.load_profile(2) == "bob (2)"


@pytest.mark.asyncio
async def test_error_status_is_raised():
    response = api.Response(200, {"id": 1})
    response.raise_for_status = AsyncMock(side_effect=api.HTTPError(500))  # error: ASYNC651
    with pytest.raises(api.HTTPError):
        service.read_payload(response)
