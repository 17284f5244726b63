"""Logs unlike the two the workbook ships with: every transaction notebook runs to the end on each shape, and
every stage the data cannot support is named with its sentence (tests/shapes.py makes the shapes).

Unit tests of the preconditions (kamlib.stages), the id-level check, the duplicate rule and the zero periods
use hand-made logs whose right answers are counted here, not copied from a run.
"""

import json

import pandas as pd
import pytest

from kamlib import describe, lifecycle, stages, transactions
from kamlib.workbench import runner

import exports
import shapes

NOTEBOOKS = ["01_data_overview", "10_key_accounts", "30_segments", "35_churn", "40_strategy", "45_personalisation"]
QUICK = {"clv": {"bootstrap": 2, "models": ["bgnbd", "paretonbd"]},  # the smallest sizes the schema allows
         "segments": {"k_max": 3, "stability_seeds": 2, "gap_refs": 2},
         "strategy": {"bootstrap": 5, "experiment_n": 400, "did_accounts": 20, "peeking_sims": 100},
         "personalisation": {"bootstrap": 5}}

#: For each shape, stages that must be named as not applying (notebook, stage) and notebooks skipped whole.
#: (``ordinary`` is the two shipped studies' case; ``per_order_ids`` behaves in the notebooks as
#: ``nobody_repeats`` and is checked where it differs: the warning of ``kam validate`` and 01_data_overview.)
EXPECTED = {
    "nobody_repeats": ([("10_key_accounts", "purchase models"), ("35_churn", "churn models")], []),
    "one_customer": ([("10_key_accounts", "purchase models"), ("30_segments", "behavioural segments")], []),
    "one_product": ([], ["45_personalisation"]),
    "no_amounts": ([("10_key_accounts", "revenue concentration"), ("30_segments", "behavioural segments"),
                    ("40_strategy", "selection rules")], ["45_personalisation"]),
    "few_days": ([], []),
    "empty_months": ([], []),
    "one_day": ([("10_key_accounts", "calibration summary"), ("35_churn", "churn on the transactions")], []),
    "holdout_past_end": ([("10_key_accounts", "calibration summary"), ("40_strategy", "calibration summary")], []),
    "no_dropout": ([("35_churn", "churn models")], []),
}


def _study(tmp_path, shape):
    over = shapes.make(shape, tmp_path)
    study = {"name": f"shape-{shape.replace('_', '-')}", "notebooks": NOTEBOOKS, "transactions": {}, "clv": {},
             "quick": QUICK}
    return exports.write_study(tmp_path / f"{shape}.yaml", study, over), study["name"]


@pytest.mark.notebook
@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_every_transaction_notebook_runs_on_the_shape(shape, tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path, name = _study(tmp_path, shape)
    outcomes = runner.run(path, quick=True, jobs=2, echo=lambda *a: None)
    not_run, skipped_whole = EXPECTED[shape]
    status = {o.notebook: o.status for o in outcomes}
    assert not [o for o in outcomes if o.status == "failed"], [(o.notebook, o.message) for o in outcomes]
    assert sorted(n for n, s in status.items() if s == "skipped") == skipped_whole
    for o in outcomes:
        if o.status == "skipped":  # a notebook skipped whole says why in one sentence with the fix
            assert o.message.endswith(".") and ("map " in o.message or "apply" in o.message), o.message
    out = tmp_path / "reports" / f"{name}-quick"
    manifest = json.loads((out / "manifest.json").read_text())
    recorded = {(nb, s["stage"]): s for nb, rec in manifest["notebooks"].items() for s in rec.get("stages", [])}
    for key in not_run:
        assert key in recorded and not recorded[key]["ran"], (key, recorded.get(key))
    for (nb, stage), s in recorded.items():
        if not s["ran"]:
            assert s["reason"].strip(), (nb, stage)  # never skipped without a sentence
            notes = manifest["notebooks"][nb]["notes"]
            assert s["blocked_by"] or s["reason"] in notes
    # no table written from empty data, no figure from a stage that did not run
    for a in manifest["artefacts"]:
        if a["kind"] == "table":
            assert a["rows"] > 0, a["id"]
    if shape == "no_amounts":  # the report says what did not run: summary and limitations, never "None"
        from kamlib.workbench import editions

        editions.write(path, quick=True, formats=["html"])
        page = (out / "index.html").read_text(encoding="utf-8")
        assert "Not every analysis applies to this data" in page and "45_personalisation did not run" in page
        assert "a product per line" in page and "customers and dates only" in page
        assert ">None<" not in page and ">nan<" not in page.lower()
    # no traceback in any executed notebook
    for nb in status:
        if status[nb] == "ran":
            cells = json.loads((out / "notebooks" / f"{nb}.ipynb").read_text())["cells"]
            assert not [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"], nb


@pytest.mark.notebook
def test_a_per_order_customer_id_is_named_by_validate_and_the_data_overview(tmp_path, monkeypatch):
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    path, name = _study(tmp_path, "per_order_ids")
    lines = runner.check_data(path)
    assert any(line.strip().startswith("warning: Every one of the") and "person-level id" in line for line in lines)
    assert any("will not run: 10_key_accounts / purchase models" in line for line in lines)
    [outcome] = runner.run(path, ["01_data_overview"], quick=True, jobs=1, echo=lambda *a: None)
    assert outcome.status == "ran", outcome.message
    notes = json.loads((tmp_path / "reports" / f"{name}-quick" / "manifest.json").read_text())["notebooks"][
        "01_data_overview"]["notes"]
    assert any("exactly one order id" in n for n in notes)


def _log(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d["date"]))


def test_purchase_models_need_repeat_buyers():
    s = pd.DataFrame({"frequency": [0] * 40 + [1] * 9, "recency": 1.0, "T": 10.0})
    check = stages.purchase_models(s, period="by 2024-06-30")
    assert not check and "9 of 49 (18%) bought on a second day by 2024-06-30" in check.reason
    assert stages.purchase_models(s.assign(frequency=1))
    assert not stages.purchase_models(s.head(5))  # too few customers


def test_spend_model_needs_varying_positive_spend():
    s = pd.DataFrame({"frequency": [2] * 30, "monetary_value": 10.0})
    assert "spend the same" in stages.spend_model(s).reason
    assert stages.spend_model(s.assign(monetary_value=range(1, 31)))
    assert "needs amounts" in stages.spend_model(s.assign(monetary_value=float("nan"))).reason


def test_holdout_window_inside_the_log():
    tx = _log([("a", "2024-01-01", 1), ("a", "2024-03-01", 1)])
    assert stages.holdout(tx, calibration_end="2024-02-01", holdout_end="2024-03-01")
    late = stages.holdout(tx, calibration_end="2024-02-01", holdout_end="2024-06-01")
    assert not late and "92 days without data" in late.reason and "2024-03-01 or earlier" in late.reason
    assert not stages.holdout(tx, calibration_end="2024-03-01", holdout_end="2024-04-01")


def test_churn_needs_both_outcomes_and_clustering_enough_customers():
    assert not stages.churn([1] * 30 + [0] * 3) and stages.churn([1] * 12 + [0] * 12)
    assert not stages.clustering(30, 8) and stages.clustering(40, 8)


def test_products_baskets_and_amounts():
    tx = _log([("a", "2024-01-01", 0), ("b", "2024-01-02", 0)])
    assert "all 2 amounts are 0" in stages.amounts(tx).reason
    assert "customers and dates only" in stages.amounts(tx.drop(columns="amount")).reason
    assert "has 1" in stages.products(tx.assign(product="x")).reason
    lines = pd.DataFrame({"basket_id": ["1", "2", "2"], "item": ["x", "x", "y"]})
    assert stages.baskets(lines) and not stages.baskets(lines.iloc[:2])
    # a product twice in one basket, or a missing product, is not a second product (as a groupby's nunique says)
    twice = pd.DataFrame({"basket_id": ["1", "1", "2", "2", None], "item": ["x", "x", "y", None, "z"]})
    assert not stages.baskets(twice) and "none of the 2 baskets" in stages.baskets(twice).reason
    coded = lines.astype("category")  # the categorical lines of kamlib.act.baskets.from_transactions
    assert stages.baskets(coded) and not stages.baskets(coded.iloc[:2])


def test_an_order_level_customer_id_and_one_date_are_named():
    n = 30
    tx = pd.DataFrame({"customer_id": [f"o{i}" for i in range(n)], "order_id": [f"o{i}" for i in range(n)],
                       "date": pd.Timestamp("2024-01-01"), "amount": 1.0})
    problems = stages.identify_problems(tx)
    assert any("exactly one order id" in p and "person-level id" in p for p in problems)
    assert any("All 30 lines fall on one day" in p for p in problems)
    # people who each order more than once: no warning
    repeat = tx.assign(customer_id=[f"c{i % 10}" for i in range(n)], date=pd.date_range("2024-01-01", periods=n))
    assert stages.identify_problems(repeat) == []


def test_duplicates_are_lines_identical_in_every_column_of_the_file(tmp_path):
    """Two entries of one product in one order differ only in the line number: both are kept; a line the export
    repeats in every column is dropped, and the report says how much amount that removed."""
    p = tmp_path / "lines.csv"
    p.write_text("order,line,cust,day,sku,qty,price\n"
                 "1,1,a,2024-01-01,x,1,5\n"
                 "1,2,a,2024-01-01,x,1,5\n"
                 "1,2,a,2024-01-01,x,1,5\n"
                 "2,1,b,2024-01-02,y,2,3\n")
    got = transactions.load(str(p), columns={"customer": "cust", "date": "day", "order_id": "order", "product": "sku",
                                             "quantity": "qty", "unit_price": "price"})
    assert len(got.data) == 3 and got.data["amount"].sum() == 16.0
    rules = got.report.set_index("rule")
    assert rules.loc["exact duplicate dropped", "rows_dropped"] == 1
    assert rules.loc["exact duplicate dropped", "amount_dropped"] == 5.0
    assert "every column of the file" in rules.loc["exact duplicate dropped", "fix"]
    assert rules.loc["same mapped values, other columns differ: kept", "rows_flagged"] == 1


def test_months_without_sales_are_zeros():
    tx = _log([("a", "2024-01-05", 10), ("b", "2024-04-10", 5), ("a", "2024-04-20", 2)])
    m = describe.monthly(tx)
    assert m["month"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert m["revenue"].tolist() == [10, 0, 0, 7] and m["orders"].tolist() == [1, 0, 0, 2]
    coh = lifecycle.cohort_retention(tx)
    assert coh.loc["2024-01", 1] == 0 and coh.loc["2024-01", 3] == 1  # a's empty months are 0, its return counts
    assert pd.isna(coh.loc["2024-04", 1])  # not observed: after the log ends


def test_a_study_with_its_own_source_starts_from_plain_defaults(tmp_path):
    from kamlib.workbench.study import PLAIN_DEFAULTS, Study

    s = Study.model_validate({"transactions": {"source": "x.csv", "columns": {"customer": "c", "date": "d",
                                                                              "quantity": "q", "unit_price": "p"}}})
    t = s.transactions
    assert t.columns.amount is None and t.columns.product is None  # amount = quantity x unit price
    for key, value in PLAIN_DEFAULTS.items():
        assert getattr(t, key) == value, key
    bare = Study.model_validate({"transactions": {"source": "x.csv"}}).transactions.columns
    assert (bare.customer, bare.date, bare.amount, bare.product) == ("customer_id", "date", "amount", None)


def test_a_log_of_customer_and_date_only_loads_and_summarises(tmp_path):
    from kamlib import rfm

    p = tmp_path / "events.csv"
    p.write_text("cust,day\na,2024-01-01\na,2024-02-01\nb,2024-01-15\n")
    tx = transactions.load(str(p), columns={"customer": "cust", "date": "day"}).data
    assert list(tx.columns) == ["customer_id", "date"]
    s = rfm.summary(tx, end="2024-03-01")
    assert s.loc["a", "frequency"] == 1 and s["monetary_value"].isna().all()
