"""ASYNC652 stays silent where a helper of the test module awaits the mock it is given."""

from unittest.mock import AsyncMock

from shop.limits import Limiter


async def deliver_all(send, messages):
    for message in messages:
        await send(message)


async def drive(client, sku):
    return await client.fetch_stock(sku)


class TestLimiter:
    async def _run_job(self, limiter, job):
        return await limiter.run(job)

    async def _call(self, job):
        return await job()

    async def test_helper_method_awaits_the_job(self):
        job = AsyncMock(return_value=1)
        assert await self._call(job) == 1
        job.assert_called_once()

    async def test_helper_only_hands_the_job_to_the_code_under_test(self):
        job = AsyncMock(return_value=1)
        await self._run_job(Limiter(), job)
        job.assert_called_once()  # error: ASYNC652


async def test_helper_awaits_the_mock():
    send = AsyncMock()
    await deliver_all(send, ["a"])
    send.assert_called_once_with("a")


async def test_helper_awaits_a_child_of_the_mock():
    client = AsyncMock()
    await drive(client, "apple")
    client.fetch_stock.assert_called_once_with("apple")


async def test_code_under_test_awaits_it():
    job = AsyncMock(return_value=1)
    await Limiter().run(job)
    job.assert_called_once()  # error: ASYNC652
