"""Not a test module: async functions named test_* here are not tests."""


async def test_looking_helper():
    pass
