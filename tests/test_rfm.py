import os
import re

import numpy as np
import pandas as pd
import pytest
from lifetimes.datasets import load_cdnow_summary, load_cdnow_summary_data_with_monetary_value

from kamlib import datasets, rfm
from kamlib.errors import KamError


@pytest.fixture(scope="module")
def cdnow_sample_summary():
    return rfm.summary(datasets.cdnow(sample=True), end="1997-09-30", unit="W")


def test_reproduces_hardies_published_cdnow_summary(cdnow_sample_summary):
    """x, t_x and T of all 2,357 customers as published by Hardie (two decimals), from raw transactions."""
    ours = cdnow_sample_summary.copy()
    ours.index = ours.index.astype(int)
    ref = load_cdnow_summary().set_index("ID")
    assert len(ours) == len(ref) == 2357
    joined = ours.join(ref, rsuffix="_ref")
    assert (joined["frequency"] == joined["frequency_ref"]).all()
    assert (joined["recency"] - joined["recency_ref"]).abs().max() < 0.005 + 1e-9
    assert (joined["T"] - joined["T_ref"]).abs().max() < 0.005 + 1e-9


def test_reproduces_published_mean_repeat_spend(cdnow_sample_summary):
    ref = load_cdnow_summary_data_with_monetary_value()  # Hardie's zbar
    ours = cdnow_sample_summary.copy()
    ours.index = ours.index.astype(int)
    j = ours.join(ref, rsuffix="_ref")
    assert (j["monetary_value"] - j["monetary_value_ref"]).abs().max() < 0.005 + 1e-9


def test_hand_made_log():
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "c"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-15", "2024-01-10", "2024-02-01"]),
        "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 9.0],
    })
    s = rfm.summary(tx, end="2024-01-29", unit="W")
    assert list(s.index) == ["a", "b"]  # c's purchase is after the end
    a = s.loc["a"]
    assert a["frequency"] == 2 and a["recency"] == pytest.approx(2.0) and a["T"] == pytest.approx(4.0)
    assert a["monetary_value"] == pytest.approx(30.0)  # (20 + 40) / 2: same-day lines are one transaction
    assert a["revenue"] == pytest.approx(75.0)
    b = s.loc["b"]
    assert b["frequency"] == 0 and b["monetary_value"] == 0 and b["T"] == pytest.approx(19 / 7)
    days = rfm.summary(tx, end="2024-01-29", unit="D")
    assert days.loc["a", "T"] == 28


def test_summary_straight_over_parquet_and_csv(tmp_path):
    tx = datasets.cdnow(sample=True)
    tx.rename(columns={"customer_id": "cid", "date": "dt", "amount": "amt"}).to_parquet(tmp_path / "tx.parquet")
    tx.to_csv(tmp_path / "tx.csv", index=False)
    mem = rfm.summary(tx, end="1997-09-30")
    pq = rfm.summary(tmp_path / "tx.parquet", end="1997-09-30", customer="cid", date="dt", amount="amt")
    csv = rfm.summary(tmp_path / "tx.csv", end="1997-09-30")
    pd.testing.assert_frame_equal(mem, pq)
    pd.testing.assert_frame_equal(mem[["frequency", "recency", "T"]], csv[["frequency", "recency", "T"]])


def test_missing_column_in_file(tmp_path):
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(KamError, match="has no column 'customer_id'"):
        rfm.summary(tmp_path / "t.parquet", end="1997-09-30")


def test_calibration_holdout_counts_holdout_days():
    tx = datasets.cdnow(sample=True)
    ch = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30")
    hold = tx[(tx["date"] > "1997-09-30")].drop_duplicates(["customer_id", "date"])
    assert ch["frequency_holdout"].sum() == len(hold)
    assert ch["duration_holdout"].iloc[0] == pytest.approx(273 / 7)
    with pytest.raises(KamError, match="must be after"):
        rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1997-01-01")


@pytest.mark.parametrize("cal_end, hold_end, words", [
    ("1996-06-30", "1997-06-30", "calibration_end (1996-06-30) is before the first purchase"),
    ("1997-09-30", "1999-06-30", "pass a holdout_end on 1998-06-30 or earlier"),
    ("1998-06-30", "1998-07-05", "calibration_end (1998-06-30) leaves no holdout"),
])
def test_periods_outside_the_log_are_refused(cal_end, hold_end, words):
    tx = datasets.cdnow(sample=True)
    with pytest.raises(KamError, match=re.escape(words)):
        rfm.calibration_holdout(tx, calibration_end=cal_end, holdout_end=hold_end)
    # a holdout ending within one time unit after the last purchase is fine
    assert len(rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-07-05")) == 2357


def test_scores_are_quintiles_and_segments_named(cdnow_sample_summary):
    sc = rfm.scores(cdnow_sample_summary)
    s = cdnow_sample_summary
    values = {"R": -(s["T"] - s["recency"]), "F": s["frequency"], "M": s["revenue"] / (s["frequency"] + 1)}
    for col in "RFM":
        # the obviously-correct rule: 5 * (share of customers ranked at or below the first place of the tie block)
        below = values[col].to_numpy()[:, None] > values[col].to_numpy()[None, :]
        expected = np.ceil((below.sum(axis=1) + 1) / len(s) * 5).clip(1, 5)
        assert (sc[col].to_numpy() == expected).all(), col
    assert sc.loc[s["frequency"] == 0, "F"].eq(1).all()  # one-time buyers all score F = 1
    assert sc["segment"].notna().all()
    best = sc[(sc["R"] == 5) & (sc["F"] == 5) & (sc["M"] == 5)]
    assert (best["segment"] == "Champions").all()


def test_spark_sql_differs_only_in_day_arithmetic_and_text_type():
    a = rfm.summary_sql(end="1997-09-30", engine="duckdb")
    b = rfm.summary_sql(end="1997-09-30", engine="spark")
    assert "date_diff" in a and "datediff" in b
    assert a.replace('"', "`").replace("AS VARCHAR", "AS STRING").split("SELECT customer_id,")[0] == b.split("SELECT customer_id,")[0]


def test_segment_table_counts_and_shares_match_a_direct_groupby(cdnow_sample_summary):
    seg = rfm.segment_table(cdnow_sample_summary)
    direct = rfm.scores(cdnow_sample_summary)["segment"].value_counts()
    assert dict(zip(seg["segment"], seg["customers"])) == direct.to_dict()
    assert seg["customer_share"].sum() == pytest.approx(1) and seg["revenue_share"].sum() == pytest.approx(1)
    assert seg["revenue"].is_monotonic_decreasing
    assert seg["revenue"].sum() == pytest.approx(cdnow_sample_summary["revenue"].sum())


def test_returns_are_netted_and_a_refund_only_day_is_no_purchase():
    """negative_amounts: net -- a customer buys 100 and 50, then returns 30 on a day of its own."""
    tx = pd.DataFrame({"customer_id": ["a"] * 4 + ["b"],
                       "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-20", "2024-02-10", "2024-01-05"]),
                       "amount": [100.0, 50.0, -30.0, -5.0, 20.0]})
    s = rfm.summary(tx, end="2024-01-31", unit="D")
    a = s.loc["a"]
    assert a["frequency"] == 1 and a["recency"] == 9  # the refund day (Jan 20) is not a purchase
    assert a["revenue"] == pytest.approx(120.0)  # 150 - 30
    assert a["monetary_value"] == pytest.approx(50.0 * 120 / 150)  # repeat spend, net of the refund share
    assert s.loc["b", "revenue"] == 20.0 and s.loc["b", "monetary_value"] == 0.0
    cal = rfm.calibration_holdout(tx, calibration_end="2024-01-31", holdout_end="2024-02-10", unit="D")
    assert cal.loc["a", "frequency_holdout"] == 0 and cal.loc["a", "revenue_holdout"] == 0.0  # refund only


def _general(tx, **kw):
    """The general (refund-netting) query, run directly: the reference for the one-pass plan."""
    from kamlib._io import connect

    con = connect()
    con.register("src", tx)
    out = con.sql(rfm.summary_sql(source="src", **kw)).to_arrow_table().to_pandas()
    con.close()
    out["first_day"] = pd.to_datetime(out["first_day"])
    return out.set_index("customer_id")


@pytest.mark.parametrize("ids", ["int", "text"])
def test_one_pass_plan_equals_the_general_query(ids, monkeypatch):
    rng = np.random.default_rng(5)
    n = 20_000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 900, n),
                       "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
                       "amount": rng.gamma(2.0, 20.0, n).round(2)})
    # several lines on one day, also on first days; a customer whose only day has three lines
    tx = pd.concat([tx, tx.sample(3000, random_state=1).assign(amount=lambda d: d["amount"] / 3),
                    pd.DataFrame({"customer_id": [5000] * 3, "date": [pd.Timestamp("2023-03-01")] * 3,
                                  "amount": [1.0, 2.0, 3.0]})], ignore_index=True)
    if ids == "text":
        tx["customer_id"] = "c" + tx["customer_id"].astype(str)
    cols = ["frequency", "recency", "T", "monetary_value", "revenue", "first_day"]
    for kw in ({"end": "2023-12-31", "unit": "W"}, {"end": "2023-09-30", "unit": "D", "start": "2023-02-01"}):
        fast = rfm.summary(tx, **kw)
        ref = _general(tx, **kw)
        assert fast.index.equals(ref.index)  # sorted by the ids as stored: numbers by value
        assert (fast.index.astype(int) if ids == "int" else fast.index).is_monotonic_increasing
        pd.testing.assert_frame_equal(fast[cols], ref[cols], check_exact=False, rtol=1e-12)
    assert fast.loc["5000" if ids == "int" else "c5000", "frequency"] == 0
    # many hash partitions (a log whose day bitmaps would not fit the memory limit) give the same numbers
    monkeypatch.setattr(rfm, "memory_limit", lambda: ("1B", 1.0))
    monkeypatch.setattr(rfm, "_one_pass_memory", lambda needed, limit: None)
    pd.testing.assert_frame_equal(rfm.summary(tx, **kw)[cols], ref[cols], check_exact=False, rtol=1e-12)
    # a raised limit for one pass (a large log on a machine with memory to spare): the same numbers, and the
    # process's database gets its default limit back
    from kamlib._io import connect

    monkeypatch.setattr(rfm, "_one_pass_memory", lambda needed, limit: 2e9)
    before = connect().execute("SELECT current_setting('memory_limit')").fetchone()[0]
    pd.testing.assert_frame_equal(rfm.summary(tx, **kw)[cols], ref[cols], check_exact=False, rtol=1e-12)
    assert connect().execute("SELECT current_setting('memory_limit')").fetchone()[0] == before


def test_a_large_log_gets_one_pass_where_the_machine_has_the_memory(monkeypatch):
    """Above two passes at the default limit, one pass with a raised limit (at most 40% of the machine's memory);
    a limit the user set is kept."""
    monkeypatch.delenv("KAM_DUCKDB_MEMORY", raising=False)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert rfm._one_pass_memory(1.4e9, 700e6) is None  # 20M rows: two passes at the default
    assert rfm._one_pass_memory(3e9, 700e6) == pytest.approx(min(3e9, 0.4 * total))
    assert rfm._one_pass_memory(10 * total, 700e6) == pytest.approx(0.4 * total)
    monkeypatch.setenv("KAM_DUCKDB_MEMORY", "700MB")
    assert rfm._one_pass_memory(3e9, 700e6) is None


def test_equal_customers_share_scores_whatever_the_row_order():
    """Ties share a score: the same customers in another order get the same R, F, M and segment (issue 48)."""
    s = pd.DataFrame({"frequency": [0, 0, 0, 0, 2, 2, 5, 5, 1, 0],
                      "recency": [0.0, 0, 0, 0, 30, 30, 60, 60, 10, 0],
                      "T": [90.0, 90, 90, 90, 90, 90, 90, 90, 90, 40],
                      "revenue": [10.0, 10, 10, 10, 30, 30, 60, 60, 20, 10]},
                     index=[f"c{i}" for i in range(10)])
    sc = rfm.scores(s)
    assert sc.loc[["c0", "c1", "c2", "c3"], ["R", "F", "M"]].nunique().eq(1).all()  # four identical customers
    assert sc.loc["c4", "F"] == sc.loc["c5", "F"] and sc.loc["c6", "RFM"] == sc.loc["c7", "RFM"]
    for seed in range(5):
        shuffled = s.sample(frac=1, random_state=seed)
        pd.testing.assert_frame_equal(rfm.scores(shuffled).loc[s.index], sc)
    # the same on a real log: reversed rows, identical scores per customer
    big = rfm.summary(datasets.cdnow(sample=True), end="1997-09-30")
    pd.testing.assert_frame_equal(rfm.scores(big.iloc[::-1]).loc[big.index], rfm.scores(big))
