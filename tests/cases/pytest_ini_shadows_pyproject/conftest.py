# error: ASYNC850
"""The top-most conftest carries the project's configuration findings."""
