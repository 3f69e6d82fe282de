DEBUG = False
TIMEOUT = 5.0
FEATURES = {"search": False}
PLUGINS = []


class Config:
    retries = 3


config = Config()


def restore_defaults():
    global DEBUG
    DEBUG = False
