"""The cores this process may use, and a thread map over them, for loops whose steps release the GIL (numba kernels
declared ``nogil``, numpy's and scipy's compiled code): bootstrap refits, recommendation blocks.

Written by hand around :class:`concurrent.futures.ThreadPoolExecutor`: joblib would add processes (copies of the
data) or its own thread backend for what is one ``map``; the results come back in the order of the inputs, so they
do not depend on the number of threads.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["cores", "thread_map"]


def cores() -> int:
    """The cores this process may use (its CPU affinity where the system reports it, else the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_worker = threading.local()


def thread_map(fn, items, workers: int | None = None) -> list:
    """``[fn(x) for x in items]`` on ``workers`` threads (default :func:`cores`), in the order of ``items``; one
    worker runs in this thread, and so does a map called from inside another map's step (the bootstrap's refits
    already fill the cores: a model's own parallel likelihood then runs in its refit's thread, not on more threads
    than cores).

    Examples
    --------
    >>> from kamlib._parallel import thread_map
    >>> thread_map(lambda x: thread_map(lambda y: x * y, [1, 2]), [1, 2, 3], workers=2)
    [[1, 2], [2, 4], [3, 6]]
    """
    workers = cores() if workers is None else max(1, int(workers))
    if workers == 1 or getattr(_worker, "busy", False):
        return [fn(x) for x in items]

    def step(x):
        _worker.busy = True
        try:
            return fn(x)
        finally:
            _worker.busy = False

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(step, items))
