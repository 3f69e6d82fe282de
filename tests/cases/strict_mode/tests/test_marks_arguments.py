import pytest

pytestmark = pytest.mark.asyncio(timeout=5)  # error: ASYNC505


@pytest.mark.asyncio(scope="module")  # error: ASYNC505
async def test_deprecated_scope():
    pass


@pytest.mark.asyncio("module")  # error: ASYNC505
async def test_positional():
    pass


@pytest.mark.asyncio(scope="module", loop_scope="module")  # error: ASYNC505
async def test_both():
    pass


@pytest.mark.asyncio(loop_scope="modul")  # error: ASYNC505
async def test_typo():
    pass


@pytest.mark.asyncio(loop_scope="session")
async def test_fine():
    pass


@pytest.mark.asyncio(loop_factories=["uvloop"])  # error: ASYNC505
async def test_loop_factories_without_a_hook():
    pass


@pytest.mark.asyncio(loop_scope="class")
class TestX:
    pytestmark = [pytest.mark.asyncio(loop_scpoe="class")]  # error: ASYNC505

    async def test_x(self):
        pass
