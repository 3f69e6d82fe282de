async def test_protocol(protocol):
    assert not protocol.drained.done()
