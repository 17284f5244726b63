"""`kam new-case NAME`: scaffold a study for a student's own company data."""

from __future__ import annotations

import re

import yaml

from ..config import DATA, DEFAULT_STUDY, STUDIES
from ..errors import KamError

GUIDE = """# Case {name}: mapping your own data

1. Put your transaction export in `data/{name}/` (CSV in UTF-8 or GBK, or Parquet).
   One row per order line; it needs a customer id, a date and an amount.
2. Open `studies/{name}.yaml` and set
   - `transactions.source: data/{name}/<your file>`
   - `transactions.columns`: the *names in your file* for `customer`, `date`, `amount`
     (optionally `quantity`, `order_id`, `channel`, `category`). Chinese headers are fine,
     e.g. `customer: 客户ID`, `date: 下单时间`, `amount: 实付金额`.
   - `transactions.date_format` if dates are not ISO (e.g. `"%Y/%m/%d"`); dates such as 04/03/2024 stop
     the run unless the file shows the order (a day above 12) or date_format says it.
   - `transactions.decimal` (`"."` or `","`) if amounts such as 1,234 could be read either way;
     `transactions.timezone` (e.g. `Asia/Shanghai`) if dates carry UTC offsets;
     `transactions.sheet` for an Excel file whose data is not on the first sheet.
   - `clv.calibration_start`, `clv.calibration_end`, `clv.holdout_end` inside your data's span.
3. Check the file: `.venv/bin/kam validate --study studies/{name}.yaml`
4. Run: `.venv/bin/kam run --study studies/{name}.yaml` (reports go to `reports/{name}/`).

Survey data: set `survey.source` to your CSV, Qualtrics or 问卷星 export and `survey.format`
(`csv`, `qualtrics` or `wjx`); `survey.mapping` maps your column names to the instrument's items:
copy `data/survey/qualtrics_mapping.yaml` or `data/survey/wjx_mapping.yaml` into `data/{name}/` and edit
the left-hand side. `.venv/bin/kam survey-example wjx example.csv` writes a file in the expected shape.

Campaign and programme data: set `strategy.experiment_source` to a file with one row per customer of
a randomised campaign (its arm, revenue, optionally conversion, pre-period spend, tier, segment) and
`strategy.experiment_columns` / `strategy.experiment_treated_value` to its column names and the treated
arm's label; set `strategy.programme_source` to a panel with one row per account and period (account,
period, outcome, treated 0/1) and `strategy.programme_start` to the programme's first period. Left at
`simulated`, both are simulated and labelled so. `.venv/bin/kam strategy-example campaign example.csv`
(or `programme`) writes a file in the expected shape.

Only some stages apply to your case? Shorten `notebooks:` in the study file.
Every error names the file, column or key to fix.
"""


def new_case(name: str) -> list[str]:
    """Create ``studies/NAME.yaml``, ``data/NAME/`` and ``data/NAME/README.md``; returns what was made."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise KamError(f"Case name {name!r} may use only letters, digits, '-' and '_'; choose another name.")
    study_file = STUDIES / f"{name}.yaml"
    if study_file.exists():
        raise KamError(f"{study_file} already exists; choose another name or edit that file.")
    raw = yaml.safe_load(DEFAULT_STUDY.read_text(encoding="utf-8"))
    raw["name"] = name
    raw["title"] = f"Case study: {name}"
    raw["transactions"]["source"] = "cdnow_sample"
    folder = DATA / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(GUIDE.format(name=name), encoding="utf-8")
    header = (f"# Study for case '{name}'. Start from data/{name}/README.md; "
              "`kam validate --study` checks every key.\n")
    study_file.write_text(header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return [f"created {study_file.relative_to(STUDIES.parent)}",
            f"created {folder.relative_to(DATA.parent)}/README.md (how to map your columns)",
            f"next: put your data in {folder.relative_to(DATA.parent)}/ and edit the study file"]
