# error: ASYNC850
"""pytest 9 reads pytest.toml before pytest.ini: auto mode, and the pytest.ini is ignored."""


async def test_auto_from_pytest_toml():
    pass
