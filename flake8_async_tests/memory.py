"""A worker's memory, bounded: past MEMORY_LIMIT_MB after a file, it starts afresh.

Why: a worker keeps every module it has read (the project's code, its libraries', its
conftests) and what the rules learnt of them, so that the next file reuses them. On a large
project, or several projects in one process, that grows with the code reached (in all-code
mode, the whole import closure). Starting afresh drops all of it, leaving the process as a new
worker would find it, so no finding can change (a fresh process per file, the editor's way, is
tested to give the same findings); the module cache on disk makes reading it all again cheap.

Each module that keeps something for the whole process registers how to forget it here; this
module imports nothing of the plugin's, so any layer may register.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Callable

LOG = logging.getLogger("flake8_async_tests")

#: Resident memory past which a worker forgets what it keeps between files. Below the promised
#: 300 MB by what one file's analysis may add (the largest seen: ~60 MB, sqlalchemy's orm).
MEMORY_LIMIT_MB = 220

_FORGETTERS: list[Callable[[], None]] = []
#: How often this process started afresh (for scripts/reliability.py).
STARTS_AFRESH = [0]


def forget_on_restart(forget: Callable[[], None]) -> Callable[[], None]:
    """Register `forget` (usable as a decorator): called when the worker starts afresh."""
    _FORGETTERS.append(forget)
    return forget


def resident_mb() -> float | None:
    """This process's resident memory now (not its peak); None where /proc is not there."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def keep_within_limit() -> bool:
    """After a file: start afresh when the worker holds more than MEMORY_LIMIT_MB."""
    resident = resident_mb()
    if resident is None or resident < MEMORY_LIMIT_MB:
        return False
    start_afresh()
    LOG.debug("flake8-async-tests: %.0f MB resident; started afresh (now %.0f MB)",
              resident, resident_mb() or 0)
    return True


def start_afresh() -> None:
    for forget in _FORGETTERS:
        forget()
    STARTS_AFRESH[0] += 1
    gc.collect()
