async def test_mode_unknown():
    pass
