# error: ASYNC851
async def test_unknown():
    pass
