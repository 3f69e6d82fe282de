class Client:
    async def fetch(self, key):
        assert key, "the code under test checks its own invariants: not a check of the test"
        return {"key": key}

    async def close(self):
        pass


def validate_reply(reply):
    assert "key" in reply
    return reply
