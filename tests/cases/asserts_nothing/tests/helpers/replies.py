def same_reply(actual, expected):
    if actual != expected:
        raise ValueError(f"{actual!r} != {expected!r}")


async def fetch_and_compare(client, key, expected):
    same_reply(await client.fetch(key), expected)


def log_reply(reply):
    print(reply)
