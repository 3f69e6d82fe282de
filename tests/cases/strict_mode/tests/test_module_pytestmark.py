import pytest

pytestmark = [pytest.mark.asyncio, pytest.mark.filterwarnings("ignore")]


async def test_module_marked():
    pass
