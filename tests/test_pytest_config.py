"""pytest config discovery, checked against pytest 9's own rules (findpaths.locate_config)."""

from pathlib import Path

import pytest

from flake8_async_tests.config import Settings, async_setup, locate_config
from flake8_async_tests.config.pytest_config import disabled_plugins, parse_ini, IniError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def mode_of(start: Path, settings: Settings = Settings()) -> str | None:
    return async_setup(locate_config(start), settings).asyncio_mode


@pytest.mark.parametrize(
    "winner, loser",
    [
        ("pytest.toml", "pytest.ini"),
        (".pytest.toml", "pytest.ini"),
        ("pytest.ini", "pyproject.toml"),
        (".pytest.ini", "pyproject.toml"),
        ("pyproject.toml", "tox.ini"),
        ("tox.ini", "setup.cfg"),
    ],
)
def test_precedence_within_one_directory(tmp_path, winner, loser):
    texts = {
        "pytest.toml": '[pytest]\nasyncio_mode = "{mode}"\n',
        ".pytest.toml": '[pytest]\nasyncio_mode = "{mode}"\n',
        "pytest.ini": "[pytest]\nasyncio_mode = {mode}\n",
        ".pytest.ini": "[pytest]\nasyncio_mode = {mode}\n",
        "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "{mode}"\n',
        "tox.ini": "[pytest]\nasyncio_mode = {mode}\n",
        "setup.cfg": "[tool:pytest]\nasyncio_mode = {mode}\n",
    }
    write(tmp_path / winner, texts[winner].format(mode="auto"))
    write(tmp_path / loser, texts[loser].format(mode="strict"))
    config = locate_config(tmp_path)
    assert config.path == tmp_path / winner
    assert mode_of(tmp_path) == "auto"
    # the loser's asyncio_mode is ignored by pytest: ASYNC850 says so
    assert [p.code for p in config.problems] == ["ASYNC850"]
    assert loser in config.problems[0].message


def test_nearest_directory_wins_over_precedence(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\nasyncio_mode = strict\n")
    write(tmp_path / "sub" / "setup.cfg", "[tool:pytest]\nasyncio_mode = auto\n")
    assert mode_of(tmp_path / "sub") == "auto"
    assert locate_config(tmp_path / "sub").rootdir == tmp_path / "sub"


def test_files_without_a_pytest_section_do_not_count(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\nasyncio_mode = auto\n")
    write(tmp_path / "sub" / "tox.ini", "[tox]\nenvlist = py311\n")
    write(tmp_path / "sub" / "setup.cfg", "[flake8]\nmax-line-length = 100\n")
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert locate_config(tmp_path / "sub").path == tmp_path / "pytest.ini"


def test_pytest_ini_without_section_still_counts_and_shadows(tmp_path):
    write(tmp_path / "pytest.ini", "[tool:pytest]\nasyncio_mode = auto\n")
    write(tmp_path / "pyproject.toml", '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n')
    config = locate_config(tmp_path)
    assert config.path == tmp_path / "pytest.ini"
    assert mode_of(tmp_path) == "strict"
    messages = " | ".join(p.message for p in config.problems)
    assert "[tool:pytest] (pytest.ini:2) is ignored" in messages
    assert "pyproject.toml is ignored" in messages


def test_pyproject_without_table_marks_rootdir_only_when_nothing_else(tmp_path):
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    config = locate_config(tmp_path / "tests")
    assert config.path == tmp_path / "pyproject.toml" and config.values == {}
    assert config.only_marks_rootdir  # the project has no pytest configuration
    assert mode_of(tmp_path) == "strict"
    write(tmp_path / "pyproject.toml", "[tool.pytest.ini_options]\n")
    assert not locate_config(tmp_path / "tests").only_marks_rootdir  # an empty table configures


def test_native_toml_table_keeps_types(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.pytest]\nasyncio_mode = "auto"\ntrio_mode = true\naddopts = ["-p", "no:trio"]\n',
    )
    config = locate_config(tmp_path)
    setup = async_setup(config, Settings())
    assert setup.asyncio_mode == "auto"
    assert setup.trio_mode is True
    assert setup.disabled_plugins == {"trio"}


def test_ini_options_lists_and_addopts_string(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[tool.pytest.ini_options]\naddopts = "-ra --asyncio-mode auto -pno:anyio"\n',
    )
    setup = async_setup(locate_config(tmp_path), Settings())
    assert setup.asyncio_mode == "auto"
    assert "--asyncio-mode in addopts" in setup.mode_source
    assert setup.disabled_plugins == {"anyio"}


def test_addopts_mode_wins_over_ini_value(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\nasyncio_mode = strict\naddopts = --asyncio-mode=auto\n")
    assert mode_of(tmp_path) == "auto"


def test_option_overrides_detection(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\nasyncio_mode = auto\n")
    setup = async_setup(locate_config(tmp_path), Settings(asyncio_mode="strict"))
    assert setup.asyncio_mode == "strict"
    assert setup.mode_source == "option async-tests-asyncio-mode"


def test_anyio_mode_from_ini_and_command_line_option(tmp_path):
    write(tmp_path / "a" / "pytest.ini", "[pytest]\nanyio_mode = auto\n")
    write(tmp_path / "b" / "pytest.ini", "[pytest]\naddopts = --anyio-mode=auto\n")
    write(tmp_path / "c" / "pytest.ini", "[pytest]\nanyio_mode = strict\n")
    assert async_setup(locate_config(tmp_path / "a"), Settings()).anyio_auto
    assert async_setup(locate_config(tmp_path / "b"), Settings()).anyio_auto
    assert not async_setup(locate_config(tmp_path / "c"), Settings()).anyio_auto


def test_setup_cfg_pytest_section_is_fatal(tmp_path):
    write(tmp_path / "setup.cfg", "[pytest]\nasyncio_mode = auto\n")
    config = locate_config(tmp_path)
    assert [p.code for p in config.problems] == ["ASYNC850"]
    assert mode_of(tmp_path) is None  # pytest aborts: the mode is unknown


def test_pytest_toml_with_top_level_options_is_fatal(tmp_path):
    write(tmp_path / "pytest.toml", 'asyncio_mode = "auto"\n')
    config = locate_config(tmp_path)
    assert [p.code for p in config.problems] == ["ASYNC851"]
    assert mode_of(tmp_path) is None


@pytest.mark.parametrize(
    "name, text",
    [
        ("pytest.ini", "[pytest]\nno separator here\n"),
        ("pytest.ini", "asyncio_mode = auto\n"),
        ("pytest.ini", "[pytest]\na = 1\na = 2\n"),
        ("pyproject.toml", "[tool.pytest.ini_options\nasyncio_mode = 'auto'\n"),
        ("pyproject.toml", b"\xff\xfe".decode("latin-1")),
    ],
)
def test_malformed_files_become_problems_not_exceptions(tmp_path, name, text):
    write(tmp_path / name, text)
    config = locate_config(tmp_path)
    assert [p.code for p in config.problems] == ["ASYNC851"]
    assert mode_of(tmp_path) is None


@pytest.mark.parametrize(
    "text, code_count",
    [
        ("[pytest]\nasyncio_mode = Auto\n", 1),
        ("[pytest]\nasyncio_default_fixture_loop_scope = fixture-scope\n", 0),
        ("[pytest]\nasyncio_default_test_loop_scope = fixture-scope\n", 1),
        ("[pytest]\nasyncio_default_test_loop_scope = session\n", 0),
        ("[pytest]\naddopts = --asyncio-mode=fast\n", 1),
    ],
)
def test_invalid_asyncio_values(tmp_path, text, code_count):
    write(tmp_path / "pytest.ini", text)
    assert [p.code for p in locate_config(tmp_path).problems] == ["ASYNC851"] * code_count


def test_no_config_anywhere(tmp_path):
    config = locate_config(tmp_path)
    assert config.path is None and config.rootdir is None and config.problems == []


def test_ini_parser_follows_iniconfig():
    sections, lines = parse_ini(
        "# comment\n[pytest]\naddopts = -ra\n    --strict-markers\nmarkers: slow\n; c\n[other]\nx=1\n"
    )
    assert sections["pytest"] == {"addopts": "-ra\n--strict-markers", "markers": "slow"}
    assert lines[("other", "x")] == 8
    with pytest.raises(IniError):
        parse_ini("  continuation without a key\n")


@pytest.mark.parametrize(
    "args, disabled",
    [
        (["-p", "no:asyncio"], {"asyncio"}),
        (["-pno:trio", "-p=no:anyio"], {"trio", "anyio"}),
        (["-p", "anyio"], set()),
    ],
)
def test_disabled_plugins(args, disabled):
    assert disabled_plugins(args) == disabled


# --- where each problem is written (the standalone command reports it there) ------------------

@pytest.mark.parametrize(
    "name, text, line",
    [
        ("pytest.ini", "[pytest]\nminversion = 8\nasyncio_mode = Auto\n", 3),
        ("pytest.ini", "[pytest]\naddopts = -ra\n    --asyncio-mode=fast\n", 2),
        ("pytest.ini", "[pytest]\nminversion = 8\nno separator here\n", 3),
        ("setup.cfg", "[metadata]\nname = x\n\n[pytest]\nasyncio_mode = auto\n", 4),
        ("tox.ini", "[tox]\nenvlist = py311\n[pytest]\nasyncio_default_test_loop_scope = fixture\n", 4),
        ("pyproject.toml", '[project]\nname = "x"\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
                           "[tool.pytest\n", 5),
        ("pyproject.toml", '[tool.pytest]\nminversion = "8"\n\n[tool.pytest.ini_options]\n', 4),
        ("pyproject.toml", '[tool.pytest.ini_options]\nminversion = "8"\n[tool.pytest_asyncio]\n'
                           'asyncio_mode = "auto"\n', 4),
        ("pytest.toml", 'minversion = "8"\n', 1),
    ],
)
def test_each_problem_knows_its_file_and_line(tmp_path, name, text, line):
    write(tmp_path / name, text)
    (problem,) = locate_config(tmp_path).problems
    assert (problem.path, problem.line) == (tmp_path / name, line), problem


def test_a_shadowed_file_is_pointed_at_its_setting(tmp_path):
    write(tmp_path / "pytest.ini", "[pytest]\n")
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.pytest.ini_options]\n'
                                       'asyncio_mode = "auto"\n')
    (problem,) = locate_config(tmp_path).problems
    assert (problem.code, problem.path, problem.line) == ("ASYNC850", tmp_path / "pyproject.toml", 5)


def test_async_settings_in_a_file_pytest_passes_over_are_reported(tmp_path):
    """A pyproject.toml without a pytest table does not count (pytest only takes its folder as
    the rootdir): its [tool.pytest_asyncio] is read by nobody. Files passed over in a directory
    below the chosen config are not reported: one config (one Project) serves every directory
    below it, and its findings must not depend on which file was linted first."""
    write(tmp_path / "pyproject.toml",
          '[project]\nname = "x"\n[tool.pytest_asyncio]\nasyncio_mode = "auto"\n')
    (problem,) = locate_config(tmp_path / "tests").problems
    assert (problem.code, problem.path, problem.line) == ("ASYNC850", tmp_path / "pyproject.toml", 4)
    write(tmp_path / "setup.cfg", "[tool:pytest]\n")
    write(tmp_path / "sub" / "tox.ini", "[tool:pytest]\nasyncio_mode = auto\n")
    config = locate_config(tmp_path / "sub")
    assert config.path == tmp_path / "setup.cfg"
    assert {(p.path.name, p.line) for p in config.problems} == {("pyproject.toml", 4)}
    assert locate_config(tmp_path).problems == config.problems


# --- an args-type setting pytest cannot shell-split aborts pytest: nothing of it applies -------

@pytest.mark.parametrize(
    "name, text",
    [
        ("pytest.ini", '[pytest]\naddopts = -ra --asyncio-mode=auto -p no:asyncio -k "not slow\n'),
        ("pyproject.toml",
         '[tool.pytest.ini_options]\naddopts = "--asyncio-mode=auto -p no:asyncio -k \'x"\n'),
        ("setup.cfg", "[tool:pytest]\naddopts =\n    --asyncio-mode=auto\n    -p no:asyncio -k 'x\n"),
    ],
)
def test_an_unclosed_quote_in_addopts_is_fatal_and_not_half_applied(tmp_path, name, text):
    """pytest 9.2: "ERROR: No closing quotation", exit 4, no test runs (checked in a scratch venv
    for pytest.ini and [tool.pytest.ini_options])."""
    write(tmp_path / name, text)
    config = locate_config(tmp_path)
    (problem,) = config.problems
    assert (problem.code, problem.line) == ("ASYNC851", 2)
    assert problem.message.startswith(f"addopts ({name}:2) has an unclosed quote")
    assert not config.readable and config.as_list("addopts") == []
    setup = async_setup(config, Settings())
    assert (setup.asyncio_mode, setup.disabled_plugins) == (None, frozenset())


def test_an_unclosed_quote_in_python_files_is_fatal(tmp_path):
    write(tmp_path / "pytest.ini", '[pytest]\nasyncio_mode = auto\npython_files = "check_*.py\n')
    config = locate_config(tmp_path)
    assert [(p.code, p.line) for p in config.problems] == [("ASYNC851", 3)]
    assert mode_of(tmp_path) is None


def test_closed_quotes_are_fine(tmp_path):
    write(tmp_path / "pytest.ini", '[pytest]\naddopts = --asyncio-mode=auto -k "not slow"\n')
    assert locate_config(tmp_path).problems == [] and mode_of(tmp_path) == "auto"
