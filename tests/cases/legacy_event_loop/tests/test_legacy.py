async def test_uses_session_bot(bot):
    """Under pytest-asyncio < 1.0 the session event_loop sets the loop: no ASYNC522/524."""
