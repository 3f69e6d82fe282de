"""Options that say no: a misspelt or pointless code in the plugin's own options, a key of the
[flake8] section that looks like one of them but is none, and a value that cannot change any
finding are warned about, once."""

import argparse
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from casekit import CACHE_DIR
from flake8_async_tests.config import Settings
from flake8_async_tests.config.options import (
    code_option_problems,
    settings_from_options,
    unknown_option_problems,
    value_problems,
)


def test_a_misspelt_code_is_named():
    (problem,) = code_option_problems({"ASYNC8O5"}, ())
    assert problem.startswith("async-tests-enable: ASYNC8O5 is not a code of flake8-async-tests")
    assert "ASYNC805" in problem  # the opt-in codes are listed, the right spelling among them


def test_enabling_a_default_on_code_is_said_to_change_nothing():
    (problem,) = code_option_problems({"ASYNC652"}, ())
    assert "ASYNC652 is on by default" in problem


def test_a_disable_prefix_that_matches_nothing_is_named():
    assert code_option_problems((), ("ASYNC99",)) == [
        "async-tests-disable: ASYNC99 matches no code of flake8-async-tests"
    ]


def test_good_options_say_nothing():
    assert code_option_problems({"ASYNC805", "ASYNC703"}, ("ASYNC6", "ASYNC652")) == []


def test_the_warning_reaches_flake8s_log_once(caplog):
    options = argparse.Namespace(async_tests_enable="ASYNC7O3", async_tests_disable="")
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        settings_from_options(options)
        settings_from_options(options)
    messages = [record.getMessage() for record in caplog.records if "ASYNC7O3" in record.getMessage()]
    assert len(messages) == 1


# --- keys of the [flake8] section that look like ours but are none (flake8 ignores them) -------

def test_a_misspelt_option_gets_a_suggestion():
    (problem,) = unknown_option_problems(["async-tests-enabel"], "the [flake8] section of setup.cfg")
    assert problem == ("async-tests-enabel in the [flake8] section of setup.cfg is not an option of "
                       "flake8-async-tests, so flake8 ignores it; did you mean async-tests-enable?")
    (near_miss,) = unknown_option_problems(["asynctests_disable"], "x")
    assert near_miss.endswith("did you mean async-tests-disable?")
    (cache,) = unknown_option_problems(["async-test-cachedir"], "x")
    assert cache.endswith("did you mean async-tests-cache-dir?")
    (mode,) = unknown_option_problems(["async-tests-mode"], "x")
    assert mode.endswith("did you mean async-tests-asyncio-mode?")
    (unlike,) = unknown_option_problems(["async-tests-strict"], "x")
    assert "the options are async-tests-asyncio-mode, async-tests-enable" in unlike


def test_real_options_and_other_keys_say_nothing():
    keys = ["async-tests-enable", "async_tests_blocking_calls", "ASYNC-TESTS-ALL-CODE", "max-line-length",
            "enable", "select", "per-file-ignores", "anyio"]
    assert unknown_option_problems(keys, "x") == []
    # another plugin's option, however named, is its own
    theirs = "async-test-timeout"
    assert unknown_option_problems([theirs], "x", lambda name: name == theirs) == []


def project(tmp_path: Path, flake8_section: str) -> Path:
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + flake8_section)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text("async def test_x():\n    pass\n")
    return tmp_path


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*command, f"--async-tests-cache-dir={CACHE_DIR}"], cwd=cwd, capture_output=True,
                          text=True, timeout=300,
                          env={"FLAKE8_ASYNC_TESTS_RAISE": "1", "PATH": "/usr/bin:/bin"})


FLAKE8 = (sys.executable, "-m", "flake8")
COMMAND = (sys.executable, "-c", "import sys; from flake8_async_tests.cli import main; sys.exit(main())")


@pytest.mark.parametrize("command", [FLAKE8, COMMAND], ids=["flake8", "flake8-async-tests"])
def test_a_misspelt_key_is_warned_about_once_per_run(tmp_path, command):
    root = project(tmp_path, "async-tests-enabel = ASYNC805\nmax-line-length = 100\n")
    result = run(*command, "--jobs=2" if command is FLAKE8 else "--select=ASYNC", ".", cwd=root)
    warnings = [line for line in result.stderr.splitlines() if "async-tests-enabel" in line]
    assert warnings == ["flake8-async-tests: async-tests-enabel in the [flake8] section of setup.cfg is "
                        "not an option of flake8-async-tests, so flake8 ignores it; did you mean "
                        "async-tests-enable?"], result.stderr
    assert "ASYNC500" in result.stdout  # a warning, not an error
    isolated = run(*command, "--isolated", ".", cwd=root)
    assert "async-tests-enabel" not in isolated.stderr


def test_a_correct_flake8_section_says_nothing(tmp_path):
    root = project(tmp_path, "async-tests-enable = ASYNC805\nasync_tests_disable = ASYNC6\n"
                             "async-tests-blocking-calls = mylib.wait_for\n")
    assert run(*FLAKE8, ".", cwd=root).stderr == ""
    assert run(*COMMAND, ".", cwd=root).stderr == ""


# --- values that cannot change any finding ------------------------------------------------------

@pytest.mark.parametrize(
    "settings, start",
    [
        (Settings(blocking_calls=("sleep",)), "async-tests-blocking-calls: 'sleep' is not a qualified name"),
        (Settings(blocking_calls=("time.sleep()",)), "async-tests-blocking-calls: 'time.sleep()' is not"),
        (Settings(resources=("ClientSession",)), "async-tests-resources: 'ClientSession' is not"),
        (Settings(runner_decorators=("@gen_test",)), "async-tests-runner-decorators: '@gen_test' is not"),
        (Settings(blocking_calls=("mylib.wait",), disable=("ASYNC7",)),
         "async-tests-blocking-calls is set, but ASYNC700, the only rule that reads it, is turned off"),
        (Settings(resources=("mylib.Pool",), disable=("ASYNC801",)),
         "async-tests-resources is set, but ASYNC801"),
        (Settings(cache_dir="/tmp/c", use_cache=False),
         "async-tests-cache-dir is set, but async-tests-no-cache"),
    ],
)
def test_a_value_that_cannot_matter_is_named(settings, start):
    (problem,) = value_problems(settings)
    assert problem.startswith(start)


def test_values_that_matter_say_nothing():
    assert value_problems(Settings(blocking_calls=("mylib.wait",), resources=("mylib.Pool",),
                                   runner_decorators=("gen_test", "tornado.testing.gen_test"),
                                   disable=("ASYNC6", "ASYNC805"), cache_dir="/tmp/c")) == []


def test_value_warnings_reach_the_log(caplog):
    options = argparse.Namespace(async_tests_blocking_calls="requests.get, sleep")
    with caplog.at_level(logging.WARNING, logger="flake8_async_tests"):
        settings_from_options(options)
    assert [r.getMessage() for r in caplog.records if "'sleep'" in r.getMessage()] == [
        "flake8-async-tests: async-tests-blocking-calls: 'sleep' is not a qualified name (module.name, "
        "without parentheses), so it matches nothing; write it in full, e.g. time.sleep"]
