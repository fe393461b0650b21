"""Build progress as plain lines, for when stderr is not a terminal (a log file, ``| cat``, CI).

On a terminal ``kg build`` draws a bar; redirected, a bar is either nothing (rich disables it) or
control codes, so a long build looked hung for minutes. This prints one line at every tenth of the
documents (at least every document, at most every 100) and whenever 30 s passed since the last
line, plus the last document, so a log shows the build moving and how fast.

The builder calls back once per document finished (built, unchanged or skipped) with how many it has
*read*, which runs ahead of what is written; the count shown is the calls, documents really done.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


def line_step(total: int) -> int:
    """Documents between two lines: a tenth of the build, between 1 and 100 (100 when unknown)."""
    if total <= 0:
        return 100
    return max(1, min(100, math.ceil(total / 10)))


def _clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class LogProgress:
    """A ``progress(done, item)`` callback for :meth:`kg.pipeline.Builder.build` that writes lines."""

    def __init__(self, total: int, write: Callable[[str], None], every_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.step = line_step(total)
        self.write = write
        self.every_seconds = every_seconds
        self.clock = clock
        self.started = clock()
        self.last_line = self.started
        self.last_done = 0
        self.finished = 0

    def __call__(self, _read: int = 0, _item: object = None) -> None:
        self.finished += 1
        done, now = self.finished, self.clock()
        due = (done // self.step > self.last_done // self.step or done == self.total
               or now - self.last_line >= self.every_seconds)
        if done <= self.last_done or not due:
            return
        self.last_done, self.last_line = done, now
        elapsed = now - self.started
        rate = f"{done / elapsed:.1f}" if elapsed > 0 else "…"
        of = f"/{self.total}" if self.total else ""
        self.write(f"building: {done}{of} documents ({rate} docs/s, {_clock_text(elapsed)})")
