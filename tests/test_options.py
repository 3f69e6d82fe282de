"""Options that say no: a misspelt or pointless code in the plugin's own options is warned about."""

import argparse
import logging

from flake8_async_tests.config.options import code_option_problems, settings_from_options


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
