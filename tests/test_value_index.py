"""The customer-value index (issue 50, item 1): AHP, entropy weights and TOPSIS against published worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib.errors import ArgumentError, KamError
from kamlib.value_index import ahp, combine, entropy_weights, topsis

#: Saaty (2008), Int. J. Services Sciences 1(1), 83-98: relative consumption of drinks in the US; his derived
#: weights and consistency ratio (as reproduced in AHPy's README and tests, which say they match Saaty's)
DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINKS_MATRIX = [[1, 9, 5, 2, 1, 1, 1 / 2], [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
                 [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9], [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
                 [1, 9, 4, 2, 1, 2, 1 / 2], [1, 9, 3, 1, 1 / 2, 1, 1 / 3], [2, 9, 9, 3, 2, 3, 1]]
DRINKS_WEIGHTS = {"coffee": 0.177, "wine": 0.019, "tea": 0.042, "beer": 0.116, "soda": 0.190, "milk": 0.129,
                  "water": 0.327}


def test_ahp_reproduces_saatys_drinks_example():
    a = ahp(DRINKS_MATRIX, DRINKS)
    assert a.weights.round(3).to_dict() == DRINKS_WEIGHTS
    assert round(a.consistency_ratio, 3) == 0.022
    assert a.weights.sum() == pytest.approx(1.0)


def test_an_inconsistent_or_malformed_matrix_is_refused_in_one_sentence():
    bad = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]  # A >> B >> C >> A
    with pytest.raises(ArgumentError, match=r"inconsistent: consistency ratio .* Saaty \(1980\)"):
        ahp(bad, ["A", "B", "C"])
    assert ahp(bad, check=False).consistency_ratio > 0.1
    with pytest.raises(ArgumentError, match="is not the reciprocal"):
        ahp([[1, 3], [3, 1]], ["A", "B"])
    with pytest.raises(ArgumentError, match="must be square"):
        ahp([[1, 2, 3]])


def test_entropy_weights_reproduce_xu_2004_and_agree_with_pymcdm_without_zeros():
    """Xu (2004), EJOR 156(2), 530-532 (as pyrepo-mcda's tests reproduce it): weights 0.4630, 0.3992, 0.1378, 0."""
    from pymcdm.weights import entropy_weights as pymcdm_entropy

    m = pd.DataFrame([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]], columns=list("abcd"))
    assert entropy_weights(m).round(4).tolist() == [0.4630, 0.3992, 0.1378, 0.0]
    np.testing.assert_allclose(entropy_weights(m), pymcdm_entropy(m.to_numpy(float)))
    # a zero is information, not a reason for the largest weight (0 ln 0 = 0)
    z = pd.DataFrame({"a": [0.0, 1, 1, 1], "b": [1.0, 2, 3, 4]})
    p = z / z.sum()
    e = -(p * np.log(p.where(p > 0, 1))).sum() / np.log(4)
    np.testing.assert_allclose(entropy_weights(z), (1 - e) / (1 - e).sum())
    with pytest.raises(ArgumentError, match="0 for every row"):
        entropy_weights(pd.DataFrame({"a": [0, 0], "b": [1, 2]}))


def test_topsis_reproduces_papathanasiou_and_ploskas():
    """Papathanasiou & Ploskas (2018), TOPSIS, in Multiple Criteria Decision Aid, Springer (as
    distance-metrics-mcda's tests reproduce it): closeness 0.387, 0.327, 0.391, 0.615, 0.868, 0.493."""
    m = pd.DataFrame([[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]],
                     columns=list("abcd"))
    c = topsis(m, pd.Series({"a": 0.4, "b": 0.3, "c": 0.1, "d": 0.2}), dict.fromkeys("abcd", True))
    assert c.round(3).tolist() == [0.387, 0.327, 0.391, 0.615, 0.868, 0.493]
    # a cost criterion reverses: the smallest value is ideal
    r = topsis(pd.DataFrame({"days": [1.0, 5.0, 9.0]}), pd.Series({"days": 1.0}), {"days": False})
    np.testing.assert_allclose(r, [1.0, 0.5, 0.0], atol=1e-12)
    with pytest.raises(KamError, match="no weight or no direction"):
        topsis(m, pd.Series({"a": 1.0}), {"a": True})


def test_combined_weights():
    a, e = pd.Series({"x": 0.6, "y": 0.4}), pd.Series({"x": 0.2, "y": 0.8})
    assert combine(a, e).round(4).to_dict() == {"x": round(0.12 / 0.44, 4), "y": round(0.32 / 0.44, 4)}
    assert combine(a, e, method="linear", ahp_share=0.25).to_dict() == pytest.approx({"x": 0.3, "y": 0.7})
    with pytest.raises(ArgumentError, match="ahp_share"):
        combine(a, e, method="linear", ahp_share=2)


def test_the_study_declares_the_index_and_its_judgements_are_checked_when_loaded(study_file):
    from kamlib.workbench.study import load

    s = load()
    assert s.value_index.criteria and s.value_index.pairwise["tenure_days"]["products"] == pytest.approx(0.5)  # "1/2"
    bad = study_file(name="bad-index", value_index__pairwise={
        "revenue": {"purchase_days": 9, "days_since_last_purchase": 1 / 9, "tenure_days": 5, "products": 4},
        "purchase_days": {"days_since_last_purchase": 9, "tenure_days": 3, "products": 2},
        "days_since_last_purchase": {"tenure_days": 2, "products": 1}, "tenure_days": {"products": 0.5}})
    with pytest.raises(KamError, match="inconsistent: consistency ratio"):
        load(bad)
    missing = study_file(name="missing-pair", value_index__pairwise={"revenue": {"purchase_days": 2}})
    with pytest.raises(KamError, match="value_index.pairwise has no judgement of .* against"):
        load(missing)


def test_the_index_on_a_log_and_as_a_selection_rule():
    from kamlib import datasets, rfm
    from kamlib.act import strategy
    from kamlib.value_index import build, criteria, for_study

    tx = datasets.cdnow(sample=True)
    values = criteria(tx, start="1997-01-01", end="1997-09-30")
    by_hand = tx[tx["date"] <= "1997-09-30"].groupby("customer_id")["amount"].sum()
    np.testing.assert_allclose(values["revenue"], by_hand.reindex(values.index))
    directions = {"revenue": "benefit", "days_since_last_purchase": "cost"}
    v = build(values, directions, pairwise={"revenue": {"days_since_last_purchase": 3}}, method="ahp")
    assert v.weights["weight"].round(2).tolist() == [0.75, 0.25]  # a 2 x 2 matrix: 3 / (3 + 1)
    # TOPSIS written out (Hwang & Yoon 1981): vector normalisation, weights, distances to the best and worst values
    x = values[list(directions)].to_numpy(float)
    weighted = x / np.sqrt((x ** 2).sum(axis=0)) * np.array([0.75, 0.25])
    best = np.r_[weighted[:, 0].max(), weighted[:, 1].min()]
    worst = np.r_[weighted[:, 0].min(), weighted[:, 1].max()]
    d_best = np.sqrt(((weighted - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((weighted - worst) ** 2).sum(axis=1))
    np.testing.assert_allclose(v.closeness, d_worst / (d_best + d_worst), rtol=1e-10)
    assert v.note == ""
    assert for_study(tx, start="1997-01-01", end="1997-09-30", criteria_={}) is None
    with pytest.raises(KamError, match="cannot give"):
        build(values, {"profit": "benefit"}, method="entropy")
    cal = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30").assign(clv=np.nan)
    scores = strategy.rule_scores(cal, index=v.closeness)
    assert list(scores.columns)[-2:] == [strategy.INDEX_RULE, "Random"]
    top = scores[strategy.INDEX_RULE].nlargest(10).index
    assert set(top) <= set(v.closeness.nlargest(12).index)  # the rule ranks by the index (ties broken at random)


def test_a_constant_criterion_is_said_in_one_sentence_and_ranks_no_one():
    """A criterion with the same value for every customer (every customer bought on three days) gets entropy weight 0,
    leaves the closeness as it is without it (both TOPSIS distances scale alike), and is named in one sentence; a
    criterion of zeros does not stop the index; criteria all constant are refused in one sentence."""
    from kamlib.value_index import build

    values = pd.DataFrame({"revenue": [100.0, 50, 10, 5], "purchase_days": [3.0] * 4, "profit": [0.0] * 4,
                           "days_since_last_purchase": [5.0, 30, 200, 1]})
    d = {"revenue": "benefit", "purchase_days": "benefit", "days_since_last_purchase": "cost"}
    p = {"revenue": {"purchase_days": 2, "days_since_last_purchase": 3},
         "purchase_days": {"days_since_last_purchase": 2}}
    v = build(values, d, pairwise=p, method="combined")
    w = v.weights.set_index("criterion")
    assert w.loc["purchase_days", "entropy"] == 0 and w.loc["purchase_days", "weight"] == 0
    assert "purchase_days takes the same value for every customer (3)" in str(v.note)
    assert "leave it out of value_index.criteria" in str(v.note)
    without = topsis(values[["revenue", "days_since_last_purchase"]], w["weight"], {"revenue": True,
                                                                                     "days_since_last_purchase": False})
    np.testing.assert_allclose(v.closeness, without, rtol=1e-12)
    a = build(values, d, pairwise=p, method="ahp")  # its AHP weight stays as judged, and ranks no one
    assert a.weights.set_index("criterion").loc["purchase_days", "weight"] > 0
    np.testing.assert_allclose(a.closeness, topsis(values[["revenue", "days_since_last_purchase"]],
                                                   a.weights.set_index("criterion")["weight"],
                                                   {"revenue": True, "days_since_last_purchase": False}), rtol=1e-12)
    both = build(values, {**d, "profit": "benefit"}, method="entropy")
    assert "The criteria purchase_days, profit each take the same value" in str(both.note)
    with pytest.raises(KamError, match="takes the same value for every customer, so the index cannot rank them"):
        build(values, {"purchase_days": "benefit", "profit": "benefit"}, method="entropy")
