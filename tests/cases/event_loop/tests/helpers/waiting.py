import time


def poll():
    time.sleep(0.05)
    return True


def wait_for_ready():
    while not poll():
        pass
