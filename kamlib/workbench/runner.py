"""Run a study's notebooks with papermill: validate, skip what is unchanged, stage, publish.

The runner knows notebooks, parameters and the manifest, and nothing about marketing.

For each notebook it

1. builds the parameters from the validated study (only the names the
   notebook's ``parameters`` cell declares);
2. fingerprints the inputs (notebook, parameters, data files, kamlib code,
   library versions) and skips the notebook when they match its last good run;
3. executes it into a staging folder, where :class:`kamlib.artefacts.Artefacts`
   writes its figures, tables and values;
4. only on success moves the staged files into ``reports/<study>/`` and merges
   its entries into ``manifest.json`` (written atomically). A failure leaves the
   previous good artefacts and manifest untouched.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import notebooks as nb_mod
from . import study as study_mod
from . import logcache
from .artefacts import RESULTS_ENV, kamlib_code_hash, params_hash, sha256, versions
from ..config import NOTEBOOKS, ROOT, reports_root
from ..errors import KamError


@dataclass
class Outcome:
    notebook: str
    status: str  # "ran", "skipped", "failed"
    seconds: float = 0.0
    message: str = ""
    artefacts: int = 0
    values: dict = field(default_factory=dict)


def _write_json_atomic(path: Path, payload) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def notebook_path(name: str) -> Path:
    """The file of notebook ``name`` in ``notebooks/``."""
    return nb_mod.path_of(name)


def notebook_parameters(name: str, study: study_mod.Study, base: Path | None = None) -> dict:
    """The study's parameters for the sections the notebook declares; file paths are made relative
    to the project root (absolute if outside it), so that a path relative to the study file works too."""
    sections = nb_mod.info(notebook_path(name)).sections
    flat = study.parameters(sections)
    for key, value, _ in study.files(sections):
        path = study_mod.resolve(value, base or ROOT)
        flat[key.replace(".", "_")] = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    return flat


def check_data(study_file: str | Path | None = None, *, quick: bool = False) -> list[str]:
    """Open every data file the study's notebooks read, as they will read it, and describe each.

    ``kam validate`` calls this, so that "valid" means every notebook gets past loading: the file
    is readable and not empty, has the mapped columns, and its rows parse by the study's rules.
    The first problem raises :class:`KamError` with the study key to fix.

    Returns
    -------
    list of str
        One line per data input, e.g. ``transactions: 397,884 rows, 4,338 customers (...)``.
    """
    from ..survey import instrument
    from . import notebook as nb_helpers

    study_path = Path(study_file) if study_file else None
    study = study_mod.load(study_path, quick=quick)
    base = (study_path or ROOT / "studies" / "default.yaml").resolve().parent
    params: dict = {}
    for name in study.notebooks:
        params.update(notebook_parameters(name, study, base))
    lines = []
    if "transactions_source" in params:
        from .. import stages

        loaded = nb_helpers.load_transactions(params)
        tx = loaded.data
        shape = stages.shape(tx)
        lines.append(f"transactions: {len(tx):,} rows, {shape['customers']:,} customers "
                     f"({shape['repeat_share']:.0%} bought on more than one day), {shape['first_date']} to "
                     f"{shape['last_date']} ({shape['span_days']:,} days), "
                     + (f"{shape['products']:,} products, " if shape["products"] is not None else "no products, ")
                     + ("amounts" if shape["amounts"] else "no amounts") + f" ({loaded.source})")
        lines += [f"  warning: {problem}" for problem in loaded.warnings]
        if "clv_calibration_end" in params:
            plan = stages.plan(tx, notebooks=study.notebooks, calibration_end=params["clv_calibration_end"],
                               holdout_end=params["clv_holdout_end"], calibration_start=params["clv_calibration_start"],
                               unit=params["clv_unit"],
                               k_max=params.get("segments_k_max", 8), cutoff=params.get("personalisation_cutoff"))
            lines += [f"  will not run: {r.notebook} / {r.stage}: {r.reason}" for r in plan.itertuples() if not r.applies]
            lines += [f"  warning: {w}" for w in _thin_evidence(tx, params)]
    if "survey_instrument" in params:
        inst = instrument.load(params["survey_instrument"])
        model = nb_helpers.research_model(study.survey.model, study.survey.hypotheses, inst)  # constructs: the instrument's
        answers = set(inst.profile)
        for h in model.hypotheses if model is not None else ():
            for column, key in ((h.group, "moderation.group"), (h.moderator, "interaction.moderator")):
                if column is not None and column not in answers and column not in inst.constructs:
                    raise KamError(f"survey.hypotheses.{h.id}.{key} is {column!r}, which is neither a construct nor a "
                                   f"profile question of {params['survey_instrument']} (it asks "
                                   f"{', '.join(answers)}); name one of them.")
        lines.append(f"survey model: {len(model.hypotheses)} hypotheses on {len(model.paths)} paths"
                     if model is not None else "survey model: none declared (survey.model); the survey notebook "
                                               "tests no hypothesis")
    if params.get("survey_source", "simulated") != "simulated":
        raw = nb_helpers.load_survey(params, instrument.load(params["survey_instrument"]))
        lines.append(f"survey: {len(raw):,} respondents ({params['survey_source']})")
    if params.get("strategy_experiment_source", "simulated") != "simulated":
        lines.append(f"campaign: {len(nb_helpers.load_campaign(params)):,} customers ({params['strategy_experiment_source']})")
    if params.get("strategy_programme_source", "simulated") != "simulated":
        panel = nb_helpers.load_programme(params)
        lines.append(f"programme: {len(panel.data):,} account-periods "
                     f"({params['strategy_programme_source']})")
    return lines


def _thin_evidence(tx, params: dict) -> list[str]:
    """The evidence check of the purchase models (:func:`kamlib.clv.evidence.evidence`, with the study's draws and no
    search for the size needed) when it does not find dropout identified; nothing when it does or when the check
    cannot run (the notebook then says why)."""
    from .. import rfm
    from ..clv.evidence import check

    if not params.get("clv_evidence_draws"):
        return []
    try:
        cal = rfm.calibration_holdout(tx, calibration_end=params["clv_calibration_end"],
                                      holdout_end=params["clv_holdout_end"], unit=params["clv_unit"],
                                      start=params["clv_calibration_start"])
    except (KamError, ValueError):
        return []
    # the run's check (the same draws and seed), without the search for the size that would be needed
    found, _ = check(cal, {}, unit=params["clv_unit"], draws=params["clv_evidence_draws"],
                     seed=params.get("seed", 0), search=False)
    return [] if found is None or found.adequate else [str(found.sentence)]


def fingerprint(name: str, parameters: dict, data_files: list[Path]) -> dict:
    """What a notebook's result depends on; a notebook whose fingerprint equals its last good run's is skipped."""
    return {
        "notebook": sha256(notebook_path(name)),
        "parameters": params_hash(parameters),
        "data": {str(p): sha256(p) for p in data_files if p.exists()},
        "kamlib": kamlib_code_hash(),
        "versions": versions(),
    }


#: Seconds jupyter_client gives a finished kernel to exit after its shutdown request before it terminates it
#: (SIGTERM at half, SIGKILL at the end; its default is 5). A kernel exits in under 0.1 s, but ipykernel 7.4 stops
#: its output thread while the control thread may still flush to it, and then the kernel waits until it is
#: terminated: about one notebook in four took 3.4 s longer (measured on an empty notebook, 4 of 16 runs).
KERNEL_SHUTDOWN_WAIT = 1.0
#: Seconds a starting kernel may take to answer (papermill's default is 60): on a loaded machine (a load of 6 on 2
#: cores, a benchmark beside other work) a kernel took longer, and the notebook failed before any cell ran.
KERNEL_START_TIMEOUT = 300


def _execute(name: str, parameters: dict, staging: str) -> dict:
    """Run one notebook (in a worker process). Returns a plain dict for pickling."""
    import papermill as pm
    from traitlets.config import Config

    # one BLAS thread per kernel: results do not depend on what runs alongside (and the workers use the cores)
    os.environ.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"), "1"))
    staging_path = Path(staging)
    staging_path.mkdir(parents=True, exist_ok=True)
    out_nb = staging_path / f"{name}.ipynb"
    params = dict(parameters, notebook=name, output_dir=str(staging_path / "artefacts"))
    # where the stage results of the notebooks that ran before this one were published (the kernel inherits it;
    # restored afterwards, so a process that runs one notebook in itself keeps its own environment)
    previous_results = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(staging_path.parent.parent / "results")
    _line(f"  start {name}")
    start = time.perf_counter()
    try:
        for attempt in range(3):
            try:
                pm.execute_notebook(
                    str(notebook_path(name)), str(out_nb), parameters=params, kernel_name="python3",
                    progress_bar=False, cwd=str(ROOT), log_output=False, request_save_on_cell_execute=False,
                    start_timeout=KERNEL_START_TIMEOUT, stdout_file=_Echo(name),  # the kernel's progress lines, in this run's output
                    # The kernel's own log only says that it listens on local TCP and that shutdown
                    # interrupted it; errors in the notebook are reported from the cells themselves.
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                    config=Config({"KernelManager": {"shutdown_wait_time": KERNEL_SHUTDOWN_WAIT}}),
                )
                break
            except RuntimeError as exc:
                # two kernels starting at once can draw the same free TCP port (zmq: address already in use):
                # the kernel dies before it answers; a new kernel draws new ports. Nothing of the notebook ran.
                if "Kernel died before replying" not in str(exc) or attempt == 2:
                    raise
    except pm.PapermillExecutionError as exc:
        evalue = str(exc.evalue).strip().splitlines()
        if exc.ename == "NotebookSkipped":  # the sentence, then its Chinese on a line marked [zh]
            zh = next((line[5:] for line in evalue if line.startswith("[zh] ")), None)
            english = [line for line in evalue if not line.startswith("[zh] ")]
            return {"ok": False, "skipped": True, "seconds": time.perf_counter() - start,
                    "message": english[-1] if english else "does not apply to this study", "message_zh": zh}
        return {"ok": False, "seconds": time.perf_counter() - start,
                "message": f"cell {exc.exec_count or exc.cell_index}: {exc.ename}: {_error_sentence(exc, out_nb)}"}
    except Exception as exc:  # kernel died, notebook unreadable, ...
        return {"ok": False, "seconds": time.perf_counter() - start, "message": f"{type(exc).__name__}: {exc}"}
    finally:
        if previous_results is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = previous_results
    _to_html(out_nb, staging_path / f"{name}.html")
    return {"ok": True, "seconds": time.perf_counter() - start, "message": ""}


def _line(text: str) -> None:
    """One line of the run's output from a worker process, written in one call: two workers' lines never share a
    line (print writes the text and its newline separately)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class _Echo:
    """The progress lines a notebook's kernel prints (:data:`kamlib._progress.MARK`), echoed to the run's output
    with the notebook's name, so that a long notebook shows what it is doing (papermill's ``stdout_file``)."""

    def __init__(self, name: str):
        self.name, self.pending = name, ""

    def write(self, text: str) -> None:
        from .._progress import MARK

        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            if line.startswith(MARK):
                _line(f"    {self.name}: {line[len(MARK):]}")

    def flush(self) -> None:
        pass


def _error_sentence(exc, out_nb: Path) -> str:
    """The sentence of the error a notebook cell raised (its ``evalue`` on one line; never empty)."""
    text = " ".join(str(exc.evalue or "").split())
    return text or f"{exc.ename} raised without a message; open notebooks/{out_nb.stem}.ipynb and run it to see where"


def _preload() -> None:
    """Import papermill and nbconvert's HTML exporter here, before the worker processes fork, so that each
    worker starts with them (about 3 s each, most of it jsonschema's format checkers) instead of importing them
    again."""
    import papermill  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401


def _to_html(nb_path: Path, html_path: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    # code visible: every figure and table of the report links to the cell that made it. The lab template runs
    # bleach over every code cell's Pygments output even with sanitising off; Pygments has escaped it already, so
    # that pass changes no byte (compared on the default study's nine notebooks) and took a third of the export.
    exporter = HTMLExporter(exclude_input_prompt=False, exclude_output_prompt=True,
                            filters={"clean_html": _escaped_already})
    body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
    html_path.write_text(body, encoding="utf-8")


def _escaped_already(html: str) -> str:
    """The lab template's ``clean_html`` filter for the runner's own notebooks (see :func:`_to_html`)."""
    return html


def _parse_cell(src: str):
    """A code cell's syntax tree (IPython magics and shell lines blanked); None when it does not parse."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in src.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def trace_cells(nb_path: Path) -> dict[str, dict]:
    """For each code cell of a notebook, by its source (stripped): its id and the kamlib analysis functions it
    calls (``kamlib.rfm.segment_table``), read from the syntax tree: the notebook's kamlib imports anywhere (also
    inside an ``if``, with ``as``), then the calls ``module.function(...)`` or ``function(...)`` in the cell. The
    workbench's own helpers (``kamlib.workbench``) are not analysis functions and are left out."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    cells = [(c.get("id"), "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
             for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    trees = [(cell_id, src, _parse_cell(src)) for cell_id, src in cells]
    names = {}  # local name -> what it is in kamlib ("kamlib.survey" or "kamlib.survey.cfa")
    for _, _, tree in trees:
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "kamlib":
                for a in node.names:
                    names[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "kamlib" and a.asname:
                        names[a.asname] = a.name
    out = {}
    for cell_id, src, tree in trees:
        found = set()
        for node in ast.walk(tree) if tree else ():
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in names:
                found.add(f"{names[f.value.id]}.{f.attr}")
            elif isinstance(f, ast.Name) and f.id in names:
                found.add(names[f.id])
        found = sorted(t for t in found if not t.startswith("kamlib.workbench"))
        out.setdefault(src.strip(), {"cell": cell_id, "functions": found})
    return out


def _retire(name: str, out: Path, fp: dict, reason: str = "", reason_zh: str | None = None) -> None:
    """A notebook that no longer applies to the study's data: its earlier artefacts leave the report, and
    the manifest records why it did not run (``not_run``), which the report says."""
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"artefacts": []}
    for a in manifest["artefacts"]:
        if a["notebook"] == name:
            for f in a["files"]:
                (out / f).unlink(missing_ok=True)
    manifest["artefacts"] = [a for a in manifest["artefacts"] if a["notebook"] != name]
    manifest.get("notebooks", {}).pop(name, None)
    manifest.setdefault("not_run", {})[name] = {"status": "skipped", "reason": reason, "reason_zh": reason_zh}
    _write_json_atomic(manifest_path, manifest)
    for sub in ("notebooks/{}.ipynb", "notebooks/{}.html", "values/{}.json"):
        (out / sub.format(name)).unlink(missing_ok=True)
    for result in nb_mod.info(notebook_path(name)).produces:  # its stage results no longer describe this study
        (out / "results" / f"{result}.pickle").unlink(missing_ok=True)
    _write_json_atomic(out / ".state" / f"{name}.json", fp)


def _publish(name: str, staging: Path, out: Path) -> tuple[int, dict]:
    """Move a successful run's files into place and merge its manifest entries."""
    art_dir = staging / "artefacts"
    part = json.loads((art_dir / "manifest.part.json").read_text(encoding="utf-8"))
    cells = trace_cells(staging / f"{name}.ipynb")
    for a in part["artefacts"]:
        a.update(cells.get((a.pop("cell_source", None) or "").strip(), {"cell": None, "functions": []}))
    values = json.loads((art_dir / "values.json").read_text(encoding="utf-8"))
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {"artefacts": []}
    old = [a for a in manifest["artefacts"] if a["notebook"] == name]
    new_files = {f for a in part["artefacts"] for f in a["files"]}
    for a in old:
        for f in a["files"]:
            if f not in new_files:
                (out / f).unlink(missing_ok=True)
    for a in part["artefacts"]:
        for f in a["files"]:
            (out / f).parent.mkdir(parents=True, exist_ok=True)
            os.replace(art_dir / f, out / f)
    for sub, suffix in (("notebooks", ".ipynb"), ("notebooks", ".html")):
        (out / sub).mkdir(parents=True, exist_ok=True)
        os.replace(staging / f"{name}{suffix}", out / sub / f"{name}{suffix}")
    (out / "values").mkdir(exist_ok=True)
    _write_json_atomic(out / "values" / f"{name}.json", values)
    for result in nb_mod.info(notebook_path(name)).produces:  # stage results for the notebooks after this one
        if result in part.get("results", []):
            (out / "results").mkdir(exist_ok=True)
            os.replace(art_dir / "results" / f"{result}.pickle", out / "results" / f"{result}.pickle")
        else:  # this run did not compute it (its stage did not apply): the last run's must not be read
            (out / "results" / f"{result}.pickle").unlink(missing_ok=True)
    # the parameters the notebook ran with, for the report's appendix (not the study file as it is now)
    manifest.setdefault("notebooks", {})[name] = {"parameters": part["parameters"],
                                                  "parameters_hash": part["parameters_hash"],
                                                  "stage": nb_mod.info(notebook_path(name)).stage,
                                                  "notes": part.get("notes", []),
                                                  "notes_zh": part.get("notes_zh", []),
                                                  "stages": part.get("stages", []),
                                                  "key_numbers": part.get("key_numbers", []),
                                                  "findings": part.get("findings", []),
                                                  "recommendations": part.get("recommendations", []),
                                                  "limitations": part.get("limitations", []),
                                                  "demonstrations": part.get("demonstrations", []),
                                                  "demonstration_notes": part.get("demonstration_notes", []),
                                                  "verdicts": part.get("verdicts")}
    manifest.get("not_run", {}).pop(name, None)  # it ran: the report no longer says it did not
    # a file another notebook wrote before (the account list, which the personalisation stage writes again with its
    # next best products) is listed once, as the last writer's
    keep = [a for a in manifest["artefacts"] if a["notebook"] != name and not new_files & set(a["files"])]
    manifest["artefacts"] = sorted(keep + part["artefacts"], key=lambda a: (a["notebook"], a.get("order", 0), a["id"]))
    _write_json_atomic(manifest_path, manifest)
    return len(part["artefacts"]), values


_PUBLISHING = {"active": False, "pending": None}


def _with_producers(names: list[str], study_notebooks: list[str], study, base: Path, out: Path, echo) -> list[str]:
    """``names`` plus, in the study's order, every notebook that produces a stage result one of them needs and whose
    recorded result is missing or stale (its inputs changed since its last good run), so that a subset run never
    reads key accounts made from other data or parameters."""
    infos = {n: nb_mod.info(notebook_path(n)) for n in dict.fromkeys(study_notebooks + names)}
    made_by = {r: n for n in study_notebooks for r in infos[n].produces}
    want = set(names)
    for name in names:
        for need in infos[name].needs:
            producer = made_by.get(need)
            if producer is None or producer in want:
                continue
            params = notebook_parameters(producer, study, base)
            fp = fingerprint(producer, params, study_mod.data_files(study, base, infos[producer].sections))
            state = out / ".state" / f"{producer}.json"
            fresh = (state.exists() and json.loads(state.read_text()) == fp
                     and (out / "results" / f"{need}.pickle").exists())
            if not fresh:
                echo(f"  also running {producer}: {name} reads its {need.replace('_', ' ')}, and its last good run is "
                     "missing or used other inputs")
                want.add(producer)
    return [n for n in dict.fromkeys(study_notebooks + names) if n in want]


def _producers(names: list[str]) -> dict[str, set[str]]:
    """For each notebook, the notebooks among ``names`` that produce a stage result it needs (run those first)."""
    infos = {n: nb_mod.info(notebook_path(n)) for n in names}
    made_by = {r: n for n, i in infos.items() for r in i.produces}
    return {n: {made_by[r] for r in i.needs if r in made_by and made_by[r] != n} for n, i in infos.items()}


def _raise_interrupt(signum, frame):
    """Ctrl-C or a kill stops the run, but never halfway through publishing one notebook's artefacts."""
    if _PUBLISHING["active"]:
        _PUBLISHING["pending"] = signum
        return
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _publishing():
    _PUBLISHING.update(active=True, pending=None)
    try:
        yield
    finally:
        _PUBLISHING["active"] = False
    if _PUBLISHING["pending"] is not None:
        raise KeyboardInterrupt(f"signal {_PUBLISHING['pending']}")


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def output_folder(study: study_mod.Study, quick: bool) -> Path:
    return reports_root() / (study.name + ("-quick" if quick else ""))


def run(study_file: str | Path | None = None, notebooks: list[str] | None = None, *, quick: bool = False,
        force: bool = False, jobs: int | None = None, echo=print) -> list[Outcome]:
    """Run notebooks of a study; returns one :class:`Outcome` per notebook."""
    study_path = Path(study_file) if study_file else None
    study = study_mod.load(study_path, quick=quick)
    base = (study_path or ROOT / "studies" / "default.yaml").resolve().parent
    names = list(notebooks) if notebooks else list(study.notebooks)
    for n in names:
        notebook_path(n)
    if notebooks:  # a subset: the notebooks whose stage results it reads come along when theirs would be stale
        names = _with_producers(names, list(study.notebooks), study, base, output_folder(study, quick), echo)
    out = output_folder(study, quick)
    try:
        (out / ".state").mkdir(parents=True, exist_ok=True)
        probe = out / ".state" / ".writable"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise KamError(f"Cannot write the report folder {out} ({exc.strerror}); fix its permissions or set "
                       "KAM_REPORTS_DIR to a folder you can write.") from None
    with _study_lock(out, study.name):
        logcache.clear(out)  # the kernels share one validated log during the run, never a copy from another run
        try:
            return _run_locked(study, names, base, out, quick=quick, force=force, jobs=jobs, echo=echo)
        finally:
            logcache.clear(out)


@contextlib.contextmanager
def _study_lock(out: Path, name: str):
    """One run per report folder at a time: a second run stops with the first one's pid. The lock is
    an OS file lock, released by the OS when the process ends, however it ends."""
    import fcntl

    handle = open(out / ".lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            raise KamError(f"Another run of study {name} is in progress (pid {pid}) and writes {out}; wait for it to "
                           f"finish, or stop it (kill {pid}).") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _stop_workers(pool) -> None:
    """Kill the pool's worker processes and everything they started (papermill's kernels)."""
    import psutil

    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            tree = psutil.Process(proc.pid)
            for p in tree.children(recursive=True) + [tree]:
                p.kill()
        except psutil.NoSuchProcess:
            pass


def _run_locked(study, names, base, out, *, quick, force, jobs, echo) -> list[Outcome]:
    todo, outcomes = [], []
    after = _producers(names)
    for name in names:
        params = notebook_parameters(name, study, base)
        fp = fingerprint(name, params, study_mod.data_files(study, base, nb_mod.info(notebook_path(name)).sections))
        state_file = out / ".state" / f"{name}.json"
        rerun = {n for n, _, _ in todo}
        if not force and state_file.exists() and json.loads(state_file.read_text()) == fp and not after[name] & rerun:
            outcomes.append(Outcome(name, "skipped", message="inputs unchanged"))
            echo(f"  skip  {name} (inputs unchanged since its last good run; --force to rerun)")
        else:  # changed, or a notebook whose stage results it reads runs again
            todo.append((name, params, fp))
    if not todo:
        return outcomes

    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    echo(f"Running {len(todo)} notebook(s) of study '{study.name}'{' (quick)' if quick else ''} "
         f"on {workers} process(es) -> {out}")
    staging_root = out / ".staging"
    shutil.rmtree(staging_root, ignore_errors=True)
    t0 = time.perf_counter()
    _preload()
    pool = ProcessPoolExecutor(max_workers=workers)
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGTERM, signal.SIGINT)} \
        if _main_thread() else {}
    try:
        futures = {}
        if len(todo) > workers:
            echo(f"  queued {', '.join(n for n, _, _ in todo)}")
        waiting = {name: (params, fp) for name, params, fp in todo}

        processed: set = set()

        def submit_ready() -> None:
            """Submit each waiting notebook whose producers have been published (or are not in this run)."""
            running = {futures[f][0] for f in futures if f not in processed}
            ready = [n for n in waiting if not after[n] & (set(waiting) | running)]
            if not ready and not running:  # a cycle in the declarations: run them in file order
                ready = list(waiting)
            for name in ready:
                params, fp = waiting.pop(name)
                futures[pool.submit(_execute, name, params, str(staging_root / name))] = (name, fp)

        submit_ready()
        done = 0
        while len(processed) < len(futures):
            fut = next(as_completed([f for f in futures if f not in processed]))
            processed.add(fut)
            name, fp = futures[fut]
            done += 1
            res = fut.result()
            if res.get("skipped"):
                with _publishing():
                    _retire(name, out, fp, res["message"], res.get("message_zh"))
                outcomes.append(Outcome(name, "skipped", res["seconds"], message=res["message"]))
                echo(f"  [{done}/{len(todo)}] skip  {name}: {res['message']}")
            elif res["ok"]:
                with _publishing():
                    n_art, values = _publish(name, staging_root / name, out)
                    _write_json_atomic(out / ".state" / f"{name}.json", fp)
                outcomes.append(Outcome(name, "ran", res["seconds"], artefacts=n_art, values=values))
                echo(f"  [{done}/{len(todo)}] done  {name} in {res['seconds']:.1f} s ({n_art} artefacts)")
            else:
                failed_dir = out / "failed"
                failed_dir.mkdir(exist_ok=True)
                src = staging_root / name / f"{name}.ipynb"
                if src.exists():
                    os.replace(src, failed_dir / f"{name}.ipynb")
                outcomes.append(Outcome(name, "failed", res["seconds"], message=res["message"]))
                echo(f"  [{done}/{len(todo)}] FAILED {name}: {res['message']}\n"
                     f"        previous good artefacts kept; executed notebook: {failed_dir / (name + '.ipynb')}")
                for reader in [n for n in waiting if name in after[n]]:  # they would read the last run's results
                    waiting.pop(reader)
                    done += 1
                    why = (f"not run: it reads the stage results of {name}, which failed; its previous good artefacts "
                           "kept")
                    outcomes.append(Outcome(reader, "failed", 0.0, message=why))
                    echo(f"  [{done}/{len(todo)}] FAILED {reader}: {why}")
            submit_ready()
    except BaseException:  # Ctrl-C, kill: stop the workers and their kernels; published results stay as they were
        _stop_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(staging_root, ignore_errors=True)
        raise
    else:
        pool.shutdown()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    shutil.rmtree(staging_root, ignore_errors=True)
    echo(f"Finished in {time.perf_counter() - t0:.1f} s.")
    return outcomes


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `kam run`")
