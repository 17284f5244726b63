"""A multi-table export (a marketplace's orders, order lines, customers and products) maps through the study
file alone: the tables are joined in DuckDB by their keys, and the right answers are counted here with pandas."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from kamlib import transactions
from kamlib.errors import KamError
from kamlib.workbench import runner


def marketplace(folder, n_people=60, seed=3):
    """Four tables shaped like a marketplace export: a per-order ``customer_id`` and a person-level
    ``customer_unique_id``; prices per line; dates written by Excel (month/day/year)."""
    rng = np.random.default_rng(seed)
    orders, customers, items = [], [], []
    k = 0
    for person in range(n_people):
        for _ in range(int(rng.integers(1, 4))):
            k += 1
            day = pd.Timestamp("2017-01-02") + pd.Timedelta(days=int(rng.integers(0, 400)), hours=int(rng.integers(0, 23)))
            orders.append({"order_id": f"ord{k:04d}", "customer_id": f"cus{k:04d}",
                           "order_purchase_timestamp": f"{day.month}/{day.day}/{day.year} {day:%H:%M}"})
            customers.append({"customer_id": f"cus{k:04d}", "customer_unique_id": f"person{person:03d}",
                              "customer_state": "SP"})
            for item in range(1, int(rng.integers(2, 4))):
                items.append({"order_id": f"ord{k:04d}", "order_item_id": item,
                              "product_id": f"prod{int(rng.integers(0, 15)):02d}",
                              "price": round(float(rng.uniform(5, 200)), 2)})
    products = pd.DataFrame({"product_id": [f"prod{i:02d}" for i in range(15)],
                             "product_category_name": [f"cat{i % 4}" for i in range(15)]})
    paths = {}
    for name, frame in (("order_items", pd.DataFrame(items)), ("orders", pd.DataFrame(orders)),
                        ("customers", pd.DataFrame(customers)), ("products", products)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def _tables(paths):
    return {"orders": {"source": str(paths["orders"]), "on": "order_id"},
            "customers": {"source": str(paths["customers"]), "on": "customer_id"},
            "products": {"source": str(paths["products"]), "on": "product_id"}}


COLUMNS = {"customer": "customer_unique_id", "date": "order_purchase_timestamp", "amount": "price",
           "order_id": "order_id", "product": "product_id", "category": "product_category_name"}


def test_four_tables_join_to_the_lines(tmp_path):
    paths = marketplace(tmp_path)
    got = transactions.load(str(paths["order_items"]), columns=COLUMNS, tables=_tables(paths),
                            date_format="%m/%d/%Y %H:%M", as_of=pd.Timestamp("2030-01-01").date())
    items, orders = pd.read_csv(paths["order_items"]), pd.read_csv(paths["orders"])
    people = items.merge(orders, on="order_id").merge(pd.read_csv(paths["customers"]), on="customer_id")
    assert len(got.data) == len(items)
    assert got.data["customer_id"].nunique() == people["customer_unique_id"].nunique()
    assert got.data["amount"].sum() == pytest.approx(items["price"].sum())
    assert set(got.data["category"]) == {"cat0", "cat1", "cat2", "cat3"}
    assert (got.report["rule"].str.startswith("lines without a row")).sum() == 3


def test_a_table_with_repeated_keys_is_refused(tmp_path):
    paths = marketplace(tmp_path)
    customers = pd.read_csv(paths["customers"])
    pd.concat([customers, customers.head(1)]).to_csv(paths["customers"], index=False)
    with pytest.raises(KamError, match=r"customers table has 1 customer_id values on more than one row.*one row per"):
        transactions.load(str(paths["order_items"]), columns=COLUMNS, tables=_tables(paths),
                          date_format="%m/%d/%Y %H:%M")


@pytest.mark.notebook
def test_the_export_runs_through_the_study_file_alone(tmp_path, monkeypatch):
    paths = marketplace(tmp_path)
    study = {"name": "marketplace", "notebooks": ["01_data_overview"],
             "transactions": {"source": str(paths["order_items"]), "tables": _tables(paths), "columns": COLUMNS,
                              "date_format": "%m/%d/%Y %H:%M", "currency": "BRL"},
             "clv": {"calibration_start": "2017-01-02", "calibration_end": "2017-09-30", "holdout_end": "2018-02-05"}}
    path = tmp_path / "marketplace.yaml"
    path.write_text(yaml.safe_dump(study), encoding="utf-8")
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    lines = runner.check_data(path)
    assert lines[0].startswith("transactions: ") and "products" in lines[0]
    outcomes = runner.run(path, quick=True, jobs=1, echo=lambda *a: None)
    assert [o.status for o in outcomes] == ["ran"], [o.message for o in outcomes]
    values = json.loads((tmp_path / "reports" / "marketplace-quick" / "values" / "01_data_overview.json").read_text())
    assert values["n_customers"] == 60


# --- Report tables: headers and units come from one glossary (kamlib.i18n.COLUMN_KINDS), in both languages ---------

import re  # noqa: E402

from kamlib import i18n  # noqa: E402
from kamlib.workbench import report  # noqa: E402


def _heads_and_cells(csv, lang, **kw):
    table, _ = report._table_html(csv, lang, **kw)
    return re.findall(r"<th(?: [^>]*)?>(.*?)</th>", table), re.findall(r"<td[^>]*>(.*?)</td>", table)


def test_a_share_of_revenue_is_not_labelled_with_a_currency(tmp_path):
    """The issue's table: "Revenue CI lower (USD)" over 0.17, a share of the holdout revenue."""
    csv = tmp_path / "capture.csv"
    csv.write_text("rule,holdout_revenue_share,revenue_ci_lower,revenue_ci_upper,revenue\n"
                   "CLV,0.2,0.17,0.23,1234.5\n")
    for lang in ("en", "zh"):
        heads, cells = _heads_and_cells(csv, lang, currency="USD")
        assert [("USD" in h) for h in heads] == [False, False, False, False, True], heads
        assert all(h.endswith("(%)") or h.endswith("(%)") for h in heads[1:4]), heads
        # shares read as percentages: 0.17 is 17.0 under a (%) header
        assert cells[1:4] == [f"{100 * v:.1f}" for v in (0.2, 0.17, 0.23)]
    en, _ = _heads_and_cells(csv, "en", currency="USD")
    assert en[2] == "Holdout revenue share CI lower (%)" and en[4] == "Revenue (USD)"


def test_a_money_column_keeps_its_currency_in_both_languages(tmp_path):
    csv = tmp_path / "money.csv"
    csv.write_text("tier,revenue,mean_revenue,clv,revenue_share\nKey,570400.0,475.5,12.25,0.5\n")
    en, cells = _heads_and_cells(csv, "en", currency="GBP")
    assert en == ["Tier", "Revenue (GBP)", "Mean revenue (GBP)", "CLV (GBP)", "Revenue share (%)"]
    assert cells == ["Key", "570,400", "475.50", "12.25", "50.0"]
    zh, _ = _heads_and_cells(csv, "zh", currency="GBP")
    revenue, clv = i18n.gettext("revenue", "header"), i18n.gettext("clv", "header")
    assert zh[1] == f"{revenue}(GBP)" and zh[3] == f"{clv}(GBP)" and "GBP" not in zh[4] and zh[4].endswith("(%)")
    # without a known currency money has no unit, and nothing else gains one
    assert _heads_and_cells(csv, "en")[0][1:4] == ["Revenue", "Mean revenue", "CLV"]


def test_every_share_of_the_glossary_reads_as_a_share(tmp_path):
    """Each column the glossary calls a share, and its interval, is headed (%) and never with the currency."""
    shares = sorted(n for n, k in i18n.COLUMN_KINDS.items() if k == "share")
    names = shares + [f"{n}_ci_lower" for n in shares if not n.endswith(("_lower", "_upper"))]
    csv = tmp_path / "shares.csv"
    csv.write_text(",".join(names) + "\n" + ",".join("0.25" for _ in names) + "\n")
    for lang in ("en", "zh"):
        heads, cells = _heads_and_cells(csv, lang, currency="USD")
        wrong = [(n, h) for n, h in zip(names, heads) if "USD" in h or not re.search(r"[((]%[))]$", h)]
        assert not wrong, wrong
        assert set(cells) == {"25.0"}
    # and the column names of the catalogue that name revenue, CLV or purchases but hold shares are among them
    for name in ("revenue_ci_lower", "revenue_ci_upper", "purchases_ci_lower", "purchases_ci_upper", "capture",
                 "capture_ci_lower", "capture_clv", "clv_share", "orders_share", "holdout_revenue_share",
                 "top_decile_capture"):
        assert i18n.column_kind(name) == "share", name


def test_a_column_is_money_only_when_it_holds_money():
    assert {n: i18n.column_kind(n) for n in ("revenue", "revenue_holdout", "mean_revenue", "revenue_se", "spend",
                                             "avg_order", "monetary_value", "incremental_clv")} == dict.fromkeys(
        ("revenue", "revenue_holdout", "mean_revenue", "revenue_se", "spend", "avg_order", "monetary_value",
         "incremental_clv"), "money")
    assert [i18n.column_kind(n) for n in ("hit_rate_lift", "top_decile_lift", "holdout_total_error_pct", "p_alive",
                                          "pvalue_holm", "pct_lower", "degenerate")] == \
        ["change", "ratio", "percent", "probability", "p", None, None]


def test_numbers_already_in_percent_and_misnamed_shares_are_not_scaled(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("model,holdout_total_error_pct,top_decile_lift,p_alive,lmg_share\nBG/NBD,12.5,3.25,0.0001,2.5\n")
    heads, cells = _heads_and_cells(csv, "en")
    # percent: (%) once, the number as it is; a top-decile lift is a ratio (a multiple of the base rate); a
    # probability keeps three decimals; a "share" column holding 2.5 is no fraction: shown as it is, without (%)
    assert heads == ["Model", "Holdout total error (%)", "Top-decile lift", "P(alive)", "LMG share"]
    assert cells == ["BG/NBD", "12.5", "3.250", "&lt;&nbsp;0.001", "2.500"]


def test_purchase_model_inputs_and_rfm_features_have_headers_that_say_what_they_are(tmp_path):
    """recency (t_x) and recency_days run in opposite directions, frequency counts repeats, orders purchase days."""
    names = ["frequency", "recency", "T", "recency_days", "orders", "mean_recency", "mean_orders"]
    for unit, en_unit in (("W", "weeks"), ("D", "days"), ("M", "months"), (None, "model's time unit")):
        en = {n: i18n.header_en(n, time_unit=unit) for n in names}
        assert len(set(en.values())) == len(names), en
        assert en["recency"] == f"Time from first to last purchase ({en_unit})"  # in words, not the symbol t_x
        assert en["T"] == f"Customer age: first purchase to end of period ({en_unit})"
        assert en["mean_recency"] == f"Mean time from first to last purchase ({en_unit})"
    en = {n: i18n.header_en(n, time_unit="W") for n in names}
    assert en["frequency"] == "Repeat purchases" and en["recency_days"] == "Days since last purchase"
    assert en["orders"] == "Purchase days" and en["mean_orders"] == "Mean purchase days"
    zh = {n: i18n.header_zh(n, time_unit="W") for n in names}
    assert None not in zh.values() and len(set(zh.values())) == len(names), zh
    week = i18n.gettext("weeks", "unit")
    assert week == "周" and zh["recency"].endswith(f"({week})") and zh["T"].endswith(f"({week})")
    assert zh["recency"] != i18n.gettext("recency", "header")  # not the RFM word 近度 beside 距上次购买天数
    assert "天" in zh["recency_days"] and "(" not in zh["recency_days"]  # days said once
    assert i18n.header_zh("recency").endswith(f"({i18n.gettext(i18n._MODEL_TIME, 'unit')})")
    # a table of the top customers, headed with the study's unit
    csv = tmp_path / "top.csv"
    csv.write_text("customer_id,frequency,recency,T,recency_days\n12346,3,20.5,40.0,137\n")
    heads, _ = _heads_and_cells(csv, "en", time_unit="D")
    assert heads[1:] == ["Repeat purchases", "Time from first to last purchase (days)",
                         "Customer age: first purchase to end of period (days)", "Days since last purchase"]


@pytest.mark.slow
def test_every_edition_heads_a_table_alike(tmp_path):
    """HTML, Word and PDF take headers and cells from one place, with the currency and time unit the notebook ran
    with (the Word and PDF writers get exactly what the recording writer gets here)."""
    import json

    from kamlib.workbench import editions

    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "top.csv").write_text("customer_id,recency,revenue,revenue_ci_lower\n1,3.5,5.25,0.17\n")
    manifest = {"notebooks": {"10_key_accounts": {"parameters": {"transactions_currency": "USD", "clv_unit": "W"},
                                                  "stage": "identify", "notes": [], "notes_zh": []}},
                "artefacts": [{"id": "ka_top_customers", "kind": "table", "notebook": "10_key_accounts",
                               "path": "tables/top.csv", "files": ["tables/top.csv"], "caption": {"en": "Top."}}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))

    class Recorder:
        def __init__(self):
            self.tables = []

        def table(self, heads, rows, kinds, label, text):
            self.tables.append((heads, rows))

        def __getattr__(self, name):
            return lambda *a, **k: None

    for lang in ("en", "zh"):
        w = Recorder()
        editions._walk(w, tmp_path, language=lang, quick=True, max_rows=30, title="T", study_name="s")
        doc = report.outline(manifest, tmp_path, language=lang)
        a = doc["sections"][0]["notebooks"][0]["artefacts"][0]
        html = report._html_view(a, tmp_path, lang, report.report_text(lang))["table"]
        heads = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", html)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
        if lang == "zh":  # both editions punctuate Chinese text in full width (the page by report.zh_marks)
            from kamlib.i18n import zh_punctuation

            heads, cells = [zh_punctuation(h) for h in heads], [zh_punctuation(c) for c in cells]
        assert w.tables[0] == (heads, [cells])
        assert heads[1].endswith("(weeks)" if lang == "en" else "（周）") and "USD" in heads[2] and "USD" not in heads[3]
        assert cells[3] == "17.0"
