# error: ASYNC850
"""No conftest: reported at line 1 of each test module with async tests."""


async def test_strict_after_all():  # error: ASYNC500
    pass
