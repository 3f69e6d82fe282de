"""A tiny async order service, used by the flake8-async-tests example."""

__version__ = "0.1.0"
