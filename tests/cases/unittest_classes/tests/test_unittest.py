import unittest
from unittest import TestCase, mock

import pytest
from support import bases
from support.bases import AsyncBase, DeeperBase, MetaclassBase

from third_party_not_installed import MysteryCase


class TestPlain(unittest.TestCase):
    async def test_never_runs(self):  # error: ASYNC502
        assert False

    def test_sync_is_fine(self):
        pass

    async def helper(self):
        pass

    async def setUp(self):  # error: ASYNC503
        pass

    async def tearDownClass(cls):  # error: ASYNC503
        pass

    async def asyncSetUp(self):  # error: ASYNC503
        pass


class TestImportedName(TestCase):
    @mock.patch("os.getcwd")
    async def test_patched(self, getcwd):  # error: ASYNC502
        pass

    @pytest.mark.asyncio
    async def test_marked_for_pytest_asyncio(self):  # error: ASYNC502
        pass


class TestThroughTwoModules(DeeperBase):
    async def test_inherited_from_afar(self):  # error: ASYNC502
        pass


class TestModuleAttribute(bases.PlainBase):
    async def test_via_module_attribute(self):  # error: ASYNC502
        pass


class TestIsolated(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        pass

    async def setUp(self):  # error: ASYNC503
        pass

    async def test_runs(self):
        pass


class TestIsolatedViaBase(AsyncBase):
    async def test_runs(self):
        pass

    async def asyncTearDown(self):
        pass


class TestMetaclass(MetaclassBase):
    async def test_wrapped_by_metaclass(self):
        pass


class TestRunOverride(bases.RunOverrideBase):
    async def test_run_by_override(self):
        pass

    async def asyncSetUp(self):
        pass


class TestHookCalledByBase(bases.SetUpCallsAsyncSetUp):
    async def asyncSetUp(self):
        pass


class TestUnknownBase(MysteryCase):
    async def test_base_unknown(self):
        pass

    async def setUp(self):
        pass


def run_with_loop(function):
    return function


class TestDecoratedMethod(unittest.TestCase):
    @run_with_loop
    async def test_decorator_may_run_it(self):
        pass


class AsyncHooksMixin:
    async def asyncSetUp(self):
        pass
