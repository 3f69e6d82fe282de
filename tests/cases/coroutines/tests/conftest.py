import pytest
from app.client import UserClient, make_client


@pytest.fixture
def client():
    return UserClient()


@pytest.fixture
async def made_client():
    client = make_client()
    yield client
    await client.session.close()


@pytest.fixture
def cleanup_registered(request, client):
    request.addfinalizer(client.session.close)  # error: ASYNC600
    return client


@pytest.fixture
def api(client):
    """A fixture chain inside the conftest: api's value is client's value."""
    return client
