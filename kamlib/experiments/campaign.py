"""A randomised campaign: the simulator with documented true effects, and its analysis.

* :func:`simulate_campaign` draws a campaign (treatment vs control) from :class:`CampaignModel`, whose documented
  true effects the tests recover (simulated data, labelled so wherever it shows);
* :func:`conversion_test`, :func:`revenue_test` (Welch t, bootstrap, CUPED) and :func:`heterogeneous_effects`
  (treatment x segment interactions, Holm correction).

References
----------
Deng, A., Xu, Y., Kohavi, R. & Walker, T. (2013). Improving the sensitivity of online controlled experiments by
utilizing pre-experiment data. *WSDM '13*, 123-132.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of Statistics*,
6(2), 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from ..i18n import Message
from ..defaults import BASELINE_CONVERSION, KEY_EXTRA_LIFT, RELATIVE_LIFT
from ..errors import KamError, require_binary, require_columns

__all__ = ["BOOTSTRAP_FOR_INTERVALS", "CampaignModel", "ConversionTest", "Cuped", "Simulation", "conversion_test", "cuped",
           "heterogeneous_effects", "interval_disagreement", "revenue_test", "simulate_campaign"]

#: The fewest bootstrap resamples whose percentile interval the workbook reads on its own: Efron & Tibshirani (1993)
#: advise 1,000 or more for a percentile interval (its 2.5% and 97.5% quantiles), against about 200 for a standard
#: error; with fewer, a percentile bound is an extreme of a handful of resamples
BOOTSTRAP_FOR_INTERVALS = 1000


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
    require_binary(data, treatment, "the experiment data")
    require_binary(data, converted, "the experiment data")
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


@dataclass(frozen=True)
class Cuped(Result):
    """:func:`cuped`'s result; unpacks as ``adjusted, theta``.

    Attributes
    ----------
    adjusted : ndarray
        The adjusted outcome per customer (same mean as the outcome, lower variance when the covariate predicts it).
    theta : float
        The adjustment coefficient ``cov(y, x) / var(x)``.
    """

    adjusted: np.ndarray
    theta: float
    unpack = ("adjusted", "theta")


def cuped(y: np.ndarray, x: np.ndarray) -> Cuped:
    """CUPED-adjusted outcome ``y - theta (x - mean x)`` with ``theta = cov(y, x) / var(x)``.

    Parameters
    ----------
    y : array-like
        Outcome per customer.
    x : array-like
        Pre-period covariate per customer (unaffected by the treatment).

    Returns
    -------
    Cuped
        ``adjusted``, the adjusted outcome (same mean as ``y``, lower variance when x predicts y), and ``theta``,
        the adjustment coefficient; unpacks as ``adjusted, theta``.

    References
    ----------
    Deng, A., Xu, Y., Kohavi, R. & Walker, T. (2013). Improving the sensitivity of online controlled
    experiments by utilizing pre-experiment data. *WSDM '13*, 123-132.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.experiments import cuped
    >>> result = cuped(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    >>> round(result.theta, 6), result.adjusted.round(6).tolist()
    (1.0, [2.0, 2.0, 2.0])
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    var = x.var(ddof=1)
    theta = 0.0 if var == 0 else np.cov(y, x)[0, 1] / var
    return Cuped(y - theta * (x - x.mean()), float(theta))


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
    require_binary(data, treatment, "the experiment data")
    t = data[treatment].to_numpy() == 1
    rows = []
    variants = [("difference in means", data[outcome].to_numpy(float))]
    if covariate:
        adj = cuped(data[outcome], data[covariate]).adjusted
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


def interval_disagreement(table: pd.DataFrame, *, n_boot: int) -> list[Message]:
    """The sentences a :func:`revenue_test` table needs, one per method whose Welch t interval and percentile
    bootstrap interval disagree on whether the difference lies above or below zero (by
    :func:`kamlib.verdicts.effect`); empty when they agree on every row (or there is no bootstrap interval).

    Which decides: with fewer than :data:`BOOTSTRAP_FOR_INTERVALS` resamples the percentile bounds are extremes of a
    handful of resamples, so the t interval decides; with as many, the two rest on different assumptions (normal
    means against the resampled ones), and a difference only one of them shows is not shown.

    Parameters
    ----------
    table : DataFrame
        :func:`revenue_test`'s table: ``method``, ``ci_lower``, ``ci_upper``, ``bootstrap_ci_lower``,
        ``bootstrap_ci_upper``.
    n_boot : int
        The resamples the bootstrap interval rests on.

    Returns
    -------
    list of Message

    References
    ----------
    Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall/CRC.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.experiments import interval_disagreement
    >>> t = pd.DataFrame({"method": ["CUPED (pre-period covariate)"], "ci_lower": [-0.222], "ci_upper": [3.890],
    ...                   "bootstrap_ci_lower": [0.860], "bootstrap_ci_upper": [3.275]})
    >>> str(interval_disagreement(t, n_boot=30)[0])[-100:]
    'advise for a percentile interval, so the t interval decides (strategy.bootstrap sets the resamples).'
    >>> interval_disagreement(t.assign(ci_lower=0.1), n_boot=30)
    []
    """
    from .. import verdicts

    if "bootstrap_ci_lower" not in table or not n_boot:
        return []
    split = [row for _, row in table.iterrows()
             if verdicts.effect(row["ci_lower"], row["ci_upper"])
             != verdicts.effect(row["bootstrap_ci_lower"], row["bootstrap_ci_upper"])]
    said = []
    for row in split:
        numbers = dict(method=Message(str(row["method"]), "value"), lo=float(row["ci_lower"]), hi=float(row["ci_upper"]),
                       blo=float(row["bootstrap_ci_lower"]), bhi=float(row["bootstrap_ci_upper"]), n=int(n_boot),
                       enough=BOOTSTRAP_FOR_INTERVALS)
        if n_boot < BOOTSTRAP_FOR_INTERVALS:
            said.append(Message("For {method}, the Welch t interval ({lo:.3f} to {hi:.3f}) and the percentile bootstrap "
                                "interval ({blo:.3f} to {bhi:.3f}) disagree on whether the difference is above zero: "
                                "the bootstrap's bounds rest on {n:,} resamples, fewer than the {enough:,} that Efron & "
                                "Tibshirani (1993) advise for a percentile interval, so the t interval decides "
                                "(strategy.bootstrap sets the resamples).", **numbers))
        else:
            said.append(Message("For {method}, the Welch t interval ({lo:.3f} to {hi:.3f}) and the percentile bootstrap "
                                "interval ({blo:.3f} to {bhi:.3f}, {n:,} resamples) disagree on whether the difference "
                                "is above zero: they rest on different assumptions (normal means, resampled means), so "
                                "the difference is not shown.", **numbers))
    return said


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
