"""A heartbeat that runs as a background task on the event loop."""

import asyncio


class Heartbeat:
    def __init__(self):
        self.beats = 0

    async def run(self, interval):
        while True:
            self.beats += 1
            await asyncio.sleep(interval)
