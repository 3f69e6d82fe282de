async def test_unmarked():
    pass
