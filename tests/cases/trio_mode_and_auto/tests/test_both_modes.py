async def test_first():  # error: ASYNC504
    pass


async def test_second():
    pass
