"""The plugin's own test suite. Internal errors raise here instead of being contained."""

import os

os.environ["FLAKE8_ASYNC_TESTS_RAISE"] = "1"
