"""Survey statistics: reliability, validity, CFA/SEM, key drivers, mediation, moderation, groups, NPS.

Functions take tidy DataFrames (respondents in rows, reverse-coded items or
construct scores in columns) and return floats, DataFrames or small result objects.

References
----------
Cronbach (1951); Feldt (1965) for the alpha interval; McDonald (1999) omega;
Fornell & Larcker (1981); Henseler, Ringle & Sarstedt (2015) HTMT; Kaiser (1974) KMO;
Bartlett (1950); Horn (1965) parallel analysis; Lindeman, Merenda & Gold (1980) LMG;
Hayes (2018) bootstrap mediation; Reichheld (2003) NPS.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ._results import Result
from .i18n import HYPOTHESES_ZH
from .errors import KamError, require_columns

__all__ = ["CommonMethod", "EFA", "HYPOTHESES", "Harman", "Interaction", "Invariance", "KeyDrivers", "Mediation",
           "NPS", "SEMResult", "STRUCTURAL_PATHS", "TestResult", "alpha_ci", "ave", "bartlett", "cfa",
           "common_method_factor", "compare_many", "compare_two", "composite_reliability", "cronbach_alpha", "efa",
           "fit_verdicts", "fornell_larcker", "group_hypothesis", "group_paths", "harman", "htmt", "hypotheses",
           "invariance", "item_analysis", "key_drivers", "kmo", "likert_shares", "measurement_model", "mediation",
           "model_syntax", "moderation", "nps", "omega", "one_factor_loadings", "parallel_analysis",
           "relative_importance", "reliability_table", "rmsea_ci", "rotate", "scale_note", "sem", "structural_model"]

# ----------------------------------------------------------------------------- reliability


def _complete(items: pd.DataFrame, listwise: bool = True) -> pd.DataFrame:
    if not isinstance(items, pd.DataFrame) or items.shape[1] < 2:
        raise KamError("Reliability needs a DataFrame with at least two item columns.")
    data = items.apply(pd.to_numeric, errors="coerce")
    return data.dropna() if listwise else data


@dataclass(frozen=True)
class TestResult(Result):
    """A test statistic with its degrees of freedom and p-value (e.g. Bartlett's sphericity test)."""

    chi2: float
    df: int
    pvalue: float


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
class NPS(Result):
    """A Net Promoter Score in points with its interval (:func:`nps`)."""

    nps: float
    nps_se: float
    nps_ci_lower: float
    nps_ci_upper: float
    promoters: float
    detractors: float
    n: int


def cronbach_alpha(items: pd.DataFrame, *, listwise: bool = True) -> float:
    """Cronbach's alpha of reverse-coded items.

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.
    listwise : bool
        Complete cases (True) or pairwise covariances.

    Returns
    -------
    float

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16(3), 297-334.

    Examples
    --------
    >>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 5]})), 3)
    0.972
    """
    data = _complete(items, listwise)
    cov = data.cov().to_numpy()
    k = cov.shape[0]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def alpha_ci(items: pd.DataFrame, level: float = 0.95) -> tuple[float, float]:
    """Feldt confidence interval of Cronbach's alpha (complete cases).

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.
    level : float
        Confidence level.

    Returns
    -------
    tuple of float
        Lower and upper limit.

    References
    ----------
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty. *Psychometrika*, 30(3), 357-370.

    Examples
    --------
    >>> lo, hi = alpha_ci(items)
    >>> round(lo, 2), round(hi, 2)
    (0.8, 0.87)
    """
    data = _complete(items)
    n, k = data.shape
    a = cronbach_alpha(data)
    lo = 1 - (1 - a) * stats.f.ppf(1 - (1 - level) / 2, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - a) * stats.f.ppf((1 - level) / 2, n - 1, (n - 1) * (k - 1))
    return float(lo), float(hi)


def one_factor_loadings(items: pd.DataFrame, *, seed: int = 0) -> pd.Series:
    """Standardised loadings of a one-factor maximum-likelihood model (statsmodels).

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.
    seed : int
        Seed of the optimiser's random starting values (same data, same loadings).

    Returns
    -------
    Series
        Loading per item.

    References
    ----------
    Lawley, D. N. & Maxwell, A. E. (1971). *Factor Analysis as a Statistical Method* (2nd ed.). Butterworths.

    Examples
    --------
    >>> one_factor_loadings(items).round(2).tolist()
    [0.8, 0.85, 0.73]
    """
    from statsmodels.multivariate.factor import Factor

    data = _complete(items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(data.to_numpy(), n_factor=1, method="ml").fit(rng=seed)
    lam = res.loadings[:, 0]
    return pd.Series(lam * np.sign(lam.sum()), index=data.columns)


def omega(items: pd.DataFrame) -> float:
    """McDonald's omega total from a one-factor model: (sum l)^2 / ((sum l)^2 + sum(1 - l^2)).

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.

    Returns
    -------
    float

    References
    ----------
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.

    Examples
    --------
    >>> round(omega(items), 3)
    0.837
    """
    lam = one_factor_loadings(items).to_numpy()
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))


def item_analysis(items: pd.DataFrame, *, extreme_share: float = 0.27) -> pd.DataFrame:
    """Item analysis: the critical ratio of extreme groups, corrected item-total correlation and alpha if deleted.

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct (or of the whole scale), reverse-coded already.
    extreme_share : float
        Share of respondents in each extreme group by total score (27%: Kelley 1939).

    Returns
    -------
    DataFrame
        ``item``, ``mean``, ``sd``, ``cr_t`` (the critical ratio: Student's t of the item between the high and the
        low group), ``cr_pvalue``, ``corrected_item_total_r``, ``alpha_if_deleted``, ``keep`` ("yes" when the
        critical ratio is at least 3 with p < .05 and the corrected item-total correlation at least 0.4, the
        rules of Chinese questionnaire-design textbooks; "check" otherwise).

    Notes
    -----
    Respondents tied at the cut-off totals are all kept in their group, as SPSS's "visual binning" does.

    References
    ----------
    Kelley, T. L. (1939). The selection of upper and lower groups for the validation of test items. *Journal of
    Educational Psychology*, 30(1), 17-24. Nunnally, J. C. & Bernstein, I. H. (1994). *Psychometric Theory*
    (3rd ed.). McGraw-Hill. 吴明隆 (2010). 《问卷统计分析实务: SPSS操作与应用》. 重庆大学出版社 (critical ratio >= 3,
    item-total r >= 0.4).

    Examples
    --------
    >>> item_analysis(items)[["item", "corrected_item_total_r", "keep"]].round(2)
       item  corrected_item_total_r keep
    0  SAT1                    0.70  yes
    1  SAT2                    0.73  yes
    2  SAT3                    0.66  yes
    """
    if not 0 < extreme_share <= 0.5:
        raise KamError(f"extreme_share must lie in (0, 0.5], not {extreme_share}.")
    data = _complete(items)
    total = data.sum(axis=1)
    high = total >= total.quantile(1 - extreme_share)
    low = total <= total.quantile(extreme_share)
    rows = []
    for c in data.columns:
        rest = data.drop(columns=c)
        t = stats.ttest_ind(data.loc[high, c], data.loc[low, c]) if high.sum() > 1 and low.sum() > 1 else None
        r = data[c].corr(rest.sum(axis=1))
        cr = float(t.statistic) if t is not None else np.nan
        p = float(t.pvalue) if t is not None else np.nan
        rows.append({"item": c, "mean": data[c].mean(), "sd": data[c].std(), "cr_t": cr, "cr_pvalue": p,
                     "corrected_item_total_r": r,
                     "alpha_if_deleted": cronbach_alpha(rest) if rest.shape[1] > 1 else np.nan,
                     "keep": "yes" if cr >= 3 and p < 0.05 and r >= 0.4 else "check"})
    return pd.DataFrame(rows)


def composite_reliability(loadings) -> float:
    """Composite reliability from standardised loadings: (sum l)^2 / ((sum l)^2 + sum(1 - l^2)).

    Parameters
    ----------
    loadings : array-like
        Standardised loadings of one construct.

    Returns
    -------
    float

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39-50.

    Examples
    --------
    >>> round(composite_reliability([0.8, 0.8, 0.8]), 3)
    0.842
    """
    lam = np.asarray(loadings, float)
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))


def ave(loadings) -> float:
    """Average variance extracted: mean of squared standardised loadings.

    Parameters
    ----------
    loadings : array-like
        Standardised loadings of one construct.

    Returns
    -------
    float

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39-50.

    Examples
    --------
    >>> round(ave([0.8, 0.6]), 2)
    0.5
    """
    return float(np.mean(np.asarray(loadings, float) ** 2))


def reliability_table(data: pd.DataFrame, constructs: dict[str, list[str]],
                      std_loadings: pd.Series | None = None) -> pd.DataFrame:
    """Per construct: items, n, alpha with Feldt CI, omega, and CR/AVE from CFA loadings.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (reverse-coded).
    constructs : dict
        Construct to its items.
    std_loadings : Series, optional
        Standardised CFA loadings by item (CR and AVE need them).

    Returns
    -------
    DataFrame
        ``construct``, ``items``, ``n``, ``alpha``, ``alpha_ci_lower``, ``alpha_ci_upper``, ``omega`` and, with loadings, ``composite_reliability``, ``ave``.

    References
    ----------
    Hair, J. F., Black, W. C., Babin, B. J. & Anderson, R. E. (2019). *Multivariate Data Analysis* (8th ed.). Cengage.

    Examples
    --------
    >>> reliability_table(data, inst.constructs)[["construct", "items", "alpha"]].round(2).head(3)
      construct  items  alpha
    0        PQ      4   0.84
    1        SQ      4   0.86
    2        PF      3   0.78
    """
    rows = []
    for c, items in constructs.items():
        lo, hi = alpha_ci(data[items])
        row = {"construct": c, "items": len(items), "n": int(data[items].dropna().shape[0]),
               "alpha": cronbach_alpha(data[items]), "alpha_ci_lower": lo, "alpha_ci_upper": hi,
               "omega": omega(data[items])}
        if std_loadings is not None:
            lam = std_loadings.reindex(items)
            row.update({"composite_reliability": composite_reliability(lam), "ave": ave(lam)})
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- validity


def kmo(data: pd.DataFrame) -> tuple[float, pd.Series]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy: overall and per item.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (complete cases used).

    Returns
    -------
    overall : float
        KMO of all items.
    per_item : Series
        KMO per item.

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39(1), 31-36.

    Examples
    --------
    >>> overall, per_item = kmo(data[inst.items])
    >>> round(overall, 2)
    0.87
    """
    r = _complete(data).corr().to_numpy().copy()
    inv = np.linalg.inv(r)
    partial = -inv / np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    np.fill_diagonal(r, 0)
    np.fill_diagonal(partial, 0)
    r2, p2 = r ** 2, partial ** 2
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    return float(overall), pd.Series(per_item, index=data.columns)


@dataclass(frozen=True)
class Harman(Result):
    """Harman's single-factor test: the variance share of the first unrotated component of all items."""

    first_share: float
    components_above_one: int
    items: int
    verdict: str
    verdict_zh: str


def harman(data: pd.DataFrame, *, threshold: float = 0.5) -> Harman:
    """Harman's single-factor test for common-method bias.

    All items enter one unrotated principal-component analysis of their correlations; when the first component
    takes most of the variance (at least ``threshold``), a common method may drive the answers.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (all constructs).
    threshold : float
        Share of variance of the first component that signals a problem (0.5 by convention).

    Returns
    -------
    Harman
        ``first_share``, ``components_above_one`` (eigenvalues above 1), ``items``, and a one-sentence
        ``verdict`` (with ``verdict_zh``) that also says the test is weak evidence either way.

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
    research. *Journal of Applied Psychology*, 88(5), 879-903.

    Examples
    --------
    >>> round(harman(data[inst.items]).first_share, 3)
    0.309
    """
    d = _complete(data)
    eig = np.sort(np.linalg.eigvalsh(d.corr().to_numpy()))[::-1]
    share = float(eig[0] / eig.sum())
    big = share >= threshold
    verdict = (f"The first unrotated component explains {share:.1%} of the variance of {d.shape[1]} items "
               f"({'at or above' if big else 'below'} the {threshold:.0%} rule of Podsakoff et al. 2003): "
               + ("a common method may drive the answers; add a marker variable or a common latent factor model."
                  if big else "no single factor dominates, although the test cannot rule common-method bias out."))
    verdict_zh = (f"未旋转的第一个主成分解释了 {d.shape[1]} 个题项 {share:.1%} 的方差"
                  f"({'达到或超过' if big else '低于'} Podsakoff 等 2003 的 {threshold:.0%} 标准):"
                  + ("回答可能受共同方法偏差驱动,建议加入标记变量或共同潜因子模型。" if big else
                     "没有单一因子占主导,但该检验不能完全排除共同方法偏差。"))
    return Harman(share, int((eig > 1).sum()), d.shape[1], verdict, verdict_zh)


def scale_note(points: int) -> dict:
    """One sentence (en, zh) on whether Likert answers with ``points`` categories may be treated as continuous.

    Parameters
    ----------
    points : int
        Number of answer categories.

    Returns
    -------
    dict
        ``{"en": ..., "zh": ..., "ordinal": bool}``; ``ordinal`` is True at 5 points or fewer.

    References
    ----------
    Rhemtulla, M., Brosseau-Liard, P. E. & Savalei, V. (2012). When can categorical variables be treated as
    continuous? *Psychological Methods*, 17(3), 354-373.

    Examples
    --------
    >>> scale_note(7)["ordinal"]
    False
    """
    if points > 5:
        return {"ordinal": False,
                "en": f"The items have {points} answer categories: with more than five, maximum likelihood on the "
                      "answers as numbers is close to an ordinal estimator (Rhemtulla et al. 2012), so the CFA and SEM "
                      "treat them as continuous.",
                "zh": f"题项有 {points} 个选项:多于五个时,把回答当作连续变量的极大似然估计与有序估计相差很小"
                      "(Rhemtulla 等 2012),因此 CFA 与 SEM 按连续变量处理。"}
    return {"ordinal": True,
            "en": f"The items have only {points} answer categories: maximum likelihood on them as numbers biases loadings "
                  "and fit (Rhemtulla et al. 2012), and the SEM engine here (semopy) has no WLSMV estimator; read the "
                  "CFA and SEM as approximate, or re-estimate them in lavaan with ordered = TRUE.",
            "zh": f"题项只有 {points} 个选项:按连续变量做极大似然估计会使载荷与拟合指标有偏(Rhemtulla 等 2012),而本工具"
                  "所用的 SEM 引擎(semopy)没有 WLSMV 估计;CFA 与 SEM 结果只宜作近似参考,或在 lavaan 中以 ordered = TRUE 重新估计。"}


def bartlett(data: pd.DataFrame) -> TestResult:
    """Bartlett's test of sphericity: chi2 = -(n - 1 - (2p + 5)/6) ln|R|, df = p(p - 1)/2.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.

    Returns
    -------
    TestResult
        ``chi2``, ``df``, ``pvalue``.

    References
    ----------
    Bartlett, M. S. (1950). Tests of significance in factor analysis. *British J. Psychology*, 3, 77-85.

    Examples
    --------
    >>> bartlett(data[inst.items]).df
    276
    """
    d = _complete(data)
    n, p = d.shape
    _, logdet = np.linalg.slogdet(d.corr().to_numpy())
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) / 2
    return TestResult(float(chi2), int(df), float(stats.chi2.sf(chi2, df)))


def parallel_analysis(data: pd.DataFrame, *, n_sims: int = 100, seed: int = 0, quantile: float = 0.95) -> pd.DataFrame:
    """Horn's parallel analysis on correlation-matrix eigenvalues: observed against random normal data.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    n_sims : int
        Random data sets.
    seed : int
        Random seed.
    quantile : float
        Quantile of the random eigenvalues to beat.

    Returns
    -------
    DataFrame
        ``factor``, ``observed``, ``random_mean``, ``random_q95``, ``retain``.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. *Psychometrika*, 30(2), 179-185.

    Examples
    --------
    >>> pa = parallel_analysis(data[inst.items], seed=1)
    """
    d = _complete(data)
    n, p = d.shape
    obs = np.sort(np.linalg.eigvalsh(d.corr().to_numpy()))[::-1]
    rng = np.random.default_rng(seed)
    rand = np.array([np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, p)), rowvar=False)))[::-1]
                     for _ in range(n_sims)])
    out = pd.DataFrame({"factor": np.arange(1, p + 1), "observed": obs,
                        "random_mean": rand.mean(axis=0), "random_q95": np.quantile(rand, quantile, axis=0)})
    out["retain"] = (out["observed"] > out["random_q95"]).cummin()
    return out


def _varimax(x: np.ndarray, *, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """Kaiser's varimax by the SVD iteration and stopping rule of R's ``stats::varimax`` (rotation matrix)."""
    p, k = x.shape
    rot, crit = np.eye(k), 0.0
    for _ in range(max_iter):
        z = x @ rot
        u, s, vt = np.linalg.svd(x.T @ (z ** 3 - z * (z ** 2).sum(axis=0) / p))
        rot, previous, crit = u @ vt, crit, s.sum()
        if crit < previous * (1 + eps):
            break
    return rot


def rotate(loadings, method: str = "promax", *, power: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rotate a factor solution as R psych and SPSS do (Kaiser-normalised varimax; promax with power 4).

    Written here because neither maintained Python library does it on our stack: statsmodels' ``promax`` uses
    power 2 without Kaiser normalisation and its varimax is not row-normalised (pattern loadings differ from
    psych and SPSS by up to 1.2 on the psych reference in ``tests/reference/psych``), and factor_analyzer 0.5.1
    (whose rotator matches psych) fails to fit on scikit-learn >= 1.6.

    Parameters
    ----------
    loadings : DataFrame or array
        Items x factors, unrotated.
    method : str
        ``"promax"`` (oblique) or ``"varimax"`` (orthogonal).
    power : int
        Promax power *k* of the target (4 in psych, SPSS and R's ``promax``).

    Returns
    -------
    tuple of DataFrame
        Rotated (pattern) loadings and the factor correlations (identity for varimax), columns ordered as given.

    References
    ----------
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis. *Psychometrika*, 23(3),
    187-200.
    Hendrickson, A. E. & White, P. O. (1964). Promax: a quick method for rotation to oblique simple structure.
    *British Journal of Statistical Psychology*, 17(1), 65-70.
    Revelle, W. (2024). psych: Procedures for psychological, psychometric, and personality research (R package),
    ``fa(..., rotate = "promax")``.

    Examples
    --------
    >>> pattern, phi = rotate(np.array([[.8, .3], [.7, .4], [.3, .8], [.2, .7]]))
    >>> phi.shape
    (2, 2)
    """
    frame = pd.DataFrame(loadings)
    a = frame.to_numpy(dtype=float)
    if method not in ("promax", "varimax"):
        raise KamError(f"rotation {method!r} is not offered; use 'promax', 'varimax' or None.")
    k = a.shape[1]
    phi = np.eye(k)
    if k > 1:
        h = np.sqrt((a ** 2).sum(axis=1))[:, None]
        h[h == 0] = 1.0
        v = (a / h) @ _varimax(a / h)
        if method == "promax":
            target = v * np.abs(v) ** (power - 1)
            u = np.linalg.lstsq(v, target, rcond=None)[0]
            u = u @ np.diag(np.sqrt(np.diag(np.linalg.inv(u.T @ u))))
            v = v @ u
            inv = np.linalg.inv(u)
            phi = inv @ inv.T
        a = v * h
    return (pd.DataFrame(a, index=frame.index, columns=frame.columns),
            pd.DataFrame(phi, index=frame.columns, columns=frame.columns))


@dataclass(frozen=True)
class EFA(Result):
    """An exploratory factor solution (:func:`efa`): pattern loadings with communalities, factor correlations."""

    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame


def efa(data: pd.DataFrame, n_factors: int, *, rotation: str | None = "promax", seed: int = 0) -> EFA:
    """Exploratory factor analysis: maximum likelihood extraction (statsmodels), psych/SPSS rotation.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    n_factors : int
        Factors to extract.
    rotation : str
        ``"promax"`` (Kaiser-normalised, power 4), ``"varimax"`` (Kaiser-normalised) or None; see :func:`rotate`.
    seed : int
        Seed of the optimiser's random starting values (same data, same loadings).

    Returns
    -------
    EFA
        ``loadings``: ``item``, one pattern-loading column per factor (ordered by variance explained, signed so
        that each column sums positive, as psych does) and ``communality``; ``factor_correlations`` (identity
        unless oblique).

    References
    ----------
    Fabrigar, L. R., Wegener, D. T., MacCallum, R. C. & Strahan, E. J. (1999). Evaluating the use of exploratory factor analysis in psychological research. *Psychological Methods*, 4(3), 272-299.
    Revelle, W. (2024). psych (R package), ``fa``.

    Examples
    --------
    >>> efa(data[inst.items], 7).loadings.shape
    (24, 9)
    """
    from statsmodels.multivariate.factor import Factor

    d = _complete(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(d.to_numpy(), n_factor=n_factors, method="ml").fit(rng=seed)
    names = [f"F{i + 1}" for i in range(n_factors)]
    load = pd.DataFrame(res.loadings, index=d.columns, columns=names)
    phi = pd.DataFrame(np.eye(n_factors), index=names, columns=names)
    if rotation and n_factors > 1:
        load, phi = rotate(load, rotation)
    order = (load ** 2).sum(axis=0).sort_values(ascending=False, kind="stable").index
    sign = np.sign(load[order].sum(axis=0)).replace(0, 1)
    load = load[order] * sign
    phi = phi.loc[order, order] * np.outer(sign, sign)
    load.columns = phi.index = phi.columns = names
    load["communality"] = res.communality
    return EFA(load.rename_axis("item").reset_index(), phi.rename_axis("factor"))


def htmt(data: pd.DataFrame, constructs: dict[str, list[str]]) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations, lower triangle.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    constructs : dict
        Construct to its items.

    Returns
    -------
    DataFrame
        Constructs x constructs (NaN on and above the diagonal).

    References
    ----------
    Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in variance-based SEM. *J. Academy of Marketing Science*, 43(1), 115-135.

    Examples
    --------
    >>> round(float(htmt(data, inst.constructs).max().max()), 2)
    0.71
    """
    r = _complete(data[[i for items in constructs.values() for i in items]]).corr()
    names = list(constructs)
    out = pd.DataFrame(np.nan, index=names, columns=names)

    def mono(items):
        sub = r.loc[items, items].to_numpy()
        return sub[np.triu_indices(len(items), 1)].mean()

    for a, b in itertools.combinations(names, 2):
        hetero = r.loc[constructs[a], constructs[b]].to_numpy().mean()
        out.loc[b, a] = hetero / np.sqrt(mono(constructs[a]) * mono(constructs[b]))
    return out


def fornell_larcker(factor_corr: pd.DataFrame, ave_by_construct: pd.Series) -> pd.DataFrame:
    """Square root of AVE on the diagonal, factor correlations below it.

    Parameters
    ----------
    factor_corr : DataFrame
        Latent correlations (:meth:`SEMResult.factor_correlations`).
    ave_by_construct : Series
        AVE per construct.

    Returns
    -------
    DataFrame
        Constructs x constructs.

    References
    ----------
    Fornell, C. & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39-50.

    Examples
    --------
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6")
    >>> ave = pd.Series({"visual": 0.37, "textual": 0.72})
    >>> fornell_larcker(res.factor_correlations(), ave).round(2)
             visual  textual
    visual     0.61      NaN
    textual    0.46     0.85
    """
    out = factor_corr.copy().astype(float)
    for c in out.index:
        out.loc[c, c] = np.sqrt(ave_by_construct[c])
    mask = np.triu(np.ones(out.shape, bool), 1)
    return out.mask(mask)


# ----------------------------------------------------------------------------- CFA / SEM


@dataclass(frozen=True)
class SEMResult(Result):
    """A fitted semopy model: ``fit`` (chi2, df, pvalue, cfi, tli, rmsea, its CI, srmr, n) and estimates."""

    model: object
    fit: dict
    estimates: pd.DataFrame

    def summary_frame(self) -> pd.DataFrame:
        """The fit statistics as a one-row table."""
        return pd.DataFrame([self.fit])

    def loadings(self) -> pd.DataFrame:
        e = self.estimates
        return e[e["op"] == "=~"].reset_index(drop=True)

    def paths(self) -> pd.DataFrame:
        e = self.estimates
        return e[e["op"] == "~"].reset_index(drop=True)

    def factor_correlations(self) -> pd.DataFrame:
        """Model-implied correlations between the latent factors, ``(I - B)^-1 Psi (I - B)^-T`` scaled to
        unit variances, so that factors linked by a regression correlate as the model says (lavaan's
        ``lavInspect(fit, "cor.lv")``), not 0."""
        m = self.model
        names = list(m.names_beta[0])
        B, Psi = np.asarray(m.mx_beta, float), np.asarray(m.mx_psi, float)
        inv = np.linalg.inv(np.eye(len(B)) - B)
        cov = inv @ Psi @ inv.T
        sd = np.sqrt(np.diag(cov))
        full = pd.DataFrame(cov / np.outer(sd, sd), index=names, columns=names)
        latents = list(dict.fromkeys(self.loadings()["lval"]))
        return full.loc[latents, latents]


def rmsea_ci(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of RMSEA by inverting the noncentral chi-square (N in the denominator, as lavaan).

    Parameters
    ----------
    chi2 : float
        Model chi-square.
    df : int
        Degrees of freedom.
    n : int
        Sample size.
    level : float
        Confidence level (0.9 by convention).

    Returns
    -------
    tuple of float
        Lower and upper limit; NaN for a just-identified model (df 0).

    References
    ----------
    Steiger, J. H. & Lind, J. C. (1980). Statistically based tests for the number of common factors. Psychometric Society, Iowa City. Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *J. Statistical Software*, 48(2), 1-36.

    Examples
    --------
    >>> [round(v, 3) for v in rmsea_ci(85.306, 24, 301)]
    [0.071, 0.114]
    """

    if df <= 0:  # a just-identified model: RMSEA is not defined
        return (math.nan, math.nan)

    def lam(p):
        f = lambda x: stats.ncx2.cdf(chi2, df, x) - p  # noqa: E731
        if stats.chi2.cdf(chi2, df) < p:
            return 0.0
        hi = max(10.0, chi2 * 4)
        return optimize.brentq(f, 1e-10, hi)

    a = (1 - level) / 2
    return float(np.sqrt(lam(1 - a) / (df * n))), float(np.sqrt(lam(a) / (df * n)))


def fit_verdicts(fit: dict) -> pd.DataFrame:
    """Each fit index of a CFA or SEM against its cut-off, in one sentence in English and Chinese, with the source.

    Parameters
    ----------
    fit : dict
        ``SEMResult.fit``.

    Returns
    -------
    DataFrame
        ``index``, ``value``, ``cut_off``, ``met``, ``source``, ``verdict``, ``verdict_zh``; one row saying the model
        cannot be tested when it is just-identified.

    References
    ----------
    Hu, L. & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis.
    *Structural Equation Modeling*, 6(1), 1-55. Browne, M. W. & Cudeck, R. (1993). Alternative ways of assessing
    model fit. In Bollen & Long (eds.), *Testing Structural Equation Models*, Sage, 136-162.

    Examples
    --------
    >>> fit_verdicts({"df": 24, "chi2": 85.3, "pvalue": 0.0, "cfi": 0.931, "tli": 0.896, "rmsea": 0.092,
    ...               "srmr": 0.065})["met"].tolist()
    [False, False, False, False, True]
    """
    if not fit.get("df"):
        return pd.DataFrame([{"index": "df", "value": 0.0, "cut_off": np.nan, "met": False, "source": "",
                              "verdict": fit.get("note") or "the model is just-identified: its fit cannot be tested.",
                              "verdict_zh": "模型恰好识别(自由度为 0):拟合无法检验,请增加题项或约束。"}])
    rules = [("chi2/df", fit["chi2"] / fit["df"], 3.0, "<=", "Kline (2016)"),
             ("cfi", fit["cfi"], 0.95, ">=", "Hu & Bentler (1999)"),
             ("tli", fit["tli"], 0.95, ">=", "Hu & Bentler (1999)"),
             ("rmsea", fit["rmsea"], 0.06, "<=", "Hu & Bentler (1999); Browne & Cudeck (1993): 0.08 acceptable"),
             ("srmr", fit["srmr"], 0.08, "<=", "Hu & Bentler (1999)")]
    rows = []
    for name, v, cut, op, src in rules:
        met = bool(v >= cut) if op == ">=" else bool(v <= cut)
        rows.append({"index": name, "value": v, "cut_off": cut, "met": met, "source": src,
                     "verdict": f"{name.upper()} = {v:.3f}: {'meets' if met else 'misses'} the {op} {cut:g} rule",
                     "verdict_zh": f"{name.upper()} = {v:.3f}:{'达到' if met else '未达到'} {op} {cut:g} 的标准"})
    return pd.DataFrame(rows)


def _incremental_fit(chi2: float, df: int, chi2_null: float, df_null: int) -> dict:
    """CFI bounded to [0, 1] and TLI (not bounded), as lavaan computes them; NaN when df is 0."""
    if df <= 0:
        return {"cfi": math.nan, "tli": math.nan}
    denom = max(chi2 - df, chi2_null - df_null, 0)
    cfi = 1.0 if denom == 0 else 1 - max(chi2 - df, 0) / denom
    tli = (chi2_null / df_null - chi2 / df) / (chi2_null / df_null - 1) if df_null > 0 else math.nan
    return {"cfi": float(min(max(cfi, 0.0), 1.0)), "tli": float(tli)}


def _fit(data: pd.DataFrame, description: str) -> SEMResult:
    import semopy

    defined = [line.strip() for line in description.splitlines() if ":=" in line]
    if defined:
        raise KamError(f"the model defines a parameter with ':=' ({defined[0]}), which the SEM engine (semopy) cannot "
                       "estimate; for an indirect effect use survey.mediation(...) (bootstrap CI) or pls.fit(...) "
                       "with .effects() and .bootstrap() (total and mediated effects), and remove the ':=' line.")
    model = semopy.Model(description)
    observed = list(model.vars["observed"])
    require_columns(data, observed, where="the survey data", fix="every item the model names needs a column")
    # Complete cases, so that the covariance matrix, N in chi-square and the standard errors, RMSEA and
    # SRMR all describe the same respondents (semopy alone would use pairwise covariances with the
    # full N, overstating precision when answers are missing).
    d = data[observed].dropna()
    n = len(d)
    if n <= len(observed):
        raise KamError(f"Only {n} respondents answered every item of the model ({len(observed)} items); "
                       "too few for SEM: collect more complete responses or drop items with many missing answers.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(d)
    st = semopy.calc_stats(model).T["Value"]
    # observed exogenous variables (a key-account dummy, a MIMIC covariate, the first variable of a path model) are
    # fixed at their sample moments, as lavaan's fixed.x: semopy counts those moments but no parameter for them
    raw = model.inspect()
    exogenous = [v for v in observed if not ((raw["op"] == "~") & (raw["lval"] == v)).any()
                 and not ((raw["op"] == "~~") & (raw["lval"] == v) & (raw["rval"] == v)).any()]
    fixed = len(exogenous) * (len(exogenous) + 1) // 2
    chi2, df = float(st["chi2"]), int(round(st["DoF"])) - fixed
    df_null = int(round(st["DoF Baseline"])) - fixed
    lo, hi = rmsea_ci(chi2, df, n)
    sigma = model.calc_sigma()[0]
    s = np.cov(d.to_numpy(float), rowvar=False, bias=True)
    sd = np.sqrt(np.diag(s))
    resid = (s - sigma) / np.outer(sd, sd)
    srmr = float(np.sqrt(np.mean(resid[np.tril_indices(len(observed))] ** 2)))
    fit = {"n": n, "chi2": chi2, "df": df, "pvalue": float(stats.chi2.sf(chi2, df)) if df > 0 else math.nan,
           **_incremental_fit(chi2, df, float(st["chi2 Baseline"]), df_null),
           "rmsea": float(np.sqrt(max(chi2 - df, 0) / (df * n))) if df > 0 else math.nan,
           "rmsea_ci_lower": lo, "rmsea_ci_upper": hi, "srmr": srmr,
           "note": "" if df > 0 else ("the model is just-identified (df = 0): it reproduces the covariances exactly by "
                                      "construction, so chi-square, RMSEA, CFI and TLI cannot test it; add items or "
                                      "constraints to test its fit.")}
    ins = model.inspect(std_est=True)
    ins = ins.rename(columns={"Estimate": "estimate", "Est. Std": "std_estimate", "Std. Err": "estimate_se",
                              "z-value": "z", "p-value": "pvalue"})
    for c in ("estimate_se", "z", "pvalue"):
        ins[c] = pd.to_numeric(ins[c], errors="coerce")
    # semopy writes loadings as "item ~ factor"; present them as lavaan's "factor =~ item"
    latents = set(model.vars["latent"])
    is_loading = (ins["op"] == "~") & ins["rval"].isin(latents) & ~ins["lval"].isin(latents)
    ins.loc[is_loading, ["lval", "rval"]] = ins.loc[is_loading, ["rval", "lval"]].to_numpy()
    ins.loc[is_loading, "op"] = "=~"
    # a covariance between two variables is standardised by their own (residual) variances, as lavaan's std.all:
    # a residual covariance of two indicators is their residual correlation, not a share of total variance
    var = ins[(ins["op"] == "~~") & (ins["lval"] == ins["rval"])].set_index("lval")["estimate"]
    off = (ins["op"] == "~~") & (ins["lval"] != ins["rval"]) & ins["lval"].isin(var.index) & ins["rval"].isin(var.index)
    ins.loc[off, "std_estimate"] = ins.loc[off, "estimate"] / np.sqrt(
        var.reindex(ins.loc[off, "lval"]).to_numpy() * var.reindex(ins.loc[off, "rval"]).to_numpy())
    ins["estimate_ci_lower"] = ins["estimate"] - 1.959964 * ins["estimate_se"]
    ins["estimate_ci_upper"] = ins["estimate"] + 1.959964 * ins["estimate_se"]
    return SEMResult(model, fit, ins)


def cfa(data: pd.DataFrame, model: str) -> SEMResult:
    """Confirmatory factor analysis (maximum likelihood, semopy) of a lavaan-style description.

    Complete cases of the observed variables are used.

    Parameters
    ----------
    data : DataFrame
        Respondents x observed variables.
    model : str
        Lines such as ``visual =~ x1 + x2 + x3``.

    Returns
    -------
    SEMResult
        ``fit`` maps ``chi2``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea`` (with ``rmsea_ci_lower``/``_upper``, 90%), ``srmr`` and ``n``; ``loadings()``, ``paths()``, ``factor_correlations()``.

    References
    ----------
    Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *J. Statistical Software*, 48(2), 1-36.
    Igolkina, A. A. & Meshcheryakov, G. (2020). semopy: a Python package for structural equation modeling. *SEM*, 27(6), 952-963.

    Examples
    --------
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6")
    >>> res.fit["df"], round(res.fit["cfi"], 3)
    (8, 0.975)
    """
    if "=~" not in model:
        raise KamError("A CFA model needs at least one line 'factor =~ item1 + item2 + item3'.")
    return _fit(data, model)


def sem(data: pd.DataFrame, model: str) -> SEMResult:
    """A structural equation model (measurement ``=~`` and regression ``~`` lines), fitted like :func:`cfa`.

    Parameters
    ----------
    data : DataFrame
        Respondents x observed variables.
    model : str
        lavaan-style description.

    Returns
    -------
    SEMResult

    References
    ----------
    Rosseel, Y. (2012). lavaan: an R package for structural equation modeling. *J. Statistical Software*, 48(2), 1-36.
    Igolkina, A. A. & Meshcheryakov, G. (2020). semopy: a Python package for structural equation modeling. *SEM*, 27(6), 952-963.

    Examples
    --------
    >>> res = sem(data, measurement_model(inst.constructs) + "\\nLOY ~ SAT")
    >>> res.fit["df"]
    236
    """
    return _fit(data, model)


@dataclass(frozen=True)
class Invariance(Result):
    """Measurement invariance across groups: the configural, metric and scalar models and their comparison."""

    table: pd.DataFrame
    level: str
    verdict: str
    verdict_zh: str


def _group_moments(data: pd.DataFrame, items: list[str], group: pd.Series):
    out = []
    for g in pd.unique(group.dropna()):
        d = data.loc[group == g, items].dropna().to_numpy(float)
        if len(d) <= len(items):
            raise KamError(f"the group '{g}' has {len(d)} complete answers for {len(items)} items; measurement "
                           "invariance needs more respondents per group than items.")
        out.append((g, len(d), d.mean(axis=0), np.cov(d, rowvar=False, bias=True)))
    if len(out) < 2:
        raise KamError("measurement invariance needs at least two groups with answers.")
    return out


def _invariance_fit(moments, constructs: dict, level: str):
    """Multi-group ML fit with loadings (metric) and intercepts (scalar) equal across groups; chi-square and df."""
    items = [i for its in constructs.values() for i in its]
    p, k, G = len(items), len(constructs), len(moments)
    pos = {i: n for n, i in enumerate(items)}
    free_load = [(pos[i], f) for f, its in enumerate(constructs.values()) for i in its[1:]]  # marker: first item = 1
    markers = [(pos[its[0]], f) for f, its in enumerate(constructs.values())]
    tril = np.tril_indices(k)
    n_load, n_chol = len(free_load), len(tril[0])
    shared_load = level in ("metric", "scalar")
    shared_int = level == "scalar"
    # parameter layout: loadings (shared or per group), then per group: log residual variances, Cholesky of
    # the factor covariance, intercepts (shared or per group), latent means (scalar: free except in group 1)
    sizes = {"load": n_load * (1 if shared_load else G), "theta": p * G, "chol": n_chol * G,
             "nu": p * (1 if shared_int else G), "kappa": k * (G - 1) if shared_int else 0}
    offsets = np.cumsum([0] + list(sizes.values()))
    off = dict(zip(sizes, offsets[:-1]))

    def unpack(x, g):
        lam = np.zeros((p, k))
        for (i, f) in markers:
            lam[i, f] = 1.0
        lo = off["load"] + (0 if shared_load else g * n_load)
        for v, (i, f) in zip(x[lo:lo + n_load], free_load):
            lam[i, f] = v
        theta = np.exp(x[off["theta"] + g * p: off["theta"] + (g + 1) * p])
        L = np.zeros((k, k))
        L[tril] = x[off["chol"] + g * n_chol: off["chol"] + (g + 1) * n_chol]
        phi = L @ L.T
        nu = x[off["nu"] + (0 if shared_int else g * p): off["nu"] + (0 if shared_int else g * p) + p]
        kappa = np.zeros(k) if not shared_int or g == 0 else x[off["kappa"] + (g - 1) * k: off["kappa"] + g * k]
        return lam @ phi @ lam.T + np.diag(theta), nu + lam @ kappa

    N = sum(n for _, n, _, _ in moments)

    def objective(x):
        total = 0.0
        for g, (_, n, m, S) in enumerate(moments):
            sigma, mu = unpack(x, g)
            sign, logdet = np.linalg.slogdet(sigma)
            if sign <= 0:
                return 1e10
            inv = np.linalg.inv(sigma)
            d = m - mu
            total += n / N * (logdet + np.trace(S @ inv) + d @ inv @ d - np.linalg.slogdet(S)[1] - p)
        return total

    x0 = np.zeros(offsets[-1])
    x0[off["load"]: off["load"] + sizes["load"]] = 1.0
    for g, (_, n, m, S) in enumerate(moments):
        x0[off["theta"] + g * p: off["theta"] + (g + 1) * p] = np.log(np.diag(S) / 2)
        chol = np.zeros((k, k))
        np.fill_diagonal(chol, np.sqrt(np.array([S[pos[its[0]], pos[its[0]]] / 2 for its in constructs.values()])))
        x0[off["chol"] + g * n_chol: off["chol"] + (g + 1) * n_chol] = chol[tril]
        if not shared_int:
            x0[off["nu"] + g * p: off["nu"] + (g + 1) * p] = m
    if shared_int:
        x0[off["nu"]: off["nu"] + p] = np.mean([m for _, _, m, _ in moments], axis=0)
    res = optimize.minimize(objective, x0, method="BFGS", options={"gtol": 1e-8, "maxiter": 20_000})
    chi2 = float(res.fun * N)
    df = G * (p * (p + 1) // 2 + p) - offsets[-1]
    return chi2, int(df), bool(res.success or res.status == 2)


def invariance(data: pd.DataFrame, constructs: dict[str, list[str]], group: pd.Series, *,
               delta_cfi: float = 0.01) -> Invariance:
    """Measurement invariance across groups: configural, metric (equal loadings) and scalar (equal intercepts).

    Each model is a multi-group CFA fitted by maximum likelihood with a mean structure (marker items, as lavaan's
    defaults); each step is compared with the one before by the chi-square difference test and by the change in
    CFI. Written by hand because semopy's ``multigroup`` fits the groups separately and cannot hold loadings or
    intercepts equal across them.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (complete cases are used per group).
    constructs : dict
        Construct -> its items (the first item is the marker).
    group : Series
        Group of each respondent (e.g. key account or not), aligned with ``data``.
    delta_cfi : float
        Largest drop in CFI that still counts as invariance (0.01: Cheung & Rensvold 2002).

    Returns
    -------
    Invariance
        ``table`` (model, chi2, df, pvalue, cfi, rmsea, delta_chi2, delta_df, delta_pvalue, delta_cfi, holds),
        ``level`` (the strictest level that holds: "scalar", "metric", "configural"), and a one-sentence
        ``verdict`` (``verdict_zh``) saying what may be compared across the groups.

    References
    ----------
    Vandenberg, R. J. & Lance, C. E. (2000). A review and synthesis of the measurement invariance literature.
    *Organizational Research Methods*, 3(1), 4-70. Cheung, G. W. & Rensvold, R. B. (2002). Evaluating
    goodness-of-fit indexes for testing measurement invariance. *Structural Equation Modeling*, 9(2), 233-255.

    Examples
    --------
    >>> invariance(hs, {"visual": ["x1", "x2", "x3"]}, hs["school"]).level
    'metric'
    """
    items = [i for its in constructs.values() for i in its]
    require_columns(data, items, where="the survey data", fix="every item of the constructs needs a column")
    moments = _group_moments(data, items, group)
    N, p, G = sum(n for _, n, _, _ in moments), len(items), len(moments)
    base = sum(n * (np.log(np.diag(S)).sum() - np.linalg.slogdet(S)[1]) for _, n, _, S in moments)
    df_base = G * p * (p - 1) // 2
    rows = []
    for level in ("configural", "metric", "scalar"):
        chi2, df, ok = _invariance_fit(moments, constructs, level)
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base - df_base, 1e-12)
        rmsea = float(np.sqrt(max(chi2 - df, 0) / (df * N)) * np.sqrt(G)) if df > 0 else math.nan
        rows.append({"model": level, "chi2": chi2, "df": df, "pvalue": float(stats.chi2.sf(chi2, df)),
                     "cfi": float(min(max(cfi, 0), 1)), "rmsea": rmsea, "converged": ok})
    t = pd.DataFrame(rows)
    t["delta_chi2"] = t["chi2"].diff()
    t["delta_df"] = t["df"].diff()
    t["delta_pvalue"] = [np.nan] + [float(stats.chi2.sf(a, b))
                                    for a, b in zip(t["delta_chi2"][1:], t["delta_df"][1:])]
    t["delta_cfi"] = t["cfi"].diff()
    t["holds"] = [True] + [bool(-d <= delta_cfi) for d in t["delta_cfi"][1:]]
    level = "configural"
    for name, holds in zip(t["model"][1:], t["holds"][1:]):
        if not holds:
            break
        level = name
    what = {"scalar": ("loadings and intercepts are equal across the groups: their construct means and paths may be "
                       "compared", "各组的载荷与截距相等:可以比较构念均值与路径"),
            "metric": ("loadings are equal but intercepts are not: paths and correlations may be compared across the "
                       "groups, construct means may not", "载荷相等而截距不等:可以比较路径与相关,不能比较构念均值"),
            "configural": ("loadings differ across the groups: the constructs are not measured alike, so neither means "
                           "nor paths should be compared", "各组载荷不同:构念的测量方式不一致,均值与路径都不宜比较")}[level]
    dcfi = ", ".join(f"{m} ΔCFI {d:+.3f}" for m, d in zip(t["model"][1:], t["delta_cfi"][1:]))
    verdict = (f"Measurement invariance holds up to the {level} level ({dcfi}; Cheung & Rensvold's "
               f"±{delta_cfi}): {what[0]}.")
    level_zh = {"scalar": "标量", "metric": "度量", "configural": "形态"}[level]
    verdict_zh = f"测量不变性成立到{level_zh}层面({dcfi};Cheung 与 Rensvold 的 ±{delta_cfi} 标准):{what[1]}。"
    return Invariance(t, level, verdict, verdict_zh)


@dataclass(frozen=True)
class CommonMethod(Result):
    """Common-latent-factor check: the CFA with and without a method factor on every item (:func:`common_method_factor`)."""

    table: pd.DataFrame
    loadings: pd.DataFrame
    method_share: float
    delta_cfi: float
    verdict: str
    verdict_zh: str


def _ml_cfa(S: np.ndarray, n: int, constructs: dict, pos: dict, method: bool):
    """ML CFA on a covariance matrix (marker items; optional equal-loading method factor, variance 1, orthogonal).

    Returns chi-square, df, Sigma, loadings, factor covariance, method loading and residual variances.
    """
    p, k = S.shape[0], len(constructs)
    markers = [(pos[its[0]], f) for f, its in enumerate(constructs.values())]
    free = [(pos[i], f) for f, its in enumerate(constructs.values()) for i in its[1:]]
    tril = np.tril_indices(k)
    nl, nc = len(free), len(tril[0])
    rows, cols = (np.array([i for i, _ in free], dtype=int), np.array([f for _, f in free], dtype=int))
    logdet_s = np.linalg.slogdet(S)[1]

    def L_of(x):
        out = np.zeros((k, k))
        out[tril] = x[nl:nl + nc]
        return out

    def unpack(x):
        lam = np.zeros((p, k))
        for i, f in markers:
            lam[i, f] = 1.0
        lam[rows, cols] = x[:nl]
        phi = np.zeros((k, k))
        phi[tril] = x[nl:nl + nc]
        phi = phi @ phi.T if chol else phi + np.tril(phi, -1).T
        theta = x[nl + nc:nl + nc + p]  # unbounded, as lavaan: a Heywood case shows
        m = x[-1] if method else 0.0
        return lam, phi, theta, m

    def fun(x):
        lam, phi, theta, m = unpack(x)
        sigma = lam @ phi @ lam.T + np.diag(theta) + m * m
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(x)
        inv = np.linalg.inv(sigma)
        f = logdet + np.trace(S @ inv) - logdet_s - p
        g_sigma = inv - inv @ S @ inv
        grad = np.empty_like(x)
        g_lam = 2 * g_sigma @ lam @ phi
        grad[:nl] = g_lam[rows, cols]
        g_phi = lam.T @ g_sigma @ lam
        grad[nl:nl + nc] = (2 * g_phi @ np.tril(L_of(x)))[tril] if chol else ((2 - np.eye(k)) * g_phi)[tril]
        grad[nl + nc:nl + nc + p] = np.diag(g_sigma)
        if method:
            grad[-1] = 2 * m * g_sigma.sum()
        return f, grad

    # two routes to the ML estimate, the lower wins: the factor covariance as L L' (an admissible start) then freed,
    # and free from the start; free as lavaan estimates it, so a negative variance (Heywood case) can show
    start = np.concatenate([np.ones(nl), np.diag(np.sqrt([S[i, i] / 2 for i, _ in markers]))[tril],
                            np.diag(S) / 2, [0.3 * np.sqrt(np.mean(np.diag(S)))] if method else []])
    best = None
    for route in ((True, False), (False,)):
        x = start.copy()
        if not route[0]:
            x[nl:nl + nc] = (L_of(x) @ L_of(x).T)[tril]
        for chol in route:
            res = optimize.minimize(fun, x, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 20_000})
            x = res.x.copy()
            if chol:
                x[nl:nl + nc] = (L_of(x) @ L_of(x).T)[tril]
        if best is None or res.fun < best.fun - 1e-9:
            best = res
    res = best
    lam, phi, theta, m = unpack(res.x)
    sigma = lam @ phi @ lam.T + np.diag(theta) + m * m
    df = p * (p + 1) // 2 - len(res.x)
    return float(res.fun * n), int(df), sigma, lam, phi, float(abs(m)), theta


def common_method_factor(data: pd.DataFrame, constructs: dict[str, list[str]], *,
                         max_share: float = 0.25) -> CommonMethod:
    """Common-latent-factor (unmeasured latent method construct) check for common-method bias.

    The measurement model is fitted by maximum likelihood twice: as it is, and with one more factor on which every
    item loads with the same loading (variance 1, uncorrelated with the constructs), the AMOS practice. The share of
    item variance the method factor takes (its squared standardised loading, averaged over items) is set against
    the 25% that Cote & Buckley (1987) found typical of measures in 70 studies; the change in fit and in each
    standardised loading shows how much the constructs owe to the common method. Written by hand because semopy
    does not converge on a method factor with equal-labelled loadings (it ran for more than six minutes on the
    ECSI model).

    Parameters
    ----------
    data : DataFrame
        Respondents x items (complete cases are used).
    constructs : dict
        Construct -> its items (the first item is the marker); at least two constructs.
    max_share : float
        Method-variance share at or above which the verdict warns (0.25).

    Returns
    -------
    CommonMethod
        ``table`` (model, chi2, df, pvalue, cfi, tli, rmsea; delta rows), ``loadings`` (construct, item,
        std_loading, std_loading_clf, change, method_loading), ``method_share``, ``delta_cfi`` and a one-sentence
        ``verdict`` (``verdict_zh``).

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
    research. *Journal of Applied Psychology*, 88(5), 879-903.
    Cote, J. A. & Buckley, M. R. (1987). Estimating trait, method, and error variance: generalizing across 70
    construct validation studies. *Journal of Marketing Research*, 24(3), 315-318.

    Examples
    --------
    >>> round(common_method_factor(data, inst.constructs).method_share, 3)
    0.0
    """
    items = [i for its in constructs.values() for i in its]
    require_columns(data, items, where="the survey data", fix="every item of the constructs needs a column")
    if len(constructs) < 2:
        raise KamError("the common-latent-factor check needs at least two constructs (a method factor on the items "
                       "of one construct cannot be told apart from it).")
    d = data[items].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(float)
    n, p = d.shape
    if n <= p:
        raise KamError(f"the common-latent-factor check has {n} complete answers for {p} items; it needs more "
                       "respondents than items.")
    S = np.cov(d, rowvar=False, bias=True)
    pos = {i: j for j, i in enumerate(items)}
    base = n * (np.log(np.diag(S)).sum() - np.linalg.slogdet(S)[1])
    df_base = p * (p - 1) // 2
    rows, std, bad = [], {}, {}
    for name, method in (("constructs", False), ("constructs + common latent factor", True)):
        chi2, df, sigma, lam, phi, m, theta = _ml_cfa(S, n, constructs, pos, method)
        sd = np.sqrt(np.diag(sigma))
        var = np.diag(phi)
        bad[method] = ([c for c, v in zip(constructs, var) if v <= 0]
                       + [i for i, t in zip(items, theta) if t < 0])
        std[method] = ((lam * np.sqrt(np.clip(var, 0, None))).sum(axis=1) / sd, m / sd)
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base - df_base, 1e-12)
        tli = ((base / df_base) - (chi2 / df)) / ((base / df_base) - 1) if df > 0 else math.nan
        rows.append({"model": name, "chi2": chi2, "df": df, "pvalue": float(stats.chi2.sf(chi2, df)),
                     "cfi": float(min(max(cfi, 0), 1)), "tli": float(tli),
                     "rmsea": float(np.sqrt(max(chi2 - df, 0) / (df * n))) if df > 0 else math.nan,
                     "admissible": not bad[method]})
    table = pd.DataFrame(rows)
    cols = ["chi2", "df", "cfi", "tli", "rmsea"]
    delta = table.loc[1, cols] - table.loc[0, cols]
    table.loc[2] = {"model": "change", **delta.to_dict(),
                    "pvalue": float(stats.chi2.sf(-delta["chi2"], -delta["df"])), "admissible": not bad[True]}
    construct_of = {i: c for c, its in constructs.items() for i in its}
    loadings = pd.DataFrame({"construct": [construct_of[i] for i in items], "item": items,
                             "std_loading": std[False][0], "std_loading_clf": std[True][0]})
    loadings["change"] = loadings["std_loading_clf"] - loadings["std_loading"]
    loadings["method_loading"] = std[True][1]
    share = float(np.mean(std[True][1] ** 2))
    dcfi = round(float(delta["cfi"]), 3) + 0.0  # no "-0.000"
    if bad[True]:
        what = ", ".join(bad[True])
        loadings[["std_loading_clf", "change"]] = np.nan
        verdict = (f"The model with a common latent factor on all {p} items is inadmissible (negative variance of "
                   f"{what}): the method factor cannot be told apart from the constructs in these answers, so this "
                   "check gives no estimate; rely on Harman's test here and add a marker variable to the next wave.")
        verdict_zh = (f"在全部 {p} 个题项上加入共同潜因子的模型不可接受({what} 的方差为负):在这些回答中方法因子无法与构念"
                      "区分,此检验不能给出估计;此处以 Harman 检验为准,并在下一轮调查中加入标记变量。")
        return CommonMethod(table, loadings, math.nan, dcfi, verdict, verdict_zh)
    big = share >= max_share
    biggest = loadings.loc[loadings["change"].abs().idxmax()]
    verdict = (f"A common latent factor on all {p} items takes {share:.1%} of their variance on average "
               f"({'at or above' if big else 'below'} the {max_share:.0%} typical of survey measures, Cote & Buckley "
               f"1987); it changes CFI by {dcfi:+.3f} and the standardised loadings by at most "
               f"{abs(biggest['change']):.2f} ({biggest['item']}): "
               + ("a common method may inflate the relations between constructs; report the paths with and without "
                  "the method factor, or add a marker variable in the next wave." if big else
                  "common-method variance is unlikely to drive the relations between constructs."))
    verdict_zh = (f"在全部 {p} 个题项上加入共同潜因子后,该因子平均解释 {share:.1%} 的题项方差"
                  f"({'达到或超过' if big else '低于'} Cote 与 Buckley 1987 所见问卷测量的典型水平 {max_share:.0%});"
                  f"CFI 变化 {dcfi:+.3f},标准化载荷最大变化 {abs(biggest['change']):.2f}({biggest['item']}):"
                  + ("共同方法可能夸大构念之间的关系,应同时报告含与不含方法因子的路径,或在下一轮调查中加入标记变量。"
                     if big else "共同方法变异不太可能驱动构念之间的关系。"))
    return CommonMethod(table, loadings, share, dcfi, verdict, verdict_zh)


def group_paths(data: pd.DataFrame, model: str, group: pd.Series, *, groups: Sequence | None = None,
                level: float = 0.95) -> pd.DataFrame:
    """The same SEM fitted in each of two groups, and the difference of each structural path with its z test.

    The multi-group structural comparison of a moderating hypothesis (is the path stronger for key accounts?):
    meaningful once :func:`invariance` shows at least metric invariance.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    model : str
        lavaan-style description (measurement and structural parts), as for :func:`sem`.
    group : Series
        Group of each respondent; exactly two groups.
    groups : sequence of two, optional
        The groups in the order ``(reference, focal)``: the difference is focal minus reference. Default: the
        order of first appearance.
    level : float
        Confidence level of the difference's Wald interval.

    Returns
    -------
    DataFrame
        ``outcome``, ``predictor``, ``estimate_<g1>``, ``se_<g1>``, ``estimate_<g2>``, ``se_<g2>``, ``difference``
        (g2 - g1), ``se_difference`` = sqrt(se1² + se2²), ``ci_lower``, ``ci_upper``, ``z`` = difference /
        se_difference, ``pvalue`` (two-sided).

    References
    ----------
    Paternoster, R., Brame, R., Mazerolle, P. & Piquero, A. (1998). Using the correct statistical test for the
    equality of regression coefficients. *Criminology*, 36(4), 859-866.

    Examples
    --------
    >>> d = hs.assign(g=lambda x: x["school"])
    >>> t = group_paths(d, "x4 ~ x1", d["g"], groups=["Pasteur", "Grant-White"]).iloc[0]
    >>> round(float(t["difference"]), 3), round(float(t["pvalue"]), 3)
    (-0.073, 0.48)
    """
    names = list(pd.unique(group.dropna())) if groups is None else list(groups)
    if len(names) != 2 or not set(names) <= set(pd.unique(group.dropna())):
        found = ", ".join(map(str, pd.unique(group.dropna())))
        raise KamError(f"comparing paths needs exactly two groups present in the data, not {len(names)} "
                       f"({', '.join(map(str, names))}; the data have {found}).")
    fits = {g: sem(data[group == g], model).paths().set_index(["lval", "rval"]) for g in names}
    a, b = (fits[g] for g in names)
    out = pd.DataFrame({"outcome": [i[0] for i in a.index], "predictor": [i[1] for i in a.index]})
    for g, f in zip(names, (a, b)):
        out[f"estimate_{g}"] = f["estimate"].to_numpy()
        out[f"se_{g}"] = f["estimate_se"].to_numpy()
    out["difference"] = out[f"estimate_{names[1]}"] - out[f"estimate_{names[0]}"]
    out["se_difference"] = np.hypot(out[f"se_{names[0]}"], out[f"se_{names[1]}"])
    q = stats.norm.ppf(0.5 + level / 2)
    out["ci_lower"] = out["difference"] - q * out["se_difference"]
    out["ci_upper"] = out["difference"] + q * out["se_difference"]
    out["z"] = out["difference"] / out["se_difference"]
    out["pvalue"] = 2 * stats.norm.sf(out["z"].abs())
    return out


def group_hypothesis(paths: pd.DataFrame, hypothesis: str, *, outcome: str, predictor: str,
                     alpha: float = 0.05) -> pd.DataFrame:
    """A directional hypothesis on a multi-group path difference, as a row of the :func:`hypotheses` table.

    Supported when the difference (focal minus reference group, :func:`group_paths`) is positive, its
    ``1 - alpha`` interval excludes 0 and its two-sided p-value is below ``alpha``.

    Parameters
    ----------
    paths : DataFrame
        From :func:`group_paths`.
    hypothesis : str
        Its id, e.g. ``"H8"`` (statement from :data:`HYPOTHESES` when it has one).
    outcome, predictor : str
        The path compared.
    alpha : float
        Significance level (the interval of :func:`group_paths` should be its ``1 - alpha``).

    Returns
    -------
    DataFrame
        One row: ``hypothesis``, ``statement``, ``statement_zh``, ``method``, ``estimate``, ``std_estimate``,
        ``ci_lower``, ``ci_upper``, ``pvalue``, ``supported``.

    References
    ----------
    Paternoster, R., Brame, R., Mazerolle, P. & Piquero, A. (1998). Using the correct statistical test for the
    equality of regression coefficients. *Criminology*, 36(4), 859-866.

    Examples
    --------
    >>> gp = pd.DataFrame({"outcome": ["SAT"], "predictor": ["SQ"], "estimate_regular": [0.2], "estimate_key": [0.5],
    ...                    "difference": [0.3], "ci_lower": [0.1], "ci_upper": [0.5], "pvalue": [0.003]})
    >>> group_hypothesis(gp, "H8", outcome="SAT", predictor="SQ")["supported"].item()
    'yes'
    """
    row = paths.set_index(["outcome", "predictor"]).loc[(outcome, predictor)]
    reference, focal = (c.removeprefix("estimate_") for c in paths.columns if c.startswith("estimate_"))
    supported = row["difference"] > 0 and row["ci_lower"] > 0 and row["pvalue"] < alpha
    return pd.DataFrame([{
        "hypothesis": hypothesis, "statement": HYPOTHESES.get(hypothesis, ("",))[0],
        "statement_zh": HYPOTHESES_ZH.get(hypothesis, ""),
        "method": f"multi-group SEM: path {predictor} -> {outcome}, {focal} minus {reference} (z test)",
        "estimate": float(row["difference"]), "std_estimate": np.nan, "ci_lower": float(row["ci_lower"]),
        "ci_upper": float(row["ci_upper"]), "pvalue": float(row["pvalue"]), "supported": "yes" if supported else "no"}])


def measurement_model(constructs: dict[str, list[str]]) -> str:
    """The lavaan-style measurement model of constructs and their items.

    Parameters
    ----------
    constructs : dict
        Construct to its items.

    Returns
    -------
    str
        One ``C =~ i1 + i2`` line per construct.

    Examples
    --------
    >>> measurement_model({"SAT": ["s1", "s2"]})
    'SAT =~ s1 + s2'
    """
    return "\n".join(f"{c} =~ {' + '.join(items)}" for c, items in constructs.items())


def structural_model(paths: Sequence[tuple[str, str]]) -> str:
    """The lavaan-style regressions of a structural model given as ``(predictor, outcome)`` pairs.

    Parameters
    ----------
    paths : sequence of (str, str)
        Each path from its predictor to its outcome (the convention of :mod:`kamlib.pls` and
        :data:`STRUCTURAL_PATHS`).

    Returns
    -------
    str
        One ``outcome ~ p1 + p2`` line per outcome, in order of first appearance.

    Examples
    --------
    >>> print(structural_model([("PQ", "SAT"), ("SQ", "SAT"), ("SAT", "LOY")]))
    SAT ~ PQ + SQ
    LOY ~ SAT
    """
    outcomes = dict.fromkeys(b for _, b in paths)
    return "\n".join(f"{t} ~ {' + '.join(a for a, b in paths if b == t)}" for t in outcomes)


def model_syntax(constructs: dict[str, list[str]], paths: Sequence[tuple[str, str]]) -> str:
    """A full lavaan-style SEM: :func:`measurement_model` then :func:`structural_model`.

    Parameters
    ----------
    constructs : dict
        Construct to its items.
    paths : sequence of (str, str)
        ``(predictor, outcome)`` pairs.

    Returns
    -------
    str

    Examples
    --------
    >>> print(model_syntax({"A": ["a1", "a2"], "B": ["b1", "b2"]}, [("A", "B")]))
    A =~ a1 + a2
    B =~ b1 + b2
    B ~ A
    """
    return measurement_model(constructs) + "\n" + structural_model(paths)


# ----------------------------------------------------------------------------- regression analyses


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
    >>> kd = key_drivers(scores, "SAT", ["PQ", "SQ", "PF"])
    >>> kd.table.sort_values("lmg_share")["driver"].tolist()
    ['PF', 'PQ', 'SQ']
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
    >>> relative_importance(scores, "SAT", ["PQ", "SQ"]).round(2).to_dict()
    {'PQ': 0.13, 'SQ': 0.27}
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
    >>> med = mediation(scores, "SQ", "SAT", "LOY", n_boot=200, seed=1)
    >>> round(med.indirect, 2), med.indirect_ci_lower > 0
    (0.33, True)
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


def moderation(scores: pd.DataFrame, outcome: str, drivers: list[str], moderator: str, focal: str) -> Interaction:
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

    Returns
    -------
    Interaction
        The interaction term: ``term``, ``estimate``, ``estimate_se``, ``pvalue``, CI limits.

    References
    ----------
    Aiken, L. S. & West, S. G. (1991). *Multiple Regression: Testing and Interpreting Interactions*. Sage.

    Examples
    --------
    >>> mod = moderation(scores, "SAT", ["PQ", "SQ"], "key", "SQ")
    >>> mod.term, round(mod.estimate, 2)
    ('SQ:key', 0.2)
    """
    import statsmodels.formula.api as smf

    d = scores[[outcome, *drivers, moderator]].dropna()
    formula = f"{outcome} ~ {' + '.join(drivers)} + {moderator} + {focal}:{moderator}"
    res = smf.ols(formula, d).fit(cov_type="HC3")
    term = f"{focal}:{moderator}"
    ci = res.conf_int().loc[term]
    return Interaction(term, float(res.params[term]), float(res.bse[term]), float(ci[0]), float(ci[1]),
                       float(res.pvalues[term]), int(res.nobs))


# ----------------------------------------------------------------------------- groups and NPS


def compare_two(scores: pd.DataFrame, group: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Welch t test per column between two groups, with Hedges' g.

    Parameters
    ----------
    scores : DataFrame
        Respondents x variables.
    group : Series
        Group of each respondent (two levels).
    columns : list of str
        Variables to compare.

    Returns
    -------
    DataFrame
        ``variable``, ``mean_<level>`` for both groups, ``difference``, ``welch_t``, ``pvalue``, ``hedges_g``.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related estimators. *J. Educational Statistics*, 6(2), 107-128.

    Examples
    --------
    >>> compare_two(scores, data["TIER"], ["SAT"])[["variable", "difference", "pvalue"]].round(2)
      variable  difference  pvalue
    0      SAT        0.04    0.79
    """
    levels = sorted(group.dropna().unique())
    if len(levels) != 2:
        raise KamError(f"compare_two needs exactly two groups, got {levels}.")
    rows = []
    for c in columns:
        a = scores.loc[group == levels[0], c].dropna()
        b = scores.loc[group == levels[1], c].dropna()
        t, p = stats.ttest_ind(a, b, equal_var=False)
        na, nb = len(a), len(b)
        sp = np.sqrt(((na - 1) * a.var() + (nb - 1) * b.var()) / (na + nb - 2))
        g = (a.mean() - b.mean()) / sp * (1 - 3 / (4 * (na + nb) - 9))
        rows.append({"variable": c, f"mean_{levels[0]}": a.mean(), f"mean_{levels[1]}": b.mean(),
                     "difference": a.mean() - b.mean(), "welch_t": t, "pvalue": p, "hedges_g": g})
    return pd.DataFrame(rows)


def compare_many(scores: pd.DataFrame, group: pd.Series, columns: list[str]) -> pd.DataFrame:
    """One-way ANOVA (eta squared) and Kruskal-Wallis (epsilon squared) per column across groups.

    Parameters
    ----------
    scores : DataFrame
        Respondents x variables.
    group : Series
        Group of each respondent.
    columns : list of str
        Variables to compare.

    Returns
    -------
    DataFrame
        ``variable``, ``groups``, ``anova_f``, ``anova_pvalue``, ``eta_squared``, ``kruskal_h``, ``kruskal_pvalue``, ``epsilon_squared``.

    References
    ----------
    Tomczak, M. & Tomczak, E. (2014). The need to report effect size estimates revisited. *Trends in Sport Sciences*, 21(1), 19-25.

    Examples
    --------
    >>> compare_many(scores, data["AGE"], ["SAT"])[["variable", "groups", "kruskal_pvalue"]].round(2)
      variable  groups  kruskal_pvalue
    0      SAT       4            0.93
    """
    rows = []
    for c in columns:
        samples = [scores.loc[group == g, c].dropna() for g in sorted(group.dropna().unique())]
        f, pf = stats.f_oneway(*samples)
        h, ph = stats.kruskal(*samples)
        allv = pd.concat(samples)
        ss_between = sum(len(s) * (s.mean() - allv.mean()) ** 2 for s in samples)
        ss_total = ((allv - allv.mean()) ** 2).sum()
        n = len(allv)
        rows.append({"variable": c, "groups": len(samples), "anova_f": f, "anova_pvalue": pf,
                     "eta_squared": ss_between / ss_total, "kruskal_h": h, "kruskal_pvalue": ph,
                     "epsilon_squared": h / ((n ** 2 - 1) / (n + 1))})
    return pd.DataFrame(rows)


def nps(values, level: float = 0.95) -> NPS:
    """Net Promoter Score (promoters 9-10 minus detractors 0-6, in points) with a normal-approximation CI.

    Parameters
    ----------
    values : array-like
        Answers 0-10 (missing ones are ignored).
    level : float
        Confidence level.

    Returns
    -------
    NPS
        ``nps``, ``nps_se``, ``nps_ci_lower``, ``nps_ci_upper``, ``promoters``, ``detractors`` (shares), ``n``.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46-54.

    Examples
    --------
    >>> nps([10, 10, 0, 8]).nps
    25.0
    """
    v = pd.to_numeric(pd.Series(values), errors="coerce").dropna()
    if ((v < 0) | (v > 10)).any():
        raise KamError("NPS answers must be between 0 and 10.")
    n = len(v)
    pp, pd_ = (v >= 9).mean(), (v <= 6).mean()
    score = pp - pd_
    se = np.sqrt((pp + pd_ - score ** 2) / n)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    return NPS(float(100 * score), float(100 * se), float(100 * (score - z * se)), float(100 * (score + z * se)),
               float(pp), float(pd_), n)


def likert_shares(data: pd.DataFrame, items: list[str], points: int) -> pd.DataFrame:
    """Share of each answer 1..points per item.

    Parameters
    ----------
    data : DataFrame
        Respondents x items.
    items : list of str
        Items.
    points : int
        Scale points.

    Returns
    -------
    DataFrame
        Items (rows) x answers 1..points (shares of the non-missing answers).

    References
    ----------
    Heiberger, R. M. & Robbins, N. B. (2014). Design of diverging stacked bar charts for Likert scales and other applications. *J. Statistical Software*, 57(5).

    Examples
    --------
    >>> likert_shares(pd.DataFrame({"q": [1, 2, 2, 3]}), ["q"], 3).loc["q"].tolist()
    [0.25, 0.5, 0.25]
    """
    shares = {k: (data[items] == k).sum() / data[items].notna().sum() for k in range(1, points + 1)}
    return pd.DataFrame(shares).rename_axis("item")


HYPOTHESES = {
    "H1": ("Product quality raises satisfaction", "SAT", "PQ"),
    "H2": ("Service quality raises satisfaction", "SAT", "SQ"),
    "H3": ("Price fairness raises satisfaction", "SAT", "PF"),
    "H4": ("Logistics raises satisfaction", "SAT", "LG"),
    "H5": ("Personalisation and communication raise satisfaction", "SAT", "PC"),
    "H6": ("Satisfaction raises loyalty", "LOY", "SAT"),
    "H7": ("Satisfaction mediates the effect of service quality on loyalty", None, None),
    "H8": ("The service-quality path is stronger for key accounts", None, None),
}

#: The study's structural model as (predictor, outcome) pairs: the paths of H1-H6, and the direct effect of
#: service quality on loyalty beside the mediated one of H7.
STRUCTURAL_PATHS = [(rhs, lhs) for _, lhs, rhs in HYPOTHESES.values() if lhs] + [("SQ", "LOY")]




def hypotheses(structural: SEMResult, indirect: Mediation, interaction: Interaction,
               alpha: float = 0.05) -> pd.DataFrame:
    """The H1-H8 table: estimate, 95% CI, p-value and whether the one-directional hypothesis is supported.

    H1-H6 are SEM structural paths (unstandardised estimate, Wald CI, standardised estimate); H7 is the bootstrap indirect effect SQ -> SAT -> LOY on construct scores; H8 is the SQ x key-account interaction on satisfaction.

    Parameters
    ----------
    structural : SEMResult
        The structural model.
    indirect : Mediation
        From :func:`mediation`.
    interaction : Interaction
        From :func:`moderation`.
    alpha : float
        Significance level.

    Returns
    -------
    DataFrame
        ``hypothesis``, ``statement`` (and ``statement_zh``), ``method``, ``estimate``, ``std_estimate``, ``ci_lower``,
        ``ci_upper``, ``pvalue``, ``supported``.

    References
    ----------
    Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares SEM* (3rd ed.). Sage (reporting structural hypotheses).

    Examples
    --------
    >>> structural = sem(data, model_syntax(inst.constructs, STRUCTURAL_PATHS))
    >>> med = mediation(scores, "SQ", "SAT", "LOY", n_boot=100, seed=1)
    >>> mod = moderation(scores, "SAT", ["PQ", "SQ"], "key", "SQ")
    >>> hypotheses(structural, med, mod)[["hypothesis", "supported"]].T.to_numpy().tolist()
    [['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H7', 'H8'], ['yes', 'yes', 'yes', 'no', 'no', 'yes', 'yes', 'yes']]
    """
    paths = structural.paths().set_index(["lval", "rval"])
    rows = []
    for h, (text, lhs, rhs) in HYPOTHESES.items():
        if lhs:
            p = paths.loc[(lhs, rhs)]
            rows.append({"hypothesis": h, "statement": text, "method": f"SEM path {rhs} -> {lhs}",
                         "estimate": p["estimate"], "std_estimate": p["std_estimate"],
                         "ci_lower": p["estimate_ci_lower"], "ci_upper": p["estimate_ci_upper"], "pvalue": p["pvalue"]})
        elif h == "H7":
            rows.append({"hypothesis": h, "statement": text, "method": f"bootstrap indirect effect (n={indirect.bootstrap_n})",
                         "estimate": indirect.indirect, "std_estimate": np.nan,
                         "ci_lower": indirect.indirect_ci_lower, "ci_upper": indirect.indirect_ci_upper,
                         "pvalue": indirect.indirect_pvalue})
        else:
            rows.append({"hypothesis": h, "statement": text, "method": f"interaction {interaction.term} (OLS, HC3)",
                         "estimate": interaction.estimate, "std_estimate": np.nan,
                         "ci_lower": interaction.estimate_ci_lower, "ci_upper": interaction.estimate_ci_upper,
                         "pvalue": interaction.pvalue})
    out = pd.DataFrame(rows)
    out.insert(2, "statement_zh", out["hypothesis"].map(HYPOTHESES_ZH))
    out["supported"] = np.where((out["ci_lower"] > 0) & (out["pvalue"] < alpha), "yes", "no")
    return out
