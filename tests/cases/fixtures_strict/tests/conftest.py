import asyncio

import pytest
import pytest_asyncio
from pytest import fixture


@pytest.fixture
async def plain_async():  # error: ASYNC520
    yield 1


@fixture(scope="session")
async def aliased_decorator():  # error: ASYNC520
    return 1


@pytest_asyncio.fixture
async def proper():
    yield 1


@pytest.fixture
def db():
    return "sync db"


@pytest_asyncio.fixture(scope="module")
async def module_resource():  # error: ASYNC522
    yield asyncio.Queue()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_queue():
    yield asyncio.Queue()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def session_settings():
    return ("localhost", 8080)


@pytest_asyncio.fixture(scope="session", loop_scope="function")
async def session_too_narrow():  # error: ASYNC522
    yield object()


@pytest.fixture
def event_loop_policy():  # error: ASYNC523
    return None
