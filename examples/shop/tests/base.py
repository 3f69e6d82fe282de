"""Base class of the older, unittest-style tests."""

import unittest
from decimal import Decimal


class ShopTestCase(unittest.TestCase):
    maxDiff = None

    def assertMoneyEqual(self, formatted, expected):
        self.assertEqual(Decimal(formatted.lstrip("$")), Decimal(expected))
