async def test_start(started_at):
    assert started_at >= 0
