"""The key-account rule in the study (issue 48, item 2): ``tiers.rank_by`` (revenue, profit, clv), ``tiers.candidates``,
the loss-making large customers, ``kam validate``'s checks of the new keys, and the account list.

The expectations are computed here from the raw B2B Excel export (tests/exports.py: simulated order lines with a
``Profit`` per line, a customer ``Segment`` and ``Region``) with plain pandas, not taken from a run: per customer the
sum of ``Sales`` and of ``Profit`` over the study's window, the top share by hand (largest first, ties by id).
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest
import yaml

import exports
from kamlib import rfm, tiers, transactions
from kamlib.errors import ArgumentError, KamError

SHARE = 0.1
START, END = exports.SUPERSTORE_PERIODS["calibration_start"], exports.SUPERSTORE_PERIODS["holdout_end"]
COLUMNS = {**exports.SUPERSTORE_COLUMNS, "profit": "Profit"}


@pytest.fixture(scope="module")
def b2b(tmp_path_factory):
    """The B2B Excel export (written once), and the raw file read back as pandas reads it."""
    folder = tmp_path_factory.mktemp("b2b")
    exports.superstore(folder)
    path = folder / "superstore.xlsx"
    return path, pd.read_excel(path, engine="calamine")  # calamine, as kamlib._io (openpyxl takes ten times as long)


def _by_hand(raw: pd.DataFrame) -> pd.DataFrame:
    """Revenue, gross profit and segment per customer from the raw export, over the study's window."""
    day = pd.to_datetime(raw["Order Date"]).dt.normalize()
    rows = raw[(day >= START) & (day <= END)]
    out = rows.groupby("Customer ID").agg(revenue=("Sales", "sum"), profit=("Profit", "sum"),
                                          segment=("Segment", "first"), region=("Region", "first"))
    out.index = out.index.astype(str)
    return out


def _top(values: pd.Series, share: float) -> list[str]:
    """The top share by hand: largest first, ties by id, round(share x n) customers (at least one)."""
    n = max(1, round(share * len(values)))
    frame = pd.DataFrame({"v": values.to_numpy(), "id": values.index.astype(str)})
    return frame.sort_values(["v", "id"], ascending=[False, True]).head(n)["id"].tolist()


def _tiers(tx: pd.DataFrame, **kwargs) -> tiers.Tiers:
    """The tiers of ``tx`` as the identification notebook draws them without a value model."""
    full = rfm.summary(tx, end=END, unit="W", start=START)
    base = tiers.customer_value(full, tx, "", end=END, unit="W").base
    base = tiers.with_profit(base, tx, end=END, start=START)
    spec = kwargs.pop("spec", None)
    return tiers.assign(base, key_share=SHARE, develop_share=0.5, unit="W", value_model="", as_of=END,
                        candidates=tiers.candidates(tx, spec, end=END, start=START), **kwargs)


@pytest.fixture(scope="module")
def loaded(b2b):
    path, _ = b2b
    return transactions.load(str(path), columns=COLUMNS, attributes={"Region": ["East", "West"]})


@pytest.mark.slow
def test_the_profit_rule_calls_no_loss_maker_a_key_account_and_flags_the_large_ones(b2b, loaded):
    _, raw = b2b
    hand = _by_hand(raw)
    t = _tiers(loaded.data, rank_by="profit")
    assert t.rank_by == "profit" and t.measure == "gross profit" and "gross profit" in str(t.rule)
    members = list(map(str, t.members))
    # the key accounts: the top share by gross profit, none with a loss (the export has loss-makers at the top)
    expected = [c for c in _top(hand["profit"], SHARE) if hand.loc[c, "profit"] > 0]
    assert members == expected
    assert (hand.loc[members, "profit"] > 0).all()
    # the loss-making large customers: the top share by revenue whose profit is negative, flagged
    large = _top(hand["revenue"], SHARE)
    losers = [c for c in large if hand.loc[c, "profit"] < 0]
    assert len(losers) >= 2  # the simulation gives deep discounts to six of its largest buyers; two stay in the top 10%
    assert list(map(str, t.loss_making)) == losers
    assert not set(losers) & set(members)
    assert t.n_loss_making_key_accounts == 0


def test_the_revenue_rule_counts_the_key_accounts_that_lose_money(b2b, loaded):
    _, raw = b2b
    hand = _by_hand(raw)
    t = _tiers(loaded.data)
    large = _top(hand["revenue"], SHARE)
    assert list(map(str, t.members)) == large
    losers = [c for c in large if hand.loc[c, "profit"] < 0]
    assert losers and t.n_loss_making_key_accounts == len(losers) == t.n_loss_making
    assert np.allclose(t.base["profit"].loc[hand.index], hand["profit"])


def test_a_cost_column_gives_the_same_profit(b2b, tmp_path):
    _, raw = b2b
    path = tmp_path / "with_cost.csv"
    raw.assign(Cost=raw["Sales"] - raw["Profit"]).drop(columns="Profit").to_csv(path, index=False)
    tx = transactions.load(str(path), columns={**exports.SUPERSTORE_COLUMNS, "cost": "Cost"}).data
    assert "cost" not in tx and np.allclose(tiers.customer_profit(tx, end=END, start=START).sort_index(),
                                            _by_hand(raw)["profit"].sort_index())


def test_candidates_restrict_the_key_accounts_by_a_mapped_and_an_unmapped_column(b2b, loaded):
    _, raw = b2b
    hand = _by_hand(raw)
    business = hand[hand["segment"].isin(["Corporate", "Home Office"])]
    t = _tiers(loaded.data, spec={"channel": ["Corporate", "Home Office"]})
    assert list(map(str, t.members)) == _top(business["revenue"], SHARE)  # a share of the candidates
    assert set(hand.loc[list(map(str, t.members)), "segment"]) <= {"Corporate", "Home Office"}
    assert not t.tier[~t.tier.index.isin(business.index)].isin(tiers.KEY_TIERS + ("Potential key account",)).any()
    assert "candidates (channel: Corporate, Home Office)" in str(t.rule)
    # an unmapped column of the file, carried by transactions.load(attributes=...)
    t = _tiers(loaded.data, spec={"Region": ["East", "West"]})
    east_west = hand[hand["region"].isin(["East", "West"])]
    assert list(map(str, t.members)) == _top(east_west["revenue"], SHARE)
    # both at once, under the profit rule
    t = _tiers(loaded.data, rank_by="profit", spec={"channel": ["Corporate"], "Region": ["East", "West"]})
    pool = hand[(hand["segment"] == "Corporate") & hand["region"].isin(["East", "West"])]
    assert list(map(str, t.members)) == [c for c in _top(pool["profit"], SHARE) if pool.loc[c, "profit"] > 0]


def test_a_customer_with_several_values_takes_the_most_frequent_then_the_latest():
    tx = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"] * 2,
                       "channel": ["Home Office", "Corporate", "Corporate", "Home Office", "Consumer", "Corporate"],
                       "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
                                               "2024-01-01", "2024-02-01"])})
    c = tiers.candidates(tx, {"channel": ["Corporate"]})
    assert c.value["channel"].to_dict() == {"a": "Home Office", "b": "Corporate"}  # 2-2: the latest line's
    assert c.eligible(["a", "b", "z"]).tolist() == [False, True, False]
    one = tiers.candidates(tx.iloc[:3], {"channel": ["Corporate"]})
    assert one.value["channel"]["a"] == "Corporate"  # 2-1: the most frequent
    assert tiers.candidates(tx, None) is None


def _base(n=20, seed=3):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"revenue": rng.gamma(2, 50, n), "clv": rng.gamma(2, 30, n), "p_alive": rng.uniform(0.1, 1, n),
                         "recency": rng.uniform(0, 20, n), "T": np.full(n, 30.0), "frequency": rng.integers(0, 5, n),
                         "profit": rng.normal(5, 20, n)}, index=[f"c{i:02d}" for i in range(n)])


def test_the_clv_rule_ranks_by_the_chosen_clv_or_says_it_ranks_by_revenue():
    base = _base()
    t = tiers.assign(base, key_share=0.2, develop_share=0.5, value_model="BG/NBD", rank_by="clv")
    assert t.rank_by == "clv" and t.measure == "CLV" and t.rank_note is None
    assert list(t.members) == _top(base["clv"], 0.2)
    assert not (t.tier == "Potential key account").any()  # the key accounts are the top by CLV
    none = tiers.assign(base, key_share=0.2, develop_share=0.5, value_model="", rank_by="clv")
    assert none.rank_by == "revenue" and list(none.members) == _top(base["revenue"], 0.2)
    assert "ranked by revenue, not by CLV" in none.rank_note and none.rank_note.count(". ") == 0
    with pytest.raises(ArgumentError, match="not available yet"):
        tiers.assign(base, rank_by="value_index")
    with pytest.raises(ArgumentError, match="transactions.columns.profit or cost"):
        tiers.assign(base.drop(columns="profit"), rank_by="profit")


def test_the_account_list_has_one_row_per_customer_and_the_tiers_counts(b2b, loaded):
    _, raw = b2b
    hand = _by_hand(raw)
    t = _tiers(loaded.data, rank_by="profit", spec={"channel": ["Corporate", "Home Office"]})
    frame = tiers.accounts(t)
    assert len(frame) == len(t.tier) == frame["customer_id"].nunique() == len(hand)
    assert frame["tier"].value_counts().reindex(tiers.ORDER, fill_value=0).to_dict() == t.counts()
    by_id = frame.set_index("customer_id")
    assert np.allclose(by_id.loc[hand.index, "profit"], hand["profit"])
    assert (by_id["loss_making"] == (by_id["profit"] < 0)).all()
    assert not by_id.loc[by_id["tier"].isin(tiers.KEY_TIERS), "loss_making"].any()
    assert (by_id.loc[hand.index, "channel"] == hand["segment"]).all()
    assert (by_id["candidate"] == by_id["channel"].isin(["Corporate", "Home Office"])).all()
    assert "p_alive" not in frame  # no model identifies dropout here
    days = (pd.Timestamp(END) - pd.to_datetime(raw["Order Date"]).groupby(raw["Customer ID"]).max()).dt.days
    assert np.allclose(by_id.loc[days.index, "recency_days"], days)
    assert (by_id["at_risk"] == (by_id["recency_days"] > t.max_inactive_days)).all()
    # the list runs by tier, then by the ranking measure (the key accounts' own order within each tier)
    for tier in tiers.KEY_TIERS:
        assert list(frame.loc[frame["tier"] == tier, "customer_id"]) == [c for c in t.members if t.tier[c] == tier]
    sheet = tiers.account_sheet(frame, language="zh", currency="USD")
    assert {"客户编号", "层级", "毛利(USD)", "亏损", "有流失风险"} <= set(sheet.columns)
    assert set(sheet["层级"]) <= {"大客户", "流失风险大客户", "潜力大客户", "培育客户", "维持客户"}
    assert "Gross profit (USD)" in tiers.account_sheet(frame, currency="USD").columns


def test_the_log_maps_profit_or_cost_not_both_and_a_cancellation_takes_its_profit_back(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame({"cid": ["a", "a", "b"], "day": ["2024-01-01", "2024-01-02", "2024-01-03"], "amt": [10.0, 10.0, 5.0],
                  "inv": ["1", "C1", "2"], "pr": [3.0, 3.0, -1.0], "co": [7.0, 7.0, 6.0]}).to_csv(path, index=False)
    cols = {"customer": "cid", "date": "day", "amount": "amt", "order_id": "inv"}
    with pytest.raises(ArgumentError, match="maps both the line's profit"):
        transactions.load(str(path), columns={**cols, "profit": "pr", "cost": "co"})
    tx = transactions.load(str(path), columns={**cols, "profit": "pr"}, cancellation_prefix="C",
                           negative_amounts="net").data
    assert tx["profit"].tolist() == [3.0, -3.0, -1.0]
    assert tiers.customer_profit(tx, end="2024-12-31").to_dict() == {"a": 0.0, "b": -1.0}
    tx = transactions.load(str(path), columns={**cols, "cost": "co"}).data
    assert tx["profit"].tolist() == [3.0, 3.0, -1.0]  # the amount less the cost (no cancellation prefix here)


def _study(tmp_path, source, **tiers_keys):
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump({
        "name": "rule", "notebooks": ["10_key_accounts"],
        "transactions": {"source": str(source), "columns": {"customer": "cid", "date": "day", "amount": "amt",
                                                            "channel": "seg"}},
        "clv": {"calibration_start": "2024-01-01", "calibration_end": "2024-06-30", "holdout_end": "2024-12-31"},
        "tiers": tiers_keys}), encoding="utf-8")
    return path


def test_validate_names_the_key_and_the_fix(tmp_path):
    from kamlib.workbench import runner, study

    source = tmp_path / "log.csv"
    pd.DataFrame({"cid": ["a", "b"], "day": ["2024-01-01", "2024-02-01"], "amt": [5.0, 6.0],
                  "seg": ["Corporate", "Consumer"], "Region": ["East", "West"]}).to_csv(source, index=False)
    cases = [({"rank_by": "profit"}, r"tiers.rank_by is profit, but transactions.columns maps neither profit nor cost; "
                                     r"map the line's profit \(transactions.columns.profit\)"),
             ({"rank_by": "value_index"}, r"tiers.rank_by: value_index is not available yet .*use revenue, profit or clv"),
             ({"candidates": {"channel": []}}, r"tiers.candidates.channel lists no value")]
    for keys, message in cases:
        with pytest.raises(KamError, match=message) as err:
            study.load(_study(tmp_path, source, **keys))
        assert str(err.value).replace("e.g. ", "").count(". ") == 0, err.value  # one sentence
    for keys, message in [({"candidates": {"Sector": ["Corporate"]}},
                           r"no column 'Sector' to choose the key-account candidates by.* In the study file this is "
                           r"tiers.candidates.Sector"),
                          ({"candidates": {"channel": ["Government"]}},
                           r"no row of column 'seg' \(the channel\) takes a value listed for the key-account candidates "
                           r"\(Government\); its values include Corporate, Consumer.* tiers.candidates.channel")]:
        path = _study(tmp_path, source, **keys)
        study.load(path)  # the schema cannot know the file: validate reads it
        with pytest.raises(KamError, match=message):
            runner.check_data(path)
    ok = _study(tmp_path, source, candidates={"Region": ["East"], "channel": "Corporate"})
    assert runner.check_data(ok)[0].startswith("transactions: 2 rows")


@pytest.mark.notebook
def test_the_run_writes_the_account_list_of_the_kept_identification(quick_report):
    """The default study's quick run: accounts.csv and accounts.xlsx at the top of the report folder, one row per
    customer of the kept tiers, with the same count per tier, and listed in the manifest."""
    ka = pickle.loads((quick_report / "results" / "key_accounts.pickle").read_bytes())["result"].tiers
    csv = pd.read_csv(quick_report / "accounts.csv", dtype={"Customer ID": str})
    xlsx = pd.read_excel(quick_report / "accounts.xlsx", dtype={"Customer ID": str})
    assert len(csv) == len(xlsx) == len(ka.tier) == csv["Customer ID"].nunique()
    assert csv["Tier"].value_counts().reindex(tiers.ORDER, fill_value=0).to_dict() == ka.counts()
    assert set(csv["Customer ID"]) == set(map(str, ka.tier.index))
    manifest = json.loads((quick_report / "manifest.json").read_text(encoding="utf-8"))
    entry = next(a for a in manifest["artefacts"] if a["id"] == "accounts")
    assert entry["files"] == ["accounts.csv", "accounts.xlsx"] and entry["rows"] == len(ka.tier)
    values = json.loads((quick_report / "values" / "10_key_accounts.json").read_text())
    assert values["accounts_rows"] == len(ka.tier) and values["key_accounts_rank_by"] == ka.rank_by
    # 45_personalisation wrote it again with every key account's next best products (listed once, as its own)
    assert [a["notebook"] for a in manifest["artefacts"] if a["id"] == "accounts"] == ["45_personalisation"]
    later = json.loads((quick_report / "values" / "45_personalisation.json").read_text())
    key = csv["Tier"].isin(tiers.KEY_TIERS)
    products = csv["Next best products"]
    assert later["accounts_rows"] == len(csv) and later["accounts_next_best"] == products.notna().sum()
    assert products[~key].isna().all() and products[key].notna().mean() > 0.9
    assert products[key].dropna().str.split("; ").map(len).le(3).all()
    method = csv.loc[key, "Method of the next best products"].dropna().unique().tolist()
    assert len(method) == 1 and method[0] in {"Popular products (baseline)", "Item-based collaborative filtering",
                                              "Content-based", "Hybrid", "Matrix factorisation (ALS)"}


def test_a_later_stage_draws_the_same_key_accounts_from_a_cut_of_the_log(loaded):
    """tiers.top_by_rule, which the recommendation stage applies to the purchases before its cutoff, is assign's
    rule: on the whole window it gives the identification's key accounts, under every rule."""
    tx = loaded.data
    for rank_by, spec in [("revenue", None), ("profit", None), ("profit", {"channel": ["Corporate", "Home Office"]}),
                          ("revenue", {"Region": ["East"]})]:
        t = _tiers(tx, rank_by=rank_by, spec=spec)
        assert list(tiers.top_by_rule(tx, SHARE, rank_by=rank_by, candidates=spec)) == list(map(str, t.members))
    assert list(tiers.top_by_rule(tx, SHARE, rank_by="clv")) == list(tiers.top_by_revenue(tx, SHARE))


def test_no_customer_without_a_positive_profit_is_a_key_or_potential_account_even_inside_the_share():
    """Where the top share reaches customers who lose money (few profitable ones), they stay out of the key tiers."""
    base = _base(8).assign(profit=[50.0, -5.0, -80.0, 0.0, -1.0, 20.0, -3.0, -2.0],
                           clv=[1.0, 90.0, 80.0, 70.0, 2.0, 3.0, 4.0, 5.0])
    t = tiers.assign(base, key_share=0.5, develop_share=0.75, value_model="BG/NBD", rank_by="profit")
    assert list(t.members) == ["c00", "c05"]  # the top 4 by profit hold two with none
    assert not t.tier[base["profit"] <= 0].isin(tiers.KEY_TIERS + ("Potential key account",)).any()
    assert t.tier["c01"] == "Develop"  # the largest CLV, but a loss: developed, never a potential key account
    revenue = tiers.assign(base, key_share=0.5, develop_share=0.75, value_model="BG/NBD", rank_by="revenue")
    large = _top(base["revenue"], 0.5)
    assert list(revenue.members) == large
    assert revenue.n_loss_making_key_accounts == sum(base.loc[c, "profit"] < 0 for c in large)


def test_the_ranking_measure_has_one_owner_of_its_words():
    """Issue 48 follow-up: every sentence about what the key accounts rank by reads tiers.measure_of (Tiers.measure
    is it); the identification notebook writes no rule's measure itself."""
    from pathlib import Path

    base = pd.DataFrame({"revenue": [5.0, 3.0, 1.0, 0.5], "profit": [1.0, 2.0, -1.0, 0.1], "clv": [4.0, 2.0, 1.0, 0.0],
                         "frequency": [3, 2, 1, 0], "recency": [9.0, 8, 5, 0], "T": [10.0, 10, 10, 10],
                         "p_alive": [0.9, 0.8, 0.7, 0.6]}, index=list("abcd"))
    for rank_by, model in [("revenue", ""), ("profit", ""), ("profit", "BG/NBD"), ("clv", "BG/NBD"), ("clv", "")]:
        t = tiers.assign(base, key_share=0.25, develop_share=0.5, value_model=model, rank_by=rank_by)
        expected = tiers.measure_of(rank_by if model else tiers.without_model(rank_by), base)
        assert t.measure == expected == tiers.RANK_BY[t.rank_by], (rank_by, model)
        assert expected in str(t.selection)
    assert tiers.measure_of("revenue", base.assign(revenue=np.nan)) == "purchase days"
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / "10_key_accounts.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for words in ("rest on past revenue", "(the top {top} by revenue)", "tiers.RANK_BY[", "rank by past revenue"):
        assert words not in code, words
