"""A coroutine bound to a local and then used as its value (issue 10, item 4)."""

import asyncio


async def test_subscripted(store):
    user = store.fetch_user(1)  # error: ASYNC601
    assert user["id"] == 1


async def test_attribute_read(store):
    user = store.fetch_user(1)  # error: ASYNC601
    assert user.name == "alice"


async def test_asserted(store):
    found = store.exists(1)  # error: ASYNC601
    assert found


async def test_len(store):
    user = store.fetch_user(1)  # error: ASYNC601
    assert len(user) == 2


def test_in_a_sync_test(store):
    user = store.fetch_user(1)  # error: ASYNC601
    print(user["name"])
    assert user["id"] == 1


async def test_used_then_awaited(store):
    user = store.fetch_user(1)  # error: ASYNC601
    assert user
    assert (await user)["id"] == 1


# -- the correct idioms stay silent -----------------------------------------------------------


async def test_awaited_at_the_binding(store):
    user = await store.fetch_user(1)
    assert user["id"] == 1
    assert len(user) == 2


async def test_awaited_later(store):
    user = store.fetch_user(1)
    result = await user
    assert result["id"] == 1


async def test_handed_to_a_task(store):
    pending = store.fetch_user(1)
    task = asyncio.ensure_future(pending)
    assert task is not pending
    assert (await task)["id"] == 1


async def test_rebound_name(store):
    user = store.fetch_user(1)
    user = await user
    assert user["id"] == 1
