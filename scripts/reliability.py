#!/usr/bin/env python3
"""Lint every Python file of real projects in one process, every rule on: errors, time, memory.

Why one process and every file: that is a CI worker's life (flake8 --jobs gives each worker a
share of the files), and issue 13's promise is about it: no internal error, no file over 2 s,
memory that does not grow with the number of files. Every rule, every opt-in rule and all-code
mode are on, with FLAKE8_ASYNC_TESTS_RAISE=1, so that any exception is counted (in real use it
would be a finding lost).

    python scripts/reliability.py /work/corpus/aiohttp /work/corpus/anyio [--cache-dir D]

Prints, per project and in total: files, internal errors, the slowest file in wall seconds and
in analysis seconds (CPU, reading modules excluded: what budget.py bounds), files the file
bound stopped, the slowest single inference, inferences the node budget cut short, the peak
RSS, and how often the worker started afresh to stay under memory.MEMORY_LIMIT_MB. Without
--cache-dir the module cache starts empty (cold).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz import lint_file, settings, where  # noqa: E402  (sets FLAKE8_ASYNC_TESTS_RAISE=1)

#: Directories no one lints.
SKIPPED = {".git", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
           ".eggs", ".mypy_cache", ".pytest_cache"}


def python_files(root: Path):
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory) / name


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--cache-dir", help="the module cache (default: a fresh, empty one)")
    parser.add_argument("--slowest", type=int, default=3, help="list this many slowest files")
    args = parser.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    from flake8_async_tests import budget, memory

    cache = args.cache_dir or tempfile.mkdtemp(prefix="reliability-cache-")
    options = settings(cache)
    errors: list[str] = []
    timings: list[tuple[float, float, str]] = []
    for project in args.projects:
        os.chdir(project)  # flake8 runs from the project's root
        count = 0
        for path in python_files(project):
            count += 1
            wall, analysis = time.perf_counter(), budget.clock()
            try:
                lint_file(path, options)
            except Exception as error:  # an internal error: FLAKE8_ASYNC_TESTS_RAISE=1 raises them
                errors.append(f"{path}: {where(error)}")
                print(errors[-1], file=sys.stderr, flush=True)
            timings.append((time.perf_counter() - wall, budget.clock() - analysis, str(path)))
        print(f"{project.name}: {count} files, peak RSS {peak_rss_mb():.0f} MB", flush=True)
    for wall, analysis, path in sorted(timings, reverse=True)[:args.slowest]:
        print(f"  slow: {path} {wall:.2f} s wall, {analysis:.2f} s analysis")
    slowest_analysis = max(timings, key=lambda timing: timing[1])
    stats = budget.STATISTICS
    print(f"{len(timings)} files, {len(errors)} internal errors, "
          f"slowest file {max(timings)[0]:.2f} s wall / {slowest_analysis[1]:.2f} s analysis "
          f"({Path(slowest_analysis[2]).name}), files stopped by the bound {stats['files stopped']}, "
          f"slowest inference {stats['slowest inference']:.2f} s, "
          f"inferences cut short {stats['inferences cut short']}, peak RSS {peak_rss_mb():.0f} MB, "
          f"started afresh {memory.STARTS_AFRESH[0]} times")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
