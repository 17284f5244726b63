"""Importance-performance maps and PLSpredict (issue 50, items 2 and 3), against R seminr and seminrExtras
computed locally from their public sources (tests/reference/seminr/README.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib import datasets
from kamlib.errors import ArgumentError
from kamlib.survey import pls
from kamlib.survey.importance import QUADRANTS, ipa, ipma
from kamlib.survey.plspredict import plspredict, predict_items

REF = Path(__file__).parent / "reference" / "seminr"


@pytest.fixture(scope="module")
def ecsi_model():
    d = datasets.ecsi("satisfaction")
    return pls.fit(d, paths=datasets.ECSI_PATHS["satisfaction"], blocks=datasets.ECSI_BLOCKS["satisfaction"])


@pytest.mark.parametrize("weights, file, columns", [
    ("standardised", "satisfaction-ipma-loyalty.csv", ["importance", "importance_std", "performance"]),
    ("unstandardised", "satisfaction-ipma-loyalty-unstandardised.csv", ["importance", "performance"]),
])
def test_ipma_equals_the_r_reference(ecsi_model, weights, file, columns):
    ref = pd.read_csv(REF / file).set_index("construct")
    got = ipma(ecsi_model, "Loyalty", scale=(0, 10), weights=weights).constructs.set_index("construct")
    assert set(got.index) == set(ref.index)
    for c in columns:
        np.testing.assert_allclose(got.loc[ref.index, c], ref[c], rtol=1e-9, atol=1e-9, err_msg=c)


def test_ipma_indicators_split_their_constructs_importance_by_their_weights(ecsi_model):
    m = ipma(ecsi_model, "Loyalty", scale=(0, 10))
    by = m.indicators.groupby("construct")["importance"].sum()
    np.testing.assert_allclose(by[m.constructs["construct"]], m.constructs["importance"], rtol=1e-12)
    raw = datasets.ecsi("satisfaction")
    np.testing.assert_allclose(m.indicators.set_index("indicator").loc["sat1", "performance"], raw["sat1"].mean() * 10)
    assert m.constructs["quadrant"].isin(list(QUADRANTS.values())).all()
    assert 0 < m.target_performance < 100


def test_ipma_refuses_what_it_cannot_read(ecsi_model):
    with pytest.raises(ArgumentError, match="outside the scale 1-7"):
        ipma(ecsi_model, "Loyalty", scale=(1, 7))
    with pytest.raises(ArgumentError, match="not a construct"):
        ipma(ecsi_model, "Trust", scale=(0, 10))
    with pytest.raises(ArgumentError, match="no construct has an effect on Image"):
        ipma(ecsi_model, "Image", scale=(0, 10))


def test_the_classic_map_names_each_quadrant_by_the_crosshair_at_the_means():
    t = ipa(pd.Series({"a": 0.5, "b": 0.1, "c": 0.4, "d": 0.0}), pd.Series({"a": 40, "b": 90, "c": 80, "d": 10}))
    # mean importance 0.25, mean performance 55
    assert dict(zip(t["driver"], t["quadrant"])) == {"a": "Concentrate here", "c": "Keep up the good work",
                                                      "d": "Low priority", "b": "Possible overkill"}
    assert list(t["driver"]) == ["a", "c", "d", "b"]
    with pytest.raises(ArgumentError, match="two or more drivers"):
        ipa(pd.Series({"a": 0.5}), pd.Series({"a": 40}))


def test_two_drivers_get_no_quadrants():
    """With two drivers the crosshair at their means always splits them into opposite quadrants: no quadrant is
    named, one sentence says why, and the map draws no quadrant names."""
    from kamlib.plots import plot_importance_performance
    from kamlib.survey.importance import too_few_drivers

    t = ipa(pd.Series({"a": 0.5, "b": 0.1}), pd.Series({"a": 56.0, "b": 57.5}))
    assert t["quadrant"].isna().all() and "2 drivers" in str(too_few_drivers(len(t)))
    ax = plot_importance_performance(t, "driver")
    assert not [x for x in ax.texts if x.get_text() in ("Concentrate here", "Possible overkill")]
    low, high = ax.get_ylim()
    assert high - low >= 20


@pytest.mark.slow
@pytest.mark.parametrize("technique, file", [("direct", "satisfaction-plspredict-loocv-da.csv"),
                                             ("earliest", "satisfaction-plspredict-loocv-ea.csv")])
def test_plspredict_leave_one_out_equals_seminr(ecsi_model, technique, file):
    ref = pd.read_csv(REF / file).set_index("item")
    got = plspredict(ecsi_model, folds=None, technique=technique, benchmark="other").table.set_index("indicator")
    assert set(got.index) == set(ref.index)
    for c in ref.columns:
        np.testing.assert_allclose(got.loc[ref.index, c], ref[c], rtol=1e-9, err_msg=c)


def _small():
    rng = np.random.default_rng(4)
    f = rng.normal(size=(40, 1))
    d = pd.DataFrame(f + rng.normal(size=(40, 3)), columns=["x1", "x2", "x3"])
    d[["y1", "y2"]] = 0.7 * f + rng.normal(size=(40, 2))
    return pls.fit(d, paths=[("X", "Y")], blocks={"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]})


@pytest.mark.slow
def test_plspredict_with_as_many_folds_as_respondents_is_leave_one_out_and_reports_power():
    m = _small()
    loo = plspredict(m, folds=None).table
    k = plspredict(m, folds=len(m.data), reps=1, seed=3).table
    pd.testing.assert_frame_equal(loo, k)
    assert (loo["q2_predict"] > 0).all()  # a real effect predicts better than the mean
    p = plspredict(m, folds=5, reps=3, seed=1)
    assert p.power["Y"] in {"high", "medium", "low", "no"} and "Shmueli et al. 2019" in str(p.verdict)
    assert p.table.equals(plspredict(m, folds=5, reps=3, seed=1).table)  # the seed fixes the folds
    # predicting the training data with the fitted model: Y's items from X's score times the path and loadings
    x_score = (((m.data[["x1", "x2", "x3"]] - m.data[["x1", "x2", "x3"]].mean()) / m.data[["x1", "x2", "x3"]].std())
               @ m.outer.set_index("indicator").loc[["x1", "x2", "x3"], "weight"])
    lam = m.outer.set_index("indicator").loc["y1", "loading"]
    expected = x_score * m.paths["estimate"].iloc[0] * lam * m.data["y1"].std() + m.data["y1"].mean()
    np.testing.assert_allclose(predict_items(m, m.data)["y1"], expected, rtol=1e-10)
    with pytest.raises(ArgumentError, match="folds is 1"):
        plspredict(m, folds=1)


def test_the_benchmark_regresses_on_the_exogenous_indicators_by_default(ecsi_model):
    """Shmueli et al. (2019): each endogenous indicator on the exogenous constructs' indicators; seminr's rule
    (every indicator outside the construct) on request. In a model with one exogenous construct predicting one
    outcome the two coincide; in the ECSI chain they differ. The exogenous benchmark, checked by hand for one
    indicator and fold split: an OLS of loy1 on Image's items fitted on the other folds."""
    m = _small()
    pd.testing.assert_frame_equal(plspredict(m, folds=4, reps=1, seed=2).table,
                                  plspredict(m, folds=4, reps=1, seed=2, benchmark="other").table)
    exo = plspredict(ecsi_model, folds=5, reps=1, seed=3).table.set_index("indicator")
    other = plspredict(ecsi_model, folds=5, reps=1, seed=3, benchmark="other").table.set_index("indicator")
    assert not np.allclose(exo["lm_rmse"], other["lm_rmse"])
    d = ecsi_model.data
    order = np.random.default_rng(3).permutation(len(d))
    fold = np.empty(len(d), int)
    fold[order] = np.arange(len(d)) * 5 // len(d)
    x = np.column_stack([np.ones(len(d)), d[[f"imag{i}" for i in range(1, 6)]].to_numpy(float)])
    pred = np.zeros(len(d))
    for f in range(5):
        coef = np.linalg.lstsq(x[fold != f], d["loy1"].to_numpy(float)[fold != f], rcond=None)[0]
        pred[fold == f] = x[fold == f] @ coef
    assert exo.loc["loy1", "lm_rmse"] == pytest.approx(np.sqrt(np.mean((d["loy1"].to_numpy() - pred) ** 2)))
