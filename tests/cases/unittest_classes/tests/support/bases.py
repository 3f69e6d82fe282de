"""Base classes three hops away from the tests that use them."""

import asyncio
import functools
import unittest
from unittest import IsolatedAsyncioTestCase as AsyncCase


class PlainBase(unittest.TestCase):
    pass


class DeeperBase(PlainBase):
    pass


class AsyncBase(AsyncCase):
    pass


def _wrap(function):
    @functools.wraps(function)
    def runner(self, *args, **kwargs):
        return asyncio.run(function(self, *args, **kwargs))

    return runner


class RunsCoroutinesMeta(type(unittest.TestCase)):
    """Like asyncpg's TestCaseMeta: wraps every async test in a loop runner."""

    def __new__(mcls, name, bases, namespace):
        for key, value in list(namespace.items()):
            if key.startswith("test") and asyncio.iscoroutinefunction(value):
                namespace[key] = _wrap(value)
        return super().__new__(mcls, name, bases, namespace)


class MetaclassBase(unittest.TestCase, metaclass=RunsCoroutinesMeta):
    pass


class RunOverrideBase(unittest.TestCase):
    def _callTestMethod(self, method):
        result = method()
        if asyncio.iscoroutine(result):
            asyncio.run(result)


class SetUpCallsAsyncSetUp(unittest.TestCase):
    """Calls the async hook itself, as some home-grown async bases do."""

    def setUp(self):
        asyncio.run(self.asyncSetUp())

    async def asyncSetUp(self):
        pass
