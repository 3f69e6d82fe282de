"""A tutorial-sized project run with `python -m unittest` from here: no pytest config file."""
from setuptools import setup

setup(name="shop", py_modules=["client"])
