"""CLV models against published estimates on the CDNOW sample, from raw transactions."""

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter

from kamlib import clv, datasets, rfm
from kamlib.clv import _bgnbd, _paretonbd
from kamlib.errors import KamError


@pytest.fixture(scope="module")
def cal():
    return rfm.summary(datasets.cdnow(sample=True), end="1997-09-30", unit="W", start="1997-01-01")


def test_bgnbd_matches_fader_hardie_lee_2005(cal):
    m = clv.fit(cal, "bgnbd")
    # FHL (2005), p. 280: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
    for k, v in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert round(m.params[k], 3) == v
    assert round(m.loglik, 1) == -9582.4
    assert m.n_customers == 2357 and m.n_rows < 1100


def test_paretonbd_matches_published(cal):
    m = clv.fit(cal, "paretonbd")
    # FHL (2005) / Fader & Hardie's Pareto/NBD note: r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0
    for k, v in {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}.items():
        assert round(m.params[k], 3) == v
    assert round(m.loglik, 1) == -9595.0
    again = clv.fit(cal, "paretonbd")
    assert again.params == m.params  # fixed start: reproducible to the last digit


def test_gamma_gamma_matches_fader_hardie_2013(cal):
    m = clv.fit(cal, "gamma_gamma")
    # Fader & Hardie (2013), The Gamma-Gamma model of monetary value: p = 6.25, q = 3.74, gamma = 15.44
    assert (round(m.params["p"], 2), round(m.params["q"], 2), round(m.params["v"], 2)) == (6.25, 3.74, 15.44)
    assert m.n_customers == 946


def test_sufficient_statistics_give_the_same_fit_as_all_customers(cal):
    ours = clv.fit(cal, "bgnbd")
    ref = BetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"])
    for k in ours.params:
        assert ours.params[k] == pytest.approx(ref.params_[k], rel=1e-4)
        # Hessian standard errors agree with lifetimes' autograd ones for BG/NBD
        assert ours.se[k] == pytest.approx(ref.standard_errors_[k], rel=1e-3)


def test_mbgnbd_and_its_information_criteria_match_lifetimes(cal):
    from lifetimes import ModifiedBetaGeoFitter

    m = clv.fit(cal, "mbgnbd")
    ref = ModifiedBetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"])
    for k in ("r", "alpha", "a", "b"):
        assert m.params[k] == pytest.approx(ref.params_[k], rel=1e-5)
    # the log-likelihood by lifetimes' own MBG/NBD likelihood (Batislam et al. 2007), per customer
    ll = -len(cal) * ModifiedBetaGeoFitter._negative_log_likelihood(
        np.log(ref.params_[["r", "alpha", "a", "b"]].to_numpy()), cal["frequency"].to_numpy(), cal["recency"].to_numpy(),
        cal["T"].to_numpy(), np.ones(len(cal)), 0.0)
    assert m.loglik == pytest.approx(ll, abs=1e-3)
    assert m.aic == pytest.approx(2 * 4 - 2 * ll, abs=1e-2)
    assert m.bic == pytest.approx(np.log(len(cal)) * 4 - 2 * ll, abs=1e-2)


def test_p_alive_and_expectations_match_lifetimes(cal):
    m = clv.fit(cal, "bgnbd")
    ref = BetaGeoFitter()
    ref.params_ = pd.Series(m.params)
    pa = ref.conditional_probability_alive(cal["frequency"], cal["recency"], cal["T"])
    assert np.allclose(m.p_alive(cal), pa)
    assert np.allclose(m.expected_purchases(39, cal),
                       ref.conditional_expected_number_of_purchases_up_to_time(39, cal["frequency"], cal["recency"], cal["T"]))


def test_clv_against_an_independent_monthly_sum(cal):
    bg, gg = clv.fit(cal, "bgnbd"), clv.fit(cal, "gamma_gamma")
    values = clv.clv(bg, gg, cal, months=12, discount_rate=0.10)
    # independent: discounted sum of monthly increments of E[X] times E[spend]
    month = (365.25 / 12) / 7
    d = 1.10 ** (1 / 12) - 1
    row = cal.iloc[[0]]
    expected, prev = 0.0, 0.0
    for i in range(1, 13):
        cum = bg.fitter.conditional_expected_number_of_purchases_up_to_time(
            i * month, row["frequency"].iloc[0], row["recency"].iloc[0], row["T"].iloc[0])
        expected += (cum - prev) * gg.expected_spend(row)[0] / (1 + d) ** i
        prev = cum
    assert values[0] == pytest.approx(float(np.squeeze(expected)), rel=1e-9)
    assert (values >= 0).all()
    # no discount: value equals 12-month expected purchases times spend
    flat = clv.clv(bg, gg, cal, months=12, discount_rate=0.0)
    assert flat == pytest.approx(bg.expected_purchases(12 * month, cal) * gg.expected_spend(cal), rel=1e-9)


def test_gamma_gamma_expected_spend_formula(cal):
    gg = clv.fit(cal, "gamma_gamma")
    p, q, v = gg.params["p"], gg.params["q"], gg.params["v"]
    row = pd.DataFrame({"frequency": [3], "monetary_value": [40.0]})
    expected = (v + 3 * 40.0) * p / (p * 3 + q - 1)  # Fader & Hardie (2013), eq. 5
    assert gg.expected_spend(row)[0] == pytest.approx(expected)


def test_bootstrap_interval_covers_estimate(cal):
    ci = clv.bootstrap(cal, "bgnbd", n_boot=15, seed=1)
    m = clv.fit(cal, "bgnbd")
    for _, row in ci.iterrows():
        assert row["estimate_ci_lower"] < m.params[row["parameter"]] < row["estimate_ci_upper"]
    assert (ci["bootstrap_n"] == 15).all()
    again = clv.bootstrap(cal, "bgnbd", n_boot=15, seed=1)
    pd.testing.assert_frame_equal(ci, again)


def test_bad_model_and_inputs(cal):
    with pytest.raises(KamError, match="Unknown model"):
        clv.fit(cal, "nbd")
    with pytest.raises(KamError, match="no column"):
        clv.fit(cal.drop(columns="T"), "bgnbd")
    gg = clv.fit(cal, "gamma_gamma")
    with pytest.raises(KamError, match="purchase model"):
        gg.p_alive(cal)


@pytest.mark.parametrize("penalizer", [0.0, 0.01])
def test_fast_fits_equal_lifetimes_on_the_unsummarised_arrays(penalizer):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    s = rfm.summary(datasets.cdnow(sample=True), end="1997-09-30", unit="W")
    ref = BetaGeoFitter(penalizer_coef=penalizer).fit(s["frequency"], s["recency"], s["T"])
    ours = clv.fit(s, "bgnbd", penalizer=penalizer, with_se=False)
    if penalizer == 0:
        for k in ("r", "alpha", "a", "b"):
            assert ours.params[k] == pytest.approx(ref.params_[k], rel=1e-4), k
    else:  # with a penalizer lifetimes' optimiser stops early; ours must reach at least as low an objective
        suff = clv.sufficient(s, "bgnbd")
        freq = np.unique(suff["frequency"].to_numpy(float), return_inverse=True)
        args = (freq, suff["recency"].to_numpy(float), suff["T"].to_numpy(float), suff["weight"].to_numpy(float), penalizer)
        theirs = _bgnbd.nll_bgnbd(np.log(ref.params_[["r", "alpha", "a", "b"]].to_numpy(float)), *args)[0]
        assert _bgnbd.nll_bgnbd(np.log(list(ours.params.values())), *args)[0] <= theirs + 1e-9
    rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    ref_gg = GammaGammaFitter(penalizer_coef=penalizer).fit(rep["frequency"], rep["monetary_value"])
    ours_gg = clv.fit(s, "gamma_gamma", penalizer=penalizer, with_se=False)
    for k in ("p", "q", "v"):
        assert ours_gg.params[k] == pytest.approx(ref_gg.params_[k], rel=1e-4), k


def test_a_log_without_dropout_is_flagged_not_reported_as_ordinary_numbers():
    """Poisson purchasing with gamma rates and nobody leaving: BG/NBD's dropout (a) goes to its bound.
    The fit must say so: parameters flagged, standard errors missing (not 0), one sentence, comparison marked."""
    from kamlib.clv import validation

    rng = np.random.default_rng(3)
    n, T = 3000, 52.0
    lam = rng.gamma(1.5, 1 / 6.0, n)  # NBD: r = 1.5, alpha = 6 weeks
    rows = []
    for i, l in enumerate(lam):
        times = np.sort(rng.uniform(0, T, rng.poisson(l * T) + 1))
        rows.append({"frequency": len(times) - 1, "recency": times[-1] - times[0], "T": T - times[0],
                     "monetary_value": 10.0, "frequency_holdout": rng.poisson(l * 26), "duration_holdout": 26.0})
    cal = pd.DataFrame(rows)
    for model in ("bgnbd", "paretonbd"):
        fitted = clv.fit(cal, model)
        assert fitted.degenerate and set(fitted.at_bound) & set(clv.get(model).dropout), (model, fitted.params)
        table = fitted.summary_frame()
        assert table["estimate_se"].isna().all() and (table["estimate_se"] != 0).all()
        assert table.loc[table["parameter"].isin(fitted.at_bound), "at_bound"].all()
        assert "reduces to the NBD" in fitted.diagnosis() and "\n" not in fitted.diagnosis()
        assert fitted.p_alive(cal).min() > 0.99  # why it matters: P(alive) carries no information
    comp = validation.comparison(cal, {"bgnbd": clv.fit(cal, "bgnbd")}).table
    assert comp["degenerate"].iloc[0] != ""
    regular = clv.fit(rfm.calibration_holdout(datasets.cdnow(sample=True), calibration_end="1997-09-30",
                                              holdout_end="1998-06-30"), "bgnbd")
    assert not regular.degenerate and regular.diagnosis() is None and (regular.summary_frame()["estimate_se"] > 0).all()


def test_bgnbd_expected_purchases_equal_lifetimes(cal):
    """The (frequency, T)-pair evaluation of the hypergeometric term against lifetimes' own function."""
    m = clv.fit(cal, "bgnbd")
    for t in (1.0, 13.0, 52.0):
        ours = m.expected_purchases(t, cal)
        theirs = m.fitter.conditional_expected_number_of_purchases_up_to_time(
            t, cal["frequency"], cal["recency"], cal["T"])
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-10)


@pytest.mark.slow
def test_warm_start_from_a_subsample_reaches_the_same_optimum(monkeypatch):
    """Many distinct rows: BFGS starts from the optimum of every k-th row; the estimate is the full data's."""
    from lifetimes.generate_data import beta_geometric_nbd_model

    np.random.seed(4)  # lifetimes' generator draws from numpy's global state
    s = beta_geometric_nbd_model(np.random.randint(20, 60, 50_000).astype(float), 0.25, 4.0, 0.8, 2.5, 50_000)
    s["monetary_value"] = np.where(s["frequency"] > 0, np.random.gamma(3.0, 10.0, len(s)).round(2), 0.0)
    models = ("bgnbd", "paretonbd", "gamma_gamma")
    for m in models:
        monkeypatch.setattr(clv.get(m), "warm_start_rows", 10_000)
        assert len(clv.sufficient(s, m)) > 10_000
    warm = [clv.fit(s, m, with_se=False).params for m in models]
    for m in models:
        monkeypatch.setattr(clv.get(m), "warm_start_rows", 10 ** 9)
    cold = [clv.fit(s, m, with_se=False).params for m in models]
    for m, w, c in zip(models, warm, cold):
        for k in w:
            assert w[k] == pytest.approx(c[k], rel=1e-6), (m, k)


@pytest.mark.parametrize("model", ["bgcnbd", "mbgcnbd"])
def test_the_search_over_k_on_a_subsample_first_finds_the_full_datas_k_and_optimum(monkeypatch, model):
    """More distinct rows than ``warm_start_rows``: k is searched on every n-th row first, then each k on the full
    data from its subsample optimum; the chosen k and the estimates are those of the search on the full data."""
    s = clv.regular.simulate(3000, k=3, r=0.9, alpha=4.0, a=0.6, b=3.0, T=60.0, model=model, seed=11)
    cols = [s[c] for c in ("frequency", "recency", "T", "litt")]
    assert len(clv.sufficient(s, model)) > 1000
    monkeypatch.setattr(clv.get(model), "warm_start_rows", 1000)
    warm = clv.regular.fit(*cols, model=model)
    monkeypatch.setattr(clv.get(model), "warm_start_rows", 10 ** 9)
    cold = clv.regular.fit(*cols, model=model)
    assert warm.params["k"] == cold.params["k"] == 3
    assert warm.loglik == pytest.approx(cold.loglik, rel=1e-12)
    for k in cold.params:
        assert warm.params[k] == pytest.approx(cold.params[k], rel=1e-5), k


# -- issue 51: every purchase model by BFGS with analytic gradients on the distinct rows ---------------------------


def _suff_args(summary, model="paretonbd"):
    suff = clv.sufficient(summary, model)
    return suff, clv.get(model).args(suff) + (suff["weight"].to_numpy(float),)


def _central(f, x, h=1e-6):
    """Central differences of a scalar function of a vector."""
    out = []
    for i in range(len(x)):
        e = np.zeros(len(x))
        e[i] = h
        out.append((f(x + e) - f(x - e)) / (2 * h))
    return np.array(out)


@pytest.mark.parametrize("params", [[0.553, 10.578, 0.606, 11.669], [0.5, 2.0, 0.6, 50.0], [2.0, 100.0, 0.3, 1.0]])
def test_paretonbd_objective_and_gradient_equal_lifetimes_likelihood(cal, params):
    """The objective is lifetimes' Pareto/NBD log-likelihood (Fader & Hardie 2005, eq. 18) per customer, and its
    gradient the central differences of lifetimes' likelihood in log-parameters."""
    from lifetimes import ParetoNBDFitter

    suff, (data, w) = _suff_args(cal)
    x, tx, T = (suff[c].to_numpy(float) for c in ("frequency", "recency", "T"))

    def theirs(lp):
        return -(w @ ParetoNBDFitter._conditional_log_likelihood(np.exp(lp), x, tx, T)) / w.sum()

    value, grad = _paretonbd.nll(np.log(params), data, w, 0.0)
    assert value == pytest.approx(theirs(np.log(params)), rel=1e-12)
    np.testing.assert_allclose(grad, _central(theirs, np.log(params)), rtol=1e-5, atol=1e-9)


def test_paretonbd_likelihood_is_finite_where_hyp2f1_fails():
    """Customers with hundreds of purchases early in a long window, under a dropout rate near zero (beta far above
    alpha): lifetimes' Gauss hypergeometric function returns NaN there; the likelihood is the same number as an
    evaluation at 50 digits of the same closed form (mpmath)."""
    import mpmath as mp
    from lifetimes import ParetoNBDFitter

    r, alpha, s, beta = 0.5, 2.0, 0.3, 1e5
    x, tx, T = np.array([300.0, 800.0, 5.0]), np.array([3.0, 10.0, 30.0]), np.array([104.0, 104.0, 52.0])
    with np.errstate(all="ignore"):
        assert np.isnan(ParetoNBDFitter._conditional_log_likelihood([r, alpha, s, beta], x, tx, T)[:2]).all()
    ours = _paretonbd.loglik_alive(r, alpha, s, beta, x, tx, T)[0]
    mp.mp.dps = 50
    r, alpha, s, beta = (mp.mpf(v) for v in (r, alpha, s, beta))
    for xi, txi, Ti, got in zip(*([mp.mpf(float(v)) for v in a] for a in (x, tx, T)), ours):
        rsx = r + s + xi
        a0 = (mp.hyp2f1(rsx, r + xi, rsx + 1, (beta - alpha) / (beta + txi)) / (beta + txi) ** rsx
              - mp.hyp2f1(rsx, r + xi, rsx + 1, (beta - alpha) / (beta + Ti)) / (beta + Ti) ** rsx)
        like = (mp.gamma(r + xi) * mp.mpf(alpha) ** r * mp.mpf(beta) ** s / mp.gamma(r)
                * (1 / ((alpha + Ti) ** (r + xi) * (beta + Ti) ** s) + s / (r + s + xi) * a0))
        assert got == pytest.approx(float(mp.log(like)), rel=1e-10)
    assert np.isfinite(ours).all()


@pytest.mark.slow  # 17 s of mpmath reference values: in the full suite (make test), not the fast one
def test_the_hypergeometric_kernel_equals_mpmath_with_its_derivatives():
    """log J and its derivatives, J = 2F1(1, e1; e1 + e2; 1 - rho) / (e1 + e2 - 1), in the series regime (rho near 1)
    and the quadrature regime (rho down to 1e-9; e1 up to 1e4, e2 below 1), against mpmath at 40 digits."""
    import mpmath as mp

    from kamlib._kernels import pnbd_j

    cases = np.array([[1.6, 0.55, 0.95], [30.5, 1.6, 0.3], [1.3, 0.04, 1e-9], [914.4, 1.02, 8.9e-8],
                      [1.5e4, 2.5, 1e-5], [3.7, 0.037, 6.3e-5], [5.1, 2.7, 5.1e-10],
                      [2.5, 60.0, 0.01], [11.9, 25.8, 0.02]])  # the last two: the series beyond z = 0.9
    out = np.empty((len(cases), 4))
    pnbd_j(*(np.ascontiguousarray(cases[:, i]) for i in range(3)), out)
    mp.mp.dps = 40

    def log_j(e1, e2, rho):
        return mp.log(mp.quad(lambda v: (1 + rho * v) ** -e1 * (1 + v) ** -e2,
                              [0, 1, 1 / (e1 * rho), 1 / rho, 100 / rho, mp.inf]))

    for (e1, e2, rho), got in zip(cases, out):
        e1, e2, rho = mp.mpf(e1), mp.mpf(e2), mp.mpf(rho)
        assert got[0] == pytest.approx(float(log_j(e1, e2, rho)), rel=1e-12, abs=1e-12)
        want = [mp.diff(lambda u: log_j(u, e2, rho), e1), mp.diff(lambda u: log_j(e1, u, rho), e2),
                mp.diff(lambda u: log_j(e1, e2, u), rho)]
        np.testing.assert_allclose(got[1:], [float(v) for v in want], rtol=1e-7, atol=1e-14)


def test_the_hypergeometric_kernel_ends_when_rho_is_below_machine_epsilon():
    """With rho = 1e-18, 1 - rho rounds to 1: the series' tail test on 1 - z never passed and a denormal term times
    a ratio near 1 rounds to itself, so the loop never ended (a marketplace log of one-time buyers, 9 days, hung the
    Pareto/NBD fit). The tail test reads rho; the value equals the integral at 50 digits."""
    import mpmath as mp

    from kamlib._kernels import pnbd_j

    out = np.empty((1, 4))
    pnbd_j(np.array([1.0]), np.array([100.0]), np.array([1.09e-18]), out)
    mp.mp.dps = 50
    rho = mp.mpf("1.09e-18")
    want = mp.log(mp.quad(lambda v: (1 + rho * v) ** -1 * (1 + v) ** -100, [0, 1, 10, mp.inf]))
    assert out[0, 0] == pytest.approx(float(want), rel=1e-12)


def test_mbgnbd_objective_and_gradient_equal_lifetimes(cal):
    from lifetimes import ModifiedBetaGeoFitter

    suff, (freq, rec, T, w) = _suff_args(cal, "mbgnbd")
    x = suff["frequency"].to_numpy(float)
    lp = np.log([0.5, 6.0, 0.9, 1.6])

    def theirs(v):
        return ModifiedBetaGeoFitter._negative_log_likelihood(v, x, rec, T, w, 0.01)

    value, grad = _bgnbd.nll_mbgnbd(lp, freq, rec, T, w, 0.01)
    assert value == pytest.approx(theirs(lp), rel=1e-12)
    np.testing.assert_allclose(grad, _central(theirs, lp), rtol=1e-6)


def test_paretonbd_standard_errors_and_predictions_equal_lifetimes_definitions(cal):
    """Standard errors: the inverse Hessian of lifetimes' total log-likelihood (statsmodels' numerical Hessian in
    log-parameters, delta method); P(alive) and expected purchases: lifetimes' closed forms at the estimates."""
    from lifetimes import ParetoNBDFitter
    from statsmodels.tools.numdiff import approx_hess3

    m = clv.fit(cal, "paretonbd")
    theta = np.array(list(m.params.values()))
    x, tx, T = (cal[c].to_numpy(float) for c in ("frequency", "recency", "T"))

    def total(lp):
        return ParetoNBDFitter._conditional_log_likelihood(np.exp(lp), x, tx, T).sum()

    cov = np.linalg.inv(-approx_hess3(np.log(theta), total))
    np.testing.assert_allclose(list(m.se.values()), theta * np.sqrt(np.diag(cov)), rtol=2e-3)
    ref = ParetoNBDFitter()
    ref.params_ = pd.Series(m.params)
    np.testing.assert_allclose(m.p_alive(cal), ref.conditional_probability_alive(x, tx, T), rtol=1e-10)
    np.testing.assert_allclose(m.expected_purchases(39.0, cal),
                               ref.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T), rtol=1e-10)


@pytest.mark.parametrize("model", ["bgnbd", "paretonbd"])
def test_bootstrap_refits_equal_fits_of_the_resampled_customers(cal, model):
    """A refit reweights the full sample's rows and starts from its estimates; it must equal the fit of the
    resampled customers themselves (the same multinomial draws, each customer repeated, fitted from the default
    start)."""
    draws = _plain_refits(cal, model, n_boot=3, seed=7)
    ci = clv.bootstrap(cal, model, n_boot=3, seed=7, level=0.5)
    np.testing.assert_allclose(ci["estimate_ci_lower"], np.quantile(draws, 0.25, axis=0), rtol=1e-5)
    np.testing.assert_allclose(ci["estimate_ci_upper"], np.quantile(draws, 0.75, axis=0), rtol=1e-5)


def _plain_refits(summary, model, *, n_boot, seed) -> list:
    """The bootstrap's resamples (the same multinomial draws over the sufficient rows), each customer repeated and
    fitted from the default start: what each refit must equal."""
    suff = clv.sufficient(summary, model)
    rng = np.random.default_rng(seed)
    total = int(suff["weight"].sum())
    prob = suff["weight"].to_numpy(float) / total
    draws = []
    for _ in range(n_boot):
        counts = rng.multinomial(total, prob)
        resample = suff.drop(columns="weight").loc[suff.index.repeat(counts)]
        draws.append(list(clv.fit(resample, model, with_se=False).params.values()))
    return draws


@pytest.mark.slow  # several seconds: the full suite runs it (the fast suite stays under 90 s)
def test_a_pareto_nbd_whose_dropout_rate_is_common_is_identified_dropout():
    """CDNOW's first four months in months: the Pareto/NBD's likelihood rises towards s, beta -> infinity with s / beta
    fixed, every customer the same exponential lifetime. The fit must reach that limit: its log-likelihood is the
    maximum of the limiting model (NBD purchases, exponential lifetime of rate mu for all; fitted here by its own
    quadrature and Nelder-Mead), s / beta is that model's mu, the sentence says so, and sensitivity counts dropout
    as identified."""
    from scipy.optimize import minimize
    from scipy.special import gammaln

    s = rfm.summary(datasets.cdnow(sample=True), end="1997-04-30", unit="M", start="1997-01-01")
    m = clv.fit(s, "paretonbd")
    assert {"s", "beta"} <= set(m.at_bound) and clv.common_dropout(m)
    x, tx, T = (s[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    nodes, weights = np.polynomial.legendre.leggauss(200)

    def loglik(theta):  # int_tx^T (alpha + u)^-(r + x) mu e^(-mu u) du by Gauss-Legendre on [tx, T]
        r, alpha, mu = np.exp(theta)
        u = tx[:, None] + (T - tx)[:, None] * (nodes[None, :] + 1) / 2
        dead = ((alpha + u) ** -(r + x)[:, None] * mu * np.exp(-mu * u)) @ weights * (T - tx) / 2
        alive = (alpha + T) ** -(r + x) * np.exp(-mu * T)
        return float(np.sum(gammaln(r + x) - gammaln(r) + r * np.log(alpha) + np.log(alive + dead)))

    best = minimize(lambda th: -loglik(th), np.log([0.5, 2.0, 0.2]), method="Nelder-Mead",
                    options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000})
    assert m.loglik == pytest.approx(-best.fun, abs=1e-3)
    assert m.params["s"] / m.params["beta"] == pytest.approx(np.exp(best.x[2]), rel=1e-3)
    assert "the same rate" in str(m.diagnosis())
    assert 0 < m.p_alive(s).min() < 0.5  # P(alive) carries information
    table, _ = clv.sensitivity(datasets.cdnow(sample=True), start="1997-01-01", calibration_ends=["1997-04-30"],
                               units=["M"], models=["paretonbd"])
    assert table["identified"].tolist() == [True] and table["at_bound"].tolist() == ["s, beta"]


@pytest.mark.parametrize("model", ["bgcnbd", "mbgcnbd"])
def test_regular_bootstrap_refits_equal_fits_of_the_resampled_customers(model):
    """The regular-buyer models' refits start from the full sample's estimates and curvature at each k near the
    chosen one; on a simulated k = 3 log (BTYDplus's data generator, kamlib.clv.regular.simulate) each must equal
    the plain fit of the resampled customers (the k search from the default starts)."""
    from kamlib.clv import regular

    s = regular.simulate(2000, k=3, r=1.5, alpha=8.0, a=1.0, b=3.0, T=104, model=model, seed=3)
    s.index = s.index.astype(str)
    ci = clv.bootstrap(s, model, n_boot=3, seed=5, level=0.5)
    draws = _plain_refits(s, model, n_boot=3, seed=5)
    assert np.quantile(draws, 0.5, axis=0)[0] == 3  # k
    np.testing.assert_allclose(ci["estimate_ci_lower"], np.quantile(draws, 0.25, axis=0), rtol=1e-4)
    np.testing.assert_allclose(ci["estimate_ci_upper"], np.quantile(draws, 0.75, axis=0), rtol=1e-4)


def test_pareto_nbd_rows_on_two_threads_equal_one_thread(monkeypatch):
    """The two integrals of the Pareto/NBD's likelihood on two threads give the same bits as on one."""
    from kamlib.clv import _paretonbd as P

    rng = np.random.default_rng(7)
    n = 3000
    T = rng.uniform(10, 80, n)
    x = rng.poisson(2, n).astype(float)
    tx = np.where(x > 0, T * rng.uniform(0.1, 1, n), 0.0)
    data = P.prepare(x, tx, T)
    args = (0.8, 0.6, np.array([3.0]), np.array([40.0]), data)
    monkeypatch.setattr(P, "_PARALLEL_ROWS", 10**9)
    one = P.loglik_rows(*args)
    monkeypatch.setattr(P, "_PARALLEL_ROWS", 1)
    monkeypatch.setattr("kamlib._parallel.cores", lambda: 2)  # two threads even on a one-core machine
    two = P.loglik_rows(*args)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])


def test_a_map_inside_a_map_step_stays_in_its_thread():
    import threading

    from kamlib._parallel import thread_map

    def outer(i):
        me = threading.get_ident()
        return all(thread_map(lambda _: threading.get_ident() == me, range(4), workers=2))

    assert thread_map(outer, range(4), workers=2) == [True] * 4


@pytest.mark.slow
def test_importing_lifetimes_after_kamlib_prints_no_pandas_warning():
    import subprocess
    import sys

    code = "import kamlib.clv\nfrom lifetimes import BetaGeoFitter, ParetoNBDFitter"
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, check=True)
    assert "chained_assignment" not in done.stderr and "Warning" not in done.stderr
