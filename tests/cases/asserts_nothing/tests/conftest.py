import pytest

from app.client import Client


@pytest.fixture
async def client():
    client = Client()
    yield client
    await client.close()


@pytest.fixture
def same_as():
    """A checker handed to tests as a fixture value."""

    def compare(actual, expected):
        assert actual == expected

    return compare


@pytest.fixture
def recorder():
    calls = []
    yield calls
    assert calls, "the test must have recorded something"


@pytest.fixture
def recording_client(recorder, client):
    return client


@pytest.fixture(autouse=True)
def no_leaks():
    """Autouse hygiene checks are generic: they do not make every test a check."""
    yield
    assert True
