"""Key-driver regression with relative importance (LMG), bootstrap mediation and moderation.

References
----------
Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). *Introduction to Bivariate and Multivariate Analysis*.
Scott, Foresman. Hayes, A. F. (2018). *Introduction to Mediation, Moderation, and Conditional Process Analysis*
(2nd ed.). Guilford.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import require_columns

__all__ = ["Interaction", "KeyDrivers", "Mediation", "key_drivers", "mediation", "moderation", "relative_importance"]


@dataclass(frozen=True)
class Mediation(Result):
    """An indirect effect a*b with its bootstrap interval (:func:`mediation`)."""

    a: float
    b: float
    indirect: float
    indirect_ci_lower: float
    indirect_ci_upper: float
    indirect_pvalue: float
    direct: float
    total: float
    n: int
    bootstrap_n: int


@dataclass(frozen=True)
class Interaction(Result):
    """The interaction term of a moderation regression (:func:`moderation`)."""

    term: str
    estimate: float
    estimate_se: float
    estimate_ci_lower: float
    estimate_ci_upper: float
    pvalue: float
    n: int


@dataclass(frozen=True)
class KeyDrivers(Result):
    """A key-driver regression: one row per driver, and the model's R².

    Attributes
    ----------
    table : DataFrame
        ``driver``, ``coef`` with ``_se``, ``_ci_lower``, ``_ci_upper``, ``_pvalue`` (HC3), ``std_coef``,
        ``vif``, ``lmg_r2`` and ``lmg_share`` (relative importance).
    r2 : float
        R² of the regression.
    """

    table: pd.DataFrame
    r2: float

    def summary_frame(self) -> pd.DataFrame:
        """The driver table."""
        return self.table.copy()


def key_drivers(scores: pd.DataFrame, outcome: str, drivers: list[str]) -> KeyDrivers:
    """OLS of ``outcome`` on ``drivers`` with HC3 robust SEs, standardised betas, VIF and LMG importance.

    Parameters
    ----------
    scores : DataFrame
        One row per respondent with construct scores.
    outcome : str
        The outcome construct (e.g. ``"SAT"``).
    drivers : list of str
        The driver constructs.

    Returns
    -------
    KeyDrivers
        The driver table and the R².

    References
    ----------
    Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). *Introduction to Bivariate and Multivariate
    Analysis* (LMG decomposition); Grömping, U. (2006). Relative importance for linear regression in R: the
    package relaimpo. *J. Statistical Software*, 17(1). Long, J. S. & Ervin, L. H. (2000). Using
    heteroscedasticity consistent standard errors in the linear regression model. *Am. Statistician*, 54, 217-224.

    Examples
    --------
    >>> from kamlib.survey.drivers import key_drivers
    >>> kd = key_drivers(scores, "SAT", ["PQ", "SQ", "PF"])
    >>> kd.table.sort_values("lmg_share")["driver"].tolist()
    ['PF', 'SQ', 'PQ']
    """
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    require_columns(scores, [outcome, *drivers], where="the construct scores")
    d = scores[[outcome, *drivers]].dropna()
    X = sm.add_constant(d[drivers])
    res = sm.OLS(d[outcome], X).fit(cov_type="HC3")
    z = (d - d.mean()) / d.std()
    std = sm.OLS(z[outcome], z[drivers]).fit().params
    ci = res.conf_int()
    lmg = relative_importance(d, outcome, drivers)
    rows = []
    for k, name in enumerate(drivers, 1):
        rows.append({"driver": name, "coef": res.params[name], "coef_se": res.bse[name],
                     "coef_ci_lower": ci.loc[name, 0], "coef_ci_upper": ci.loc[name, 1], "coef_pvalue": res.pvalues[name],
                     "std_coef": std[name], "vif": variance_inflation_factor(X.to_numpy(), k),
                     "lmg_r2": lmg[name], "lmg_share": lmg[name] / lmg.sum()})
    return KeyDrivers(pd.DataFrame(rows), float(res.rsquared))


def relative_importance(data: pd.DataFrame, outcome: str, drivers: list[str]) -> pd.Series:
    """LMG (Shapley) decomposition of R^2 over all orderings of the drivers.

    Parameters
    ----------
    data : DataFrame
        Outcome and drivers.
    outcome : str
        The outcome.
    drivers : list of str
        The drivers (at most about 10: 2^p subsets).

    Returns
    -------
    Series
        R^2 share of each driver; they sum to the model's R^2.

    References
    ----------
    Lindeman, R. H., Merenda, P. F. & Gold, R. Z. (1980). *Introduction to Bivariate and Multivariate Analysis*. Scott, Foresman. Grömping, U. (2006). relaimpo. *J. Statistical Software*, 17(1).

    Examples
    --------
    >>> from kamlib.survey.drivers import relative_importance
    >>> relative_importance(scores, "SAT", ["PQ", "SQ"]).round(2).to_dict()
    {'PQ': 0.19, 'SQ': 0.15}
    """
    y = data[outcome].to_numpy(float)
    X = data[drivers].to_numpy(float)

    def r2(cols):
        if not cols:
            return 0.0
        A = np.column_stack([np.ones(len(y)), X[:, cols]])
        beta, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid = y - A @ beta
        return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))

    p = len(drivers)
    cache = {}
    for size in range(p + 1):
        for combo in itertools.combinations(range(p), size):
            cache[combo] = r2(list(combo))
    share = np.zeros(p)
    from math import factorial

    for j in range(p):
        others = [i for i in range(p) if i != j]
        for size in range(p):
            w = factorial(size) * factorial(p - size - 1) / factorial(p)
            for combo in itertools.combinations(others, size):
                share[j] += w * (cache[tuple(sorted(combo + (j,)))] - cache[combo])
    return pd.Series(share, index=drivers)


def mediation(scores: pd.DataFrame, x: str, m: str, y: str, *, controls: list[str] | None = None,
              n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> Mediation:
    """Indirect effect a*b of ``x`` on ``y`` through ``m`` (OLS), with a percentile bootstrap interval.

    Parameters
    ----------
    scores : DataFrame
        Construct scores.
    x, m, y : str
        Cause, mediator and outcome.
    controls : list of str, optional
        Covariates in both regressions.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Random seed.
    level : float
        Confidence level.

    Returns
    -------
    Mediation
        ``a``, ``b``, ``indirect`` with ``indirect_ci_lower``/``_upper`` and ``indirect_pvalue``, ``direct``, ``total``,
        ``n`` and ``bootstrap_n``.

    References
    ----------
    Preacher, K. J. & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and comparing indirect effects in multiple mediator models. *Behavior Research Methods*, 40(3), 879-891.

    Examples
    --------
    >>> from kamlib.survey.drivers import mediation
    >>> med = mediation(scores, "SQ", "SAT", "LOY", n_boot=200, seed=1)
    >>> round(med.indirect, 2), med.indirect_ci_lower > 0
    (0.24, True)
    """
    controls = controls or []
    d = scores[[x, m, y, *controls]].dropna().to_numpy(float)
    n = len(d)

    def paths(arr):
        ones = np.ones((len(arr), 1))
        ctrl = arr[:, 3:]
        a = np.linalg.lstsq(np.column_stack([ones, arr[:, 0], ctrl]), arr[:, 1], rcond=None)[0][1]
        coef = np.linalg.lstsq(np.column_stack([ones, arr[:, 0], arr[:, 1], ctrl]), arr[:, 2], rcond=None)[0]
        total = np.linalg.lstsq(np.column_stack([ones, arr[:, 0], ctrl]), arr[:, 2], rcond=None)[0][1]
        return a, coef[2], coef[1], total

    a, b, direct, total = paths(d)
    rng = np.random.default_rng(seed)
    boots = np.array([np.prod(paths(d[rng.integers(0, n, n)])[:2]) for _ in range(n_boot)])
    q = (1 - level) / 2
    lo, hi = np.quantile(boots, [q, 1 - q]) if n_boot else (np.nan, np.nan)
    # two-sided bootstrap p-value, never below 2/(B+1): a finite bootstrap cannot show p = 0
    p = min(1.0, 2 * (min((boots <= 0).sum(), (boots >= 0).sum()) + 1) / (n_boot + 1)) if n_boot else np.nan
    return Mediation(float(a), float(b), float(a * b), float(lo), float(hi), float(p), float(direct), float(total), n, n_boot)


def moderation(scores: pd.DataFrame, outcome: str, drivers: list[str], moderator: str, focal: str, *,
               level: float = 0.95) -> Interaction:
    """OLS with a ``focal x moderator`` interaction (moderator 0/1) and HC3 standard errors.

    Parameters
    ----------
    scores : DataFrame
        Construct scores and the moderator.
    outcome : str
        The outcome.
    drivers : list of str
        Main effects.
    moderator : str
        0/1 column (e.g. key account).
    focal : str
        The driver whose effect the moderator changes.
    level : float
        The confidence level of the interval.

    Returns
    -------
    Interaction
        The interaction term: ``term``, ``estimate``, ``estimate_se``, ``pvalue``, CI limits.

    References
    ----------
    Aiken, L. S. & West, S. G. (1991). *Multiple Regression: Testing and Interpreting Interactions*. Sage.

    Examples
    --------
    >>> from kamlib.survey.drivers import moderation
    >>> mod = moderation(scores, "SAT", ["PQ", "SQ"], "key", "SQ")
    >>> mod.term, round(mod.estimate, 2)
    ('SQ:key', 0.27)
    """
    import statsmodels.formula.api as smf

    main = list(dict.fromkeys([*drivers, moderator]))  # a moderator may be a driver too (a construct)
    d = scores[[outcome, *main]].dropna()
    formula = f"{outcome} ~ {' + '.join(main)} + {focal}:{moderator}"
    res = smf.ols(formula, d).fit(cov_type="HC3")
    term = f"{focal}:{moderator}"
    ci = res.conf_int(alpha=1 - level).loc[term]
    return Interaction(term, float(res.params[term]), float(res.bse[term]), float(ci[0]), float(ci[1]),
                       float(res.pvalues[term]), int(res.nobs))
