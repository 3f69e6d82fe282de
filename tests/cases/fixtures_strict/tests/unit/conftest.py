import pytest


@pytest.fixture
async def db():  # error: ASYNC520
    """Overrides the sync db of tests/conftest.py for everything under tests/unit."""
    yield "async db"
