import asyncio


async def retry(job, attempts=3, delay=1):
    for _ in range(attempts - 1):
        try:
            return await job()
        except ConnectionError:
            await asyncio.sleep(delay)
    return await job()
