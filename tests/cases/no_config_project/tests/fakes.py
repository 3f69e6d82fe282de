"""A helper module of the tests, without TestCase classes: not test code."""
from client import Client


def warm_up():
    Client().fetch(0)
