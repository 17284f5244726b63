"""Selection rules on the real CDNOW holdout and budget allocation against an independent optimiser."""

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from kamlib import clv, datasets, rfm
from kamlib.act import strategy
from kamlib.errors import KamError


@pytest.fixture(scope="module")
def cal_hold():
    tx = datasets.cdnow(sample=True)
    ch = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30", unit="W")
    base, _, _ = clv.customer_base(ch[["frequency", "recency", "T", "monetary_value", "revenue"]])
    return ch.assign(clv=base["clv"], p_alive=base["p_alive"])


def test_capture_counts_holdout_revenue_of_the_selected_customers(cal_hold):
    scores = strategy.rule_scores(cal_hold, seed=1)
    cap = strategy.capture(cal_hold, scores, share=0.2, n_boot=50, seed=2).set_index("rule")
    # independent check of one rule: sort by past revenue with pandas
    top = cal_hold.sample(frac=1, random_state=0).sort_values("revenue", ascending=False, kind="stable")
    assert cap.loc["Random", "selected"] == round(0.2 * len(cal_hold))
    rev = cal_hold["revenue_holdout"]
    # ties in past revenue are rare: shares agree to within one customer's revenue
    naive = top["revenue_holdout"].iloc[: round(0.2 * len(cal_hold))].sum() / rev.sum()
    assert cap.loc["Monetary (past revenue)", "holdout_revenue_share"] == pytest.approx(naive, abs=rev.max() / rev.sum())
    # every informed rule beats random, and random captures about its share
    for rule in strategy.RULES[:4]:
        assert cap.loc[rule, "revenue_ci_lower"] > cap.loc["Random", "revenue_ci_upper"], rule
    randoms = [strategy.capture(cal_hold, strategy.rule_scores(cal_hold, seed=s)[["Random"]], share=0.2, n_boot=0)
               ["holdout_revenue_share"].iloc[0] for s in range(30)]
    assert np.mean(randoms) == pytest.approx(0.2, abs=0.015)  # a random 20% captures 20% on average
    for rule in cap.index:
        assert cap.loc[rule, "revenue_ci_lower"] <= cap.loc[rule, "holdout_revenue_share"] <= cap.loc[rule, "revenue_ci_upper"]


def test_gains_curve_ends_at_one_and_matches_capture(cal_hold):
    scores = strategy.rule_scores(cal_hold, seed=1)
    g = strategy.gains(cal_hold, scores)
    assert g.iloc[-1, 1:].to_numpy() == pytest.approx(1.0) and (g.iloc[0, 1:] == 0).all()
    cap = strategy.capture(cal_hold, scores, share=0.2, n_boot=0).set_index("rule")
    row = g[np.isclose(g["customer_share"], 0.2)].iloc[0]
    for rule in strategy.RULES:
        assert row[rule] == pytest.approx(cap.loc[rule, "holdout_revenue_share"], abs=1e-3)


def test_optimal_allocation_matches_scipy():
    a = np.array([5000.0, 20000.0, 8000.0, 300.0])
    b = np.array([4000.0, 30000.0, 2000.0, 9000.0])
    budget = 25000.0
    x = strategy.optimal(a, b, budget)
    assert x.sum() == pytest.approx(budget)
    res = optimize.minimize(lambda v: -strategy.response(v, a, b).sum(), np.full(4, budget / 4),
                            bounds=[(0, budget)] * 4, constraints=[{"type": "eq", "fun": lambda v: v.sum() - budget}],
                            method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
    assert strategy.response(x, a, b).sum() >= -res.fun - 1e-6
    np.testing.assert_allclose(x, res.x, atol=budget * 1e-3)
    assert x[3] == 0  # a segment whose first euro returns less than the common margin gets nothing


def test_optimal_allocation_beats_simple_splits(cal_hold):
    from kamlib import tiers

    t = tiers.assign(cal_hold).tier
    seg = strategy.segment_inputs(cal_hold, t)
    cmp = strategy.compare_allocations(seg, 20000)
    tot = cmp.totals.set_index("allocation")
    assert tot.loc["optimal", "incremental_clv"] >= tot.loc["equal", "incremental_clv"]
    assert tot.loc["optimal", "incremental_clv"] >= tot.loc["revenue-proportional", "incremental_clv"]
    assert tot["spend"].to_numpy() == pytest.approx([20000] * 3)
    torn = strategy.tornado(cal_hold, t, 20000)
    assert (torn["low"] <= torn["base"] + 1e-9).all() and (torn["high"] >= torn["base"] - 1e-9).all()
    with pytest.raises(KamError, match="uplift mapping"):
        strategy.segment_inputs(cal_hold, pd.Series("Unknown tier", index=cal_hold.index))


def test_a_rule_is_compared_with_another_by_the_paired_interval_of_the_difference():
    """The examiner's C2: one rule's interval beside another's point estimate is no test; the difference's interval
    comes from the same resamples for both rules (recomputed here by hand)."""
    rng = np.random.default_rng(3)
    n = 400
    cal = pd.DataFrame({"revenue_holdout": rng.gamma(1.0, 50.0, n), "frequency_holdout": rng.poisson(2.0, n)})
    scores = pd.DataFrame({"a": cal["revenue_holdout"] + rng.normal(0, 40, n), "b": rng.random(n)})
    out = strategy.capture(cal, scores, share=0.2, n_boot=50, seed=9, against="b").set_index("rule")
    assert out.loc["b", "revenue_share_difference"] == 0 and out.loc["b", "revenue_share_difference_ci_lower"] == 0
    rev = cal["revenue_holdout"].to_numpy()
    boots = np.random.default_rng(9)
    idx = [boots.integers(0, n, n) for _ in range(50)]

    def share(sc, i):
        k = round(0.2 * n)
        top = np.lexsort((np.arange(n), -sc[i]))[:k]
        return rev[i][top].sum() / rev[i].sum()

    diffs = [share(scores["a"].to_numpy(), i) - share(scores["b"].to_numpy(), i) for i in idx]
    lo, hi = np.quantile(diffs, [0.025, 0.975])
    assert out.loc["a", "revenue_share_difference_ci_lower"] == pytest.approx(lo, abs=1e-12)
    assert out.loc["a", "revenue_share_difference_ci_upper"] == pytest.approx(hi, abs=1e-12)
    assert out.loc["a", "revenue_share_difference"] == pytest.approx(out.loc["a", "holdout_revenue_share"]
                                                      - out.loc["b", "holdout_revenue_share"])
    with pytest.raises(KamError, match="not a rule"):
        strategy.capture(cal, scores, against="c")
