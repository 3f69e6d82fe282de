from pytest import mark

pytestmark = mark.anyio


async def test_module_marked():
    pass
