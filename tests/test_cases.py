"""Every case project: the findings are exactly those its `# error:` comments name."""

import pytest

from casekit import (
    CASES, CONFIG_NAMES, actual_findings, case_names, expected_findings, has_no_pytest_config,
    linted_location,
)
from flake8_async_tests.config import locate_config


@pytest.mark.parametrize("name", case_names())
def test_case(name):
    case = CASES / name
    if has_no_pytest_config(case):
        copy = linted_location(case)
        found = locate_config(copy)
        assert copy != case and (found.path is None or found.only_marks_rootdir), (
            f"case {name} stands for a project without pytest config, but {found.path} configures it"
        )
    else:
        assert any((case / config).exists() for config in CONFIG_NAMES), (
            f"case {name} needs its own pytest config file, or it inherits this repository's"
        )
    expected = expected_findings(case)
    actual = actual_findings(case)
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    assert (missing, unexpected) == ([], []), f"missing: {missing}\nunexpected: {unexpected}"


def test_every_rule_has_a_case_that_fires():
    from flake8_async_tests.rules import CATALOGUE

    fired = set()
    for name in case_names():
        fired.update(code for (_, _, code) in expected_findings(CASES / name))
    assert {rule.code for rule in CATALOGUE} <= fired
