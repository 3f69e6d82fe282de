"""The code under test. Seeded bug: `touch_user` never awaits the API call."""

from profiles import api


async def load_profile(user_id):
    user = await api.get_user(user_id)
    return f"{user['name']} ({user_id})"


async def touch_user(user_id):
    api.update_last_seen(user_id)


async def rename_user(user_id, name):
    await api.update_name(user_id, name)


def read_payload(response):
    response.raise_for_status()
    return response.payload
