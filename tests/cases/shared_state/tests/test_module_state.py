"""ASYNC804: module-level state changed by an async test or fixture and never restored."""

import asyncio
import os
import sys
from collections import defaultdict
from unittest import mock

import pytest
import pytest_asyncio

from app import settings
from app.registry import HANDLERS, SEEN
from app.settings import FEATURES, PLUGINS, config

pytestmark = pytest.mark.asyncio

CACHE = {}
CALLS = []
BY_USER = defaultdict(list)
seen_users = 0
client = None


async def handle(event):
    await asyncio.sleep(0)
    return event


async def test_fills_module_cache():
    CACHE["user:1"] = {"name": "Ada"}  # error: ASYNC804
    CACHE["user:2"] = {"name": "Bob"}
    assert await handle(CACHE)


async def test_records_calls():
    CALLS.append("fetch")  # error: ASYNC804
    BY_USER["ada"].append(1)
    assert await handle(CALLS)


async def test_rebinds_global():
    global seen_users
    seen_users += 1  # error: ASYNC804
    await handle(seen_users)


async def test_sets_imported_module_attribute():
    settings.DEBUG = True  # error: ASYNC804
    assert await handle(settings.DEBUG)


async def test_changes_imported_objects():
    FEATURES.update(search=True)  # error: ASYNC804
    PLUGINS.extend(["audit"])  # error: ASYNC804
    SEEN.add("ada")  # error: ASYNC804
    config.retries = 0  # error: ASYNC804
    await handle(config)


async def test_sets_environment():
    os.environ["APP_MODE"] = "test"  # error: ASYNC804
    sys.path.insert(0, "/tmp/plugins")  # error: ASYNC804
    await handle(os.environ)


async def test_handler_registered_by_nested_function():
    async def on_event(event):
        CALLS.append(event)  # error: ASYNC804

    await on_event("created")


@pytest_asyncio.fixture
async def connected_client():
    global client
    client = object()  # error: ASYNC804
    return client


# -- silent -----------------------------------------------------------------------------------


async def test_restores_in_finally():
    settings.TIMEOUT = 0.1
    try:
        await handle(settings.TIMEOUT)
    finally:
        settings.TIMEOUT = 5.0


async def test_removes_what_it_added():
    CACHE["temporary"] = 1
    try:
        await handle(CACHE)
    finally:
        del CACHE["temporary"]


async def test_puts_the_item_back():
    saved = CACHE.get("user:1")
    CACHE["user:1"] = None
    await handle(CACHE)
    CACHE["user:1"] = saved


async def test_clears_after_use():
    CALLS.append("fetch")
    await handle(CALLS)
    CALLS.clear()


async def test_resets_first():
    CALLS.clear()
    CALLS.append("fetch")
    await handle(CALLS)


async def test_monkeypatch(monkeypatch):
    monkeypatch.setattr(settings, "DEBUG", True)
    monkeypatch.setitem(CACHE, "user:1", None)
    monkeypatch.setenv("APP_MODE", "test")
    monkeypatch.setattr(settings, "PLUGINS", [])
    settings.PLUGINS.append("audit")
    await handle(settings)


async def test_patch_dict():
    with mock.patch.dict(os.environ, {"APP_MODE": "test"}):
        os.environ["APP_REGION"] = "eu"
        await handle(os.environ)


@mock.patch.dict(CACHE, {"user:1": None})
async def test_patch_dict_decorator():
    CACHE["user:2"] = None
    await handle(CACHE)


async def test_patch_object():
    with mock.patch.object(settings, "FEATURES", {}):
        settings.FEATURES["search"] = True
        await handle(settings.FEATURES)


async def test_registry_reset_by_autouse_fixture():
    HANDLERS["created"] = handle
    await handle(HANDLERS)


async def test_registered_cleanup(request):
    CALLS.append("fetch")
    request.addfinalizer(CALLS.clear)
    await handle(CALLS)


async def test_local_state():
    cache = {}
    cache["user:1"] = 1
    calls = []
    calls.append("fetch")
    await handle(cache)


async def test_reads_only():
    assert await handle(CACHE.get("user:1")) is None
    assert settings.DEBUG is False


def test_sync_tests_are_not_this_rules_business():
    CALLS.append("sync")


@pytest_asyncio.fixture
async def debug_mode():
    settings.DEBUG = True
    yield
    settings.DEBUG = False


@pytest_asyncio.fixture
async def registered_plugin():
    PLUGINS.append("audit")
    yield "audit"
    PLUGINS.remove("audit")


@pytest_asyncio.fixture(scope="module")
async def shared_setup():
    CACHE["warm"] = True
    return CACHE


@pytest_asyncio.fixture
async def clean_calls():
    yield
    CALLS.clear()


async def test_uses_a_cleaning_fixture(clean_calls):
    CALLS.append("fetch")
    await handle(CALLS)


class TestWithTeardown:
    def teardown_method(self):
        CACHE.pop("class", None)

    async def test_sets_cache(self):
        CACHE["class"] = 1
        await handle(CACHE)


@pytest_asyncio.fixture
async def debug_then_reset():
    settings.DEBUG = True
    yield
    settings.restore_defaults()


@pytest_asyncio.fixture
async def reloaded_settings():
    import importlib

    settings.TIMEOUT = 1.0
    yield settings
    importlib.reload(settings)
