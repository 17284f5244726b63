"""Windows from the business (issue 48, item 3, the tiers' part): the inactivity window that puts a key account at risk
by recency is drawn from the log's own gaps between purchase days (``tiers.max_inactive_days: auto``), and checked on
the holdout (how many customers it called inactive bought again).

The expectations are computed here from the raw B2B export (tests/exports.py; its median gap between a customer's
orders is about four months, so a fixed 180 days calls customers lost who come back) with plain pandas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import exports
from kamlib import tiers
from kamlib.errors import ArgumentError
from kamlib.workbench import study

CAL_END, HOLD_END = exports.SUPERSTORE_PERIODS["calibration_end"], exports.SUPERSTORE_PERIODS["holdout_end"]


@pytest.fixture(scope="module")
def log():
    """The B2B order lines as the export has them, and as the workbook's log (customer_id, date, amount)."""
    raw = exports.superstore_log()
    tx = pd.DataFrame({"customer_id": raw["Customer ID"].astype(str), "date": pd.to_datetime(raw["Order Date"]),
                       "amount": raw["Sales"].astype(float)})
    return raw, tx


def _gaps_by_hand(raw, end):
    days = raw.loc[raw["Order Date"] <= end, ["Customer ID", "Order Date"]].drop_duplicates()
    gaps = []
    for _, d in days.groupby("Customer ID"):
        gaps += list(np.diff(np.sort(d["Order Date"].to_numpy())) / np.timedelta64(1, "D"))
    return np.array(gaps)


def test_the_window_is_a_percentile_of_the_gaps_between_purchase_days(log):
    raw, tx = log
    gaps = _gaps_by_hand(raw, pd.Timestamp(CAL_END))
    w = tiers.inactivity_window(tx, end=CAL_END, percentile=0.9)
    assert w.source == "log" and w.gaps == len(gaps)
    assert w.days == np.ceil(np.quantile(gaps, 0.9)) and w.median_gap == np.median(gaps)
    assert 90 < w.median_gap < 150 and w.days > 180  # the export's purchase cycle: four months, a long tail
    assert w.days < tiers.inactivity_window(tx, end=CAL_END, percentile=0.95).days
    assert "0.9 quantile" in w.sentence() and str(int(w.days)) in w.sentence()


def test_the_holdout_check_counts_who_came_back(log):
    raw, tx = log
    for days in (180.0, tiers.inactivity_window(tx, end=CAL_END).days):
        check = tiers.Window(days).check(tx, calibration_end=CAL_END, holdout_end=HOLD_END)
        when = raw.groupby("Customer ID")["Order Date"]
        last = raw[raw["Order Date"] <= CAL_END].groupby("Customer ID")["Order Date"].max()
        called = last.index[(pd.Timestamp(CAL_END) - last).dt.days > days]
        later = set(raw.loc[(raw["Order Date"] > CAL_END) & (raw["Order Date"] <= HOLD_END), "Customer ID"])
        assert (check.called, check.came_back) == (len(called), sum(c in later for c in called)), days
        assert when.ngroups > check.called > 0
        # the statistic judged: of the customers who bought on both sides of the calibration end, the share called
        # inactive; beside it the share of the calibration period's gaps longer than the window
        assert check.returned == len(set(last.index) & later), days
        assert check.still_buying_share == check.came_back / len(set(last.index) & later)
        gaps = _gaps_by_hand(raw, pd.Timestamp(CAL_END))
        assert (check.gaps, check.longer) == (len(gaps), int((gaps > days).sum())), days
    fixed = tiers.window(tx, 180, end=CAL_END, owner="check").check(tx, calibration_end=CAL_END, holdout_end=HOLD_END)
    drawn = tiers.inactivity_window(tx, end=CAL_END, owner="check").check(tx, calibration_end=CAL_END,
                                                                          holdout_end=HOLD_END)
    assert drawn.called < fixed.called  # the log's window calls fewer customers lost than a fixed 180 days
    assert "bought again by 2022-12-31" in fixed.sentence()
    # the sentence names the window it checks: its owner and where its number comes from
    assert "drawn from the calibration period alone (180 days; tiers.max_inactive_days: 180, set in the study)" \
        in fixed.sentence()
    assert "tiers.max_inactive_days: auto, the 0.9 quantile of the log's gaps from" in drawn.sentence()
    assert tiers.Window(10_000).check(tx, calibration_end=CAL_END, holdout_end=HOLD_END).sentence() is None


def test_auto_or_a_number_and_the_tiers_take_it(log):
    _, tx = log
    auto = tiers.window(tx, "auto", end=CAL_END)
    assert auto == tiers.inactivity_window(tx, end=CAL_END)
    assert tiers.window(tx, 120, end=CAL_END) == tiers.Window(120.0, "study")
    with pytest.raises(ArgumentError, match="a number of days or auto"):
        tiers.window(tx, "often", end=CAL_END)
    empty = tiers.inactivity_window(tx.drop_duplicates("customer_id"), end=CAL_END)
    assert empty.source == "default" and "no gaps" in empty.sentence()
    assert study.Tiers().max_inactive_days == "auto" and study.Tiers(max_inactive_days="Auto").max_inactive_days == "auto"
    with pytest.raises(ValueError, match="positive number of days or auto"):
        study.Tiers(max_inactive_days=0)


def test_the_lifecycle_check_counts_the_called_customers_who_bought_again(log):
    """lifecycle.came_back on the stages by recency with the log's window (30_segments' fallback): the counts by hand."""
    from kamlib import lifecycle

    raw, tx = log
    w = tiers.inactivity_window(tx, end=CAL_END)
    st = lifecycle.stages(tx, CAL_END, at_risk_days=int(w.days), churned_days=int(2 * w.days))
    checked = lifecycle.came_back(st, tx, after=CAL_END, until=HOLD_END).set_index("stage")
    last = raw[raw["Order Date"] <= CAL_END].groupby("Customer ID")["Order Date"].max()
    silent = (pd.Timestamp(CAL_END) - last).dt.days
    later = set(raw.loc[(raw["Order Date"] > CAL_END) & (raw["Order Date"] <= HOLD_END), "Customer ID"])
    churned = silent.index[silent > 2 * w.days]
    at_risk = silent.index[(silent > w.days) & (silent <= 2 * w.days)]
    for stage, ids in (("churned", churned), ("at-risk", at_risk)):
        assert checked.loc[stage, "customers"] == len(ids) > 0, stage
        assert checked.loc[stage, "came_back"] == sum(c in later for c in ids), stage


# -- the evidence rule: too few gaps, the default ---------------------------------------------------------------------

def _marketplace(repeaters: int, one_timers: int = 2000, seed: int = 4):
    """A marketplace log where few customers repeat: ``repeaters`` customers buy twice (1-6 days apart), the rest once."""
    rng = np.random.default_rng(seed)
    rows = [(f"o{i}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))) for i in range(one_timers)]
    for i in range(repeaters):
        first = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
        rows += [(f"r{i}", first), (f"r{i}", first + pd.Timedelta(days=int(rng.integers(1, 7))))]
    return pd.DataFrame(rows, columns=["customer_id", "date"])


@pytest.mark.parametrize("p", [0.5, 0.75, 0.9, 0.95, 0.99])
def test_min_gaps_is_the_smallest_sample_whose_extremes_bracket_the_percentile(p):
    """By brute force: the smallest n with P(min <= q_p <= max) = 1 - p**n - (1 - p)**n >= 0.95."""
    n = next(n for n in range(1, 10_000) if 1 - p ** n - (1 - p) ** n >= 0.95)
    assert tiers.min_gaps(p) == n
    assert tiers.min_gaps(0.9) == 29 and tiers.min_gaps(0.95) == 59


def test_fifteen_gaps_give_the_default_and_say_so():
    """Issue 48: a 3-day window was drawn from the 15 gaps of a marketplace log where few customers repeat."""
    tx = _marketplace(15)
    w = tiers.window(tx, "auto", end="2024-12-31", percentile=0.9, owner="tiers")
    gaps = tx.sort_values("date").groupby("customer_id")["date"].diff().dt.days.dropna()
    assert len(gaps) == 15 and w.gaps == 15 and w.customers == 15
    assert w.source == "default" and w.days == 180.0 and w.thin and w.needed == 29
    assert w.drawn == np.ceil(np.quantile(gaps, 0.9)) < 7  # the few-day window the gaps would have given
    s = str(w.sentence())
    for words in ("180 days", "only 15 gaps", "15 repeat buyers", "fewer than the 29", "0.9 quantile", "95% confidence",
                  f"{w.drawn:g} days they give are not used", "set tiers.max_inactive_days"):
        assert words in s, words
    assert w.sentence().translate("zh") and w.origin.translate("zh") and "only 15 gaps" in str(w.origin)
    # the tiers take the default days, and a number set in the study is taken as it is
    assert tiers.window(tx, 30, end="2024-12-31").days == 30.0
    # with enough gaps the window is drawn from them
    enough = tiers.window(_marketplace(29), "auto", end="2024-12-31", percentile=0.9)
    assert enough.source == "log" and enough.days < 7 and not enough.thin
