"""ASYNC505: `scope=` in the asyncio mark (deprecated for `loop_scope=`)."""

import asyncio

import pytest

SEEN = []


@pytest.mark.asyncio(scope="module")  # error: ASYNC505
async def test_first_runs_on_the_module_loop():
    SEEN.append(asyncio.get_running_loop())


@pytest.mark.asyncio(scope="module")  # error: ASYNC505
async def test_second_shares_the_module_loop():
    assert asyncio.get_running_loop() is SEEN[0]
