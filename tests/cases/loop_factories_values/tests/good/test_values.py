import pytest

FACTORIES = ("default",)


@pytest.mark.asyncio(loop_factories=[1])  # error: ASYNC505
async def test_not_a_name():
    pass


@pytest.mark.asyncio(loop_factories=[""])  # error: ASYNC505
async def test_empty_name():
    pass


@pytest.mark.asyncio(loop_factories="default")  # error: ASYNC505
async def test_a_string():
    pass


@pytest.mark.asyncio(loop_factories=[])  # error: ASYNC505
async def test_empty():
    pass


@pytest.mark.asyncio(loop_factories={"default"})  # error: ASYNC505
async def test_a_set():
    pass


@pytest.mark.asyncio(loop_factories=["uvloop"])  # error: ASYNC505
async def test_never_offered():
    """Always skipped: 'Loop factory 'uvloop' is not available'."""


@pytest.mark.asyncio(loop_factories=["default", "uvloop"])  # error: ASYNC505
async def test_one_variant_never_runs():
    pass


# The correct idioms beside them.

@pytest.mark.asyncio(loop_factories=["default"])
async def test_a_list():
    pass


@pytest.mark.asyncio(loop_factories=("default", "debug"))
async def test_a_tuple():
    pass


@pytest.mark.asyncio(loop_factories=FACTORIES)
async def test_a_constant():
    pass


@pytest.mark.asyncio(loop_scope="module", loop_factories=["debug"])
async def test_with_a_loop_scope():
    pass
