import pytest


@pytest.mark.asyncio
async def test_generator():  # error: ASYNC506
    yield 1


@pytest.mark.asyncio
async def test_inner_generator_is_fine():
    async def agen():
        yield 1

    async for _ in agen():
        pass
