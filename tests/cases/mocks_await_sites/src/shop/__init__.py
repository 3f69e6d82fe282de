from .inventory import *  # noqa: F401,F403 (the package re-exports the inventory API)
