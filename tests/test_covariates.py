"""The Pareto/NBD and BG/NBD with time-invariant covariates (issue 32, item 3).

Checked against independent references: without covariates, the published CDNOW estimates (Fader, Hardie & Lee
2005; CLVTools' pnbd and bgnbd) and lifetimes' likelihoods and predictions; with covariates, each customer's P(alive)
and expected purchases equal lifetimes' plain formulas at that customer's own parameters; a constant covariate
changes nothing; the coefficients are recovered from logs simulated with known ones; a log without dropout gives a
degenerate fit with no standard errors and no test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import clv, datasets, rfm
from kamlib.clv import covariates as cv, holdout
from kamlib.errors import KamError

PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}  # Fader, Hardie & Lee (2005); CLVTools pnbd
BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), LL -9582.4


@pytest.fixture(scope="module")
def cdnow():
    return rfm.summary(datasets.cdnow(sample=True), end="1997-09-30")


@pytest.fixture(scope="module")
def cohort(cdnow):
    """CDNOW's acquisition cohort (month of the first purchase), the covariate the CDNOW study maps."""
    frame, notes = cv.customer_covariates(datasets.cdnow(sample=True), [cv.COHORT], end="1997-09-30")
    assert notes == []
    return frame


def _arrays(s):
    return (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))


def test_the_likelihoods_equal_lifetimes(cdnow):
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    x, tx, T = _arrays(cdnow)
    ours = cv.loglik_paretonbd(*PARETO.values(), x, tx, T)
    ref = ParetoNBDFitter._conditional_log_likelihood(list(PARETO.values()), x, tx, T)
    np.testing.assert_allclose(ours, ref, rtol=1e-10)
    total = cv.loglik_bgnbd(*BGNBD.values(), x, tx, T).sum()
    ref = -BetaGeoFitter._negative_log_likelihood(np.log(list(BGNBD.values())), x, tx, T, np.ones_like(x), 0.0) * len(x)
    assert total == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("model, published, loglik", [("paretonbd", PARETO, -9595.0), ("bgnbd", BGNBD, -9582.4)])
def test_without_covariates_the_published_cdnow_estimates(cdnow, model, published, loglik):
    m = cv.fit(cdnow, plain=clv.fit(cdnow, model, with_se=False))
    assert [round(m.params[k], 3) for k in published] == list(published.values())
    assert m.loglik == pytest.approx(loglik, abs=0.05)
    assert all(v > 0 for v in m.se.values()) and not m.degenerate


@pytest.mark.parametrize("model", ["paretonbd", "bgnbd"])
def test_a_constant_covariate_changes_nothing(cdnow, model):
    plain = clv.fit(cdnow, model)  # lifetimes' optimiser (Pareto/NBD) or kamlib's on sufficient rows (BG/NBD)
    one = cdnow.assign(shop="online")
    m = clv.fit(one, model, covariates=one[["shop"]], life=["shop"], trans=["shop"])
    assert m.params == cv.fit(cdnow, plain=clv.fit(cdnow, model, with_se=False)).params and m.covariates == ()
    assert m.params == pytest.approx(plain.params, rel=1e-4) and m.loglik == pytest.approx(plain.loglik, abs=1e-6)
    np.testing.assert_allclose(m.p_alive(cdnow), plain.p_alive(cdnow), rtol=1e-4)
    np.testing.assert_allclose(m.expected_purchases(39.0, cdnow), plain.expected_purchases(39.0, cdnow), rtol=1e-4)
    with pytest.raises(KamError, match="same value"):
        clv.fit(one.assign(n=1.0), model, covariates=one.assign(n=1.0)[["n"]], trans=["n"])


@pytest.mark.parametrize("model", ["paretonbd", "bgnbd"])
def test_each_customer_is_predicted_with_their_own_parameters(cdnow, cohort, model):
    """P(alive) and expected purchases of the customers of one cohort equal lifetimes' plain model at that cohort's
    parameters (alpha, beta or a, b shifted by the cohort's coefficients)."""
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    m = clv.fit(cdnow, model, covariates=cohort, life=["cohort"], trans=["cohort"], with_se=False)
    assert m.covariates == ("cohort",) and m.label == f"{clv.label(model)} + cohort"
    level = "cohort=1997-03"
    group = cdnow[cohort.reindex(cdnow.index)["cohort"].eq("1997-03").to_numpy()]
    p = m.params
    gl, gt = p[f"life.{level}"], p[f"trans.{level}"]
    if model == "paretonbd":
        ref = ParetoNBDFitter()
        ref.params_ = pd.Series({"r": p["r"], "alpha": p["alpha"] * np.exp(-gt), "s": p["s"],
                                 "beta": p["beta"] * np.exp(-gl)})
    else:
        ref = BetaGeoFitter()
        ref.params_ = pd.Series({"r": p["r"], "alpha": p["alpha"] * np.exp(-gt), "a": p["a"] * np.exp(gl),
                                 "b": p["b"] * np.exp(gl)})
    x, tx, T = _arrays(group)
    np.testing.assert_allclose(m.p_alive(group), ref.conditional_probability_alive(x, tx, T), rtol=1e-7)
    np.testing.assert_allclose(m.expected_purchases(39.0, group),
                               ref.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T), rtol=1e-7)
    with pytest.raises(KamError, match="depends on the covariates"):
        m.unconditional_purchases(10.0)


@pytest.mark.slow
@pytest.mark.parametrize("model, truth", [
    ("paretonbd", dict(r=0.55, alpha=10.6, s=0.61, beta=11.7)),
    ("bgnbd", dict(r=0.45, alpha=6.0, a=0.8, b=2.4)),
])
def test_coefficients_are_recovered_from_a_simulated_log(model, truth):
    rng = np.random.default_rng(4)
    z = (rng.random(6000) < 0.5).astype(float)
    simulate = cv.simulate_paretonbd if model == "paretonbd" else cv.simulate_bgnbd
    sim = simulate(6000, **truth, T=52, z=z, gamma_life=0.8, gamma_trans=0.6, seed=5)
    m = cv.fit(sim, sim[["z"]], plain=clv.fit(sim, model, with_se=False), life=["z"], trans=["z"])
    for name, value in (("life.z", 0.8), ("trans.z", 0.6), *truth.items()):
        assert abs(m.params[name] - value) < 3 * m.se[name], (name, m.params[name], m.se[name])
    lr = cv.likelihood_ratio(clv.fit(sim, model), m)
    assert lr.df == 2 and lr.pvalue < 1e-6


@pytest.mark.slow
def test_a_log_without_dropout_is_degenerate_and_gets_no_test():
    sim = cv.simulate_paretonbd(3000, r=0.8, alpha=5.0, s=0.5, beta=1e9, T=40, seed=2)  # nobody leaves
    sim["z"] = np.where(np.arange(len(sim)) % 2, "a", "b")
    m = clv.fit(sim, "paretonbd", covariates=sim[["z"]], life=["z"], trans=["z"])
    assert m.degenerate and "s" in m.at_bound and "dropout" in str(m.diagnosis())
    assert all(np.isnan(v) for v in m.se.values())  # never a standard error of 0
    assert np.isnan(cv.likelihood_ratio(cv.fit(sim, plain=clv.fit(sim, "paretonbd", with_se=False)), m).pvalue)


def test_customer_covariates_take_the_most_frequent_value_and_pool_rare_levels():
    tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3, 4, 5, 5],
                       "date": pd.to_datetime(["2011-01-03", "2011-01-05 14:00", "2011-03-01", "2011-01-04",
                                               "2011-02-01", "2011-02-02", "2011-02-03", "2011-01-09"], format="mixed"),
                       "country": ["UK", "DE", "DE", "UK", "UK", "FR", "UK", "UK"]})
    frame, notes = cv.customer_covariates(tx, ["country", "cohort", "channel"], end="2011-01-05", min_customers=1)
    # up to 5 January (the whole day): customer 1 has one UK and one DE line, the tie goes to the first in sort order
    assert frame["country"].to_dict() == {1: "DE", 2: "UK"}
    assert "cohort" not in frame and any("cohort has one level (2011-01)" in str(n) for n in notes)
    assert any("channel" in str(n) and "not a column" in str(n) for n in notes)
    frame, _ = cv.customer_covariates(tx, ["cohort"], min_customers=1)
    assert frame["cohort"].to_dict() == {1: "2011-01", 2: "2011-01", 3: "2011-02", 4: "2011-02", 5: "2011-01"}
    frame, notes = cv.customer_covariates(tx, ["country"], min_customers=2)
    assert set(frame["country"]) == {"UK", "other"} and any("pooled" in str(n) for n in notes)
    frame, notes = cv.customer_covariates(tx, ["country"], min_customers=4)
    assert "country" not in frame and any("one level" in str(n) for n in notes)


def test_design_takes_the_most_common_level_as_reference_and_refuses_gaps(cdnow):
    cov = pd.DataFrame({"country": np.where(np.arange(len(cdnow)) % 3, "UK", "DE")}, index=cdnow.index)
    z, names = cv.design(cov, ["country"], cdnow.index)
    assert names == ["country=DE"] and z.sum() == (np.arange(len(cdnow)) % 3 == 0).sum()
    with pytest.raises(KamError, match="lack values"):
        cv.design(cov.iloc[:-5], ["country"], cdnow.index)
    with pytest.raises(KamError, match="BG/NBD and the Pareto/NBD"):
        clv.fit(cdnow, "mbgnbd", covariates=cov, life=["country"])


@pytest.mark.slow  # 2 s: outside `make test-fast`
def test_the_holdout_comparison_and_the_clv_take_the_covariate_fits(cohort):
    tx = datasets.cdnow(sample=True)
    cal = rfm.calibration_holdout(tx, calibration_end="1997-09-30", holdout_end="1998-06-30")
    models = {"bgnbd": clv.fit(cal, "bgnbd"), "paretonbd": clv.fit(cal, "paretonbd")}
    sel = holdout.select(cal, tx, models, clv.fit(cal, "gamma_gamma"), calibration_end="1997-09-30", n_boot=0,
                         covariates=cohort)
    assert set(sel.covariate_fits) == {"paretonbd+cohort", "bgnbd+cohort"}
    rows = sel.table.set_index("forecast")
    assert {"Pareto/NBD + cohort", "BG/NBD + cohort"} <= set(rows.index)
    assert rows.loc["Pareto/NBD + cohort", "revenue_mae"] != rows.loc["Pareto/NBD", "revenue_mae"]
    base, purchase, _ = clv.customer_base(cal, model="paretonbd+cohort", covariates=cohort)
    assert purchase.covariates == ("cohort",) and np.isfinite(base["clv"]).all()
    with pytest.raises(KamError, match="needs the customers' covariates"):
        clv.customer_base(cal, model="paretonbd+cohort")


# -- issue 51: the covariate fits by BFGS with their analytic gradient ----------------------------------------------


def test_the_bgnbd_row_gradient_equals_differences_of_the_likelihood():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 30, 200).astype(float)
    T = rng.uniform(20, 52, 200)
    tx = np.where(x > 0, T * rng.random(200), 0.0)
    alpha, a, b = rng.uniform(2, 6, 200), rng.uniform(0.3, 2, 200), rng.uniform(1, 5, 200)
    ll, d = cv._bgnbd_rows(0.4, alpha, a, b, x, tx, T)
    np.testing.assert_allclose(ll, cv.loglik_bgnbd(0.4, alpha, a, b, x, tx, T), rtol=1e-12)
    h = 1e-6
    point = [0.4, alpha, a, b]
    numeric = []
    for i in range(4):
        up, down = list(point), list(point)
        up[i], down[i] = point[i] + h, point[i] - h
        numeric.append((cv.loglik_bgnbd(*up, x, tx, T) - cv.loglik_bgnbd(*down, x, tx, T)) / (2 * h))
    np.testing.assert_allclose(d, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("model", ["paretonbd", "bgnbd"])
def test_the_covariate_fit_is_a_stationary_point_of_the_likelihood(cdnow, cohort, model):
    """At the estimates, central differences of the total log-likelihood (each cohort's own parameters in lifetimes'
    Pareto/NBD or BG/NBD likelihood) vanish in every base parameter (log scale) and coefficient."""
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    m = clv.fit(cdnow, model, covariates=cohort, life=["cohort"], trans=["cohort"], with_se=False)
    names = list(m.params)
    theta = np.array([np.log(v) if k in clv.get(model).params else v for k, v in m.params.items()])
    x, tx, T = _arrays(cdnow)
    level = cohort.reindex(cdnow.index)["cohort"].to_numpy()
    groups = {lv: np.flatnonzero(level == lv) for lv in np.unique(level)}

    def total(th):
        p = dict(zip(names, th))
        out = 0.0
        for lv, i in groups.items():
            gl, gt = p.get(f"life.cohort={lv}", 0.0), p.get(f"trans.cohort={lv}", 0.0)
            if model == "paretonbd":
                params = [np.exp(p["r"]), np.exp(p["alpha"] - gt), np.exp(p["s"]), np.exp(p["beta"] - gl)]
                out += ParetoNBDFitter._conditional_log_likelihood(params, x[i], tx[i], T[i]).sum()
            else:
                lp = np.array([p["r"], p["alpha"] - gt, p["a"] + gl, p["b"] + gl])
                out -= BetaGeoFitter._negative_log_likelihood(lp, x[i], tx[i], T[i], np.ones(len(i)), 0.0) * len(i)
        return out

    h = 1e-4
    grad = [(total(theta + e) - total(theta - e)) / (2 * h) for e in np.eye(len(theta)) * h]
    assert np.abs(grad).max() < 1e-2, dict(zip(names, grad))
