import pytest

from app import registry


@pytest.fixture(autouse=True)
def fresh_registry():
    """Re-creates the handler registry for every test."""
    yield
    registry.HANDLERS.clear()
