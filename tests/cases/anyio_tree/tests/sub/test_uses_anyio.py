from pytest import mark


@mark.anyio
async def test_server(server):
    pass
