"""A stand-in for the requests package, laid out as the real one (the case needs no install)."""
from .api import get, post
from .sessions import Session
