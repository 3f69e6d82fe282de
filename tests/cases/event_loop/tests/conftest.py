import subprocess

import pytest


@pytest.fixture
async def server():
    process = subprocess.Popen(["true"])
    process.wait()  # error: ASYNC700
    yield process


@pytest.fixture
def sync_server():
    subprocess.run(["true"])  # a sync fixture runs outside the loop
    return 1
