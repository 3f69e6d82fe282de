import pytest

from app.worker import Throttle

pytestmark = pytest.mark.asyncio


async def test_run():
    async def job():
        return None

    throttle = Throttle()
    await throttle.run(job)
    assert throttle.in_flight == 1
