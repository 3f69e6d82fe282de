async def test_marked_by_the_conftest_hook():
    pass
