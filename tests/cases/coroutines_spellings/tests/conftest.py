import pytest
from app.store import Store


@pytest.fixture
def store():
    return Store()
