"""Profile an executed notebook cell by cell: which kamlib functions take a slow cell's time (issue 51, item 5).

    .venv/bin/python benchmarks/profile_notebook.py \
        benchmarks/data/study_1000000/shop_1000000/notebooks/10_key_accounts.ipynb
    .venv/bin/python benchmarks/profile_notebook.py NB.ipynb --cells 9 12 --until 12 --top 12 --json out.json
    .venv/bin/python benchmarks/profile_notebook.py NB.ipynb --cells 9 --until 9 --budget 300   # a cell that hangs

The notebook's code cells run in this one Python process, in order, with the parameters papermill injected into
the executed copy (so on the same data and study values as the run), its artefacts written to a temporary folder,
and the stage results of the run it came from (``--results``, default the run's ``results/`` folder beside
``notebooks/``; a copy, so that a notebook keeping a result leaves the run's alone) read as the runner lets the
kernel read them; one BLAS thread, as the runner's kernels. Each cell
is timed; the cells named by ``--cells`` (default: every cell) run under :mod:`cProfile`, and for each the
functions with the most cumulative time are listed, kamlib's first. A profiled cell still running after
``--budget`` seconds is interrupted (the profile of its first ``budget`` seconds is kept) and the run ends there:
the way to see where a cell that does not finish spends its time. cProfile adds overhead to Python-level calls
(compiled numba kernels and numpy are not slowed), so read its seconds as shares, and the wall times of the
unprofiled cells as the notebook's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import signal
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _code_cells(nb: dict) -> list[tuple[int, str, bool]]:
    """(index, source, is the injected parameters cell) of each code cell."""
    out = []
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] == "code":
            tags = c.get("metadata", {}).get("tags", [])
            out.append((i, "".join(c.get("source", "")), "injected-parameters" in tags))
    return out


def _functions(stats: pstats.Stats, top: int) -> dict:
    """The cell's functions by cumulative time: kamlib's, and any module's (with their own time)."""
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():
        # kamlib's files by their path in the package (wherever it is imported from), others as they are
        f = "kamlib/" + file.rsplit("/kamlib/", 1)[1] if "/kamlib/" in file else file.replace(str(ROOT) + "/", "")
        rows.append({"function": f"{f}:{line}({func})", "calls": nc, "own_s": tt, "cumulative_s": ct,
                     "kamlib": f.startswith("kamlib/")})
    rows.sort(key=lambda r: -r["cumulative_s"])
    kam = [r for r in rows if r["kamlib"] and "workbench/" not in r["function"]][:top]
    own = sorted(rows, key=lambda r: -r["own_s"])[:top]
    return {"kamlib_cumulative": kam, "own_time": own}


class Budget(Exception):
    """A profiled cell ran out of its time budget."""


def _stop(signum, frame):
    raise Budget()


def profile(nb_path: Path, *, results: Path | None = None, cells: list[int] | None = None, until: int | None = None,
            top: int = 12, budget: float | None = None, dump: Path | None = None, echo=print) -> list[dict]:
    """Run the executed notebook's code cells in this process; profile the chosen ones (see the module docstring)."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    results = results or Path(nb_path).resolve().parent.parent / "results"
    tmp = tempfile.mkdtemp(prefix="kam-profile-")
    if results.is_dir():  # a copy: a notebook that keeps a stage result must not overwrite the run's
        shutil.copytree(results, Path(tmp) / "results")
    os.environ["KAM_RESULTS_DIR"] = str(Path(tmp) / "results")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(ROOT)  # kamlib is imported as the run imported it (the venv's install, or PYTHONPATH)
    from IPython.display import display

    ns = {"__name__": "__main__", "display": display}
    out = []
    for i, src, injected in _code_cells(nb):
        if until is not None and i > until:
            break
        first = next((ln.strip() for ln in src.splitlines() if ln.strip()), "")
        prof = cProfile.Profile() if (cells is None or i in cells) else None
        t0 = time.perf_counter()
        stopped = False
        if prof:
            if budget:
                signal.signal(signal.SIGALRM, _stop)
                signal.setitimer(signal.ITIMER_REAL, budget)
            prof.enable()
        try:
            exec(compile(src, f"<cell {i}>", "exec"), ns)
        except Budget:
            stopped = True
        finally:
            if prof:
                prof.disable()
                signal.setitimer(signal.ITIMER_REAL, 0)
        secs = time.perf_counter() - t0
        if injected:
            # the run's staging folder is gone: this profile's artefacts go aside
            ns["output_dir"] = str(Path(tmp) / "artefacts")
        row = {"cell": i, "first_line": first, "seconds": secs, "profiled": prof is not None, "stopped": stopped}
        if prof:
            row.update(_functions(pstats.Stats(prof), top))
            if dump:
                Path(dump).mkdir(parents=True, exist_ok=True)
                prof.dump_stats(Path(dump) / f"{Path(nb_path).stem}_cell{i}.prof")
        out.append(row)
        echo(f"cell {i:3d} {secs:8.1f} s{' (stopped: budget)' if stopped else ''}  {first[:90]}")
        if stopped:
            break
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebook", type=Path, help="an executed notebook (notebooks/ or failed/ of a run's folder)")
    p.add_argument("--results", type=Path, help="the run's stage results (default: results/ beside notebooks/)")
    p.add_argument("--cells", type=int, nargs="*", help="cells to profile (default: all)")
    p.add_argument("--until", type=int, help="stop after this cell")
    p.add_argument("--top", type=int, default=12)
    p.add_argument("--budget", type=float, help="seconds a profiled cell may run before it is interrupted")
    p.add_argument("--json", type=Path, help="write the rows here")
    p.add_argument("--dump", type=Path, help="write each profiled cell's pstats file into this folder")
    args = p.parse_args(argv)
    rows = profile(args.notebook, results=args.results, cells=args.cells, until=args.until, top=args.top,
                   budget=args.budget, dump=args.dump)
    for r in sorted((r for r in rows if r["profiled"]), key=lambda r: -r["seconds"])[:5]:
        cut = ", stopped" if r["stopped"] else ""
        print(f"\n== cell {r['cell']} ({r['seconds']:.1f} s{cut}): {r['first_line'][:100]}")
        print("   kamlib functions by cumulative time:")
        for f in r["kamlib_cumulative"]:
            print(f"     {f['cumulative_s']:8.2f} s  {f['calls']:>9,} calls  {f['function']}")
        print("   functions by own time:")
        for f in r["own_time"][:8]:
            print(f"     {f['own_s']:8.2f} s  {f['calls']:>9,} calls  {f['function']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
