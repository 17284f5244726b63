"""Reliability: Cronbach's alpha with its Feldt interval, omega, item analysis, composite reliability and AVE.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16(3), 297-334.
Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty.
*Psychometrika*, 30(3), 357-370. McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import KamError
from ._shared import Interval, complete_items
from ..verdicts import RULES

__all__ = ["alpha_ci", "ave", "composite_reliability", "cronbach_alpha", "item_analysis", "omega",
           "one_factor_loadings", "reliability_table"]



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
    >>> import pandas as pd
    >>> from kamlib.survey.reliability import cronbach_alpha
    >>> round(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [1, 2, 3, 5]})), 3)
    0.972
    """
    data = complete_items(items, listwise)
    cov = data.cov().to_numpy()
    k = cov.shape[0]
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def alpha_ci(items: pd.DataFrame, level: float = 0.95) -> Interval:
    """Feldt confidence interval of Cronbach's alpha (complete cases).

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.
    level : float
        Confidence level.

    Returns
    -------
    Interval
        ``lower`` and ``upper`` limit and the ``level``; unpacks as ``lower, upper``.

    References
    ----------
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability coefficient twenty. *Psychometrika*, 30(3), 357-370.

    Examples
    --------
    >>> from kamlib.survey.reliability import alpha_ci
    >>> ci = alpha_ci(items)
    >>> round(ci.lower, 2), round(ci.upper, 2)
    (0.78, 0.86)
    """
    data = complete_items(items)
    n, k = data.shape
    a = cronbach_alpha(data)
    lo = 1 - (1 - a) * stats.f.ppf(1 - (1 - level) / 2, n - 1, (n - 1) * (k - 1))
    hi = 1 - (1 - a) * stats.f.ppf((1 - level) / 2, n - 1, (n - 1) * (k - 1))
    return Interval(float(lo), float(hi), level)


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
    >>> from kamlib.survey.reliability import one_factor_loadings
    >>> one_factor_loadings(items).round(2).tolist()
    [0.79, 0.81, 0.74]
    """
    from statsmodels.multivariate.factor import Factor

    data = complete_items(items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Factor(data.to_numpy(), n_factor=1, method="ml").fit(rng=seed)
    lam = res.loadings[:, 0]
    return pd.Series(lam * np.sign(lam.sum()), index=data.columns)


def omega(items: pd.DataFrame, *, total: str = "model") -> float:
    """McDonald's omega total from a one-factor maximum-likelihood model.

    Parameters
    ----------
    items : DataFrame
        Respondents x items of one construct, reverse-coded already.
    total : {"model", "observed"}
        ``"model"``: the reliability of the sum of the standardised items, :math:`(\\sum\\lambda)^2 /
        ((\\sum\\lambda)^2 + \\sum(1 - \\lambda^2))` with standardised loadings (McDonald 1999); ``"observed"``:
        the reliability of the sum of the raw items, the squared sum of the raw loadings over the observed variance
        of the sum score, as semTools' ``compRelSEM`` computes it by default (Bentler 2009).

    Returns
    -------
    float

    References
    ----------
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.
    Bentler, P. M. (2009). Alpha, dimension-free, and model-based internal consistency reliability. *Psychometrika*,
    74(1), 137-143.

    Examples
    --------
    >>> from kamlib.survey.reliability import omega
    >>> round(omega(items), 3)
    0.826
    """
    if total not in ("model", "observed"):
        raise KamError(f"omega total {total!r} is not one of 'model', 'observed'.")
    lam = one_factor_loadings(items)
    if total == "model":
        lam = lam.to_numpy()
        return float(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum()))
    data = complete_items(items)[lam.index]
    raw = float((lam * data.std(ddof=0)).sum())  # ML loadings are scale-free: raw = standardised x SD (ML, n)
    return raw ** 2 / float(data.sum(axis=1).var(ddof=0))


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
    >>> from kamlib.survey.reliability import item_analysis
    >>> item_analysis(items)[["item", "corrected_item_total_r", "keep"]].round(2)
       item  corrected_item_total_r keep
    0  SAT1                    0.69  yes
    1  SAT2                    0.70  yes
    2  SAT3                    0.66  yes
    """
    if not 0 < extreme_share <= 0.5:
        raise KamError(f"extreme_share must lie in (0, 0.5], not {extreme_share}.")
    data = complete_items(items)
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
                     "keep": "yes" if (RULES["item_cr"].met(cr) and RULES["p"].met(p) and RULES["item_total_r"].met(r))
                     else "check"})
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
    >>> from kamlib.survey.reliability import composite_reliability
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
    >>> from kamlib.survey.reliability import ave
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
    >>> from kamlib.survey.reliability import reliability_table
    >>> reliability_table(data, inst.constructs)[["construct", "items", "alpha"]].round(2).head(3)
      construct  items  alpha
    0        PQ      4   0.83
    1        SQ      4   0.84
    2        PF      3   0.77
    """
    rows = []
    for c, items in constructs.items():
        ci = alpha_ci(data[items])
        row = {"construct": c, "items": len(items), "n": int(data[items].dropna().shape[0]),
               "alpha": cronbach_alpha(data[items]), "alpha_ci_lower": ci.lower, "alpha_ci_upper": ci.upper,
               "omega": omega(data[items])}
        if std_loadings is not None:
            lam = std_loadings.reindex(items)
            row.update({"composite_reliability": composite_reliability(lam), "ave": ave(lam)})
        rows.append(row)
    return pd.DataFrame(rows)
