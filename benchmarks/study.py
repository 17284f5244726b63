"""The whole study a user runs, on a generated shop log of 1M (and 10M) order lines (issue 51, item 5).

    .venv/bin/python benchmarks/study.py                      # 1M lines; then 10M if 1M met its 5-minute target
    .venv/bin/python benchmarks/study.py --lines 1000000 10000000
    .venv/bin/python benchmarks/study.py --smoke              # 20,000 lines, a smoke test (reports/benchmarks/quick/)
    .venv/bin/python benchmarks/study.py --no-fits            # without the per-model fit comparison
    .venv/bin/python benchmarks/study.py --profile            # and a cProfile of the two slowest notebooks' slow cells
    .venv/bin/python benchmarks/study.py --report-only        # the last run's measurements written out again

Steps, for each size:

1. **The log**: :func:`shop_log.make_shop_log` (a documented buy-till-you-die model of a shop with 43,015
   products, orders of one to four lines, quantity x unit price and a country per customer; fixed seed), written
   once to ``benchmarks/data/shop_<lines>.parquet`` (not in git).
2. **The study file**, made the way a student makes one: the scaffold ``kam new-case`` writes (its notebook list:
   every transaction notebook, and neither the survey, the reviews nor the literature notebook, which read no
   transactions), with the log's columns mapped, the currency set and the three periods of the purchase models
   suggested from the log's span (calibration over its first two thirds, the holdout to its end), everything else
   at its default: the default model list ``[bgnbd, paretonbd, mbgnbd, mbgcnbd, bgcnbd]``, 100 bootstrap draws,
   the country as a covariate. Written to ``benchmarks/data/shop_<lines>.yaml`` and checked by ``kam validate``
   (timed).
3. **The run**: ``kam run --study ... --force --no-report`` (the runner's parallel notebooks, on all cores), into
   its own reports folder ``benchmarks/data/study_<lines>/``. The runner prints each notebook's wall time; the
   executed notebooks carry papermill's start and end time of every cell, from which the stages' times (cells
   grouped under their section heading) and the slowest cells are read. Peak memory: the process tree of the run
   (the runner, its worker processes and their kernels) is polled every half second, the resident sets summed
   and the maximum kept (an upper bound: pages the forked workers share are counted in each); each kernel's peak
   (with any processes it forks) is kept as its notebook's, and its CPU seconds beside the wall time (other work
   on a shared machine stretches wall times more than CPU times; the load average is reported too).
4. **Cut-offs**, so that the benchmark never hangs: a notebook still running after ``--notebook-cutoff`` minutes
   (default 30 at 1M lines, 120 at 10M) has its kernel stopped and is reported as "over", with the cell it was in
   (read from the executed copy the runner keeps in ``failed/``); the whole run is stopped after
   ``--total-cutoff`` minutes (default 40 and 180), its running notebooks "over" and the waiting ones "not run".
   The k-th kernel started belongs to the k-th notebook started (the runner prints ``start NAME``, then starts
   the kernel); two started at once may be matched the wrong way round, which shows, and is undone, when one of
   them is reported finished while its kernel still runs.
5. **Each purchase model's fit** on the 1M-line log's calibration summary (in weeks, with the log inter-purchase
   times), in a fresh process per fit, by :mod:`fit_models`'s snippets, beside lifetimes' BG/NBD, Pareto/NBD and
   MBG/NBD fits on the same distinct rows with weights, each cut at ``--lifetimes-timeout`` seconds (default 600).
6. With ``--profile``, the three slowest cells of the two slowest notebooks are rerun under cProfile by
   ``profile_notebook.py`` (the executed notebook's cells in one process, on the same data), and the kamlib
   functions with the most cumulative time are listed for each.

Targets (issue 51) on 2 cores: every transaction notebook at 1M lines in under 5 minutes in all, at 10M lines in
under 30 minutes; peak memory under 6 GB; each purchase model's fit within 5x the BG/NBD's and under 10 s at 1M
lines. Results: ``reports/benchmarks/study.md`` and ``study.csv``, and the section "The whole study" of
``docs/scale.md`` (between ``<!-- study:start -->`` and ``<!-- study:end -->``; a full run only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DATA, OUT, PY, ROOT, machine, measure  # noqa: E402
from shop_log import describe, make_shop_log  # noqa: E402

KAM = str(Path(PY).parent / "kam")
TARGETS = {1_000_000: 5 * 60.0, 10_000_000: 30 * 60.0}  # seconds for every transaction notebook
PEAK_TARGET_MB = 6 * 1024.0
STUDY_START, STUDY_END = "<!-- study:start -->", "<!-- study:end -->"


# ----------------------------------------------------------------------------- the study file


def _set(text: str, key: str, value: str, section: str | None = None) -> str:
    """Set ``key: value`` in the scaffold's text (the first ``key:`` line after ``section:``), keeping the comment."""
    start = 0
    if section:
        m = re.search(rf"^\s*{re.escape(section)}:", text, flags=re.M)
        if m is None:
            raise RuntimeError(f"the new-case scaffold has no section {section!r}: benchmarks/study.py needs updating")
        start = m.end()
    m = re.compile(rf"^(\s*{re.escape(key)}:)[ \t]*([^#\n]*?)([ \t]*#[^\n]*)?$", flags=re.M).search(text, start)
    if m is None:
        raise RuntimeError(f"the new-case scaffold has no key {key!r}: benchmarks/study.py needs updating")
    comment = (m.group(3) or "").strip()
    line = f"{m.group(1)} {value}"
    if comment:  # the comment stays in its column (or one space after a longer value)
        column = len(m.group(0)) - len(m.group(3).lstrip())
        line = line.ljust(column - 1) + " " + comment
    return text[:m.start()] + line + text[m.end():]


def write_study(lines: int, log: Path, path: Path) -> Path:
    """The study file of the log, from the ``kam new-case`` scaffold with the columns, currency and periods set."""
    from kamlib.workbench import cases

    name = path.stem
    info = describe(log)
    first = dt.date.fromisoformat(info["first"][:10])
    last = dt.date.fromisoformat(info["last"][:10])
    periods = cases.suggest_periods(first, last)  # what `kam validate` suggests for an unfinished study
    text = cases.SCAFFOLD.format(name=name)
    text = (f"# Written by benchmarks/study.py: the `kam new-case` scaffold, with a generated shop log of {lines:,} "
            "order lines\n# mapped as a student maps it (columns, currency, periods); everything else at its "
            "default.\n" + text)
    text = _set(text, "source", str(log.resolve()), "transactions")  # absolute: the file is made on this machine
    for role, col in (("customer", "customer_id"), ("date", "order_time"), ("quantity", "quantity"),
                      ("unit_price", "unit_price"), ("order_id", "order_id"), ("product", "product_id"),
                      ("country", "country")):
        text = _set(text, role, col, "columns")
    text = _set(text, "currency", "EUR", "transactions")
    for key, value in periods.items():
        text = _set(text, key, value.isoformat(), "clv")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def study_notebooks(study: Path) -> list[str]:
    """The notebook list of a study file."""
    import yaml

    return list(yaml.safe_load(study.read_text(encoding="utf-8"))["notebooks"])


def validate(study: Path) -> dict:
    """``kam validate`` on the study: its wall time and what it printed (an invalid study stops the benchmark)."""
    t0 = time.perf_counter()
    proc = subprocess.run([KAM, "validate", "--study", str(study)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    out = (proc.stdout + proc.stderr).strip()
    if proc.returncode:
        raise RuntimeError(f"kam validate failed on {study} (exit code {proc.returncode}):\n{out}")
    return {"seconds": seconds, "output": out}


# ----------------------------------------------------------------------------- the run


class TreeMonitor:
    """Polls a process and all its descendants: the summed resident set (its maximum kept), and each kernel's."""

    def __init__(self, pid: int, interval: float = 0.5):
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_mb = 0.0
        self.kernels: dict[int, dict] = {}  # pid -> {"proc", "created", "peak_mb", "cpu", "notebook"}
        self._cmd: dict[int, bool] = {}
        self.cpu: dict[int, float] = {}  # pid -> its CPU seconds (user + system) at the last poll it was seen

    def poll(self) -> None:
        ps = self.psutil
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except ps.NoSuchProcess:
            return
        seen = {}  # pid -> (rss MB, parent pid)
        for p in procs:
            try:
                rss = p.memory_info().rss / 2 ** 20
                cpu = p.cpu_times()
                self.cpu[p.pid] = cpu.user + cpu.system
                if p.pid not in self._cmd:
                    self._cmd[p.pid] = "ipykernel" in " ".join(p.cmdline())
                seen[p.pid] = (rss, p.ppid())
            except (ps.NoSuchProcess, ps.AccessDenied, ps.ZombieProcess):
                continue
        self.peak_mb = max(self.peak_mb, sum(rss for rss, _ in seen.values()))
        # a kernel is an ipykernel process whose parent is not one (a kernel's forked children carry its command
        # line); its memory and CPU include its children's
        group: dict[int, list[int]] = {}
        for pid, (_, ppid) in seen.items():
            top, up = None, pid
            while up in seen:
                if self._cmd.get(up) and not self._cmd.get(seen[up][1]):
                    top = up
                up = seen[up][1]
            if top is not None:
                group.setdefault(top, []).append(pid)
        for pid, members in group.items():
            if pid not in self.kernels:
                proc = next(p for p in procs if p.pid == pid)
                try:
                    created = proc.create_time()
                except ps.NoSuchProcess:
                    continue
                self.kernels[pid] = {"proc": proc, "created": created, "peak_mb": 0.0, "cpu": 0.0,
                                     "notebook": None, "members": set()}
            k = self.kernels[pid]
            k["members"].update(members)
            k["peak_mb"] = max(k["peak_mb"], sum(seen[m][0] for m in members))
            k["cpu"] = sum(self.cpu.get(m, 0.0) for m in k["members"])

    def alive(self, pid: int) -> bool:
        try:
            return self.kernels[pid]["proc"].is_running() and \
                self.kernels[pid]["proc"].status() != self.psutil.STATUS_ZOMBIE
        except self.psutil.NoSuchProcess:
            return False


# the runner's lines: "[i/n] done  NAME in 12.3 s (...)", "[i/n] skip  NAME: why", "[i/n] FAILED NAME: why", each
# a line of its own; and "start NAME", printed by the worker processes, so that two of them may share a line
OUTCOME = re.compile(r"^\s*\[\d+/\d+\]\s*(done|skip|FAILED)\s+(\d\d_\w+)(.*)$")
START = re.compile(r"\bstart\s+(\d\d_\w+)")


def _parse(nbs: dict, t: float, wall: float, line: str) -> None:
    """Update the notebooks' states from one line of the runner's output, read ``t`` seconds into the run (at
    ``wall``, seconds since the epoch)."""
    for name in START.findall(line):
        nb = nbs.setdefault(name, {"notebook": name})
        nb.update(status="running", started=t, started_at=wall, order=sum("order" in n for n in nbs.values()))
        # (a notebook the runner retries after its kernel died at start-up would be counted once: rare)
    m = OUTCOME.match(line)
    if not m:
        return
    kind, name, rest = m.groups()
    nb = nbs.setdefault(name, {"notebook": name, "status": "waiting"})
    nb["finished"] = t
    if kind == "done":
        secs = re.search(r"in ([\d.]+) s", rest)
        nb.update(seconds=float(secs.group(1)) if secs else t - nb.get("started", t))
        if nb.get("status") != "over":  # a notebook past its cut-off that finished before its kernel was stopped
            nb["status"] = "ran"
    elif kind == "skip":
        nb.update(status="skipped", message=rest.strip(" :"))
    elif nb.get("status") != "over":
        message = rest.strip(" :")
        nb.update(status="not run" if message.startswith("not run") else "failed", message=message,
                  seconds=t - nb["started"] if "started" in nb else None)


def _staging_cell(out: Path, name: str) -> dict:
    """Where a running notebook is: the last cell papermill started, from its staging copy (the runner asks papermill
    not to save it per cell, so this is often empty; :func:`bench_size` then reads the copy kept in ``failed/``)."""
    nb_path = out / ".staging" / name / f"{name}.ipynb"
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    last = {}
    for i, c in enumerate(nb["cells"]):
        pm = c.get("metadata", {}).get("papermill", {})
        if pm.get("start_time"):
            last = {"cell": i, "first_line": _first_line(c), "start_time": pm["start_time"], "status": pm.get("status")}
    return last


def _match_kernels(nbs: dict, mon: TreeMonitor) -> None:
    """Match each kernel to its notebook: the k-th kernel started is the k-th notebook started (a worker prints
    ``start NAME``, then starts its kernel; the line may reach this process after the kernel is seen, so a kernel
    waits for its line). Two notebooks started within a kernel's start-up time may be matched the wrong way round;
    that shows when one of them is reported finished while its kernel still runs and the other's has ended, and the
    two are swapped then."""
    starts = sorted((n for n in nbs.values() if "order" in n), key=lambda n: n["order"])
    kernels = sorted(mon.kernels.values(), key=lambda k: (k["created"], k["proc"].pid))
    for k, nb in zip(kernels, starts):
        if k["notebook"] is None:
            k["notebook"] = nb["notebook"]
    for nb in nbs.values():
        if "finished" not in nb or nb.get("checked"):
            continue
        nb["checked"] = True
        mine = [pid for pid, k in mon.kernels.items() if k["notebook"] == nb["notebook"] and mon.alive(pid)]
        others = [n for n in nbs.values() if n.get("status") == "running" and "finished" not in n]
        dead = [n for n in others if not any(k["notebook"] == n["notebook"] and mon.alive(pid)
                                             for pid, k in mon.kernels.items())
                and any(k["notebook"] == n["notebook"] for k in mon.kernels.values())]
        if len(mine) == 1 and len(dead) == 1:
            for k in mon.kernels.values():
                if k["notebook"] == dead[0]["notebook"]:
                    k["notebook"] = nb["notebook"]
            mon.kernels[mine[0]]["notebook"] = dead[0]["notebook"]


def run_study(study: Path, reports: Path, *, notebooks: list[str] | None = None, notebook_cutoff: float = 1800.0,
              total_cutoff: float = 2400.0, echo=print) -> dict:
    """``kam run`` of the study (forced, without the report) under the tree monitor and the cut-offs."""
    import shutil

    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    env = {**os.environ, "KAM_REPORTS_DIR": str(reports), "PYTHONUNBUFFERED": "1"}
    load_before = os.getloadavg()  # other work on the machine stretches wall times: said beside them
    cmd = [KAM, "run", "--study", str(study), "--force", "--no-report", *(notebooks or [])]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1, start_new_session=True)
    mon = TreeMonitor(proc.pid)
    events: list[tuple[float, float, str]] = []

    def reader():
        for line in proc.stdout:
            events.append((time.perf_counter() - t0, time.time(), line.rstrip("\n")))
            echo("    | " + line.rstrip("\n"))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    nbs: dict[str, dict] = {}
    seen = 0
    stopped = False
    out_dir = None
    while proc.poll() is None:
        mon.poll()
        now = time.perf_counter() - t0
        for t, wall, line in events[seen:]:
            seen += 1
            if out_dir is None and line.startswith("Running") and "->" in line:
                out_dir = Path(line.rsplit("->", 1)[1].strip())
            _parse(nbs, t, wall, line)
        _match_kernels(nbs, mon)
        for nb in nbs.values():
            if nb["status"] == "running" and now - nb["started"] > notebook_cutoff:
                where = _staging_cell(out_dir, nb["notebook"]) if out_dir else {}
                nb.update(status="over", seconds=now - nb["started"], where=where)
                echo(f"  {nb['notebook']} passed its cut-off of {_fmt_s(notebook_cutoff)} "
                     f"(in cell {where.get('cell', '?')}: {where.get('first_line', '')}); stopping its kernel")
            if nb["status"] == "over" and "finished" not in nb:  # its kernel, as soon as it is seen
                for pid, k in mon.kernels.items():
                    if k["notebook"] == nb["notebook"] and mon.alive(pid):
                        os.kill(pid, signal.SIGKILL)
        if now > total_cutoff and not stopped:
            stopped = True
            echo(f"  the run passed its cut-off of {_fmt_s(total_cutoff)}; stopping it")
            for nb in nbs.values():
                if nb["status"] == "running":
                    where = _staging_cell(out_dir, nb["notebook"]) if out_dir else {}
                    nb.update(status="over", seconds=now - nb["started"], where=where)
            os.kill(proc.pid, signal.SIGTERM)  # the runner stops its workers and their kernels
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the session this benchmark started for the run
        time.sleep(mon.interval)
    th.join(10)
    elapsed = time.perf_counter() - t0
    for t, wall, line in events[seen:]:  # the lines after the last poll
        _parse(nbs, t, wall, line)
    for nb in nbs.values():
        if nb["status"] == "waiting":
            nb["status"] = "not run"
        mine = [k for k in mon.kernels.values() if k["notebook"] == nb["notebook"]]
        nb["kernel_peak_mb"] = max([k["peak_mb"] for k in mine], default=None)
        nb["kernel_cpu"] = sum(k["cpu"] for k in mine) if mine else None
    return {"wall_seconds": elapsed, "peak_mb": mon.peak_mb, "cpu_seconds": sum(mon.cpu.values()),
            "load": [load_before, os.getloadavg()], "returncode": proc.returncode, "notebooks": nbs,
            "out": out_dir, "output": "\n".join(line for _, _, line in events), "stopped": stopped}


# ----------------------------------------------------------------------------- cells and stages


def _first_line(cell) -> str:
    src = "".join(cell.get("source", ""))
    return next((ln.strip() for ln in src.splitlines() if ln.strip()), "")


def _stage_name(src: str) -> str | None:
    m = re.search(r"art\.stage\(\s*[\"']([^\"']+)[\"']", src)
    return m.group(1) if m else None


def cell_times(nb_path: Path) -> list[dict]:
    """Each code cell's wall time from papermill's metadata (a cell still running when the notebook was stopped:
    up to the notebook's file time), with its section heading and the first ``art.stage`` it opens."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    section, rows = "", []
    for i, c in enumerate(nb["cells"]):
        src = "".join(c.get("source", ""))
        if c["cell_type"] == "markdown":
            head = next((ln for ln in src.splitlines() if ln.startswith("#")), None)
            if head:  # the notebook's title (one #) heads its imports and loading
                section = "setup" if not head.startswith("##") else head.lstrip("#").strip()
            continue
        if c["cell_type"] != "code":
            continue
        pm = c.get("metadata", {}).get("papermill", {})
        secs = pm.get("duration")
        if secs is None and pm.get("start_time"):
            start = dt.datetime.fromisoformat(pm["start_time"].replace("Z", "+00:00"))
            end = dt.datetime.fromtimestamp(Path(nb_path).stat().st_mtime, tz=dt.timezone.utc)
            secs = (end - start).total_seconds()
        tags = c.get("metadata", {}).get("tags", [])
        rows.append({"cell": i, "section": "parameters" if ("parameters" in tags or "injected-parameters" in tags)
                     else section, "stage": _stage_name(src), "first_line": _first_line(c),
                     "seconds": float(secs) if secs is not None else None, "status": pm.get("status")})
    return rows


def executed_notebook(out: Path, name: str) -> Path | None:
    """The executed copy of a notebook: published (``notebooks/``) or kept after a failure (``failed/``)."""
    for p in (out / "notebooks" / f"{name}.ipynb", out / "failed" / f"{name}.ipynb"):
        if p.exists():
            return p
    return None


# ----------------------------------------------------------------------------- fits against lifetimes


LIFETIMES_BGNBD = """
import numpy as np, pandas as pd
from lifetimes import BetaGeoFitter
from kamlib import clv
s = pd.read_parquet({summary!r})
tic()
suff = clv.sufficient(s, "bgnbd")
f = BetaGeoFitter().fit(suff["frequency"], suff["recency"], suff["T"], weights=suff["weight"])
result.update(params={{k: float(v) for k, v in f.params_.items()}})
"""

CALIBRATION = """
import yaml
from kamlib import rfm, transactions
try:
    from kamlib.clv import regular
except ImportError:  # before the reorganisation of kamlib.clv
    from kamlib.clv import regular
study = yaml.safe_load(open({study!r}, encoding="utf-8"))
t, c = study["transactions"], study["clv"]
tx = transactions.load(t["source"], columns=t["columns"], negative_amounts=t["negative_amounts"],
                       zero_amounts=t["zero_amounts"], duplicates=t["duplicates"]).data
start, end = str(c["calibration_start"]), str(c["calibration_end"])
s = rfm.summary(tx, end=end, unit=c["unit"], start=start)
s = regular.with_litt(s, tx, end=end, unit=c["unit"], start=start)
s.to_parquet({out!r})
result.update(customers=len(s))
"""


def fit_comparison(study: Path, lines: int, timeout: int, data: Path = DATA, echo=print) -> list[dict]:
    """Each purchase model's fit (fit_models' snippet) and lifetimes' fits on the study's calibration summary."""
    import fit_models

    summary = data / f"shop_{lines}_calibration.parquet"
    if not summary.exists():
        measure(CALIBRATION.format(study=str(study), out=str(summary)))
    rows = []
    for model in fit_models.MODELS:
        r = fit_models.best(fit_models.FIT.format(summary=str(summary), model=model), 1, 3600)
        rows.append({"lines": lines, "model": model, "tool": "kamlib", "seconds": r["seconds"], "cpu": r["cpu"],
                     "distinct_rows": r["rows"], "peak_mb": r["peak_rss_mb"], "loglik": r["loglik"],
                     "at_bound": ", ".join(r["at_bound"])})
        echo(f"  kamlib {model:10s} {r['seconds']:7.2f} s  ({r['rows']:,} distinct rows, "
             f"peak {r['peak_rss_mb']:.0f} MB)")
    peers = (("bgnbd", LIFETIMES_BGNBD), ("paretonbd", fit_models.LIFETIMES), ("mbgnbd", fit_models.LIFETIMES))
    for model, code in peers:
        r = fit_models.best(code.format(summary=str(summary), model=model), 1, timeout)
        rows.append({"lines": lines, "model": model, "tool": "lifetimes", "seconds": r["seconds"] if r else None,
                     "peak_mb": r["peak_rss_mb"] if r else None, "over": r is None, "cap": timeout})
        echo(f"  lifetimes {model:10s} " + (f"{r['seconds']:7.2f} s" if r else f"over {timeout} s"))
    return rows


# ----------------------------------------------------------------------------- profile


def profile_slowest(res: dict, data: Path, *, notebooks: int = 2, cells: int = 3, budget: float = 600.0,
                    echo=print) -> list[dict]:
    """cProfile of the slowest cells (up to ``cells``, each 1 s or more) of the ``notebooks`` slowest notebooks, by
    ``profile_notebook.py`` in a fresh process on the run's executed copy; a cell is cut after ``budget`` s."""
    nbs, out = res["run"]["notebooks"], []
    slowest = sorted(res["cells"], key=lambda name: -(nbs.get(name, {}).get("seconds") or 0.0))[:notebooks]
    for name in slowest:
        path = executed_notebook(res["run"]["out"], name)
        slow = sorted((c for c in res["cells"][name] if (c["seconds"] or 0) >= 1.0), key=lambda c: -c["seconds"])
        ids = sorted(c["cell"] for c in slow[:cells])
        if path is None or not ids:
            continue
        js = data / f"profile_{res['lines']}_{name}.json"
        cmd = [PY, str(ROOT / "benchmarks" / "profile_notebook.py"), str(path), "--cells", *map(str, ids), "--until",
               str(ids[-1]), "--budget", str(budget), "--top", "10", "--json", str(js)]
        echo(f"  profiling {name}, cells {', '.join(map(str, ids))}")
        t0 = time.perf_counter()
        try:
            subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True,
                           timeout=2 * (nbs[name].get("seconds") or 0) + budget * len(ids) + 600)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            echo(f"  profile of {name} failed: {str(exc)[:300]} {getattr(exc, 'stderr', '')[-500:]}")
            continue
        rows = [r for r in json.loads(js.read_text(encoding="utf-8")) if r["profiled"]]
        echo(f"  profiled {name} in {time.perf_counter() - t0:.0f} s")
        out.append({"notebook": name, "cells": rows})
    return out


# ----------------------------------------------------------------------------- report


def _fmt_s(v) -> str:
    if v is None or v != v:
        return "-"
    return f"{v / 60:.1f} min" if v >= 600 else f"{v:.1f} s"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _load_sentence(run: dict) -> str:
    """The machine's load beside the wall times (other work on a shared machine stretches them; CPU time less)."""
    if not run.get("load"):
        return ""
    (b1, _, _), (e1, e5, e15) = run["load"]
    return (f"Load average (runnable processes on the {os.cpu_count()} cores) {b1:.1f} when the run started and "
            f"{e5:.1f} over the 5 minutes before it ended ({e15:.1f} over 15): above {os.cpu_count()}, other work "
            "shared the cores and stretched the wall times; the kernels' CPU seconds are less affected.")


def _size_block(res: dict, rows: list[dict]) -> list[str]:
    """One size's paragraph, notebook table, stage table and slowest cells (``rows`` gets the CSV rows)."""
    n, run, log = res["lines"], res["run"], res["log"]
    target = TARGETS.get(n)
    finished = all(run["notebooks"].get(name, {}).get("status") in ("ran", "skipped") for name in res["notebooks"])
    on_time = f" (target: under {target / 60:.0f} min, {_met(finished and run['wall_seconds'] < target)})" \
        if target else ""
    md = [f"**{n:,} order lines** ({log['customers']:,} customers, {log['orders']:,} orders, {log['products']:,} "
          f"products, {log['first'][:10]} to {log['last'][:10]}; code at {res.get('code', 'unknown')}): "
          f"`kam validate` {res['validate']['seconds']:.1f} s; "
          f"`kam run` of the {len(res['notebooks'])} notebooks {_fmt_s(run['wall_seconds'])} wall time on the "
          f"runner's parallel workers{on_time}; peak memory of the whole run (all its processes) "
          f"{run['peak_mb']:,.0f} MB (target under {PEAK_TARGET_MB:,.0f} MB, {_met(run['peak_mb'] < PEAK_TARGET_MB)}).",
          "", _load_sentence(run),
          "", "| notebook | status | seconds | kernel CPU s | kernel peak MB | note |", "|---|---|---|---|---|---|"]
    for name in res["notebooks"]:
        nb = run["notebooks"].get(name, {"status": "not run"})
        note = nb.get("message", "")
        if nb["status"] == "over" and nb.get("where"):
            note = f"stopped in cell {nb['where'].get('cell')}: `{nb['where'].get('first_line', '')[:70]}`"
        mb = nb.get("kernel_peak_mb")
        cpu = nb.get("kernel_cpu")
        md.append(f"| {name} | {nb['status']} | {_fmt_s(nb.get('seconds'))} | {'-' if cpu is None else f'{cpu:,.0f}'} "
                  f"| {'-' if mb is None else f'{mb:,.0f}'} | {note.replace('|', '/')[:160]} |")
        rows.append({"lines": n, "level": "notebook", "notebook": name, "status": nb["status"],
                     "seconds": nb.get("seconds"), "cpu_seconds": cpu, "peak_mb": mb, "note": note})
    total = sum(nb.get("seconds") or 0.0 for nb in run["notebooks"].values())
    md.append(f"| all (sum of notebook times; CPU of the whole run) | | {_fmt_s(total)} | "
              f"{run.get('cpu_seconds') or 0:,.0f} | | |")
    rows.append({"lines": n, "level": "run", "notebook": "all", "status": "stopped" if run["stopped"] else "finished",
                 "seconds": run["wall_seconds"], "cpu_seconds": run.get("cpu_seconds"), "peak_mb": run["peak_mb"],
                 "note": f"kam validate {res['validate']['seconds']:.1f} s"})
    cells = [dict(c, notebook=name) for name, cs in res["cells"].items() for c in cs]
    for c in cells:
        rows.append({"lines": n, "level": "cell", "notebook": c["notebook"], "cell": c["cell"],
                     "section": c["section"], "stage": c["stage"], "first_line": c["first_line"],
                     "seconds": c["seconds"], "status": c["status"]})
    timed = [c for c in cells if c["seconds"] is not None]
    stages: dict[tuple, float] = {}
    for c in timed:
        stages[(c["notebook"], c["section"])] = stages.get((c["notebook"], c["section"]), 0.0) + c["seconds"]
    shown = [f"| {nb} | {section} | {secs:.1f} |" for (nb, section), secs in stages.items() if secs >= 1.0]
    if shown:
        md += ["", f"Stages at {n:,} lines (the cells under each section heading; 1 s and more):", "",
               "| notebook | section | seconds |", "|---|---|---|", *shown]
    if timed:
        md += ["", f"The ten slowest cells at {n:,} lines (cell numbers of the executed notebook):", "",
               "| notebook | cell | first line | seconds |", "|---|---|---|---|"]
        md += [f"| {c['notebook']} | {c['cell']} | `{c['first_line'][:90].replace('|', '/')}` | {c['seconds']:.1f}"
               f"{' (stopped)' if c['status'] == 'running' else ''} |"
               for c in sorted(timed, key=lambda c: -c["seconds"])[:10]]
    return md + [""]


def _fits_block(fits: list[dict], rows: list[dict]) -> list[str]:
    """The fit comparison table (``rows`` gets the CSV rows)."""
    kam = {f["model"]: f for f in fits if f["tool"] == "kamlib"}
    life = {f["model"]: f for f in fits if f["tool"] == "lifetimes"}
    bg = kam.get("bgnbd", {}).get("seconds")
    md = [f"Each purchase model's fit on the {fits[0]['lines']:,}-line log's calibration summary (weeks, with standard "
          "errors), a fresh process each (`benchmarks/fit_models.py`'s snippet), beside lifetimes' fit on the same "
          "distinct rows with weights (cut at the time shown); target: within 5x the BG/NBD's and under 10 s:", "",
          "| model | distinct rows | kamlib | x BG/NBD | lifetimes | lifetimes / kamlib | target |",
          "|---|---|---|---|---|---|---|"]
    for model, f in kam.items():
        lf = life.get(model)
        ratio = f["seconds"] / bg if bg else float("nan")
        if lf is None:
            theirs, speed = "-", "-"
        elif lf["over"]:
            theirs, speed = f"over {lf['cap']:.0f} s", f"> {lf['cap'] / f['seconds']:.0f}x"
        else:
            theirs, speed = _fmt_s(lf["seconds"]), f"{lf['seconds'] / f['seconds']:.1f}x"
        md.append(f"| {model} | {f['distinct_rows']:,} | {f['seconds']:.2f} s | {ratio:.1f} | {theirs} | {speed} | "
                  f"{_met(ratio <= 5 and f['seconds'] < 10)} |")
    for f in fits:
        rows.append({"lines": f["lines"], "level": "fit", "notebook": "", "stage": f["model"],
                     "status": f["tool"] + (" over" if f.get("over") else ""), "seconds": f["seconds"],
                     "peak_mb": f["peak_mb"]})
    return md + [""]


def _profile_block(profiles: list[dict]) -> list[str]:
    """The profiled cells (5 s and more): kamlib's functions by cumulative time, then any functions by own time."""
    md = ["Where the slowest cells of the two slowest notebooks spend their time: each cell rerun under cProfile in "
          "one process on the same data (`benchmarks/profile_notebook.py`; cProfile slows Python-level calls and sees "
          "only the main thread, so read the seconds as shares of the cell), the kamlib functions with the most "
          "cumulative time (a function's time includes the functions it calls), then the functions with the most "
          "time of their own:", ""]
    for prof in profiles:
        for c in prof["cells"]:
            if c["seconds"] < 5.0:
                continue
            md.append(f"- {prof['notebook']}, cell {c['cell']} (`{c['first_line'][:80]}`), {c['seconds']:.1f} s "
                      f"profiled{' (cut at the budget)' if c.get('stopped') else ''}:")
            for f in c["kamlib_cumulative"][:6]:
                where, _, func = f["function"].partition("(")
                md.append(f"  - {f['cumulative_s']:.1f} s in {f['calls']:,} calls: `{func.rstrip(')')}` ({where})")
            own = "; ".join(f"`{f['function'].rsplit('site-packages/', 1)[-1]}` {f['own_s']:.1f} s in "
                            f"{f['calls']:,} calls" for f in c["own_time"][:3])
            md.append(f"  - own time: {own}")
    return md + [""]


def report(results: list[dict], fits: list[dict], quick: bool, out: Path, profiles: list[dict] = ()) -> str:
    """``study.md`` and ``study.csv`` in ``out``; returns the docs section's text (all but the profile)."""
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    md = [f"Measured by `make bench` (`benchmarks/study.py`) on {dt.date.today().isoformat()}, {machine()}.", ""]
    for res in results:
        md += _size_block(res, rows)
    if fits:
        md += _fits_block(fits, rows)
    block = "\n".join(md).rstrip()  # the docs' section: the profile is in study.md only
    if profiles:
        md += _profile_block(profiles)
    df = pd.DataFrame(rows)
    prev = out / "study.csv"
    if prev.exists() and len(df):  # keep the sizes and parts not rerun this time
        old = pd.read_csv(prev)
        keep = ~(old["lines"].isin(df["lines"]) & old["level"].isin(df["level"]))
        df = pd.concat([old[keep], df], ignore_index=True)
    df.to_csv(out / "study.csv", index=False)
    title = "# The whole study on a generated shop log" + (" (smoke size: targets are for the full run)"
                                                            if quick else "")
    full = "\n".join(md).rstrip()
    (out / "study.md").write_text(f"{title}\n\n{full}\n", encoding="utf-8")
    return block


def update_docs(block: str) -> None:
    """Replace the measured part of docs/scale.md's section "The whole study" (between its two markers)."""
    doc = ROOT / "docs" / "scale.md"
    text = doc.read_text(encoding="utf-8")
    if STUDY_START in text and STUDY_END in text:
        head, rest = text.split(STUDY_START, 1)
        tail = rest.split(STUDY_END, 1)[1]
        doc.write_text(f"{head}{STUDY_START}\n{block}\n{STUDY_END}{tail}", encoding="utf-8")


# ----------------------------------------------------------------------------- main


def code_version() -> str:
    """The commit of the code measured, and whether kamlib or the notebooks had changes not yet committed."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kamlib", "notebooks"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes to kamlib or the notebooks" if dirty else "")


def bench_size(lines: int, *, data: Path, notebooks: list[str] | None, notebook_cutoff: float, total_cutoff: float,
               echo=print) -> dict:
    """One size: the log, the study file, ``kam validate``, the run, the cell times of every executed notebook."""
    t0 = time.perf_counter()
    log = make_shop_log(lines, data / f"shop_{lines}.parquet")
    info = describe(log)
    echo(f"{lines:,} order lines: {info['customers']:,} customers, {info['orders']:,} orders, {info['products']:,} "
         f"products ({log.name}, {time.perf_counter() - t0:.0f} s)")
    study = write_study(lines, log, data / f"shop_{lines}.yaml")
    val = validate(study)
    echo(f"  kam validate: {val['seconds']:.1f} s")
    for ln in val["output"].splitlines()[:12]:
        echo("    | " + ln)
    names = notebooks or study_notebooks(study)
    version = code_version()  # before the run: the kernels import the code as it is when they start
    run = run_study(study, data / f"study_{lines}", notebooks=notebooks, notebook_cutoff=notebook_cutoff,
                    total_cutoff=total_cutoff, echo=echo)
    echo(f"  kam run: {_fmt_s(run['wall_seconds'])}, peak memory of the run {run['peak_mb']:,.0f} MB")
    out = run["out"] or data / f"study_{lines}" / study.stem
    cells = {}
    for name in names:
        p = executed_notebook(out, name)
        if p is not None:
            cells[name] = cell_times(p)
            nb = run["notebooks"].get(name, {})
            if nb.get("status") == "over" and not nb.get("where"):  # the cell it was stopped in
                last = [c for c in cells[name] if c["status"] == "running"]
                nb["where"] = {"cell": last[-1]["cell"], "first_line": last[-1]["first_line"]} if last else {}
    return {"lines": lines, "log": info, "study": str(study), "validate": val, "run": run, "notebooks": names,
            "code": version,
            "cells": cells}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, nargs="*", help="log sizes (default: 1M, then 10M if 1M met its target)")
    p.add_argument("--smoke", action="store_true", help="20,000 lines (a smoke test; reports/benchmarks/quick/)")
    p.add_argument("--only", nargs="*", help="run only these notebooks of the study")
    p.add_argument("--no-fits", action="store_true", help="leave out the per-model fit comparison")
    p.add_argument("--profile", action="store_true",
                   help="also profile the slowest cells of the two slowest notebooks of the first size (cProfile)")
    p.add_argument("--profile-budget", type=float, default=600.0, help="seconds a profiled cell may run")
    p.add_argument("--lifetimes-timeout", type=int, default=600, help="seconds before a lifetimes fit is cut")
    p.add_argument("--notebook-cutoff", type=float, help="minutes per notebook (default 30 at 1M lines, 120 at 10M)")
    p.add_argument("--total-cutoff", type=float, help="minutes for the whole run (default 40 at 1M lines, 180 at 10M)")
    p.add_argument("--out", type=Path, help="results folder (default reports/benchmarks/, --smoke: its quick/)")
    p.add_argument("--data", type=Path, default=DATA, help="where logs, study files and run folders go")
    p.add_argument("--report-only", action="store_true", help="write the report of the last run's measurements again")
    args = p.parse_args(argv)
    quick = args.smoke
    sizes = args.lines or ([20_000] if quick else [1_000_000])
    auto_10m = not args.lines and not quick
    out = args.out or (OUT / "quick" if quick else OUT)
    raw = args.data / f"study_results{'_smoke' if quick else ''}.json"
    if args.report_only:  # the last run's measurements, written again (after a change of the report's layout)
        saved = json.loads(raw.read_text(encoding="utf-8"))
        return _write(saved["results"], saved["fits"], saved["profiles"], quick, out,
                      docs=not quick and args.out is None)
    results = []

    def one(n):
        big = n > 2_000_000
        res = bench_size(n, data=args.data, notebooks=args.only,
                         notebook_cutoff=60 * (args.notebook_cutoff or (120 if big else 30)),
                         total_cutoff=60 * (args.total_cutoff or (180 if big else 40)))
        results.append(res)
        return res

    for n in sizes:
        one(n)
    if auto_10m:
        first = results[0]
        ok = (first["run"]["wall_seconds"] < TARGETS[1_000_000]
              and all(nb["status"] in ("ran", "skipped") for nb in first["run"]["notebooks"].values()))
        if ok:
            one(10_000_000)
        else:
            print("10M lines not run: the 1M-line study did not finish within its 5-minute target", flush=True)
    fits = []
    if not args.no_fits:
        n = 1_000_000 if not quick else sizes[0]
        study = args.data / f"shop_{n}.yaml"
        if not study.exists():
            write_study(n, make_shop_log(n, args.data / f"shop_{n}.parquet"), study)
        print(f"Each purchase model's fit on the {n:,}-line calibration summary, and lifetimes'", flush=True)
        fits = fit_comparison(study, n, 30 if quick else args.lifetimes_timeout, args.data)
    profiles = []
    if args.profile and results:
        print(f"Profiling the slowest cells at {results[0]['lines']:,} lines", flush=True)
        profiles = profile_slowest(results[0], args.data, budget=args.profile_budget)
    raw.write_text(json.dumps({"results": results, "fits": fits, "profiles": profiles}, default=str, indent=1),
                   encoding="utf-8")  # for --report-only
    return _write(results, fits, profiles, quick, out, docs=not quick and not args.only and args.out is None)


def _write(results, fits, profiles, quick: bool, out: Path, docs: bool) -> int:
    block = report(results, fits, quick, out, profiles)
    if docs:
        update_docs(block)
    print((out / "study.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
