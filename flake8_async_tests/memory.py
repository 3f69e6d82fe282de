"""A worker's memory, bounded: past MEMORY_LIMIT_MB after a file, it starts afresh.

Why: a worker keeps every module it has read (the project's code, its libraries', its
conftests) and what the rules learnt of them, so that the next file reuses them. On a large
project, or several projects in one process, that grows with the code reached (in all-code
mode, the whole import closure). Starting afresh drops all of it, as a new worker would start
(the standard library's modules stay: shared by every project, never changed by one), so no
finding can change (a fresh process per file, the editor's way, gives the same findings, and
tests/test_reliability.py forces a restart after every file of the cross-module cases); the
module cache on disk makes reading it all again cheap. Where /proc is missing (macOS,
Windows) the resident size is unknown and nothing is dropped.

Each module that keeps something for the whole process registers how to forget it here; this
module imports nothing of the plugin's, so any layer may register.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
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


#: Live small objects (sys.getallocatedblocks) past which the worker starts afresh, fixed when
#: the resident size first reaches the limit.
_BLOCKS_LIMIT: list[int] = []
#: How far past the live objects held at the first restart the next ones wait.
GROWTH_BEFORE_RESTART = 1.2


def keep_within_limit() -> bool:
    """After a file: start afresh when the worker holds more than MEMORY_LIMIT_MB.

    Only the first time is decided by the resident size: CPython keeps the memory it freed and
    reuses it, so after a restart the worker stays at the limit however little it holds (on
    aiohttp: 221 MB before and after, then a restart after every following file). From then
    on the live objects decide: a restart is due when they pass GROWTH_BEFORE_RESTART times what
    the worker held at the first one (the resident size then grows by about as much)."""
    if _BLOCKS_LIMIT:
        if sys.getallocatedblocks() < _BLOCKS_LIMIT[0]:
            return False
        resident = resident_mb()
    else:
        resident = resident_mb()
        if resident is None or resident < MEMORY_LIMIT_MB:
            return False
        _BLOCKS_LIMIT.append(int(sys.getallocatedblocks() * GROWTH_BEFORE_RESTART))
    start_afresh()
    LOG.debug("flake8-async-tests: %.0f MB resident; started afresh (now %.0f MB)",
              resident or 0, resident_mb() or 0)
    return True


def start_afresh() -> None:
    for forget in _FORGETTERS:
        forget()
    STARTS_AFRESH[0] += 1
    gc.collect()
