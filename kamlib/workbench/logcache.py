"""One validated transaction log per run: the first notebook that loads it keeps it, the others read it.

Every transaction notebook of a study loads the same log with the same rules. At 10M order lines validation takes
about a minute and its copies peak near 3 GB per kernel; two kernels run at once. So the runner's kernels share
one validated copy: the first kernel to load the log writes it (the clean lines as Parquet, the cleaning report,
warnings and purchase path pickled) under the run's ``.state/log/`` folder, holding a file lock while it loads so
that a kernel started beside it waits and reads the copy instead of validating again.

The copy is used only when it was made from the same bytes (SHA-256 of every file the study names), the same
loading parameters, the same kamlib code and library versions and, when ``transactions.as_of`` is not set (future
dates are judged against today), the same day; anything else loads afresh. The runner removes the copy when a run
starts and when it ends (:func:`clear`). Outside the runner (a notebook opened in Lab without a
run, a test) nothing is kept. A copy that cannot be written or read (a disk full, a column Parquet cannot hold)
is skipped with nothing lost: the log is loaded as before.

Written by hand: this is the runner's own bookkeeping (where a run keeps its files), not an analysis method.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .artefacts import RESULTS_ENV, kamlib_code_hash, sha256, versions

__all__ = ["clear", "folder", "key", "shared"]


def folder(report: Path | None = None) -> Path | None:
    """The run's folder of shared logs (``<report folder>/.state/log``; of this kernel's run when ``report`` is not
    given), or None outside a run."""
    if report is not None:
        return Path(report) / ".state" / "log"
    results = os.environ.get(RESULTS_ENV)
    return Path(results).parent / ".state" / "log" if results else None


def clear(report: Path) -> None:
    """Remove the shared log of the report folder ``report``: the runner calls it when a run starts and when it
    ends, however it ends, so a copy never outlives its run (nor takes a log's size of disk in the report folder)."""
    import shutil

    shutil.rmtree(folder(report), ignore_errors=True)


def _files(source: Any, tables: dict | None) -> list[Path]:
    from ..config import project_path

    named = [source] + [t["source"] for t in (tables or {}).values()]
    return [project_path(p) for p in named if isinstance(p, (str, Path)) and str(p) not in {"cdnow", "cdnow_sample"}]


def key(arguments: dict, *, today: dt.date | None = None) -> str | None:
    """The log's identity: its files' bytes, the loading arguments, kamlib's code and (without ``as_of``) the day.

    Parameters
    ----------
    arguments : dict
        ``source`` and the keyword arguments of :func:`kamlib.transactions.load`.
    today : date, optional
        The day future dates are judged against when ``as_of`` is None (default: today).

    Returns
    -------
    str or None
        A hex digest; None when a named file cannot be read (the load will say why).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamlib.workbench.logcache import key
    >>> key({"source": "cdnow_sample", "as_of": None}, today=dt.date(2026, 1, 1)) == key(
    ...     {"source": "cdnow_sample", "as_of": None}, today=dt.date(2026, 1, 1))
    True
    """
    h = hashlib.sha256()
    try:
        for path in _files(arguments.get("source"), arguments.get("tables")):
            h.update(sha256(path).encode())
    except OSError:
        return None
    h.update(json.dumps(arguments, sort_keys=True, default=str).encode())
    h.update(kamlib_code_hash().encode())
    h.update(json.dumps(versions(), sort_keys=True).encode())  # pandas or pyarrow upgraded: validated again
    if arguments.get("as_of") is None:
        h.update(str(today or dt.date.today()).encode())
    return h.hexdigest()[:24]


@contextlib.contextmanager
def _locked(path: Path):
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, however the kernel ends
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(stem: Path):
    import pyarrow.parquet as pq

    rest = pickle.loads(stem.with_suffix(".pickle").read_bytes())  # its messages are this process's again (below)
    table = pq.read_table(stem.with_suffix(".parquet"))
    data = table.to_pandas(self_destruct=True, split_blocks=True)  # the Arrow buffers go as pandas takes them
    del table
    return rest["type"](data, **rest["fields"])


def _write(stem: Path, loaded) -> None:
    from ..i18n import made

    fields = {f.name: getattr(loaded, f.name) for f in dataclasses.fields(loaded) if f.name != "data"}
    # pandas keeps a table's generated cells (the cleaning rules) as plain text; their Chinese is found through the
    # Messages this process made (kamlib.i18n.made), which a kernel reading the copy never made: they travel along,
    # and unpickling makes them again
    cells = {v for f in fields.values() if isinstance(f, pd.DataFrame) for c in f.columns
             if not pd.api.types.is_numeric_dtype(f[c]) for v in f[c].dropna().unique() if isinstance(v, str)}
    messages = sorted((m for v in cells if (m := made(v)) is not None), key=str)
    parquet, rest = stem.with_suffix(".parquet.part"), stem.with_suffix(".pickle.part")
    loaded.data.to_parquet(parquet, index=None)  # a RangeIndex stays one (index=True would store every number)
    rest.write_bytes(pickle.dumps({"type": type(loaded), "fields": fields, "messages": messages},
                                  protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(parquet, stem.with_suffix(".parquet"))  # the pickle last: a copy is whole once its pickle exists
    os.replace(rest, stem.with_suffix(".pickle"))
    for other in stem.parent.glob("*.p*"):  # one log per run folder: older copies go
        if other.stem.split(".")[0] != stem.name:
            other.unlink(missing_ok=True)


def shared(arguments: dict, load: Callable[[], Any]):
    """The validated log ``load()`` returns, shared by the kernels of one run (see the module's docstring).

    Parameters
    ----------
    arguments : dict
        What identifies the log (:func:`key`).
    load : callable
        Loads and validates the log (:func:`kamlib.transactions.load` with ``arguments``).

    Returns
    -------
    kamlib.transactions.Loaded
    """
    where, name = folder(), key(arguments)
    if where is None or name is None:
        return load()
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError:
        return load()
    stem = where / name
    with _locked(where / ".lock"):
        if stem.with_suffix(".pickle").exists():
            try:
                return _read(stem)  # said nowhere: which kernel came first must not change any output
            except Exception:  # noqa: BLE001 - a damaged copy is loaded afresh, never trusted
                pass
        loaded = load()
        try:
            _write(stem, loaded)
        except Exception:  # noqa: BLE001 - a copy that cannot be kept costs only time
            for part in where.glob(f"{name}.*"):
                part.unlink(missing_ok=True)
        return loaded
