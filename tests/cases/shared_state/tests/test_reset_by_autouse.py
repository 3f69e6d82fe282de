"""ASYNC804 stays silent where an autouse fixture or a unittest hook puts the state back."""

import sys
import unittest

import pytest

pytestmark = pytest.mark.asyncio

requests_seen = 0
EVENTS = []
FAKE_MODULES = {}


@pytest.fixture(autouse=True)
def reset_counters():
    global requests_seen
    requests_seen = 0


async def test_counts_requests():
    global requests_seen
    requests_seen += 1
    assert requests_seen == 1


async def test_patch_dict_with_mocker(mocker):
    mocker.patch.dict(FAKE_MODULES, {"a": 1})
    FAKE_MODULES["b"] = 2


async def test_fake_module():
    sys.modules["fake_driver"] = object()  # error: ASYNC804


class TestEvents(unittest.IsolatedAsyncioTestCase):
    def tearDown(self):
        EVENTS.clear()

    async def test_records(self):
        EVENTS.append("started")
        self.assertEqual(EVENTS, ["started"])


class TestLeakyEvents(unittest.IsolatedAsyncioTestCase):
    async def test_records(self):
        EVENTS.append("started")  # error: ASYNC804
        self.assertTrue(EVENTS)
