"""ASYNC652 stays silent where the code under test uses the awaited result in a way that fails on
a coroutine: forgetting the await there already fails the test."""

from unittest.mock import AsyncMock, call, patch

from shop import inventory


async def test_result_subscripted():
    with patch("shop.inventory.fetch_stock", return_value={"count": 2}) as fetch_stock:
        assert await inventory.available("apple")
    fetch_stock.assert_called_once_with("apple")


async def test_result_iterated(mocker):
    fetch_prices = mocker.patch.object(inventory, "fetch_prices", return_value=[])
    assert await inventory.price_list(["apple"]) == {}
    fetch_prices.assert_called_once()


@patch("shop.inventory.fetch_total", return_value=2)
async def test_result_passed_to_arithmetic(fetch_total):
    assert await inventory.order_total(["apple", "pear"]) == 2.4
    assert fetch_total.called


async def test_result_iterated_after_a_retry():
    records = [{"address": "10.0.0.1"}]
    with patch("shop.inventory.lookup_host", side_effect=[LookupError, records]) as lookup_host:
        assert await inventory.resolve("shop") == ["10.0.0.1"]
    lookup_host.assert_has_calls([call("shop", strict=True), call("shop", strict=False)])


async def test_branch_on_a_false_result():
    with patch("shop.inventory.is_blocked", new_callable=AsyncMock, return_value=False) as blocked:
        assert await inventory.checkout("ann", ["apple"]) == "ok"
    blocked.assert_called_once_with("ann")


# -- a missing await would go unnoticed: reported ------------------------------------------


async def test_branch_on_a_true_result():
    with patch("shop.inventory.is_blocked", return_value=True) as blocked:
        assert await inventory.checkout("ann", ["apple"]) == "blocked"
    blocked.assert_called_once_with("ann")  # error: ASYNC652


async def test_result_ignored():
    with patch("shop.inventory.audit") as audit:
        await inventory.reserve("apple")
    audit.assert_called_once()  # error: ASYNC652


# -- the code returns the awaited value: the test's use of it decides -----------------------


async def test_returned_false_result_asserted_false():
    store = AsyncMock()
    store.ping = AsyncMock(return_value=False)
    assert not await inventory.is_open(store)
    store.ping.assert_called_once()


async def test_returned_result_compared():
    store = AsyncMock()
    store.get.return_value = {"count": 1}
    assert await inventory.lookup(store, "apple") == {"count": 1}
    store.get.assert_called_once_with("apple")


async def test_returned_true_result_asserted_true():
    store = AsyncMock()
    store.ping = AsyncMock(return_value=True)
    assert await inventory.is_open(store)
    store.ping.assert_called_once()  # error: ASYNC652


async def test_returned_result_ignored():
    store = AsyncMock()
    await inventory.lookup(store, "apple")
    store.get.assert_called_once_with("apple")  # error: ASYNC652
