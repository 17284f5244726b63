"""The ``kam`` command (also ``python -m kamlib``).

    kam run [--study FILE] [NOTEBOOK ...] [--quick] [--force] [--jobs N]
    kam validate [--study FILE]
    kam report [--study FILE] [--quick]
    kam new-case NAME
    kam lab [--study FILE] [--quick] [--no-browser] [--port N]
    kam list
    kam sync-parameters
    kam survey-example {csv,qualtrics,wjx} OUT [--n N] [--seed S]
    kam strategy-example {campaign,programme} OUT [--n N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import time

from ..errors import KamError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kam", description="kam-workbook: run a study's notebooks and build its report.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks with papermill (unchanged ones are skipped)")
    run.add_argument("notebooks", nargs="*", help="notebook ids, e.g. 10_key_accounts (default: the study's list)")
    run.add_argument("--study", help="study YAML file (default: studies/default.yaml)")
    run.add_argument("--quick", action="store_true", help="apply the study's quick: sizes; writes reports/<study>-quick/")
    run.add_argument("--force", action="store_true", help="rerun even when the inputs are unchanged")
    run.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    run.add_argument("--no-report", action="store_true",
                     help="do not rebuild the report afterwards (index.html and every Word or PDF edition it has)")
    val = sub.add_parser("validate", help="check a study file and exit")
    val.add_argument("--study")
    val.add_argument("--quick", action="store_true")
    rep = sub.add_parser("report", help="assemble reports/<study>/index.html from the manifest")
    rep.add_argument("--study")
    rep.add_argument("--quick", action="store_true")
    rep.add_argument("--force", action="store_true", help="rebuild even if the manifest is unchanged")
    rep.add_argument("--format", default="html",
                     help="comma-separated editions: html (always), docx (Word), pdf (typst)")
    lab = sub.add_parser("lab", help="open JupyterLab on the notebooks, bound to a study: each notebook runs on "
                                     "the study's data and parameters without editing its parameters cell")
    lab.add_argument("--study", help="study YAML file (default: studies/default.yaml)")
    lab.add_argument("--quick", action="store_true", help="bind the study's quick: sizes")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser (print the address)")
    lab.add_argument("--port", type=int, default=None, help="the server's port (default: 8888 or the next free one)")
    new = sub.add_parser("new-case", help="scaffold a study for your own data: studies/NAME.yaml and data/NAME/")
    new.add_argument("name")
    sub.add_parser("list", help="list the notebooks with their stage and the study sections they take")
    sub.add_parser("sync-parameters", help="regenerate each notebook's parameters cell from the study schema")
    ex = sub.add_parser("survey-example", help="write simulated responses as a CSV, Qualtrics or 问卷星 export")
    ex.add_argument("format", choices=["csv", "qualtrics", "wjx"])
    ex.add_argument("out")
    ex.add_argument("--n", type=int, default=800)
    ex.add_argument("--seed", type=int, default=20240112)
    ex.add_argument("--instrument", default=None, help="instrument YAML (default: data/survey/instrument.yaml)")
    sx = sub.add_parser("strategy-example",
                        help="write a simulated campaign (one row per customer) or programme panel (account x period) "
                             "in the shape strategy.experiment_source / programme_source read")
    sx.add_argument("kind", choices=["campaign", "programme"])
    sx.add_argument("out", help="a .csv or .parquet path")
    sx.add_argument("--n", type=int, default=None, help="customers (campaign, default 4000) or accounts (programme, default 200)")
    sx.add_argument("--seed", type=int, default=20240112)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            from . import runner

            t0 = time.perf_counter()
            outcomes = runner.run(args.study, args.notebooks, quick=args.quick, force=args.force, jobs=args.jobs)
            failed = [o for o in outcomes if o.status == "failed"]
            if not failed and not args.no_report:  # every edition the folder has, so none is left stale
                _report(args.study, args.quick, formats=None)
            print(f"kam run: {sum(o.status == 'ran' for o in outcomes)} ran, "
                  f"{sum(o.status == 'skipped' for o in outcomes)} skipped, {len(failed)} failed "
                  f"in {time.perf_counter() - t0:.1f} s wall time.")
            return 1 if failed else 0
        if args.command == "validate":
            from . import study

            from .runner import check_data

            try:
                s = study.load(args.study, quick=args.quick)
            except KamError as exc:
                return _unfinished(args.study, exc)
            lines = check_data(args.study, quick=args.quick)
            print(f"{args.study or 'studies/default.yaml'}: valid study '{s.name}' ({len(s.notebooks)} notebooks); "
                  "every data file opens and parses, and the run will finish (a stage the data cannot support "
                  "is named below and skipped with its reason):")
            for line in lines:
                print(f"  {line}")
            for notice in study.notices(s):
                print(f"Notice: {notice}")
            return 0
        if args.command == "lab":
            from . import lab

            return lab.open_lab(args.study, quick=args.quick, browser=not args.no_browser, port=args.port)
        if args.command == "report":
            _report(args.study, args.quick, force=args.force, formats=args.format)
            return 0
        if args.command == "new-case":
            from .cases import new_case

            for line in new_case(args.name):
                print(line)
            return 0
        if args.command == "list":
            from . import notebooks

            for name in notebooks.available():
                nb = notebooks.info(notebooks.path_of(name))
                print(f"{name:20s} stage {nb.stage:10s} study sections: {', '.join(nb.sections)}")
            return 0
        if args.command == "sync-parameters":
            from . import notebooks

            changed = [n for n in notebooks.available() if notebooks.sync(notebooks.path_of(n))]
            print(f"Rewrote the parameters cell of {', '.join(changed)}." if changed
                  else "Every parameters cell already matches the study schema.")
            return 0
        if args.command == "survey-example":
            from ..survey import instrument, responses
            from ..config import DATA

            inst = instrument.load(args.instrument or DATA / "survey" / "instrument.yaml")
            path = responses.write_example(inst, args.format, args.out, n=args.n, seed=args.seed)
            print(f"Wrote {args.n} simulated respondents ({args.format}) to {path}.")
            return 0
        if args.command == "strategy-example":
            from pathlib import Path

            from .. import experiments

            out = Path(args.out)
            if out.suffix.lower() not in {".csv", ".parquet"}:
                raise KamError(f"{out}: write the example as .csv or .parquet.")
            if args.kind == "campaign":
                data = experiments.simulate_campaign(args.n or 4000, seed=args.seed).data
                what = (f"{len(data)} simulated customers; study keys: strategy.experiment_source: {out}, "
                        "experiment_columns as in studies/default.yaml, experiment_treated_value: 1")
            else:
                sim = experiments.simulate_programme(args.n or 200, seed=args.seed)
                data = sim.data[["account", "period", "revenue", "treated"]]
                what = (f"{data['account'].nunique()} simulated accounts x {data['period'].nunique()} periods; study keys: "
                        f"strategy.programme_source: {out}, programme_start: {sim.truth['start']}")
            out.parent.mkdir(parents=True, exist_ok=True)
            if out.suffix.lower() == ".parquet":
                data.to_parquet(out, index=False)
            else:
                data.to_csv(out, index=False)
            print(f"Wrote {what}.")
            return 0
    except KamError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _unfinished(study_file, exc: KamError) -> int:
    """A study that does not validate yet: print what it can already read (:func:`kamlib.workbench.cases.progress`)
    and the next key to set; exit code 2."""
    from .cases import progress
    from ..config import DEFAULT_STUDY

    path = study_file or DEFAULT_STUDY
    done = progress(path) if study_file else None
    if done is None or not (done.lines or done.next):
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if done.lines:
        print(f"{path} is not finished yet; what it reads so far:")
        for line in done.lines:
            print(f"  {line}")
    print(f"next: {done.next}" if done.next else f"error: {exc}", file=sys.stderr)
    return 2


def _report(study_file, quick, force=False, formats="html") -> None:
    """Build the report; ``formats`` None: the HTML page and every edition the report folder already has."""
    from . import editions

    asked = None if formats is None else [f.strip() for f in formats.split(",") if f.strip()]
    for path in editions.write(study_file, quick=quick, formats=asked, force=force):
        print(f"Report: {path}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
