"""Inside pytest.raises, a call whose sync part raises creates no coroutine (issue 10, item 2)."""

from unittest.mock import AsyncMock, Mock

import pytest
from app.store import Store, make_handler, ping, validates


def test_decorator_raises_before_the_call():
    with pytest.raises(ValueError):
        validates(ping, name="")()


def test_factory_raises_before_the_call():
    with pytest.raises(ValueError):
        make_handler("")()


def test_method_replaced_by_a_raising_mock(monkeypatch, store):
    monkeypatch.setattr(store, "get", Mock(side_effect=KeyError))
    with pytest.raises(KeyError):
        store.get(1)


def test_class_method_replaced_by_a_sync_mock(monkeypatch, store):
    monkeypatch.setattr(Store, "get", Mock(side_effect=KeyError))
    with pytest.raises(KeyError):
        store.get(1)


def test_constructor_raises_before_the_call():
    with pytest.raises(TypeError):
        Store(1).get(1)


def test_argument_raises_before_the_call(store):
    with pytest.raises(ValueError):
        store.get(int("one"))


def test_method_assigned_a_sync_mock(store):
    store.get = Mock(side_effect=KeyError)
    with pytest.raises(KeyError):
        store.get(1)


# -- the mistakes beside them still fire ------------------------------------------------------


def test_decorated_function_called_outside_raises():
    validates(ping)()  # error: ASYNC600


def test_factory_result_dropped_inside_raises():
    handler = make_handler("a")
    with pytest.raises(ValueError):
        handler()  # error: ASYNC600


def test_replaced_by_an_async_mock_is_still_a_coroutine(monkeypatch, store):
    monkeypatch.setattr(store, "get", AsyncMock(side_effect=KeyError))
    with pytest.raises(KeyError):
        store.get(1)  # error: ASYNC600


def test_other_method_replaced(monkeypatch, store):
    monkeypatch.setattr(store, "count", Mock(return_value=3))
    with pytest.raises(KeyError):
        store.get(1)  # error: ASYNC600


def test_replaced_after_the_call(monkeypatch, store):
    store.get(1)  # error: ASYNC600
    monkeypatch.setattr(store, "get", Mock(side_effect=KeyError))
