"""The study's hypotheses H1-H8, its structural model and the hypothesis table.

References
----------
Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares SEM* (3rd ed.).
Sage (reporting structural hypotheses).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import Message
from .cbsem import SEMResult
from .drivers import Interaction, Mediation

__all__ = ["CONSTRUCTS_OF", "HYPOTHESES", "STRUCTURAL_PATHS", "group_hypothesis", "hypotheses", "qualify"]


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

#: H7 inside the structural model, as lavaan writes it: the two paths of the mediated effect labelled and their
#: product a defined parameter (delta-method standard error; WLSMV on ordinal answers), beside the bootstrap on scores.
INDIRECT_LABELS = {("SQ", "SAT"): "a", ("SAT", "LOY"): "b"}
INDIRECT_DEFINED = {"indirect": "a*b"}


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
        ``hypothesis``, ``statement`` and ``method`` (catalogue messages), ``estimate``, ``std_estimate``, ``ci_lower``,
        ``ci_upper``, ``pvalue``, ``supported``.

    References
    ----------
    Hair, J. F., Hult, G. T. M., Ringle, C. M. & Sarstedt, M. (2022). *A Primer on Partial Least Squares SEM* (3rd ed.). Sage (reporting structural hypotheses).

    Examples
    --------
    >>> from kamlib import survey
    >>> from kamlib.survey.study_hypotheses import STRUCTURAL_PATHS, hypotheses
    >>> structural = survey.sem(data, survey.model_syntax(inst.constructs, STRUCTURAL_PATHS))
    >>> med = survey.mediation(scores, "SQ", "SAT", "LOY", n_boot=100, seed=1)
    >>> mod = survey.moderation(scores, "SAT", ["PQ", "SQ"], "key", "SQ")
    >>> hypotheses(structural, med, mod)[["hypothesis", "supported"]].T.to_numpy().tolist()
    [['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H7', 'H8'], ['yes', 'yes', 'yes', 'no', 'yes', 'yes', 'yes', 'yes']]
    """
    paths = structural.paths().set_index(["lval", "rval"])
    rows = []
    for h, (text, lhs, rhs) in HYPOTHESES.items():
        if lhs:
            p = paths.loc[(lhs, rhs)]
            rows.append({"hypothesis": h, "statement": Message(text, "hypothesis"),
                         "method": Message("SEM path {a} -> {b}", "phrase", a=rhs, b=lhs),
                         "estimate": p["estimate"], "std_estimate": p["std_estimate"],
                         "ci_lower": p["estimate_ci_lower"], "ci_upper": p["estimate_ci_upper"], "pvalue": p["pvalue"]})
        elif h == "H7":
            rows.append({"hypothesis": h, "statement": Message(text, "hypothesis"),
                         "method": Message("bootstrap indirect effect (n={n})", "phrase", n=indirect.bootstrap_n),
                         "estimate": indirect.indirect, "std_estimate": np.nan,
                         "ci_lower": indirect.indirect_ci_lower, "ci_upper": indirect.indirect_ci_upper,
                         "pvalue": indirect.indirect_pvalue})
        else:
            rows.append({"hypothesis": h, "statement": Message(text, "hypothesis"),
                         "method": Message("interaction {term} (OLS, HC3)", "phrase", term=interaction.term),
                         "estimate": interaction.estimate, "std_estimate": np.nan,
                         "ci_lower": interaction.estimate_ci_lower, "ci_upper": interaction.estimate_ci_upper,
                         "pvalue": interaction.pvalue})
    out = pd.DataFrame(rows)
    from .. import verdicts

    out["supported"] = ["yes" if verdicts.supported(lo, p, alpha) else "no"
                        for lo, p in zip(out["ci_lower"], out["pvalue"])]
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
        One row: ``hypothesis``, ``statement``, ``method``, ``estimate``, ``std_estimate``,
        ``ci_lower``, ``ci_upper``, ``pvalue``, ``supported``.

    References
    ----------
    Paternoster, R., Brame, R., Mazerolle, P. & Piquero, A. (1998). Using the correct statistical test for the
    equality of regression coefficients. *Criminology*, 36(4), 859-866.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.study_hypotheses import group_hypothesis
    >>> gp = pd.DataFrame({"outcome": ["SAT"], "predictor": ["SQ"], "estimate_regular": [0.2], "estimate_key": [0.5],
    ...                    "difference": [0.3], "ci_lower": [0.1], "ci_upper": [0.5], "pvalue": [0.003]})
    >>> group_hypothesis(gp, "H8", outcome="SAT", predictor="SQ")["supported"].item()
    'yes'
    """
    row = paths.set_index(["outcome", "predictor"]).loc[(outcome, predictor)]
    reference, focal = (c.removeprefix("estimate_") for c in paths.columns if c.startswith("estimate_"))
    from .. import verdicts

    supported = row["difference"] > 0 and verdicts.supported(row["ci_lower"], row["pvalue"], alpha)
    return pd.DataFrame([{
        "hypothesis": hypothesis, "statement": Message(HYPOTHESES.get(hypothesis, ("",))[0], "hypothesis"),
        "method": Message("multi-group SEM: path {predictor} -> {outcome}, {focal} minus {reference} (z test)", "phrase",
                          predictor=predictor, outcome=outcome, focal=focal, reference=reference),
        "estimate": float(row["difference"]), "std_estimate": np.nan, "ci_lower": float(row["ci_lower"]),
        "ci_upper": float(row["ci_upper"]), "pvalue": float(row["pvalue"]), "supported": "yes" if supported else "no"}])


#: The constructs each hypothesis rests on (H7: the mediation chain; H8: the path it compares across tiers)
CONSTRUCTS_OF = {h: {lhs, rhs} for h, (_, lhs, rhs) in HYPOTHESES.items() if lhs} | {
    "H7": {"SQ", "SAT", "LOY"}, "H8": {"SQ", "SAT"}}


def qualify(rows: pd.DataFrame, *, reliability: pd.DataFrame | None = None, htmt: pd.DataFrame | None = None,
            fit: dict | None = None, harman=None, method_factor=None) -> pd.DataFrame:
    """Add to each hypothesis row what limits its verdict: the failed reliability, validity and fit criteria of the
    constructs it rests on, and a likely common-method bias, each with its statistic, cut-off and source.

    Parameters
    ----------
    rows : DataFrame
        From :func:`hypotheses` (and :func:`group_hypothesis`): ``hypothesis`` among H1-H8.
    reliability : DataFrame, optional
        :func:`reliability_table` with loadings: ``construct``, ``alpha``, ``composite_reliability``, ``ave``.
    htmt : DataFrame, optional
        :func:`htmt` (constructs x constructs).
    fit : dict, optional
        The measurement model's fit (``SEMResult.fit``); a missed fit rule qualifies every row.
    harman : Harman, optional
        :func:`harman`; a first factor at or above its rule qualifies every row.
    method_factor : CommonMethod, optional
        :func:`common_method_factor`; when ``likely``, its ``qualifier`` qualifies every row.

    Returns
    -------
    DataFrame
        ``rows`` with a ``qualification`` column (a :class:`~kamlib.i18n.Message` joining the qualifications; empty
        when nothing limits the row). Rules: :mod:`kamlib.verdicts`.

    References
    ----------
    Henseler, J., Ringle, C. M. & Sarstedt, M. (2015). A new criterion for assessing discriminant validity.
    *JAMS*, 43(1), 115-135. Podsakoff, P. M. et al. (2003). *Journal of Applied Psychology*, 88(5), 879-903.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.study_hypotheses import qualify
    >>> rows = pd.DataFrame({"hypothesis": ["H1", "H6"], "supported": ["yes", "yes"]})
    >>> rel = pd.DataFrame({"construct": ["PQ", "SAT", "LOY"], "alpha": [0.62, 0.8, 0.8],
    ...                     "composite_reliability": [0.8, 0.8, 0.8], "ave": [0.55, 0.6, 0.6]})
    >>> for q in qualify(rows, reliability=rel)["qualification"]:
    ...     print(repr(str(q)))
    'alpha of PQ is 0.62 (cut-off 0.70, Nunnally & Bernstein (1994))'
    ''

    """
    from .. import verdicts
    from ..i18n import join

    def phrase(criterion, of, value, rule):
        return verdicts.shortfall(criterion, of, value, rule.threshold, rule.source)

    by_construct: list[tuple[set, Message]] = []
    if reliability is not None:
        for _, r in reliability.iterrows():
            for col, key in (("alpha", "alpha"), ("composite_reliability", "rho_c"), ("ave", "ave")):
                if col in r and pd.notna(r[col]) and not verdicts.met(key, r[col]):
                    by_construct.append(({r["construct"]}, phrase(key, r["construct"], r[col], verdicts.RULES[key])))
    if htmt is not None:
        names = list(htmt.index)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                v = htmt.loc[a, b] if b in htmt.columns else np.nan
                v = v if pd.notna(v) else htmt.loc[b, a] if a in htmt.columns and b in htmt.index else np.nan
                if pd.notna(v) and not verdicts.met("htmt", v):
                    by_construct.append(({a, b}, phrase("HTMT", Message("{a} / {b}", "phrase", a=a, b=b), v,
                                                        verdicts.RULES["htmt"])))
    every: list[Message] = []
    if fit and fit.get("df"):
        for key, value in (("cfi", fit.get("cfi")), ("rmsea", fit.get("rmsea")), ("srmr", fit.get("srmr"))):
            rule = verdicts.RULES[key]
            if value is not None and not rule.met(value):
                every.append(Message("the measurement model's {index} is {value:.3f} (rule {op} {cut:g}, {source})",
                                     "phrase", index=key.upper(), value=float(value), op=rule.op, cut=rule.threshold,
                                     source=rule.source))
    if harman is not None and not verdicts.met("harman", harman.first_share):
        rule = verdicts.RULES["harman"]
        every.append(Message("the first unrotated factor explains {share:.1%} of the item variance (rule below "
                             "{cut:.0%}, {source})", "phrase", share=harman.first_share, cut=rule.threshold,
                             source=rule.source))
    if method_factor is not None and getattr(method_factor, "likely", False):
        every.append(method_factor.qualifier)
    out = rows.copy()
    out["qualification"] = [join(([m for cs, m in by_construct if cs & CONSTRUCTS_OF.get(h, set())] + every)[:8])
                            for h in out["hypothesis"]]
    return out
