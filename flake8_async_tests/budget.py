"""Time bounds: what one inference and one file's analysis may cost.

Why: astroid's inference can explode on some inputs (deep call chains, many possible values),
and an editor lints on every save. One inference that runs past NODE_SECONDS answers "unknown",
and the file's analysis stops there (checker.Dispatcher: a missing finding, never a false one);
a file whose analysis passes its bound (FILE_SECONDS, plus PER_LINE_SECONDS a line) stops too.
Either way a warning says so, and the findings so far are kept.

Why CPU seconds, not counting the reading of modules: a bound must not change a finding
between a loaded CI machine and an idle laptop, nor between a cold and a warm cache. CPU time
does not grow when other processes share the machine, and reading modules (astroid building a
library module, or loading it from the cache; building a conftest; indexing the project's names,
its code and its test modules' fixture requests) is what a cold cache adds, bounded by the size
of what is read (loading.MAX_MODULE_BYTES), not by what the rules ask of it. So the clock
here stops while something is read, and while Python's garbage collector walks the heap (a
full collection of a worker holding 250 MB of syntax trees takes up to a second, charged to
whichever inference happened to allocate).
"""

from __future__ import annotations

import gc
import sys
import time
from contextlib import contextmanager
from typing import Iterator

#: CPU seconds one inference (one `infer_all`) may take before it answers "unknown". The
#: slowest single inference on five whole real repositories took 0.03 s (docs/robustness.md).
NODE_SECONDS = 0.5
#: CPU seconds the analysis of one file may take (reading excluded), plus PER_LINE_SECONDS for
#: each of its lines: time grows with a file's size, never faster. The costliest real file met,
#: redis-py's tests/test_asyncio/test_commands.py (6,637 lines, ~620 awaited client calls that
#: ASYNC602 infers), takes 3.4-4.0 s: ~0.6 ms a line; a 500-line test file gets 2.5 s.
FILE_SECONDS = 2.0
PER_LINE_SECONDS = 0.001

#: CPU seconds not charged (reading, full garbage collections) since the process started,
#: and the nesting of reads under way.
_read_seconds = 0.0
_read_depth = 0
_read_started = 0.0
#: Where the current file's analysis must stop, on the clock below, and what it was given.
_file_deadline = float("inf")
_file_seconds = FILE_SECONDS


def clock() -> float:
    """CPU seconds of this process spent on anything but reading (frozen while reading)."""
    if _read_depth:
        return _read_started - _read_seconds
    return time.process_time() - _read_seconds


@contextmanager
def reading() -> Iterator[None]:
    """Around building or loading a module: its cost is not charged to the analysis."""
    global _read_depth, _read_started, _read_seconds
    if _read_depth == 0:
        _read_started = time.process_time()
    _read_depth += 1
    try:
        yield
    finally:
        _read_depth -= 1
        if _read_depth == 0:
            _read_seconds += time.process_time() - _read_started


_collection_started = 0.0


def _pause_during_full_collections(phase: str, info: dict) -> None:
    """A gc callback: the oldest generation's collections do not count (younger ones are
    short and frequent: timing each would cost more than it tells)."""
    global _collection_started, _read_seconds
    if info.get("generation") != 2 or _read_depth:
        return  # while reading, the clock is frozen already
    if phase == "start":
        _collection_started = time.process_time()
    elif _collection_started:
        _read_seconds += time.process_time() - _collection_started
        _collection_started = 0.0


gc.callbacks.append(_pause_during_full_collections)


def start_file(lines: int = 0) -> None:
    """Start the bound of a file of `lines` lines."""
    global _file_deadline, _file_seconds
    _file_seconds = FILE_SECONDS + PER_LINE_SECONDS * lines
    _file_deadline = clock() + _file_seconds


def file_seconds() -> float:
    """What the file being analysed was given."""
    return _file_seconds


def end_file() -> None:
    global _file_deadline
    _file_deadline = float("inf")


def file_time_is_up() -> bool:
    if clock() > _file_deadline:
        STATISTICS["files stopped"] += 1
        return True
    return False


def cut_short_count() -> int:
    """How many inferences the budget has ended in this process (the dispatcher compares)."""
    return STATISTICS["inferences cut short"]


def node_deadline() -> float:
    return min(clock() + NODE_SECONDS, _file_deadline)


#: For scripts/reliability.py: the slowest single inference (CPU seconds, reading excluded), how
#: many inferences the budget ended, how many files it stopped.
STATISTICS = {"slowest inference": 0.0, "inferences cut short": 0, "files stopped": 0}


class InferenceBudget(list):
    """astroid's count of inferred nodes (`InferenceContext._nodes_inferred`, a one-item
    list shared by a context and its clones): past the deadline it reads as huge, and astroid's
    own limit (`nodes_inferred > max_inferred`) then ends the inference with Uninferable."""

    __slots__ = ("deadline", "reads", "spent", "started")

    #: the clock is read once in this many reads of the count (reading it costs a system call)
    EVERY = 32

    def __init__(self, deadline: float) -> None:
        super().__init__([0])
        self.deadline = deadline
        self.reads = 0
        self.spent = False
        self.started = clock()

    def close(self) -> None:
        """The inference is over: keep the process's statistics (scripts/reliability.py)."""
        took = clock() - self.started
        if took > STATISTICS["slowest inference"]:
            STATISTICS["slowest inference"] = took
        STATISTICS["inferences cut short"] += self.spent

    def __getitem__(self, index):
        if not self.spent:
            self.reads += 1
            if self.reads % self.EVERY == 0 and clock() > self.deadline:
                self.spent = True
        return sys.maxsize if self.spent else list.__getitem__(self, index)
