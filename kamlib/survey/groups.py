"""Group comparisons (Welch t, ANOVA, Kruskal-Wallis with effect sizes), the Net Promoter Score and Likert shares.

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46-54.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from ..errors import KamError
from ..i18n import Message

__all__ = ["NPS", "compare_many", "compare_two", "exploratory_note", "group_differences", "likert_shares", "nps"]


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
        ``variable``, ``mean_<level>`` for both groups, ``difference``, ``welch_t``, ``welch_df`` (the
        Welch-Satterthwaite degrees of freedom of that t, as scipy's ``ttest_ind(..., equal_var=False)`` gives them),
        ``pvalue``, ``hedges_g``, ``n`` (the respondents compared).

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related estimators. *J. Educational Statistics*, 6(2), 107-128.

    Welch, B. L. (1947). The generalization of 'Student's' problem when several different population variances are
    involved. *Biometrika*, 34(1-2), 28-35.

    Examples
    --------
    >>> from kamlib.survey.groups import compare_two
    >>> compare_two(scores, data["TIER"], ["SAT"])[["variable", "difference", "pvalue"]].round(2)
      variable  difference  pvalue
    0      SAT       -0.22    0.17
    """
    levels = sorted(group.dropna().unique())
    if len(levels) != 2:
        raise KamError(f"compare_two needs exactly two groups, got {levels}.")
    rows = []
    for c in columns:
        a = scores.loc[group == levels[0], c].dropna()
        b = scores.loc[group == levels[1], c].dropna()
        welch = stats.ttest_ind(a, b, equal_var=False)
        t, p = welch.statistic, welch.pvalue
        na, nb = len(a), len(b)
        sp = np.sqrt(((na - 1) * a.var() + (nb - 1) * b.var()) / (na + nb - 2))
        g = (a.mean() - b.mean()) / sp * (1 - 3 / (4 * (na + nb) - 9))
        rows.append({"variable": c, f"mean_{levels[0]}": a.mean(), f"mean_{levels[1]}": b.mean(),
                     "difference": a.mean() - b.mean(), "welch_t": t, "welch_df": float(welch.df), "pvalue": p,
                     "hedges_g": g, "n": na + nb})
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
        ``variable``, ``groups``, ``anova_f``, ``anova_pvalue``, ``eta_squared``, ``kruskal_h``, ``kruskal_pvalue``,
        ``epsilon_squared``, ``n`` (the respondents compared; the ANOVA's degrees of freedom are ``groups - 1`` and
        ``n - groups``).

    References
    ----------
    Tomczak, M. & Tomczak, E. (2014). The need to report effect size estimates revisited. *Trends in Sport Sciences*, 21(1), 19-25.

    Examples
    --------
    >>> from kamlib.survey.groups import compare_many
    >>> compare_many(scores, data["AGE"], ["SAT"])[["variable", "groups", "kruskal_pvalue"]].round(2)
      variable  groups  kruskal_pvalue
    0      SAT       4            0.14
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
                     "epsilon_squared": h / ((n ** 2 - 1) / (n + 1)), "n": n})
    return pd.DataFrame(rows)


def group_differences(table: pd.DataFrame, question: str, *, alpha: float = 0.05, hypotheses=()) -> list[dict]:
    """Each comparison of a :func:`compare_two` or :func:`compare_many` table as one record the report's discussion
    words (:func:`kamlib.stage_results.group_difference_sentence`): the test, its statistic and degrees of freedom,
    the p-value, the effect size, the level it is judged at and the hypotheses that name the grouping.

    Parameters
    ----------
    table : DataFrame
        :func:`compare_two` (Welch t, Hedges' g) or :func:`compare_many` (one-way ANOVA, eta squared) of ``question``.
    question : str
        The answer column whose groups were compared.
    alpha : float
        The study's significance level (``1 - level`` of its hypothesis tests).
    hypotheses : sequence of str
        Ids of the hypotheses that declare a comparison across this answer's groups (a multi-group moderation or an
        interaction by it); none: the comparison is exploratory.

    Returns
    -------
    list of dict
        ``question``, ``variable``, ``test`` ("ANOVA" or "Welch t"), ``statistic``, ``df1``, ``df2`` (Welch's test:
        ``df1`` is its Welch-Satterthwaite degrees of freedom, a fraction, and ``df2`` None), ``pvalue``,
        ``effect`` ("eta_squared" or "hedges_g"), ``effect_size``, ``n``, ``alpha``,
        ``hypotheses`` and ``tests`` (the comparisons of the table: a significant one is one of them, uncorrected).

    Examples
    --------
    >>> from kamlib.survey.groups import compare_many, group_differences
    >>> [r["test"] for r in group_differences(compare_many(scores, data["AGE"], ["SAT"]), "AGE")]
    ['ANOVA']
    """
    if not 0 < alpha < 1:
        raise KamError(f"alpha is {alpha}; give a significance level between 0 and 1 (0.05 for 95% intervals).")
    many = "anova_f" in table
    out = []
    for r in table.to_dict("records"):
        n = int(r["n"])
        out.append({"question": str(question), "variable": str(r["variable"]),
                    "test": "ANOVA" if many else "Welch t",
                    "statistic": float(r["anova_f"] if many else r["welch_t"]),
                    "df1": int(r["groups"]) - 1 if many else _welch_df(r),
                    "df2": n - int(r["groups"]) if many else None,
                    "pvalue": float(r["anova_pvalue"] if many else r["pvalue"]),
                    "effect": "eta_squared" if many else "hedges_g",
                    "effect_size": float(r["eta_squared"] if many else r["hedges_g"]), "n": n,
                    "alpha": float(alpha), "hypotheses": [str(h) for h in hypotheses], "tests": len(table)})
    return out


#: The exploratory caption's opening: no hypothesis declares the comparison (:func:`exploratory_note`)
_EXPLORATORY = "Exploratory: no hypothesis declares a difference between these groups' means, so these {k} tests are not findings; "
#: The caption's count, by how many tests have p below the level uncorrected and after a Holm correction
EXPLORATORY_NOTES = {
    "none": _EXPLORATORY + "p is below α = {alpha:g} in none of them.",
    "chance": _EXPLORATORY + "p is below α = {alpha:g} in {below} of them uncorrected, and in none after a Holm "
                             "correction for the {k} tests.",
    "survives": _EXPLORATORY + "p is below α = {alpha:g} in {below} of them uncorrected, and in {adjusted} after a "
                               "Holm correction for the {k} tests: {listed}."}


def exploratory_note(rows: list[dict]) -> Message | None:
    """What a group-comparison table's caption says of its tests when no hypothesis declares a difference of means
    across the answer's groups: they are exploratory, how many were run, how many have p below the level
    uncorrected and how many after a Holm correction for the table's tests (``statsmodels.stats.multitest
    .multipletests``, method ``holm``), each of those named with its p-value and effect size. An empty set is said
    as empty, never explained. None when there are no tests.

    A comparison no hypothesis declares is neither a finding nor an answer to a research question: the report keeps
    it in its table, labelled so.

    Parameters
    ----------
    rows : list of dict
        :func:`group_differences` of one question.

    Returns
    -------
    Message or None

    References
    ----------
    American Psychological Association (2020). *Publication Manual* (7th ed.): exploratory analyses are reported
    as such, apart from the tests of the hypotheses.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of Statistics*,
    6(2), 65-70.

    Examples
    --------
    >>> from kamlib.survey.groups import exploratory_note
    >>> rows = [{"variable": v, "pvalue": p, "alpha": 0.05, "effect": "eta_squared", "effect_size": 0.04}
    ...         for v, p in (("LOY", 0.003), ("SAT", 0.2), ("CM", 0.6))]
    >>> str(exploratory_note(rows)).split("not findings; ")[1].split(":")[0]
    'p is below α = 0.05 in 1 of them uncorrected, and in 1 after a Holm correction for the 3 tests'
    >>> str(exploratory_note([dict(r, pvalue=0.5) for r in rows])).split("not findings; ")[1]
    'p is below α = 0.05 in none of them.'
    """
    from statsmodels.stats.multitest import multipletests

    from ..i18n import Given, join, named

    if not rows:
        return None
    alpha, k = rows[0]["alpha"], len(rows)
    tested = [r for r in rows if r["pvalue"] == r["pvalue"]]
    below = sum(r["pvalue"] < alpha for r in tested)
    if not below:
        return Message(EXPLORATORY_NOTES["none"], "caption", k=k, alpha=alpha)
    adjusted = multipletests([r["pvalue"] for r in tested], alpha=alpha, method="holm")[1] if tested else []
    kept = [(r, q) for r, q in zip(tested, adjusted) if q < alpha]
    if not kept:
        return Message(EXPLORATORY_NOTES["chance"], "caption", k=k, below=below, alpha=alpha)
    symbol = {"eta_squared": "η²", "hedges_g": "g"}
    listed = join([Message("{name} (p = {p:.3f}, {effect} = {size:.3f})", "phrase",
                           name=Given(named(r["variable"])) if named(r["variable"]) else r["variable"],
                           p=r["pvalue"], effect=symbol.get(r.get("effect"), r.get("effect", "effect")),
                           size=r["effect_size"]) for r, _ in kept])
    return Message(EXPLORATORY_NOTES["survives"], "caption", k=k, below=below, alpha=alpha,
                   adjusted=len(kept), listed=listed)


def _welch_df(row: dict) -> float | None:
    """The Welch-Satterthwaite df of a :func:`compare_two` row (None for a table written before it had them)."""
    df = row.get("welch_df")
    return None if df is None or df != df else float(df)


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
    >>> from kamlib.survey.groups import nps
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
    >>> import pandas as pd
    >>> from kamlib.survey.groups import likert_shares
    >>> likert_shares(pd.DataFrame({"q": [1, 2, 2, 3]}), ["q"], 3).loc["q"].tolist()
    [0.25, 0.5, 0.25]
    """
    shares = {k: (data[items] == k).sum() / data[items].notna().sum() for k in range(1, points + 1)}
    return pd.DataFrame(shares).rename_axis("item")
