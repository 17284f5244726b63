"""`kam new-case NAME`: scaffold a study for a student's own company data; :func:`progress` says how far an
unfinished one has got (what ``kam validate`` prints before the study validates)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DATA, STUDIES
from ..errors import ArgumentError, KamError

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
     the run unless the file shows the order (a day above 12) or date_format says it. Timestamps such as
     1530469977 (Unix time, seconds or milliseconds since 1970) are `date_format: epoch`, shown in
     `transactions.timezone` (UTC when it is not set).
   - `transactions.filter` for an event log that lists views, carts and purchases in one file: e.g.
     `filter: {{behavior_type: [buy]}}` keeps the purchases (the other events make the purchase funnel).
   - `transactions.decimal` (`"."` or `","`) if amounts such as 1,234 could be read either way;
     `transactions.timezone` (e.g. `Asia/Shanghai`) if dates carry UTC offsets;
     `transactions.sheet` for an Excel file whose data is not on the first sheet.
   - `clv.calibration_start`, `clv.calibration_end`, `clv.holdout_end` inside your data's span.
3. Check the file: `.venv/bin/kam validate --study studies/{name}.yaml`. Before the study is finished it prints
   what it can already read (your file's columns with a guess of each one's role, the log's span once the
   customer and date are mapped, and calibration and holdout dates to start from) and the next key to set.
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

Your own literature: the study starts with none of another company's sources, so its report codes no
practice source and sets no claim against your data, and says so. To add the sources of your case (reports,
slides, interviews, papers about your company or market), copy the column layout of the files in
`data/literature/` into `data/{name}/`: `sources.csv` (one row per source, ids such as S001), `coding.csv` (your
manual coding: source, unit, theme, coder, note), optionally `facts.csv` (numbers your sources state, ids such as
F001) and `claims.csv` (claims your data can test, each with a check); point `literature.sources`,
`literature.coding`, `literature.facts` and `literature.claims` at them and add `00_literature` to `notebooks:`.

Campaign assumptions: the test plan and the budget split use a baseline conversion, a lift to detect and a
response per tier (`strategy.baseline_conversion`, `strategy.relative_lift`, `strategy.key_extra_lift`,
`strategy.uplift`). Left out, they are the workbook's stated values, and the report says so; set your own and
say where each comes from in `strategy.basis` (the ids of your facts or sources, or `[assumption]`).

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
    profit: null              # the line's gross profit, for tiers.rank_by: profit (or map cost)
    cost: null                # the line's total cost: profit = amount - cost
  encoding: auto              # auto tries UTF-8 (with or without BOM), then GBK/GB18030
  date_format: null           # e.g. "%d/%m/%Y %H:%M", or epoch for Unix times (1530469977); null: ISO dates
  filter: null                # an event log: keep the purchases, e.g. {{behavior_type: [buy]}}
  decimal: null               # "." or ","; null: the file must show it
  timezone: null              # e.g. Asia/Shanghai, for dates with UTC offsets and Unix times (else UTC)
  sheet: null                 # Excel sheet (name or 0-based position)
  negative_amounts: drop      # drop | net (returns netted against the customer's purchases)
  zero_amounts: keep          # keep | drop
  duplicates: auto            # auto (drop lines identical in every column when order_id is mapped) | drop | keep
  as_of: null                 # dates after this are "future"; null = today
  exclude_products: []        # codes that are not products (postage, fees)
  cancellation_prefix: null   # order ids starting with this are cancellations
  currency: null              # e.g. CNY, shown on every money axis
  sample_share: null

clv:                          # periods inside YOUR data's span (`kam validate` prints it and suggests dates)
  unit: W                     # D | W | M
  calibration_start: null     # required: usually the first date of the log
  calibration_end: null       # required: e.g. two thirds into the log
  holdout_end: null           # required: the last date of the log or earlier
  models: [bgnbd, paretonbd, mbgnbd, mbgcnbd, bgcnbd]
  horizon_months: 12
  discount_rate: 0.10
  bootstrap: 100

tiers:                        # who the key accounts are
  key_share: 0.20             # the top 20% of the candidates by the ranking measure
  rank_by: revenue            # revenue | profit (map profit or cost) | clv (the model chosen on the holdout)
  candidates: null            # only these customers may be key accounts, e.g. {{channel: [Corporate]}}
  max_inactive_days: auto     # days without a purchase that put a key account at risk (when P(alive) cannot);
                              # auto: the 90th percentile of your customers' gaps between purchases

strategy:                     # campaign assumptions: none declared, so the test plan and the budget split use the
                              # workbook's stated values and the report says so. Declare yours with their basis:
  # baseline_conversion: 0.05 # e.g. your last campaign's conversion rate
  # relative_lift: 0.10       # the lift the next campaign test should detect
  # uplift: {{Key account: 0.04, At-risk key account: 0.15, Potential key account: 0.10, Develop: 0.06, Maintain: 0.02}}
  # basis: {{baseline_conversion: [F001], relative_lift: [assumption], uplift: [assumption]}}  # ids of your
  #                           # literature.facts or literature.sources, or [assumption] (your own judgement)
  budget: 10000               # retention budget to split across tiers (in transactions.currency)

# literature:                 # the practice sources of YOUR case: none declared, so the report codes none and sets
#                             # no claim against your data, and says so. To add yours, copy the columns of the files
#                             # in data/literature/ into data/{name}/, uncomment, and add 00_literature to notebooks:
#   sources: data/{name}/sources.csv   # one row per source (ids S001, ...): title, authors, year, type, language ...
#   coding: data/{name}/coding.csv     # your manual coding: source, unit (section or slide), theme, coder, note
#   facts: data/{name}/facts.csv       # numbers your sources state, cited by id (F001, ...); optional
#   claims: data/{name}/claims.csv     # claims your data can test: id, source, location, claim, check; optional

report:
  demonstrations: auto        # method demonstrations on other data (telecom churn, textbook examples, simulated
                              # campaigns and survey answers...): auto = off for your own data | off | appendix

quick:                        # `kam run --quick`: smaller sizes for a first look
  clv: {{bootstrap: 10}}
  segments: {{k_max: 5, stability_seeds: 3}}
  strategy: {{bootstrap: 30, experiment_n: 4000}}
"""


def new_case(name: str) -> list[str]:
    """Create ``studies/NAME.yaml`` (a neutral scaffold: every key written out, nothing taken from the
    default company, not valid until the source, columns and periods are set; no practice sources, claims or
    campaign assumptions, with comments on how to declare the case's own), ``data/NAME/`` and
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


#: Words in column names that suggest a role (lower case; Chinese by substring), in the order they are tried.
ROLE_WORDS = {
    "date": ("date", "time", "timestamp", "datetime", "day", "ts", "created", "日期", "时间", "时刻"),
    "order_id": ("order", "invoice", "receipt", "basket", "订单", "单号", "发票"),
    "customer": ("customer", "client", "user", "member", "buyer", "consumer", "person", "account", "cust", "uid",
                 "客户", "用户", "会员", "买家", "顾客"),
    "amount": ("amount", "revenue", "sales", "total", "paid", "payment", "spend", "value", "金额", "实付", "销售额",
               "实收"),
    "unit_price": ("price", "单价", "价格"),
    "quantity": ("quantity", "qty", "units", "count", "数量", "件数"),
    "description": ("description", "desc", "title", "name", "名称", "品名", "描述"),
    "category": ("category", "cat", "class", "department", "类目", "品类", "类别"),
    "product": ("product", "item", "sku", "stock", "goods", "article", "商品", "货号", "产品"),
    "channel": ("channel", "platform", "source", "store", "shop", "渠道", "平台", "店铺"),
    "country": ("country", "region", "province", "city", "state", "国家", "地区", "省", "城市"),
    "event": ("behavior", "behaviour", "event", "action", "activity", "行为", "事件"),
}
_ID_WORDS = {"id", "no", "nr", "num", "number", "code", "key", "type"}


def _tokens(name: str) -> list[str]:
    """The words of a column name: ``InvoiceDate`` -> invoice, date; ``user_id`` -> user, id."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name))
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def guess_role(name: str, values=None) -> tuple[str | None, str]:
    """A guess of a column's role from its name (and a look at its values), with a hint for the study file.

    English names are read word by word from the last (``InvoiceDate`` is a date, ``InvoiceNo`` an order
    id, ``item_id`` a product); Chinese names by the words they contain. A date column whose values are
    Unix times gets the hint ``date_format: epoch``; an event column (views, carts, purchases) the hint
    to filter it.

    Parameters
    ----------
    name : str
        The column's name in the file.
    values : Series, optional
        Its values, to recognise Unix times and event names.

    Returns
    -------
    role : str or None
        A role of ``transactions.columns`` or ``"event"``; None when nothing suggests one.
    hint : str
        What to write in the study file, or "".

    Examples
    --------
    >>> from kamlib.workbench.cases import guess_role
    >>> guess_role("InvoiceDate")[0], guess_role("user_id")[0], guess_role("下单时间")[0], guess_role("misc")[0]
    ('date', 'customer', 'date', None)
    """
    import pandas as pd

    from .. import parsing

    role = None
    words = [t for t in _tokens(name) if t not in _ID_WORDS] or _tokens(name)
    for word in reversed(words):
        role = next((r for r, vocab in ROLE_WORDS.items() if word in vocab), None)
        if role:
            break
    if role is None:
        role = next((r for r, vocab in ROLE_WORDS.items()
                     if any(w in str(name) for w in vocab if not w.isascii())), None)
    sample = pd.Series(values).dropna().head(1000) if values is not None else pd.Series([], dtype=object)
    if len(sample) and parsing.looks_epoch(sample) and role in (None, "date"):
        return "date", "Unix time: also set transactions.date_format: epoch"
    if role == "event" or (role is None and len(sample)):
        kinds = {str(v).strip().lower() for v in sample.unique()[:50]}
        from ..transactions import FUNNEL_STEPS

        buys = [v for v in sample.astype(str).str.strip().unique() if v.lower() in FUNNEL_STEPS[-1]]
        if kinds & {w for step in FUNNEL_STEPS for w in step} and (role == "event" or len(kinds) <= 8):
            keep = buys[0] if buys else sorted(kinds)[0]
            return "event", f"an event log: keep the purchases with transactions.filter: {{{name}: [{keep}]}}"
    return role, ""


@dataclass(frozen=True)
class Progress:
    """How far an unfinished study has got: what could be read, and the next key to set (one sentence)."""

    lines: list = field(default_factory=list)
    next: str | None = None
    suggested: dict = field(default_factory=dict)


def suggest_periods(first: dt.date, last: dt.date) -> dict:
    """Calibration and holdout dates from a log's span: calibration from the first day to two thirds into the
    span, the holdout to the last day.

    Parameters
    ----------
    first, last : date
        The log's first and last day.

    Returns
    -------
    dict
        ``calibration_start``, ``calibration_end`` and ``holdout_end`` (dates).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamlib.workbench.cases import suggest_periods
    >>> suggest_periods(dt.date(2024, 1, 1), dt.date(2024, 12, 31))["calibration_end"]
    datetime.date(2024, 8, 31)
    """
    span = (last - first).days
    return {"calibration_start": first, "calibration_end": first + dt.timedelta(days=round(span * 2 / 3)),
            "holdout_end": last}


def progress(study_file: str | Path) -> Progress:
    """Read what an unfinished study already allows: its data file, the columns with a guess of each one's
    role, the log's shape and span once the customer and date are mapped, and periods suggested from the
    span; and name the next key to set, in plain words.

    ``kam validate`` prints this when the study does not validate yet. A study counts as unfinished while its
    ``transactions.source`` is not an existing file, or it leaves the customer or date column or a period of
    ``clv`` null (as ``kam new-case`` writes it); for a finished study nothing is read (its own error is the
    one to fix). Nothing is raised: a step that cannot be taken becomes the next key to set.

    Parameters
    ----------
    study_file : str or Path
        The study YAML.

    Returns
    -------
    Progress
        ``lines`` to print, ``next`` (None when the data part of the study is complete: the study's own
        error is then the next thing to fix) and the ``suggested`` periods.
    """
    import yaml
    from pydantic import ValidationError

    from .. import stages, transactions
    from . import study as study_mod
    from .notebook import study_key_sentence

    path = Path(study_file)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=study_mod.UniqueKeyLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return Progress()
    if not isinstance(raw, dict) or not isinstance(raw.get("transactions"), dict) \
            or "source" not in raw["transactions"]:
        return Progress()  # the study's own source (the shipped data) or no mapping to read: nothing to guide
    tx = dict(raw["transactions"])
    source = str(tx.get("source") or "")
    columns = tx.get("columns") if isinstance(tx.get("columns"), dict) else {}
    clv = raw.get("clv") if isinstance(raw.get("clv"), dict) else {}
    unset = ([not source, columns.get("customer", "") is None, columns.get("date", "") is None]
             + [k in clv and clv[k] is None for k in ("calibration_start", "calibration_end", "holdout_end")])
    builtin = source in ("cdnow", "cdnow_sample")
    if not any(unset) and (builtin or study_mod.resolve(source, path.resolve().parent).is_file()):
        return Progress()  # a finished study: its own error is the one to fix
    lines: list[str] = []
    if not builtin:
        file = study_mod.resolve(source, path.resolve().parent) if source else None
        if file is None or not file.is_file():
            folder = file.parent if file is not None else None
            have = sorted(f.name for f in folder.iterdir() if f.is_file() and f.name != "README.md") \
                if folder is not None and folder.is_dir() else []
            where = f" ({folder.relative_to(folder.parents[1]) if len(folder.parents) > 1 else folder}/ has: " \
                    f"{', '.join(have[:8])})" if have else ""
            return Progress(lines, f"set transactions.source to the path of your export (CSV, Excel or Parquet), "
                                   f"e.g. data/{raw.get('name', 'NAME')}/orders.csv{where}.")
        try:
            table = transactions.read_table(file, encoding=tx.get("encoding") or "auto", sheet=tx.get("sheet"))
        except KamError as exc:
            return Progress(lines, f"{exc} (study key: transactions.source)")
        lines.append(f"{source}: {len(table):,} rows, {len(table.columns)} columns; a guess of each column's role:")
        guesses = {}
        width = max(len(str(c)) for c in table.columns)
        for col in table.columns:
            role, hint = guess_role(col, table[col])
            guesses.setdefault(role, col)
            values = table[col].dropna()
            example = f"e.g. {str(values.iloc[0])!r}" if len(values) else "empty"
            lines.append(f"  {str(col):{width}s}  {role or '?':11s} {values.nunique():>9,} distinct, {example}"
                         + (f"; {hint}" if hint else ""))
        for role, what in (("customer", "the person-level customer id (not an order id)"),
                           ("date", "the order date or time")):
            mapped = columns.get(role, transactions.DEFAULT_COLUMNS[role])  # unwritten: the plain column name
            if mapped is None:
                guess = guesses.get(role)
                return Progress(lines, f"set transactions.columns.{role} to the name of your file's column of {what}"
                                       + (f"; {guess!r} looks like it." if guess is not None else "."))
            if mapped is not None and mapped not in table.columns:
                return Progress(lines, f"transactions.columns.{role} is {mapped!r}, which {source} does not have; "
                                       f"set it to one of the columns listed above.")
    try:
        model = study_mod.Study.model_validate({"transactions": tx}).transactions
    except ValidationError as err:
        return Progress(lines, study_mod.explain_validation(err, path).removeprefix(f"{path}: "))
    file_of = source if builtin else str(study_mod.resolve(source, path.resolve().parent))
    keys = {k: f"transactions.{k}" for k in type(model).model_fields}
    try:
        loaded = transactions.load(
            file_of, columns=model.columns.model_dump(), encoding=model.encoding, date_format=model.date_format,
            negative_amounts=model.negative_amounts, zero_amounts=model.zero_amounts, duplicates=model.duplicates,
            as_of=model.as_of, exclude_products=model.exclude_products,
            cancellation_prefix=model.cancellation_prefix, decimal=model.decimal, timezone=model.timezone,
            sheet=model.sheet, filter=model.filter,
            tables={k: {"source": str(study_mod.resolve(t.source, path.resolve().parent)), "on": t.on}
                    for k, t in model.tables.items()} if model.tables else None)
    except ArgumentError as exc:
        return Progress(lines, study_key_sentence(exc, keys))
    except KamError as exc:
        return Progress(lines, str(exc))
    shape = stages.shape(loaded.data)
    read = int(loaded.report["rows_dropped"].iloc[-1]) + len(loaded.data)
    lines.append(f"the log: {len(loaded.data):,} of {read:,} rows kept, {shape['customers']:,} customers "
                 f"({shape['repeat_share']:.0%} bought on more than one day), {shape['first_date']} to "
                 f"{shape['last_date']} ({shape['span_days']:,} days), "
                 + ("amounts" if shape["amounts"] else "no amounts"))
    lines += [f"  warning: {w}" for w in loaded.warnings]
    suggested = suggest_periods(dt.date.fromisoformat(shape["first_date"]), dt.date.fromisoformat(shape["last_date"]))
    lines.append("suggested periods: " + ", ".join(f"clv.{k}: {v.isoformat()}" for k, v in suggested.items())
                 + " (calibration on the first two thirds of the span, the holdout on the last third)")
    unset = [k for k in suggested if clv.get(k) is None]
    if unset:
        return Progress(lines, "set " + ", ".join(f"clv.{k}: {suggested[k].isoformat()}" for k in unset)
                        + " (the suggested periods above), or other dates inside the log's span.", suggested)
    return Progress(lines, None, suggested)
