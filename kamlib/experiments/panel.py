"""Difference-in-differences for a key-account programme: two groups x two periods, two-way fixed effects and an
event study, with a simulator of a programme's panel (simulated data, documented model and seed).

References
----------
Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach* (7th ed.), ch. 13.
Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference. *Journal of Human
Resources*, 50(2), 317-372.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from ..errors import KamError, require_binary, require_columns
from .campaign import Simulation

__all__ = ["DiDResult", "EventStudy", "did", "did_twfe", "event_study", "simulate_programme"]


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
        require_binary(d, c, "the difference-in-differences data")
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
    require_binary(d, treated_post, "the panel")
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
