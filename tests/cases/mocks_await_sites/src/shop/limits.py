import asyncio


class Limiter:
    def __init__(self):
        self._semaphore = asyncio.Semaphore(2)

    async def run(self, job):
        await self._semaphore.acquire()
        try:
            return await job()
        finally:
            self._semaphore.release()
