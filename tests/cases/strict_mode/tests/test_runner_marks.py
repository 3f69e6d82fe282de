import functools
import unittest.mock
from unittest import mock

import pytest
import pytest as pt
from pytest import mark

asyncio_mark = pytest.mark.asyncio
module_loop = pytest.mark.asyncio(loop_scope="module")


async def test_unmarked():  # error: ASYNC500
    assert True


@mock.patch("os.getcwd")
async def test_patched_but_unmarked(getcwd):  # error: ASYNC500
    pass


@pytest.mark.parametrize("x", [1, 2])
async def test_parametrized_unmarked(x):  # error: ASYNC500
    pass


@pytest.mark.asyncio
async def test_marked():
    pass


@pytest.mark.asyncio(loop_scope="module")
async def test_marked_with_arguments():
    pass


@mark.asyncio
async def test_mark_imported_from_pytest():
    pass


@pt.mark.asyncio
async def test_pytest_alias():
    pass


@asyncio_mark
async def test_mark_alias():
    pass


@module_loop
async def test_mark_alias_with_arguments():
    pass


@pytest.mark.anyio
async def test_anyio():
    pass


@pytest.mark.trio
async def test_trio():
    pass


@unittest.mock.patch("os.getcwd")
@pytest.mark.asyncio
async def test_marked_and_patched(getcwd):
    pass


def custom_runner(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import asyncio

        return asyncio.run(function(*args, **kwargs))

    return wrapper


@custom_runner
async def test_unknown_decorator_may_run_it():
    pass


async def helper_not_a_test():
    pass


class TestGroup:
    async def test_method_unmarked(self):  # error: ASYNC500
        pass

    @pytest.mark.asyncio
    async def test_method_marked(self):
        pass

    async def helper(self):
        pass


@pytest.mark.asyncio
class TestMarkedClass:
    async def test_method(self):
        pass

    class TestNested:
        async def test_nested(self):
            pass


class TestClassPytestmark:
    pytestmark = [pytest.mark.asyncio, pytest.mark.slow]

    async def test_method(self):
        pass


class NotCollected:
    async def test_method(self):
        pass


class TestWithInit:
    def __init__(self):
        pass

    async def test_method(self):
        pass


class TestDisabled:
    __test__ = False

    async def test_method(self):
        pass


class TestInheritsMark(TestMarkedClass):
    async def test_inherited_mark(self):
        pass
