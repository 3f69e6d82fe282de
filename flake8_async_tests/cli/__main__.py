"""`python -m flake8_async_tests.cli` (prefer the `flake8-async-tests` script: `-m` puts the
working directory first on sys.path)."""

import sys

from . import main

sys.exit(main())
