# error: ASYNC850
async def test_unknown():
    pass
