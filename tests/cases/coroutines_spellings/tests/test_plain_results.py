"""ASYNC602 where the callee plainly returns something that cannot be awaited (issue 10, item 8)."""

from unittest.mock import AsyncMock


async def test_awaited_sync_methods(store):
    await store.count()  # error: ASYNC602
    await store.next_id(1)  # error: ASYNC602
    await store.label()  # error: ASYNC602
    await store.is_empty()  # error: ASYNC602
    await store.keys()  # error: ASYNC602
    await store.has(1)  # error: ASYNC602
    await store.limit()  # error: ASYNC602


async def test_results_that_may_be_awaitable(store):
    await store.size()
    await store.later(1)
    await store.first(1, 2)
    await store.combined({})
    await store.get(1)


async def test_sync_method_replaced_by_an_async_mock(monkeypatch, store):
    """ASYNC651's mistake, reported there: the test awaits the substitute, not the sync def."""
    monkeypatch.setattr(store, "count", AsyncMock(return_value=3))  # error: ASYNC651
    assert await store.count() == 3
