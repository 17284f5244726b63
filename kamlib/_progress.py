"""Progress of long steps, so that a long run never looks stuck (issue 51, item 4).

A stage of a notebook (:meth:`kamlib.workbench.artefacts.Artefacts.stage`) and a long loop of an analysis (bootstrap
refits, identifiability settings) print one line that starts with :data:`MARK`: in Lab it shows under the cell, and
the runner echoes the marked lines of every kernel to the run's output with the notebook's name (``kam run``). A loop
prints at most every :data:`EVERY` seconds, and only once it has run that long, so that quick steps stay silent.

Written by hand: tqdm draws bars that papermill stores as carriage-return output, which neither the report's notebook
pages nor a CI log show well; a line every few seconds is what both read.
"""

from __future__ import annotations

import time

__all__ = ["EVERY", "MARK", "Steps", "say"]

#: The first characters of a progress line (the runner echoes the lines that start with it).
MARK = "▸ "
#: Seconds between two progress lines of one loop (and before its first).
EVERY = 10.0


def say(text: str) -> None:
    """Print one progress line (``MARK`` + ``text``)."""
    print(f"{MARK}{text}", flush=True)


class Steps:
    """A loop's progress: ``steps = Steps("bootstrap of the BG/NBD", 200)``, then ``steps.done(i + 1)`` after each
    step; a line ``bootstrap of the BG/NBD: 57 of 200 (12 s)`` at most every :data:`EVERY` seconds, and the last
    step's line when any was printed."""

    def __init__(self, what: str, total: int):
        self.what, self.total = what, int(total)
        self.start = self.last = time.perf_counter()
        self.printed = False

    def done(self, n: int) -> None:
        """Step ``n`` of the total is done."""
        now = time.perf_counter()
        if now - self.last >= EVERY or (n >= self.total and self.printed):
            say(f"{self.what}: {n:,} of {self.total:,} ({now - self.start:.0f} s)")
            self.last, self.printed = now, True
