"""A bounded slice of scripts/fuzz.py: a fixed seed, a few hundred generated programs in several
projects (different pytest configs, some broken), every rule and opt-in rule, all-code mode, in
this process with FLAKE8_ASYNC_TESTS_RAISE=1. Any internal error fails the test and names the
file and frame; `python scripts/fuzz.py --seed 20260 --programs 250 --keep DIR` reproduces it."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent.parent / "scripts" / "fuzz.py"


def load_fuzz():
    if "fuzz" not in sys.modules:  # scripts/ is no package; its dataclasses need the module registered
        spec = importlib.util.spec_from_file_location("fuzz", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules["fuzz"] = module
        spec.loader.exec_module(module)
    return sys.modules["fuzz"]


def test_generated_programs_raise_no_internal_error(tmp_path):
    fuzz = load_fuzz()
    report = fuzz.run(seed=20260, programs=250, workdir=tmp_path)
    assert report.programs == 250
    assert report.errors == [], report.line()


def test_damaged_and_deeply_nested_programs_raise_no_internal_error(tmp_path):
    fuzz = load_fuzz()
    report = fuzz.run(seed=7, programs=80, aggressive=True, workdir=tmp_path)
    assert report.errors == [], report.line()


def test_the_composer_writes_what_it_is_meant_to():
    """The generator itself: projects with a config, conftests, tests with marks and mocks."""
    fuzz = load_fuzz()
    composer = fuzz.Composer(random.Random(1))
    texts = [text for _ in range(20) for text in composer.project().values()]
    joined = "\n".join(texts)
    for spelling in ("@pytest.mark.asyncio", "AsyncMock(", "patch(", "IsolatedAsyncioTestCase",
                     "async def test_", "@pytest_asyncio.fixture", "asyncio_mode"):
        assert spelling in joined, spelling
