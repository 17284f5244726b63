import numpy as np
import pandas as pd
import pytest

from kamlib import tiers
from kamlib.errors import KamError


def _base(p_alive):
    return pd.DataFrame({
        "revenue": [100, 90, 10, 5, 4, 3, 2, 1, 1, 1],
        "clv":     [50, 1, 60, 20, 15, 1, 1, 1, 1, 1],
        "p_alive": p_alive,
        "recency": [50, 10, 50, 50, 50, 50, 50, 50, 50, 50],  # days (unit "D")
        "T":       [52, 52, 52, 52, 52, 52, 52, 52, 52, 52],
    }, index=list("abcdefghij"))


def test_tier_rule_on_a_hand_made_base():
    base = _base([0.9, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    result = tiers.assign(base, key_share=0.2, develop_share=0.5, min_p_alive=0.5)
    t = result.tier
    assert result.risk == "p_alive" and result.note is None and "P(alive) < 0.5" in result.rule
    assert t["a"] == "Key account"            # top revenue, alive
    assert t["b"] == "At-risk key account"    # top revenue, P(alive) 0.1
    assert t["c"] == "Potential key account"  # not top revenue, top-2 CLV
    assert t["d"] == "Develop" and t["e"] == "Develop"
    assert t["j"] == "Maintain"
    assert result.counts() == {"Key account": 1, "At-risk key account": 1, "Potential key account": 1,
                               "Develop": 2, "Maintain": 5}
    tab = tiers.table(base, result)
    assert tab["customers"].sum() == 10 and tab["clv_share"].sum() == pytest.approx(1)


def test_risk_falls_back_to_recency_when_p_alive_carries_no_information():
    # everyone alive by P(alive): b, whose last purchase was 42 days before the end, is at risk after 30 days
    base = _base([0.95] * 10)
    result = tiers.assign(base, key_share=0.2, develop_share=0.5, min_p_alive=0.5, max_inactive_days=30)
    assert result.risk == "recency" and "at least 0.95" in result.note and "30 days" in result.rule
    assert result.tier["a"] == "Key account" and result.tier["b"] == "At-risk key account"
    # the same customer is alive with a longer threshold
    assert tiers.assign(base, max_inactive_days=60, develop_share=0.5).tier["b"] == "Key account"


def test_recency_threshold_in_the_summary_unit():
    base = _base([0.1] * 10).assign(recency=lambda d: d["recency"] / 7, T=lambda d: d["T"] / 7)  # weeks
    # a degenerate model: recency even though P(alive) would put everyone at risk; 42 days > 30, 2 days < 30
    result = tiers.assign(base, max_inactive_days=30, unit="W", degenerate=True, develop_share=0.5)
    assert result.risk == "recency" and "cannot identify dropout" in result.note
    assert result.tier["b"] == "At-risk key account" and result.tier["a"] == "Key account"


def test_top_rule_rounds_and_breaks_ties_by_id():
    values = pd.Series([3.0, 3.0, 3.0, 1.0, 0.5, 0.1, 0.0], index=["z", "y", "x", "a", "b", "c", "d"])
    assert list(tiers.top(values, 0.2)) == ["x"]          # round(1.4) = 1, the tie goes to the smallest id
    assert list(tiers.top(values, 0.3)) == ["x", "y"]     # round(2.1) = 2
    assert list(tiers.top(values, 0.01)) == ["x"]         # at least one customer
    assert len(tiers.top(values.iloc[:0], 0.5)) == 0
    # the same ids whatever the row order
    shuffled = values.sample(frac=1, random_state=np.random.RandomState(3))
    assert list(tiers.top(shuffled, 0.5)) == list(tiers.top(values, 0.5))
    with pytest.raises(KamError, match="top share"):
        tiers.top(values, 0)


def test_top_by_revenue_agrees_with_the_recommendation_split():
    from kamlib.act import recommend
    rng = np.random.default_rng(1)
    tx = pd.DataFrame({"customer_id": rng.integers(0, 40, 400).astype(str), "product": "p",
                       "amount": rng.gamma(2, 10, 400).round(0),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, 400), "D")})
    split = recommend.time_split(tx, "2024-02-15")
    before = tx[tx["date"] <= split.cutoff]
    assert list(recommend.top_customers(split, tx, 0.2)) == list(tiers.top_by_revenue(before, 0.2))
    revenue = tx.groupby("customer_id")["amount"].sum()
    expected = revenue.reset_index().sort_values(["amount", "customer_id"], ascending=[False, True])
    assert list(tiers.top_by_revenue(tx, 0.2)) == list(expected["customer_id"].head(8))


def test_bad_thresholds():
    base = pd.DataFrame({"revenue": [1], "clv": [1], "p_alive": [1]})
    with pytest.raises(KamError, match="key_share"):
        tiers.assign(base, key_share=0.6, develop_share=0.5)
