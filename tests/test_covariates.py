"""Pareto/NBD with time-invariant covariates (issue 32, item 3): without covariates the published CDNOW estimates
(Fader, Hardie & Lee 2005, also CLVTools' pnbd), a constant covariate changes nothing, the likelihood equals
lifetimes' at common parameters, and the coefficients are recovered from a log simulated with known ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib import covariates as cv
from kamlib import datasets, rfm
from kamlib.errors import KamError

PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


@pytest.fixture(scope="module")
def cdnow():
    return rfm.summary(datasets.cdnow(sample=True), end="1997-09-30")


def test_the_likelihood_equals_lifetimes(cdnow):
    from lifetimes import ParetoNBDFitter

    p = list(PUBLISHED.values())
    ours = cv.loglik_paretonbd(*p, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    ref = ParetoNBDFitter._conditional_log_likelihood(p, cdnow["frequency"].to_numpy(float),
                                                      cdnow["recency"].to_numpy(float), cdnow["T"].to_numpy(float))
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


@pytest.mark.slow
def test_without_covariates_the_published_cdnow_estimates(cdnow):
    m = cv.fit_paretonbd(cdnow)
    assert [round(m.params[k], 3) for k in PUBLISHED] == list(PUBLISHED.values())
    assert m.loglik == pytest.approx(-9595.0, abs=0.05)
    assert all(v > 0 for v in m.se.values())
    # a constant covariate cannot move the likelihood: the scale absorbs it
    const = pd.DataFrame({"one": 1.0}, index=cdnow.index)
    c = cv.fit_paretonbd(cdnow, const, trans=["one"], with_se=False)
    assert c.loglik == pytest.approx(m.loglik, abs=1e-3)
    assert c.params["alpha"] * np.exp(-c.params["trans.one"]) == pytest.approx(m.params["alpha"], rel=1e-3)


@pytest.mark.slow
def test_coefficients_are_recovered_from_a_simulated_log():
    rng = np.random.default_rng(4)
    z = (rng.random(6000) < 0.5).astype(float)
    sim = cv.simulate_paretonbd(6000, r=0.55, alpha=10.6, s=0.61, beta=11.7, T=52, z=z, gamma_life=0.8,
                                gamma_trans=0.6, seed=5)
    m = cv.fit_paretonbd(sim, sim[["z"]], life=["z"], trans=["z"])
    for name, truth in (("life.z", 0.8), ("trans.z", 0.6)):
        assert abs(m.params[name] - truth) < 3 * m.se[name], (name, m.params[name], m.se[name])


def test_text_covariates_become_named_indicators_and_gaps_are_refused(cdnow):
    cov = pd.DataFrame({"country": np.where(np.arange(len(cdnow)) % 2, "UK", "DE")}, index=cdnow.index)
    z, names = cv.design(cov, ["country"], cdnow.index)
    assert names == ["country=UK"] and z.sum() == len(cdnow) // 2
    with pytest.raises(KamError, match="lack values"):
        cv.design(cov.iloc[:-5], ["country"], cdnow.index)


def test_clv_fit_takes_covariates_for_the_pareto_nbd_only(cdnow):
    from kamlib import clv

    cov = pd.DataFrame({"early": (cdnow["T"] > cdnow["T"].median()).astype(float)}, index=cdnow.index)
    m = clv.fit(cdnow, "paretonbd", covariates=cov, trans=["early"], with_se=False)
    assert isinstance(m, cv.CovariateFit) and "trans.early" in m.params
    with pytest.raises(KamError, match="Pareto/NBD only"):
        clv.fit(cdnow, "bgnbd", covariates=cov, life=["early"])
