async def test_strict_after_all():  # error: ASYNC500
    pass
