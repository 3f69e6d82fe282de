"""flake8-async-tests: finds the mistakes that make async tests pass without testing anything.

Kept light: flake8 imports every plugin at start-up; astroid is imported only by the modules
that run when a file is checked.
"""

__version__ = "0.1.0"
