from app.client import UserClient, get_user


async def test_assert_coroutine(client):
    assert client.is_ready()  # error: ASYNC601


async def test_conditions(client):
    if client.is_ready():  # error: ASYNC601
        pass
    ok = not client.is_ready()  # error: ASYNC601
    assert ok


async def test_result_used(client):
    user = client.fetch(1)  # error: ASYNC601
    assert user["id"] == 1
    name = client.fetch(2)["name"]  # error: ASYNC601
    assert name


async def test_attribute_and_iteration():
    text = get_user(1).get("id")  # error: ASYNC601
    for key in get_user(1):  # error: ASYNC601
        print(key, text)


async def test_comparison_and_format():
    local = UserClient()
    assert await local.fetch(1) == {"id": 1}
    assert local.fetch(1) == {"id": 1}  # error: ASYNC601
    print(f"{get_user(1)}")  # error: ASYNC601
    assert len(get_user(1)) == 1  # error: ASYNC601


async def test_awaited_values_are_fine(client):
    assert await client.is_ready()
    user = await client.fetch(1)
    assert user["id"] == 1
    coroutine = client.fetch(1)
    coroutine.close()
