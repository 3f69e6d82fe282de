"""Code under test: ASYNC803 holds for any async function, so it is checked here too."""

import asyncio


class Throttle:
    def __init__(self):
        self.in_flight = 0

    async def run(self, job):
        in_flight = self.in_flight
        await job()
        self.in_flight = in_flight + 1  # error: ASYNC803
        await asyncio.sleep(0)
