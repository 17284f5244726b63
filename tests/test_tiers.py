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


def test_top_rule_rounds_and_never_breaks_a_tie_by_id():
    """Issue 48 follow-up: a tie at the cut is left out whole (the top share stops before it), never split by id."""
    values = pd.Series([3.0, 3.0, 3.0, 1.0, 0.5, 0.1, 0.0], index=["z", "y", "x", "a", "b", "c", "d"])
    assert list(tiers.top(values, 0.2)) == []             # round(1.4) = 1 of three tied at 3.0: none is chosen
    assert list(tiers.top(values, 0.3)) == []             # round(2.1) = 2, still inside the tie
    assert list(tiers.top(values, 0.43)) == ["x", "y", "z"]  # round(3.01) = 3: the whole tie, shown in id order
    assert list(tiers.top(values, 0.57)) == ["x", "y", "z", "a"]  # the cut falls between two values
    c = tiers.cut(values, 0.3)
    assert (c.wanted, c.customers, c.tied, c.tied_value, c.left_out, c.indistinguishable) == (2, 7, 3, 3.0, 2, True)
    assert tiers.cut(values, 0.57).tied == 0 and tiers.cut(values, 0.57).sentence("revenue") is None
    distinct = pd.Series([5.0, 4.0, 3.0, 2.0], index=list("abcd"))
    assert list(tiers.top(distinct, 0.01)) == ["a"]       # at least one customer
    assert len(tiers.top(values.iloc[:0], 0.5)) == 0
    # every chosen customer is above every customer left out, whatever the row order
    shuffled = values.sample(frac=1, random_state=np.random.RandomState(3))
    assert list(tiers.top(shuffled, 0.57)) == list(tiers.top(values, 0.57))
    with pytest.raises(KamError, match="top share"):
        tiers.top(values, 0)


def test_top_share_of_a_log_of_one_time_buyers_is_its_repeat_buyers():
    """The marketplace case (issue 48 follow-up): 15 of 2,000 customers buy on two days, the rest once; the top 20%
    by purchase days are the 15 repeat buyers, not 385 one-time buyers picked by the text of their id, and the tiers
    say so in one sentence with the numbers and the study keys that would change it."""
    rng = np.random.default_rng(7)
    ids = rng.choice(10**6, 2000, replace=False).astype(str)
    repeat = set(ids[:15])
    base = pd.DataFrame({"frequency": [1 if i in repeat else 0 for i in ids], "recency": 1.0, "T": 5.0,
                         "revenue": np.nan, "clv": np.nan, "p_alive": np.nan}, index=ids)
    t = tiers.assign(base, key_share=0.2, develop_share=0.5, value_model="", unit="D", max_inactive_days=30)
    assert set(map(str, t.members)) == repeat and t.n_key_accounts == 15
    assert t.measure == "purchase days" and t.rank_by == "revenue"
    assert (t.cut.wanted, t.cut.tied, t.cut.tied_value) == (400, 1985, 1.0)
    note = str(t.tie_note)
    assert all(s in note for s in ("400 of 2,000", "1,985 customers tie at 1", "15 customers above it",
                                   "transactions.columns.amount", "tiers.key_share to at most 0.75%")), note
    # nothing below the key accounts is called a key account, a potential one or worth developing by its id
    rest = t.tier[~t.tier.index.isin(list(repeat))].astype(str)
    assert set(rest) == {"Maintain"}
    assert t.tie_note.translate("zh")  # the sentence is in the catalogue


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
