async def test_auto_from_tox_ini():
    pass
