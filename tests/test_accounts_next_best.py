"""The account list's next best products (issue 48): ``kamlib.tiers.accounts(..., next_best=, method=)`` adds each key
account's next best products and their method, ``account_sheet`` heads them in the study's language, the products
come from every purchase (``kamlib.act.recommend.whole``), and the list that 45_personalisation writes again takes
the place of 10_key_accounts' in the manifest.

The B2B expectations are computed from the export's order lines (tests/exports.py) with plain pandas: popularity's next
best products of a key account are the products most customers bought (distinct customers, ties by code) that it
never bought.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import exports
from kamlib import rfm, tiers, transactions
from kamlib.act import recommend
from kamlib.errors import ArgumentError

START, END = exports.SUPERSTORE_PERIODS["calibration_start"], exports.SUPERSTORE_PERIODS["holdout_end"]
COLUMNS = {**exports.SUPERSTORE_COLUMNS, "profit": "Profit"}


def _small_tiers() -> tiers.Tiers:
    base = pd.DataFrame({"revenue": [10.0, 8.0, 4.0, 1.0], "clv": [5.0, 4.0, 2.0, 1.0], "p_alive": [0.9] * 4,
                         "recency": [4, 4, 4, 1], "T": [5, 5, 5, 5]}, index=["a", "b", "c", "d"])
    return tiers.assign(base, key_share=0.5, develop_share=0.75, unit="D")


def test_the_list_carries_each_key_accounts_products_by_name_and_the_method():
    t = _small_tiers()
    assert set(t.members) == {"a", "b"}
    nb = pd.DataFrame({"customer_id": ["b", "a", "a", "a", "c"], "rank": [1, 3, 1, 2, 1],
                       "item": ["p4", "p3", "p1", "p2", "p9"], "description": ["", "MUG", "TEA", None, "PEN"]})
    frame = tiers.accounts(t, next_best=nb, method="itemcf").set_index("customer_id")
    # best first, by name, the code where the log has no name; one cell per account
    assert frame.loc["a", "next_best_products"] == "TEA; p2; MUG"
    assert frame.loc["b", "next_best_products"] == "p4"
    assert (frame.loc[["a", "b"], "next_best_method"] == "itemcf").all()
    alike = nb.assign(description=["", "MUG", "TEA", "MUG", "PEN"])  # two products named alike: their codes say which
    assert tiers.accounts(t, next_best=alike, method="itemcf").iloc[0]["next_best_products"] == "TEA; MUG (p2); MUG (p3)"
    # c is not a key account (its row in the frame is ignored), d has none: empty cells
    assert frame.loc[["c", "d"], ["next_best_products", "next_best_method"]].isna().all().all()
    # the rest of the list is the list without them
    plain = tiers.accounts(t)
    assert "next_best_products" not in plain and "next_best_method" not in plain
    assert frame.reset_index().drop(columns=["next_best_products", "next_best_method"]).equals(plain)
    en = tiers.account_sheet(frame.reset_index(), currency="USD")
    zh = tiers.account_sheet(frame.reset_index(), language="zh", currency="USD")
    assert list(en.columns[-2:]) == ["Next best products", "Method of the next best products"]
    assert list(zh.columns[-2:]) == ["下一个最佳商品", "下一个最佳商品的推荐方法"]
    assert en.iloc[0, -1] == "Item-based collaborative filtering" and zh.iloc[0, -1] == "基于物品的协同过滤"
    assert zh.iloc[0, -2] == "TEA; p2; MUG"  # product names are the log's, in both editions
    assert all(c in tiers.ACCOUNT_COLUMNS for c in ("next_best_products", "next_best_method"))


def test_the_list_refuses_next_best_products_without_their_method_or_columns():
    t = _small_tiers()
    nb = pd.DataFrame({"customer_id": ["a"], "rank": [1], "item": ["p1"]})
    with pytest.raises(ArgumentError, match="without the method that chose them; pass method="):
        tiers.accounts(t, next_best=nb)
    with pytest.raises(ArgumentError, match="no column 'rank'"):
        tiers.accounts(t, next_best=nb.drop(columns="rank"), method="popularity")


def test_whole_trains_on_every_purchase_so_a_later_purchase_is_not_recommended_again():
    tx = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "c", "a"], "product": ["x", "x", "y", "x", "y", "y"],
                       "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03", "2024-01-03",
                                               "2024-03-01"])})
    split = recommend.time_split(tx, "2024-01-31")
    everything = recommend.whole(split)
    assert len(everything.train) == len(tx) and everything.test.empty and everything.new_items == 0
    assert everything.matrix.sum() == split.matrix.sum() + 1  # a's purchase of y after the cutoff
    assert recommend.next_best(split, ["a"], method="popularity", k=1, evidence=False)["item"].tolist() == ["y"]
    assert recommend.next_best(everything, ["a"], method="popularity", k=1, evidence=False).empty  # a has bought y now


@pytest.fixture(scope="module")
def b2b(tmp_path_factory):
    """The B2B export's order lines (as CSV: writing the Excel file takes seconds), loaded, and as generated."""
    raw = exports.superstore_log()
    path = tmp_path_factory.mktemp("b2b_next_best") / "superstore.csv"
    raw.to_csv(path, index=False)
    return transactions.load(str(path), columns=COLUMNS).data, raw


@pytest.mark.slow
def test_every_key_account_of_the_b2b_export_gets_the_popular_products_it_never_bought(b2b):
    tx, raw = b2b
    full = rfm.summary(tx, end=END, unit="W", start=START)
    base = tiers.with_profit(tiers.customer_value(full, tx, "", end=END, unit="W").base, tx, end=END, start=START)
    spec = {"channel": ["Corporate", "Home Office"]}
    t = tiers.assign(base, key_share=0.1, develop_share=0.5, unit="W", value_model="", as_of=END, rank_by="profit",
                     candidates=tiers.candidates(tx, spec, end=END, start=START))
    key = [str(c) for c in t.members]
    split = recommend.time_split(tx, recommend.choose_cutoff(tx).date)
    names = tx.groupby("product")["description"].first()
    nb = recommend.next_best(recommend.whole(split), key, method="popularity", k=3, descriptions=names,
                             evidence=False)
    frame = tiers.accounts(t, next_best=nb, method="popularity").set_index("customer_id")
    listed = frame.loc[frame["tier"].isin(tiers.KEY_TIERS)]
    assert len(listed) == len(key) == 38 and listed["next_best_products"].str.count("; ").eq(2).all()
    assert frame.loc[~frame.index.isin(key), "next_best_products"].isna().all()
    # by hand: products by distinct buyers in the whole export (ties by code), less those the account bought
    lines = raw[raw["Sales"] > 0].astype({"Customer ID": str, "Product ID": str})
    popular = (lines.groupby("Product ID")["Customer ID"].nunique().reset_index()
               .sort_values(["Customer ID", "Product ID"], ascending=[False, True])["Product ID"].tolist())
    bought = lines.groupby("Customer ID")["Product ID"].agg(set)
    label = lines.groupby("Product ID")["Product Name"].first()
    for c in key:
        expected = [p for p in popular if p not in bought[c]][:3]
        assert listed.loc[c, "next_best_products"] == "; ".join(label[p] for p in expected), c


def test_a_later_notebooks_deliverable_takes_the_place_of_the_earlier_one(tmp_path):
    """45_personalisation writes accounts.csv again: the manifest lists it once, as the notebook that wrote it last
    (10_key_accounts' entry goes, and comes back when 10 writes it again)."""
    from kamlib.workbench import runner

    out = tmp_path / "out"
    out.mkdir()

    def publish(name, entries, text):
        staging = tmp_path / name
        (staging / "artefacts" / "tables").mkdir(parents=True, exist_ok=True)
        for _, files in entries:
            for f in files:
                (staging / "artefacts" / f).write_text(text, encoding="utf-8")
        (staging / "artefacts" / "values.json").write_text("{}")
        part = [{"id": i, "kind": "document", "files": files, "notebook": name, "order": n}
                for n, (i, files) in enumerate(entries, 1)]
        (staging / "artefacts" / "manifest.part.json").write_text(json.dumps(
            {"artefacts": part, "parameters": {}, "parameters_hash": "x"}))
        for suffix in (".ipynb", ".html"):
            (staging / f"{name}{suffix}").write_text(json.dumps({"cells": []}))
        runner._publish(name, staging, out)
        return json.loads((out / "manifest.json").read_text())

    accounts = ("accounts", ["accounts.csv", "accounts.xlsx"])
    publish("10_key_accounts", [accounts, ("ka_tiers", ["tables/ka_tiers.csv"])], "tiers")
    manifest = publish("45_personalisation", [accounts, ("rec_split", ["tables/rec_split.csv"])], "tiers and next best")
    owners = [(a["notebook"], a["id"]) for a in manifest["artefacts"]]
    assert owners == [("10_key_accounts", "ka_tiers"), ("45_personalisation", "accounts"),
                      ("45_personalisation", "rec_split")]
    assert (out / "accounts.csv").read_text() == "tiers and next best" and (out / "tables" / "ka_tiers.csv").exists()
    manifest = publish("10_key_accounts", [accounts, ("ka_tiers", ["tables/ka_tiers.csv"])], "tiers")
    assert [a["notebook"] for a in manifest["artefacts"] if a["id"] == "accounts"] == ["10_key_accounts"]
    assert (out / "accounts.csv").read_text() == "tiers"
