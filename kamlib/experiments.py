"""Campaign experiments, power, peeking, and difference-in-differences.

* :func:`simulate_campaign` draws a randomised campaign (treatment vs control) from
  :class:`CampaignModel`, whose documented true effects the tests recover;
* :func:`conversion_test`, :func:`revenue_test` (Welch t, bootstrap, CUPED) and
  :func:`heterogeneous_effects` (treatment x segment interactions, Holm correction);
* :func:`sample_size` and :func:`power_curve` (statsmodels.stats.power, Cohen's h);
* :func:`peeking` shows what checking an A/A test at every look does to the
  false-positive rate (Armitage, McPherson & Rowe 1969);
* :func:`did` (two groups x two periods), :func:`did_twfe` and :func:`event_study`
  (two-way fixed effects, cluster-robust SEs), with :func:`simulate_programme`;
* :func:`load_campaign` and :func:`load_programme` read a user's own campaign and programme
  files (CSV or Parquet, any column names) into the shapes the simulators produce.

References: Cohen (1988) ch. 6; Deng, Xu, Kohavi & Walker (2013) CUPED; Armitage,
McPherson & Rowe (1969); Wooldridge, *Introductory Econometrics*, ch. 13 (DiD).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ._results import Result
from .i18n import Message
from .defaults import BASELINE_CONVERSION, KEY_EXTRA_LIFT, RELATIVE_LIFT
from .errors import ArgumentError, KamError, require_columns, rows_preview

__all__ = ["CAMPAIGN_ROLES", "CampaignModel", "ConversionTest", "DiDResult", "EventStudy", "PROGRAMME_ROLES",
           "Programme", "Simulation", "conversion_test", "cuped", "detectable_lift", "did", "did_twfe", "event_study",
           "heterogeneous_effects", "load_campaign", "load_programme", "peeking", "power_curve", "revenue_test",
           "sample_size", "sample_size_plan", "simulate_campaign", "simulate_programme"]

# ----------------------------------------------------------------------------- campaign simulator


@dataclass
class CampaignModel:
    """True model of the simulated campaign (a personalised-recommendation offer vs the generic one).

    Each customer has a purchase propensity ``p`` (gamma heterogeneity around
    ``baseline_conversion``; key accounts ``key_propensity`` times higher) and an order
    value ``v`` (lognormal, key accounts ``key_value`` times higher). Pre-period spend is
    the sum over ``pre_periods`` periods of Bernoulli(p) purchases of value about v.
    Treatment multiplies the campaign-period propensity by ``1 + relative_lift`` (key
    accounts ``1 + relative_lift + key_extra_lift``). The default lift of 20% is
    anchored on S004 §4.1 (personalised recommendation: 20%+ higher click-through
    than regular recommendation; fact F001 in data/literature/facts.csv), applied here to
    conversion as an assumption.
    """

    baseline_conversion: float = BASELINE_CONVERSION
    relative_lift: float = RELATIVE_LIFT
    key_extra_lift: float = KEY_EXTRA_LIFT
    key_share: float = 0.2
    key_propensity: float = 2.0
    key_value: float = 3.0
    order_value: float = 45.0
    value_sigma: float = 0.7
    heterogeneity_shape: float = 2.0
    pre_periods: int = 6
    segments: dict = field(default_factory=lambda: {"new": 0.3, "active": 0.5, "lapsed": 0.2})


@dataclass(frozen=True)
class Simulation(Result):
    """Simulated data and the true values that generated it (which an analysis should recover).

    Attributes
    ----------
    data : DataFrame
        The simulated rows.
    truth : dict
        True effects of this population, by name.
    """

    data: pd.DataFrame
    truth: dict

    def summary_frame(self) -> pd.DataFrame:
        """The true values as a one-row table."""
        return pd.DataFrame([self.truth])


def simulate_campaign(n: int, model: CampaignModel | None = None, *, seed: int = 0) -> Simulation:
    """Draw a randomised campaign from a documented model.

    Parameters
    ----------
    n : int
        Customers (at least 20), randomised half to treatment.
    model : CampaignModel, optional
        The true model (default :class:`CampaignModel`, lift anchored on fact F001).
    seed : int
        Random seed.

    Returns
    -------
    Simulation
        ``data``: ``customer_id``, ``treatment`` (0/1), ``tier``, ``segment``, ``pre_spend``,
        ``converted``, ``revenue``; ``truth``: ``conversion_control``, ``conversion_difference``,
        ``relative_lift``, ``revenue_difference``, ``relative_lift_regular``, ``relative_lift_key``.

    References
    ----------
    Deng, A., Xu, Y., Kohavi, R. & Walker, T. (2013). Improving the sensitivity of online controlled
    experiments by utilizing pre-experiment data. *WSDM '13*, 123-132 (the pre-period covariate).

    Examples
    --------
    >>> from kamlib.experiments import simulate_campaign
    >>> sim = simulate_campaign(1000, seed=1)
    >>> len(sim.data), round(sim.truth["relative_lift_regular"], 2)
    (1000, 0.2)
    """
    m = model or CampaignModel()
    if n < 20:
        raise KamError(f"A campaign needs at least 20 customers, got {n}.")
    rng = np.random.default_rng(seed)
    key = rng.random(n) < m.key_share
    p = m.baseline_conversion * rng.gamma(m.heterogeneity_shape, 1 / m.heterogeneity_shape, n)
    p = np.clip(p * np.where(key, m.key_propensity, 1.0), 0, 0.6)
    v = m.order_value * np.where(key, m.key_value, 1.0) * np.exp(rng.normal(-m.value_sigma ** 2 / 2, m.value_sigma, n))
    pre_buys = rng.binomial(m.pre_periods, p)
    pre_spend = pre_buys * v * np.exp(rng.normal(-0.02, 0.2, n))
    treat = rng.permutation(np.arange(n) < n // 2).astype(int)
    lift = np.where(key, m.relative_lift + m.key_extra_lift, m.relative_lift)
    p_campaign = np.clip(p * (1 + lift * treat), 0, 1)
    converted = (rng.random(n) < p_campaign).astype(int)
    revenue = converted * v * np.exp(rng.normal(-0.02, 0.2, n))
    segs = list(m.segments)
    df = pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(1, n + 1)], "treatment": treat,
        "tier": np.where(key, "key", "regular"),
        "segment": rng.choice(segs, n, p=np.array(list(m.segments.values())) / sum(m.segments.values())),
        "pre_spend": np.round(pre_spend, 2), "converted": converted, "revenue": np.round(revenue, 2),
    })
    # true (expected) effects in this population; noise multiplier has mean 1
    p_lift = np.minimum(p * (1 + lift), 1) - p
    truth = {
        "conversion_control": float(p.mean()), "conversion_difference": float(p_lift.mean()),
        "relative_lift": float(p_lift.mean() / p.mean()), "revenue_difference": float((p_lift * v).mean()),
        "relative_lift_regular": m.relative_lift, "relative_lift_key": m.relative_lift + m.key_extra_lift,
    }
    return Simulation(df, truth)


# ----------------------------------------------------------------------------- analysis


def _check_binary(data: pd.DataFrame, column: str, where: str) -> None:
    bad = ~data[column].isin([0, 1])
    if bad.any():
        raise KamError(f"{where}: column '{column}' must be 0/1, but has {data.loc[bad, column].unique()[:3].tolist()}; "
                       "recode it (1 = treated).")


@dataclass(frozen=True)
class ConversionTest(Result):
    """A two-proportion comparison of conversion (:func:`conversion_test`); ``summary_frame()`` is one row."""

    n_treatment: int
    n_control: int
    conversion_treatment: float
    conversion_control: float
    difference: float
    difference_ci_lower: float
    difference_ci_upper: float
    relative_lift: float
    relative_lift_ci_lower: float
    relative_lift_ci_upper: float
    z: float
    pvalue: float


def conversion_test(data: pd.DataFrame, *, treatment: str = "treatment", converted: str = "converted",
                    level: float = 0.95) -> ConversionTest:
    """Two-proportion z test of conversion, with intervals of the difference and of the relative lift.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    treatment : str
        0/1 column (1 = treated arm).
    converted : str
        0/1 column.
    level : float
        Confidence level.

    Returns
    -------
    ConversionTest
        ``n_treatment``, ``n_control``, ``conversion_treatment``, ``conversion_control``, ``difference`` with
        ``_ci_lower``/``_ci_upper`` (Wald), ``relative_lift`` with ``_ci_lower``/``_ci_upper`` (log ratio), ``z``,
        ``pvalue``.

    References
    ----------
    Agresti, A. (2013). *Categorical Data Analysis* (3rd ed.), sec. 3.1 (difference and ratio of proportions).

    Examples
    --------
    >>> from kamlib.experiments import conversion_test, simulate_campaign
    >>> 0 <= conversion_test(simulate_campaign(2000, seed=1).data).pvalue <= 1
    True
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    require_columns(data, [treatment, converted], where="the experiment data")
    _check_binary(data, treatment, "the experiment data")
    _check_binary(data, converted, "the experiment data")
    g = data.groupby(treatment)[converted].agg(["sum", "count"])
    if set(g.index) != {0, 1}:
        raise KamError("The experiment data needs both a treatment (1) and a control (0) group.")
    x1, n1, x0, n0 = g.loc[1, "sum"], g.loc[1, "count"], g.loc[0, "sum"], g.loc[0, "count"]
    z, p = proportions_ztest([x1, x0], [n1, n0])
    alpha = 1 - level
    dlo, dhi = confint_proportions_2indep(x1, n1, x0, n0, compare="diff", method="wald", alpha=alpha)
    rlo, rhi = confint_proportions_2indep(x1, n1, x0, n0, compare="ratio", method="log", alpha=alpha)
    p1, p0 = x1 / n1, x0 / n0
    return ConversionTest(int(n1), int(n0), float(p1), float(p0), float(p1 - p0), float(dlo), float(dhi),
                          float(p1 / p0 - 1), float(rlo - 1), float(rhi - 1), float(z), float(p))


def cuped(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """CUPED-adjusted outcome ``y - theta (x - mean x)`` with ``theta = cov(y, x) / var(x)``.

    Parameters
    ----------
    y : array-like
        Outcome per customer.
    x : array-like
        Pre-period covariate per customer (unaffected by the treatment).

    Returns
    -------
    adjusted : ndarray
        The adjusted outcome (same mean as ``y``, lower variance when x predicts y).
    theta : float
        The adjustment coefficient.

    References
    ----------
    Deng, A., Xu, Y., Kohavi, R. & Walker, T. (2013). Improving the sensitivity of online controlled
    experiments by utilizing pre-experiment data. *WSDM '13*, 123-132.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.experiments import cuped
    >>> adj, theta = cuped(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    >>> round(theta, 6), adj.round(6).tolist()
    (1.0, [2.0, 2.0, 2.0])
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    var = x.var(ddof=1)
    theta = 0.0 if var == 0 else np.cov(y, x)[0, 1] / var
    return y - theta * (x - x.mean()), float(theta)


def revenue_test(data: pd.DataFrame, *, treatment: str = "treatment", outcome: str = "revenue",
                 covariate: str | None = "pre_spend", n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Difference in mean outcome per customer: Welch t, percentile bootstrap and CUPED.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    treatment : str
        0/1 column.
    outcome : str
        The outcome (revenue per customer).
    covariate : str or None
        Pre-period covariate for a CUPED row (None: no CUPED).
    n_boot : int
        Bootstrap resamples (0: no bootstrap interval).
    seed : int
        Random seed.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row per method (difference in means, CUPED): ``estimate``, ``se``, ``ci_lower``, ``ci_upper``,
        ``pvalue``, ``variance``, ``bootstrap_ci_lower``, ``bootstrap_ci_upper``, ``variance_reduction``.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different population
    variances are involved. *Biometrika*, 34, 28-35. Deng et al. (2013), see :func:`cuped`.

    Examples
    --------
    >>> from kamlib.experiments import revenue_test, simulate_campaign
    >>> revenue_test(simulate_campaign(2000, seed=1).data, n_boot=0)["method"].tolist()
    ['difference in means', 'CUPED (pre-period covariate)']
    """
    require_columns(data, [treatment, outcome] + ([covariate] if covariate else []), where="the experiment data")
    _check_binary(data, treatment, "the experiment data")
    t = data[treatment].to_numpy() == 1
    rows = []
    variants = [("difference in means", data[outcome].to_numpy(float))]
    if covariate:
        adj, _ = cuped(data[outcome], data[covariate])
        variants.append(("CUPED (pre-period covariate)", adj))
    q = (1 - level) / 2
    rng = np.random.default_rng(seed)
    for name, y in variants:
        a, b = y[t], y[~t]
        res = stats.ttest_ind(a, b, equal_var=False)
        ci = res.confidence_interval(level)
        row = {"method": name, "estimate": a.mean() - b.mean(), "se": (a.mean() - b.mean()) / res.statistic if res.statistic else np.nan,
               "ci_lower": ci.low, "ci_upper": ci.high, "pvalue": res.pvalue, "variance": y.var(ddof=1)}
        if n_boot:
            ia = rng.integers(0, len(a), (n_boot, len(a)))
            ib = rng.integers(0, len(b), (n_boot, len(b)))
            boots = a[ia].mean(axis=1) - b[ib].mean(axis=1)
            row["bootstrap_ci_lower"], row["bootstrap_ci_upper"] = np.quantile(boots, [q, 1 - q])
        rows.append(row)
    out = pd.DataFrame(rows)
    out["variance_reduction"] = 1 - out["variance"] / out["variance"].iloc[0]
    return out


def heterogeneous_effects(data: pd.DataFrame, *, by: str, treatment: str = "treatment", outcome: str = "revenue",
                          correction: str = "holm") -> pd.DataFrame:
    """Treatment effect per level of ``by``, and the differences between levels.

    OLS with treatment x level interactions and HC3 standard errors; the interaction terms against the first
    level get p-values corrected for multiple testing.

    Parameters
    ----------
    data : DataFrame
        One row per customer.
    by : str
        Grouping column (tier, segment).
    treatment : str
        0/1 column.
    outcome : str
        The outcome.
    correction : str
        Multiple-testing method of statsmodels' ``multipletests`` (default Holm).

    Returns
    -------
    DataFrame
        ``term`` ("effect in by=level", "difference level vs first"), ``estimate``, ``se``, ``pvalue``, ``n``,
        ``ci_lower``, ``ci_upper``, ``pvalue_adjusted``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scand. J. Statistics*, 6, 65-70.
    Long, J. S. & Ervin, L. H. (2000). Using heteroscedasticity consistent standard errors in the linear
    regression model. *American Statistician*, 54(3), 217-224.

    Examples
    --------
    >>> from kamlib.experiments import heterogeneous_effects, simulate_campaign
    >>> het = heterogeneous_effects(simulate_campaign(4000, seed=1).data, by="tier", outcome="converted")
    >>> het["term"].iloc[0]
    'effect in tier=key'
    """
    import statsmodels.formula.api as smf
    from statsmodels.stats.multitest import multipletests

    require_columns(data, [by, treatment, outcome], where="the experiment data")
    d = data[[by, treatment, outcome]].rename(columns={by: "g", treatment: "t", outcome: "y"})
    levels = sorted(d["g"].astype(str).unique())
    d["g"] = pd.Categorical(d["g"].astype(str), categories=levels)
    res = smf.ols("y ~ C(g) * t", d).fit(cov_type="HC3")
    rows = []
    cov = res.cov_params()
    for lev in levels:
        names = ["t"] + ([f"C(g)[T.{lev}]:t"] if lev != levels[0] else [])
        est = sum(res.params[n] for n in names)
        se = np.sqrt(sum(cov.loc[a, b] for a in names for b in names))
        rows.append({"term": Message("effect in {by}={level}", "phrase", by=by, level=lev), "estimate": est, "se": se, "pvalue": 2 * stats.norm.sf(abs(est / se)),
                     "n": int((d["g"] == lev).sum())})
    for lev in levels[1:]:
        name = f"C(g)[T.{lev}]:t"
        rows.append({"term": Message("difference {level} vs {first}", "phrase", level=lev, first=levels[0]), "estimate": res.params[name], "se": res.bse[name],
                     "pvalue": res.pvalues[name], "n": int(d["g"].isin([lev, levels[0]]).sum())})
    out = pd.DataFrame(rows)
    z = stats.norm.ppf(0.975)
    out["ci_lower"], out["ci_upper"] = out["estimate"] - z * out["se"], out["estimate"] + z * out["se"]
    out["pvalue_adjusted"] = multipletests(out["pvalue"], method=correction)[1]
    return out


# ----------------------------------------------------------------------------- power and peeking


def sample_size(p_control: float, p_treatment: float, *, alpha: float = 0.05, power: float = 0.8,
                ratio: float = 1.0) -> int:
    """Customers per arm to detect ``p_control`` against ``p_treatment`` with a two-sided test.

    Parameters
    ----------
    p_control, p_treatment : float
        Conversion rates, strictly between 0 and 1 and different.
    alpha : float
        Two-sided significance level.
    power : float
        Power.
    ratio : float
        Treatment arm size relative to control.

    Returns
    -------
    int
        Customers in the control arm (rounded up).

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6 (effect size h).

    Examples
    --------
    >>> from kamlib.experiments import sample_size
    >>> sample_size(0.5, 0.6) > 300
    True
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for name, v in (("p_control", p_control), ("p_treatment", p_treatment)):
        if not 0 < v < 1:
            raise KamError(f"{name} is a conversion rate between 0 and 1, got {v}.")
    if p_control == p_treatment:
        raise KamError("p_control and p_treatment are equal: no sample size detects a zero effect.")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise KamError(f"alpha and power must be between 0 and 1, got {alpha} and {power}.")
    h = abs(proportion_effectsize(p_treatment, p_control))
    n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=ratio, alternative="two-sided")
    return int(np.ceil(n))


def detectable_lift(p_control: float, n_per_arm: int, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest relative lift of a conversion rate that a two-arm test of ``n_per_arm`` customers per arm
    detects with ``power`` (two-sided, level ``alpha``): the inverse of :func:`sample_size`.

    Parameters
    ----------
    p_control : float
        Control conversion rate, strictly between 0 and 1.
    n_per_arm : int
        Customers per arm (at least 2).
    alpha, power : float
        As for :func:`sample_size`.

    Returns
    -------
    float
        Relative lift (0.25 = +25%); ``inf`` when even a conversion of 1 in the treatment arm is not detectable.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6 (effect size h).

    Examples
    --------
    >>> from kamlib.experiments import detectable_lift, sample_size
    >>> lift = detectable_lift(0.08, 2181)
    >>> round(lift, 2)
    0.31
    >>> sample_size(0.08, 0.08 * (1 + lift)) <= 2181
    True
    """
    from statsmodels.stats.power import NormalIndPower

    if not 0 < p_control < 1:
        raise KamError(f"p_control is a conversion rate between 0 and 1, got {p_control}.")
    if n_per_arm < 2:
        raise KamError(f"a test needs at least 2 customers per arm, got {n_per_arm}.")
    h = NormalIndPower().solve_power(nobs1=n_per_arm, alpha=alpha, power=power, ratio=1.0, alternative="two-sided")
    angle = np.arcsin(np.sqrt(p_control)) + h / 2  # Cohen's h = 2 asin(sqrt(p1)) - 2 asin(sqrt(p0))
    if angle >= np.pi / 2:
        return float("inf")
    return float(np.sin(angle) ** 2 / p_control - 1)


def sample_size_plan(p_control: float, lifts=(0.05, 0.10, 0.20, 0.30), *, alpha: float = 0.05,
                     power: float = 0.8) -> pd.DataFrame:
    """Customers per arm needed to detect each relative lift of a conversion rate.

    Parameters
    ----------
    p_control : float
        Conversion rate of the control arm.
    lifts : sequence of float
        Relative lifts to plan for (0.2 = +20%).
    alpha, power : float
        Two-sided significance level and power.

    Returns
    -------
    DataFrame
        ``relative_lift``, ``p_control``, ``p_treatment``, ``n_per_arm``.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.

    Examples
    --------
    >>> from kamlib.experiments import sample_size_plan
    >>> bool(sample_size_plan(0.08, [0.2])["n_per_arm"].iloc[0] > 1000)
    True
    """
    return pd.DataFrame([{"relative_lift": lift, "p_control": p_control, "p_treatment": p_control * (1 + lift),
                          "n_per_arm": sample_size(p_control, p_control * (1 + lift), alpha=alpha, power=power)}
                         for lift in lifts])


def power_curve(p_control: float, lifts, n_per_arm, *, alpha: float = 0.05) -> pd.DataFrame:
    """Power for each relative lift and sample size per arm.

    Parameters
    ----------
    p_control : float
        Control conversion rate.
    lifts : sequence of float
        Relative lifts (0.1 = +10%).
    n_per_arm : sequence of int
        Sample sizes per arm.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    DataFrame
        Long table: ``relative_lift``, ``n_per_arm``, ``power``.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 6.

    Examples
    --------
    >>> from kamlib.experiments import power_curve
    >>> power_curve(0.1, [0.2], [100, 100000])["power"].round(2).tolist()[-1]
    1.0
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    rows = []
    for lift in lifts:
        h = abs(proportion_effectsize(min(p_control * (1 + lift), 0.999), p_control))
        for n in n_per_arm:
            rows.append({"relative_lift": lift, "n_per_arm": int(n),
                         "power": NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=1.0)})
    return pd.DataFrame(rows)


def peeking(looks=(1, 2, 3, 5, 10, 20), *, n_per_look: int = 500, p: float = 0.1, alpha: float = 0.05,
            n_sims: int = 2000, seed: int = 0) -> pd.DataFrame:
    """False-positive rate of an A/A test checked at every look and stopped at the first p < alpha.

    With one look the rate is ``alpha``; Armitage, McPherson & Rowe (1969) give 0.142 for five looks and
    0.193 for ten at alpha = 0.05.

    Parameters
    ----------
    looks : sequence of int
        Numbers of equally spaced looks to simulate.
    n_per_look : int
        Customers per arm added between looks.
    p : float
        Conversion rate of both arms.
    alpha : float
        Significance level of each look.
    n_sims : int
        Simulated tests.
    seed : int
        Random seed.

    Returns
    -------
    DataFrame
        ``looks``, ``false_positive_rate``, ``se`` (simulation error), ``nominal_alpha``.

    References
    ----------
    Armitage, P., McPherson, C. K. & Rowe, B. C. (1969). Repeated significance tests on accumulating data.
    *JRSS A*, 132(2), 235-244.

    Examples
    --------
    >>> from kamlib.experiments import peeking
    >>> peeking((1,), n_per_look=100, n_sims=200, seed=1)["looks"].tolist()
    [1]
    """
    if n_sims < 1 or n_per_look < 1:
        raise KamError("peeking needs n_sims >= 1 and n_per_look >= 1.")
    rng = np.random.default_rng(seed)
    kmax = max(looks)
    za = stats.norm.ppf(1 - alpha / 2)
    rows = []
    a = rng.binomial(n_per_look, p, (n_sims, kmax)).cumsum(axis=1)
    b = rng.binomial(n_per_look, p, (n_sims, kmax)).cumsum(axis=1)
    for k in looks:
        at = np.round(np.linspace(kmax / k, kmax, k)).astype(int) - 1  # k equally spaced looks over the same data
        n = (at + 1) * n_per_look
        pa, pb = a[:, at] / n, b[:, at] / n
        pool = (pa + pb) / 2
        se = np.sqrt(pool * (1 - pool) * 2 / n)
        z = np.divide(pa - pb, se, out=np.zeros_like(pa), where=se > 0)
        rate = (np.abs(z) > za).any(axis=1).mean()
        rows.append({"looks": k, "false_positive_rate": rate,
                     "se": np.sqrt(rate * (1 - rate) / n_sims), "nominal_alpha": alpha})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- difference-in-differences


@dataclass(frozen=True)
class DiDResult(Result):
    """The interaction (treated x post) estimate of a difference-in-differences regression.

    ``as_dict()`` and ``summary_frame()`` give ``effect``, ``se``, ``ci_lower``, ``ci_upper``, ``pvalue``,
    ``n`` and ``clusters``; ``model`` is the statsmodels result (None for :func:`did_twfe`)."""

    effect: float
    se: float
    ci: tuple[float, float]
    pvalue: float
    n: int
    clusters: int | None
    model: object

    def as_dict(self) -> dict:
        """The estimate as a flat dict."""
        return {"effect": self.effect, "se": self.se, "ci_lower": self.ci[0], "ci_upper": self.ci[1],
                "pvalue": self.pvalue, "n": self.n, "clusters": self.clusters}


def _cov(cluster_codes, robust: bool):
    if cluster_codes is not None:
        return {"cov_type": "cluster", "cov_kwds": {"groups": cluster_codes}}
    return {"cov_type": "HC1"} if robust else {"cov_type": "nonrobust"}


def did(data: pd.DataFrame, *, outcome: str, treated: str, post: str, cluster: str | None = None,
        controls: list[str] | None = None, robust: bool = True, level: float = 0.95) -> DiDResult:
    """Two-group, two-period difference-in-differences.

    OLS of ``outcome`` on treated, post and treated x post (plus ``controls``).

    Parameters
    ----------
    data : DataFrame
        One row per unit and period.
    outcome : str
        The outcome.
    treated, post : str
        0/1 columns: the unit is in the treated group; the period is after the start.
    cluster : str, optional
        Cluster-robust standard errors by this column.
    controls : list of str, optional
        Further regressors.
    robust : bool
        Without ``cluster``: HC1 standard errors (True) or classical ones (False).
    level : float
        Confidence level.

    Returns
    -------
    DiDResult
        ``effect``, ``se``, ``ci``, ``pvalue``, ``n``, ``clusters`` and the statsmodels ``model``.

    References
    ----------
    Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach* (7th ed.), ch. 13.
    Card, D. & Krueger, A. B. (1994). Minimum wages and employment. *American Economic Review*, 84(4), 772-793.

    Examples
    --------
    >>> from kamlib.experiments import did, simulate_programme
    >>> did(simulate_programme(60, seed=1).data, outcome="revenue", treated="treated", post="post").n
    1440
    """
    import statsmodels.api as sm

    cols = [outcome, treated, post] + (controls or []) + ([cluster] if cluster else [])
    require_columns(data, cols, where="the difference-in-differences data")
    d = data[cols].dropna()
    for c in (treated, post):
        _check_binary(d, c, "the difference-in-differences data")
    X = pd.DataFrame({"const": 1.0, "treated": d[treated], "post": d[post], "treated_x_post": d[treated] * d[post]})
    for c in controls or []:
        X[c] = d[c]
    groups = pd.factorize(d[cluster])[0] if cluster else None
    res = sm.OLS(d[outcome].astype(float), X.astype(float)).fit(**_cov(groups, robust))
    ci = res.conf_int(1 - level).loc["treated_x_post"]
    return DiDResult(float(res.params["treated_x_post"]), float(res.bse["treated_x_post"]), (float(ci[0]), float(ci[1])),
                     float(res.pvalues["treated_x_post"]), int(res.nobs), int(groups.max() + 1) if cluster else None, res)


def _absorb(frame: pd.DataFrame, unit: np.ndarray, time: np.ndarray, tol: float = 1e-10) -> pd.DataFrame:
    """Remove unit and time means (two-way within transformation; alternating projections, which
    is exact after one pass for a balanced panel and converges for an unbalanced one)."""
    x = frame.to_numpy(float).copy()
    for _ in range(1000):
        before = x.copy()
        for g in (unit, time):
            sums = np.zeros((g.max() + 1, x.shape[1]))
            np.add.at(sums, g, x)
            x -= (sums / np.bincount(g)[:, None])[g]
        if np.abs(x - before).max() < tol * (1 + np.abs(before).max()):
            break
    return pd.DataFrame(x, columns=frame.columns, index=frame.index)


def _fe_ols(y: pd.Series, X: pd.DataFrame, unit_codes: np.ndarray, time_codes: np.ndarray, clusters: np.ndarray,
            level: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """OLS with absorbed unit and time effects and cluster-robust SEs; returns the coefficients
    and their covariance matrix. The small-sample factor
    G/(G-1) (N-1)/(N-K) counts the absorbed effects in K, so the result equals the regression
    with explicit unit and time dummies (statsmodels, cov_type="cluster")."""
    Z = _absorb(pd.concat([y.rename("__y"), X], axis=1), unit_codes, time_codes)
    yd, Xd = Z["__y"].to_numpy(), Z[X.columns].to_numpy()
    bread = np.linalg.pinv(Xd.T @ Xd)
    beta = bread @ Xd.T @ yd
    u = yd - Xd @ beta
    scores = np.zeros((clusters.max() + 1, Xd.shape[1]))
    np.add.at(scores, clusters, Xd * u[:, None])
    n, g = len(yd), clusters.max() + 1
    k = Xd.shape[1] + (unit_codes.max() + 1) + (time_codes.max() + 1) - 1
    cov = bread @ (scores.T @ scores) @ bread * g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(cov))
    z = stats.norm.ppf(1 - (1 - level) / 2)
    out = pd.DataFrame({"estimate": beta, "se": se}, index=X.columns)
    out["ci_lower"], out["ci_upper"] = out["estimate"] - z * se, out["estimate"] + z * se
    out["pvalue"] = 2 * stats.norm.sf(np.abs(beta / se))
    return out, pd.DataFrame(cov, index=X.columns, columns=X.columns)


def did_twfe(panel: pd.DataFrame, *, outcome: str, entity: str, time: str, treated_post: str,
             cluster: str | None = None, level: float = 0.95) -> DiDResult:
    """Two-way fixed-effects difference-in-differences.

    Outcome on absorbed unit and time effects and the 0/1 ``treated_post`` indicator; the standard errors
    equal those of the regression with explicit dummies (statsmodels, ``cov_type="cluster"``).

    Parameters
    ----------
    panel : DataFrame
        One row per unit and period.
    outcome, entity, time : str
        Columns of the outcome, the entity (account, customer, store) id and the period.
    treated_post : str
        0/1 column: the unit is treated in that period.
    cluster : str, optional
        Cluster variable of the standard errors (default: the unit).
    level : float
        Confidence level.

    Returns
    -------
    DiDResult
        The effect of ``treated_post``.

    References
    ----------
    Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach* (7th ed.), ch. 13.
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *J. Human Resources*, 50(2), 317-372.

    Examples
    --------
    >>> from kamlib.experiments import did_twfe, simulate_programme
    >>> panel = simulate_programme(60, seed=1).data
    >>> did_twfe(panel, outcome="revenue", entity="account", time="period", treated_post="treated_post").clusters
    60
    """
    require_columns(panel, [outcome, entity, time, treated_post] + ([cluster] if cluster else []), where="the panel")
    d = panel.dropna(subset=[outcome, entity, time, treated_post])
    _check_binary(d, treated_post, "the panel")
    u, t = pd.factorize(d[entity])[0], pd.factorize(d[time])[0]
    groups = pd.factorize(d[cluster])[0] if cluster else u
    res = _fe_ols(d[outcome], d[[treated_post]].astype(float), u, t, groups, level)[0].iloc[0]
    return DiDResult(float(res["estimate"]), float(res["se"]), (float(res["ci_lower"]), float(res["ci_upper"])),
                     float(res["pvalue"]), len(d), int(groups.max() + 1), None)


@dataclass(frozen=True)
class EventStudy(Result):
    """Event-study coefficients and the joint pre-trend test.

    Attributes
    ----------
    coefficients : DataFrame
        ``relative_period``, ``estimate``, ``se``, ``ci_lower``, ``ci_upper``; the reference period -1 is 0.
    pretrend_chi2, pretrend_pvalue : float
        Wald test that all pre-period coefficients are zero (NaN with fewer than two pre-periods).
    """

    coefficients: pd.DataFrame
    pretrend_chi2: float
    pretrend_pvalue: float

    def summary_frame(self) -> pd.DataFrame:
        """The coefficients by period relative to the start."""
        return self.coefficients.copy()


def event_study(panel: pd.DataFrame, *, outcome: str, entity: str, time: str, first_treated: str,
                leads: int = 6, lags: int = 6, level: float = 0.95) -> EventStudy:
    """Event-study coefficients relative to the period before treatment, with a pre-trend test.

    Parameters
    ----------
    panel : DataFrame
        One row per unit and period.
    outcome, entity, time : str
        Columns of the outcome, the entity (account, customer, store) id and the (numeric) period.
    first_treated : str
        Column of a unit's first treated period (NaN for never-treated units).
    leads, lags : int
        Window of relative periods; those beyond are binned at the ends.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    EventStudy
        Coefficients relative to period -1 (unit and time fixed effects, unit-clustered SEs; the reference row
        has ``reference`` True, estimate 0 by normalisation and no SE or interval) and the joint Wald test that
        all pre-period coefficients are zero.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, sec. 5.2 (leads and lags);
    Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
    *J. Human Resources*, 50(2), 317-372.

    Examples
    --------
    >>> from kamlib.experiments import event_study, simulate_programme
    >>> sim = simulate_programme(60, seed=1)
    >>> ev = event_study(sim.data, outcome="revenue", entity="account", time="period", first_treated="first_treated")
    >>> 0 <= ev.pretrend_pvalue <= 1
    True
    """
    require_columns(panel, [outcome, entity, time, first_treated], where="the panel")
    d = panel.dropna(subset=[outcome, entity, time])
    rel = (d[time] - d[first_treated]).clip(-leads, lags)
    ks = [k for k in range(-leads, lags + 1) if k != -1]
    X = pd.DataFrame({f"k{k}": ((rel == k) & d[first_treated].notna()).astype(float) for k in ks}, index=d.index)
    X = X.loc[:, X.sum() > 0]
    u, t = pd.factorize(d[entity])[0], pd.factorize(d[time])[0]
    res, cov = _fe_ols(d[outcome], X, u, t, u, level)
    rows = [{"relative_period": int(c[1:]), **res.loc[c, ["estimate", "se", "ci_lower", "ci_upper"]].to_dict(),
             "reference": False} for c in X.columns]
    # the reference period is 0 by normalisation, not an estimate: it has no standard error or interval
    rows.append({"relative_period": -1, "estimate": 0.0, "se": np.nan, "ci_lower": np.nan, "ci_upper": np.nan,
                 "reference": True})
    out = pd.DataFrame(rows).sort_values("relative_period").reset_index(drop=True)
    pre = [c for c in X.columns if int(c[1:]) < -1]
    wald = pvalue = float("nan")
    if pre:
        b = res.loc[pre, "estimate"].to_numpy()
        v = cov.loc[pre, pre].to_numpy()
        wald = float(b @ np.linalg.solve(v, b))
        pvalue = float(stats.chi2.sf(wald, len(pre)))
    return EventStudy(out, wald, pvalue)


def simulate_programme(n_accounts: int = 400, *, periods: int = 24, start: int = 13, treated_share: float = 0.5,
                       effect: float = 0.08, seed: int = 0) -> Simulation:
    """Monthly revenue of accounts, some of which get a dedicated account manager from ``start`` on.

    Revenue = account level (lognormal; the programme goes preferentially to larger accounts, so levels
    differ but trends are parallel) + a seasonality and trend common to all accounts + ``effect`` x level
    for treated accounts after ``start`` + noise.

    Parameters
    ----------
    n_accounts : int
        Accounts.
    periods : int
        Periods (months).
    start : int
        First programme period (2..periods).
    treated_share : float
        Share of accounts in the programme.
    effect : float
        Effect as a share of an account's revenue level.
    seed : int
        Random seed.

    Returns
    -------
    Simulation
        ``data``: ``account``, ``period``, ``revenue``, ``treated``, ``post``, ``treated_post``,
        ``first_treated``; ``truth``: ``effect`` (revenue units, mean over treated accounts),
        ``relative_effect``, ``start``.

    References
    ----------
    Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach* (7th ed.), ch. 13.

    Examples
    --------
    >>> from kamlib.experiments import simulate_programme
    >>> sim = simulate_programme(40, seed=2)
    >>> sim.data["account"].nunique(), sim.truth["start"]
    (40, 13)
    """
    if not 1 < start <= periods:
        raise KamError(f"The programme start ({start}) must lie within periods 2..{periods}.")
    rng = np.random.default_rng(seed)
    level = np.exp(rng.normal(np.log(2000), 0.6, n_accounts))
    score = np.log(level) + rng.normal(0, 0.6, n_accounts)
    treated = score > np.quantile(score, 1 - treated_share)
    t = np.arange(1, periods + 1)
    season = 2000 * (0.10 * np.sin(2 * np.pi * t / 12) + 0.01 * t)  # common to all accounts (additive)
    y = level[:, None] + season[None, :] + rng.normal(0, 0.15, (n_accounts, periods)) * level[:, None]
    d = treated[:, None] & (t[None, :] >= start)
    y = y + effect * level[:, None] * d
    panel = pd.DataFrame({
        "account": np.repeat([f"A{i:04d}" for i in range(1, n_accounts + 1)], periods),
        "period": np.tile(t, n_accounts), "revenue": np.round(y.ravel(), 2),
        "treated": np.repeat(treated.astype(int), periods), "post": np.tile((t >= start).astype(int), n_accounts),
        "treated_post": d.ravel().astype(int),
        "first_treated": np.repeat(np.where(treated, start, np.nan), periods),
    })
    return Simulation(panel, {"effect": float(effect * level[treated].mean()), "relative_effect": effect, "start": start})


# ----------------------------------------------------------------------------- a user's own data

CAMPAIGN_ROLES = {"customer": "customer_id", "treatment": "treatment", "converted": "converted", "revenue": "revenue",
                  "pre_spend": "pre_spend", "tier": "tier", "segment": "segment"}
PROGRAMME_ROLES = {"account": "account", "period": "period", "outcome": "revenue", "treated": "treated"}


def _mapped(raw: pd.DataFrame, columns: dict, roles: dict, required: set, where: str) -> pd.DataFrame:
    out = {}
    for role, name in columns.items():
        if role not in roles:
            raise ArgumentError(f"columns[{role!r}] is not a column role; use {', '.join(roles)}.",
                                argument=f"columns.{role}")
    for role in roles:
        name = columns.get(role)
        if not name:
            if role in required:
                raise ArgumentError(f"columns[{role!r}] must name the column of your file that holds the {role}.",
                                    argument=f"columns.{role}")
            continue
        if name not in raw.columns:
            have = ", ".join(map(str, list(raw.columns)[:12]))
            raise ArgumentError(f"{where} has no column '{name}' for the {role}; set columns[{role!r}] "
                                f"to one of: {have}" + ("" if role in required else f", or to None if the file has no {role}")
                                + ".", argument=f"columns.{role}")
        out[roles[role]] = raw[name]
    return pd.DataFrame(out, index=raw.index)


def _numeric(df: pd.DataFrame, col: str, where: str, name: str, *, binary: bool = False, nonnegative: bool = False):
    text = df[col].astype("string").str.strip().str.replace(r"[,¥￥$]", "", regex=True)  # 1,234 / ¥12 / ￥12
    if binary:
        text = text.str.lower().replace({"true": "1", "false": "0", "yes": "1", "no": "0", "是": "1", "否": "0"})
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna()
    if binary:
        bad |= ~values.isin([0, 1])
    if nonnegative:
        bad |= values < 0
    if bad.any():
        want = "0 or 1" if binary else ("a number of at least 0" if nonnegative else "a number")
        shown = ", ".join(repr(v) for v in pd.unique(df.loc[bad, col].astype("string").fillna("<empty>"))[:3])
        raise KamError(f"{where}: column '{name}' must be {want}, but has {shown} in {rows_preview(df.index[bad])}; "
                       "correct those rows.")
    return values.astype(int if binary else float)


def load_campaign(source, *, columns: dict | None = None, treated_value="1", encoding: str = "auto") -> pd.DataFrame:
    """A randomised campaign from a CSV or Parquet file, one row per customer.

    Parameters
    ----------
    source : str or Path
        The file (CSV in UTF-8 or GBK, or Parquet).
    columns : dict, optional
        File column of each role: ``treatment`` and ``revenue`` (required), ``converted``, ``customer``,
        ``pre_spend`` (for CUPED), ``tier``, ``segment`` (for heterogeneous effects); None leaves a role out.
    treated_value : str or int
        Label of the treated arm in the treatment column.
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.

    Returns
    -------
    DataFrame
        In the shape of :func:`simulate_campaign`'s data: ``treatment`` (1 = the arm labelled
        ``treated_value``), ``converted`` (0/1; revenue > 0 when not mapped), ``revenue`` and the mapped
        optional columns.

    References
    ----------
    Kohavi, R., Tang, D. & Xu, Y. (2020). *Trustworthy Online Controlled Experiments*. Cambridge UP.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kamlib.experiments import load_campaign
    >>> path = Path(tempfile.mkdtemp()) / "campaign.csv"
    >>> arms = pd.DataFrame({"arm": ["A", "B"] * 10, "revenue": [0, 12.5, 8, 0] * 5})
    >>> _ = arms.to_csv(path, index=False)
    >>> camp = load_campaign(path, columns={"treatment": "arm"}, treated_value="B")
    >>> camp.groupby("treatment")["converted"].mean().to_dict()
    {0: 0.5, 1: 0.5}
    """
    from ._io import read_table

    cols = {"treatment": "treatment", "revenue": "revenue", **(columns or {})}
    raw = read_table(source, encoding=encoding)
    raw.index = raw.index + 2  # rows as a spreadsheet shows them
    where = str(source)
    df = _mapped(raw, cols, CAMPAIGN_ROLES, {"treatment", "revenue"}, where)
    arm = df["treatment"].astype("string").str.strip()
    labels = sorted(pd.unique(arm.dropna()))
    if arm.isna().any():
        raise KamError(f"{where}: column '{cols['treatment']}' is empty in {rows_preview(df.index[arm.isna()])}; "
                       "every customer needs an arm.")
    if len(labels) != 2 or str(treated_value) not in labels:
        raise ArgumentError(f"{where}: column '{cols['treatment']}' must hold two arms, one of them labelled "
                            f"{str(treated_value)!r}, but holds {labels[:5]}; pass the treated arm's label as "
                            "treated_value.", argument="treated_value")
    df["treatment"] = (arm == str(treated_value)).astype(int)
    df["revenue"] = _numeric(df, "revenue", where, cols["revenue"], nonnegative=True)
    if "converted" in df:
        df["converted"] = _numeric(df, "converted", where, cols["converted"], binary=True)
    else:
        df["converted"] = (df["revenue"] > 0).astype(int)
    if "pre_spend" in df:
        df["pre_spend"] = _numeric(df, "pre_spend", where, cols["pre_spend"], nonnegative=True)
    for c in ("tier", "segment"):
        if c in df:
            df[c] = df[c].astype("string").fillna("(missing)")
    if df.groupby("treatment").size().min() < 10:
        raise KamError(f"{where}: each arm needs at least 10 customers, but the arms have "
                       f"{df['treatment'].value_counts().to_dict()}.")
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class Programme(Result):
    """A programme panel read from a file, in the shape of :func:`simulate_programme`'s data.

    Attributes
    ----------
    data : DataFrame
        ``account``, ``period`` (1, 2, ... in time order), ``revenue``, ``treated``, ``post``,
        ``treated_post``, ``first_treated``.
    start : int
        The programme's first period, as a number of ``data["period"]``.
    periods : tuple of str
        The file's period labels, in order (``periods[start - 1]`` is the first programme period).
    """

    data: pd.DataFrame
    start: int
    periods: tuple

    def summary_frame(self) -> pd.DataFrame:
        """The panel's periods with their labels and whether the programme ran."""
        return pd.DataFrame({"period": range(1, len(self.periods) + 1), "label": list(self.periods),
                             "post": [int(i + 1 >= self.start) for i in range(len(self.periods))]})


def load_programme(source, *, start, columns: dict | None = None, encoding: str = "auto") -> Programme:
    """A programme panel from a CSV or Parquet file, one row per account and period.

    Parameters
    ----------
    source : str or Path
        The file (CSV in UTF-8 or GBK, or Parquet).
    start : int, str or date
        The programme's first period: a number, or a date if the period column holds dates (``2024-07``).
        Staggered starts need a heterogeneity-robust estimator and are refused.
    columns : dict, optional
        File column of each role: ``account``, ``period``, ``outcome``, ``treated`` (1 for accounts in the
        programme, constant per account).
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.

    Returns
    -------
    Programme
        The panel in the shape of :func:`simulate_programme`'s data, the start and the period labels.

    References
    ----------
    Wooldridge, J. M. *Introductory Econometrics*, ch. 13.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.experiments import load_programme, simulate_programme
    >>> path = Path(tempfile.mkdtemp()) / "panel.csv"
    >>> _ = simulate_programme(40, seed=1).data.to_csv(path, index=False)
    >>> prog = load_programme(path, start=13, columns={"outcome": "revenue"})
    >>> prog.start, len(prog.periods)
    (13, 24)
    """
    from ._io import read_table

    cols = {**PROGRAMME_ROLES, **(columns or {})}
    raw = read_table(source, encoding=encoding)
    raw.index = raw.index + 2
    where = str(source)
    df = _mapped(raw, cols, PROGRAMME_ROLES, set(PROGRAMME_ROLES), where)
    df["revenue"] = _numeric(df, "revenue", where, cols["outcome"])
    df["treated"] = _numeric(df, "treated", where, cols["treated"], binary=True)
    df["account"] = df["account"].astype("string").str.strip()
    if df["account"].isna().any():
        raise KamError(f"{where}: column '{cols['account']}' is empty in {rows_preview(df.index[df['account'].isna()])}.")
    mixed = df.groupby("account")["treated"].nunique()
    if (mixed > 1).any():
        raise KamError(f"{where}: column '{cols['treated']}' must mark the accounts of the programme group, the same in "
                       f"every period, but changes within account {mixed[mixed > 1].index[0]!r}; set it to 1 in every "
                       "period of a programme account (the start is the argument start).")
    if set(df["treated"]) != {0, 1}:
        raise KamError(f"{where}: column '{cols['treated']}' needs programme accounts (1) and comparison accounts (0).")
    text = df["period"].astype("string").str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        period, start_value = numeric, pd.to_numeric(pd.Series([str(start)]), errors="coerce").iloc[0]
    else:
        period = pd.to_datetime(text, errors="coerce")
        if period.isna().any():
            raise KamError(f"{where}: column '{cols['period']}' must hold numbers or dates, but has "
                           f"{text[period.isna()].iloc[0]!r} in {rows_preview(df.index[period.isna()])}.")
        start_value = pd.to_datetime(pd.Series([str(start)]), errors="coerce").iloc[0]
    order = period.drop_duplicates().sort_values().tolist()
    if start is None or pd.isna(start_value) or start_value not in set(order):
        raise ArgumentError(f"{where}: start must be one of the periods in column '{cols['period']}' "
                            f"(from {order[0]} to {order[-1]}), not {start!r}; pass the first period of the programme.",
                            argument="start")
    rank = {v: i + 1 for i, v in enumerate(order)}
    df["period"] = period.map(rank).astype(int)
    s = rank[start_value]
    if s < 3 or s > len(order):
        raise KamError(f"{where}: the programme starts in period {s} of {len(order)}; the pre-trend check needs at "
                       "least two periods before the start.")
    if df.duplicated(["account", "period"]).any():
        dup = df.index[df.duplicated(["account", "period"])]
        raise KamError(f"{where}: an account appears twice in one period ({rows_preview(dup)}); sum or remove those rows.")
    df["post"] = (df["period"] >= s).astype(int)
    df["treated_post"] = df["treated"] * df["post"]
    df["first_treated"] = np.where(df["treated"] == 1, float(s), np.nan)
    periods = tuple(v.date().isoformat() if isinstance(v, pd.Timestamp) else f"{v:g}" for v in order)
    return Programme(df.sort_values(["account", "period"]).reset_index(drop=True), s, periods)
