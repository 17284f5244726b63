"""`kam new-case NAME`: scaffold a study for a student's own company data."""

from __future__ import annotations

import re

from ..config import DATA, STUDIES
from ..errors import KamError

GUIDE = """# Case {name}: mapping your own data

1. Put your transaction export in `data/{name}/` (CSV in UTF-8 or GBK, or Parquet).
   One row per order line; it needs a customer id and a date, and for the monetary analyses an amount
   (or a quantity and a unit price). The folder is git-ignored: your export stays on your machine.
2. Open `studies/{name}.yaml` and set
   - `transactions.source: data/{name}/<your file>`
   - `transactions.columns`: the *names in your file* for `customer`, `date`, `amount`
     (optionally `quantity`, `order_id`, `channel`, `category`, `country`). Chinese headers are fine,
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


SCAFFOLD = """# Study for case '{name}'. Start from data/{name}/README.md; `kam validate --study studies/{name}.yaml`
# checks every key. Nothing here comes from another company: set the source, the columns and the periods of
# YOUR data (this file does not validate until they are set). Defaults are written out so you can see them.
name: {name}
title: {{en: "Case study: {name}", zh: "案例研究:{name}"}}
language: en                  # en | zh: the language of the report's first edition
seed: 20240112                # every random start of the analyses
notebooks: [01_data_overview, 10_key_accounts, 30_segments, 35_churn, 40_strategy, 45_personalisation]

transactions:
  source: data/{name}/YOUR_EXPORT.csv    # your order-lines export: CSV (UTF-8 or GBK), Excel or Parquet
  # tables:                   # a multi-table export (orders + lines + customers + products): see docs/running.md
  columns:                    # the names in YOUR file for each role (null: the file has no such column)
    customer: null            # required: the person-level customer id (not a per-order id)
    date: null                # required: the order date
    amount: null              # paid amount per line; null: quantity x unit_price, or no amounts at all
    quantity: null
    unit_price: null
    order_id: null            # invoice or order number (baskets; tells duplicate lines apart)
    product: null             # product or SKU code (cross-selling, recommendation)
    description: null         # product name (content-based recommendation)
    channel: null
    country: null
    category: null
  encoding: auto              # auto tries UTF-8 (with or without BOM), then GBK/GB18030
  date_format: null           # e.g. "%d/%m/%Y %H:%M"; null: ISO dates, or day-first only when the file proves it
  decimal: null               # "." or ","; null: the file must show it
  timezone: null              # e.g. Asia/Shanghai, for dates with UTC offsets
  sheet: null                 # Excel sheet (name or 0-based position)
  negative_amounts: drop      # drop | net (returns netted against the customer's purchases)
  zero_amounts: keep          # keep | drop
  duplicates: auto            # auto (drop lines identical in every column when order_id is mapped) | drop | keep
  as_of: null                 # dates after this are "future"; null = today
  exclude_products: []        # codes that are not products (postage, fees)
  cancellation_prefix: null   # order ids starting with this are cancellations
  currency: null              # e.g. CNY, shown on every money axis
  sample_share: null

clv:                          # periods inside YOUR data's span (`kam validate` prints it)
  unit: W                     # D | W | M
  calibration_start: null     # required: usually the first date of the log
  calibration_end: null       # required: e.g. two thirds into the log
  holdout_end: null           # required: the last date of the log or earlier
  models: [bgnbd, paretonbd, mbgnbd, mbgcnbd, bgcnbd]
  horizon_months: 12
  discount_rate: 0.10
  bootstrap: 100

quick:                        # `kam run --quick`: smaller sizes for a first look
  clv: {{bootstrap: 10}}
  segments: {{k_max: 5, stability_seeds: 3}}
  strategy: {{bootstrap: 30, experiment_n: 4000}}
"""


def new_case(name: str) -> list[str]:
    """Create ``studies/NAME.yaml`` (a neutral scaffold: every key written out, nothing taken from the
    default company, not valid until the source, columns and periods are set), ``data/NAME/`` and
    ``data/NAME/README.md``; returns what was made."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise KamError(f"Case name {name!r} may use only letters, digits, '-' and '_'; choose another name.")
    study_file = STUDIES / f"{name}.yaml"
    if study_file.exists():
        raise KamError(f"{study_file} already exists; choose another name or edit that file.")
    folder = DATA / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(GUIDE.format(name=name), encoding="utf-8")
    study_file.write_text(SCAFFOLD.format(name=name), encoding="utf-8")
    return [f"created {study_file.relative_to(STUDIES.parent)}",
            f"created {folder.relative_to(DATA.parent)}/README.md (how to map your columns)",
            f"next: put your data in {folder.relative_to(DATA.parent)}/ (git-ignored) and edit the study file"]
