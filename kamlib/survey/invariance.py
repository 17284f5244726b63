"""Measurement invariance across groups and the common-latent-factor check of common-method bias.

Both are maximum-likelihood CFAs that semopy cannot fit (multi-group models with equality constraints, a method
factor with equal loadings); both use the one engine :mod:`kamlib.survey.mlcfa`, checked against lavaan in the
tests.

References
----------
Vandenberg, R. J. & Lance, C. E. (2000). A review and synthesis of the measurement invariance literature.
*Organizational Research Methods*, 3(1), 4-70. Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff,
N. P. (2003). Common method biases in behavioral research. *J. Applied Psychology*, 88(5), 879-903.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._results import Result
from ..errors import KamError, require_columns
from ..i18n import Message, join
from . import mlcfa
from .mlcfa import Moments

__all__ = ["CommonMethod", "Invariance", "common_method_factor", "invariance"]


@dataclass(frozen=True)
class Invariance(Result):
    """Measurement invariance across groups: the configural, metric and scalar models and their comparison.

    ``table["model"]`` names each step by its level (``configural``, ``metric``, ``scalar``), which code reads;
    :meth:`summary_frame` names it by what it holds equal, which differs by estimator: the scalar step holds
    the intercepts equal under ML and the thresholds under WLSMV (Wu & Estabrook 2016).
    """

    table: pd.DataFrame
    level: str
    verdict: str

    @property
    def steps(self) -> Message:
        """The three steps as a caption names them, by what each holds equal under the table's estimator."""
        steps = join([STEPS[_estimator(self.table)][m] for m in self.table["model"]])
        if _estimator(self.table) == "WLSMV":  # ordinal answers have thresholds, not intercepts
            return Message("{steps}; ordinal answers have thresholds in place of intercepts (Wu & Estabrook 2016)",
                           "phrase", steps=steps)
        return steps

    def summary_frame(self) -> pd.DataFrame:
        """The table with each step named by what it holds equal under its estimator ("Scalar (equal loadings and
        thresholds)" under WLSMV, "Scalar (equal loadings and intercepts)" under ML).

        Examples
        --------
        >>> from kamlib.survey.invariance import invariance
        >>> invariance(hs, {"visual": ["x1", "x2", "x3"]}, hs["school"]).summary_frame()["model"].tolist()[2]
        'Scalar (equal loadings and intercepts)'
        """
        words = STEPS[_estimator(self.table)]
        return self.table.assign(model=[words[m] for m in self.table["model"]])


def _estimator(table: pd.DataFrame) -> str:
    return "WLSMV" if "estimator" in table and (table["estimator"] == "WLSMV").any() else "ML"


#: each step of the invariance models by what it holds equal across the groups: intercepts for continuous answers
#: (ML), thresholds for ordinal ones (WLSMV; Wu & Estabrook 2016)
STEPS = {"ML": {"configural": Message("Configural (same pattern)", "phrase"),
                "metric": Message("Metric (equal loadings)", "phrase"),
                "scalar": Message("Scalar (equal loadings and intercepts)", "phrase")},
         "WLSMV": {"configural": Message("Configural (same pattern)", "phrase"),
                   "metric": Message("Metric (equal loadings)", "phrase"),
                   "scalar": Message("Scalar (equal loadings and thresholds)", "phrase")}}


def _group_moments(data: pd.DataFrame, items: list[str], group: pd.Series):
    out = []
    for g in pd.unique(group.dropna()):
        d = data.loc[group == g, items].dropna().to_numpy(float)
        if len(d) <= len(items):
            raise KamError(f"the group '{g}' has {len(d)} complete answers for {len(items)} items; measurement "
                           "invariance needs more respondents per group than items.")
        out.append(Moments(g, len(d), d.mean(axis=0), np.cov(d, rowvar=False, bias=True)))
    if len(out) < 2:
        raise KamError("measurement invariance needs at least two groups with answers.")
    return out


def invariance(data: pd.DataFrame, constructs: dict[str, list[str]], group: pd.Series, *,
               delta_cfi: float | None = None, points: int | None = None) -> Invariance:
    """Measurement invariance across groups: configural, metric (equal loadings) and scalar (equal intercepts under
    ML; equal thresholds under WLSMV, Wu & Estabrook 2016).

    Each model is a multi-group CFA fitted by maximum likelihood with a mean structure (marker items, as lavaan's
    defaults), or by WLSMV on ordinal answers; each step is compared with the one before by the chi-square
    difference test (scaled and shifted under WLSMV) and by the change in CFI (scaled under WLSMV). Written by hand because semopy's ``multigroup`` fits the groups separately and cannot hold loadings or
    intercepts equal across them.

    Parameters
    ----------
    data : DataFrame
        Respondents x items (complete cases are used per group).
    constructs : dict
        Construct -> its items (the first item is the marker).
    group : Series
        Group of each respondent (e.g. key account or not), aligned with ``data``.
    delta_cfi : float, optional
        Largest drop in CFI that still counts as invariance (0.01: rule ``invariance_cfi`` of :mod:`kamlib.verdicts`,
        Cheung & Rensvold 2002; Chen 2007). The change in CFI decides each step; the chi-square difference test
        (rule ``invariance_chi2``) is reported beside it, and the verdict names every step where the two disagree.
    points : int, optional
        Answer points of the items. At five or fewer (ordinal answers, :func:`~kamlib.survey.scale_note`) the models
        are fitted by multi-group WLSMV with thresholds held equal at the scalar level
        (:func:`~kamlib.survey.ordinal.multigroup_invariance`, as lavaan); an answer that a group never uses is
        first merged with its neighbour (:func:`~kamlib.survey.ordinal.merge_unused_answers`), and the verdict
        names the merges. Only where that would leave an item one answer do the ML tests run, with a verdict saying
        they are approximate.

    Returns
    -------
    Invariance
        ``table`` (model, chi2, df, pvalue, cfi, rmsea, converged, delta_chi2, delta_df, delta_pvalue, estimator,
        delta_cfi, holds (by the change in CFI, which decides), holds_chi2 (by the chi-square difference);
        ``chi2_unscaled`` under WLSMV),
        ``level`` (the strictest level that holds: "scalar", "metric", "configural"), and a one-sentence
        ``verdict`` (a :class:`~kamlib.i18n.Message`) saying what may be compared across the groups.

    References
    ----------
    Vandenberg, R. J. & Lance, C. E. (2000). A review and synthesis of the measurement invariance literature.
    *Organizational Research Methods*, 3(1), 4-70. Cheung, G. W. & Rensvold, R. B. (2002). Evaluating
    goodness-of-fit indexes for testing measurement invariance. *Structural Equation Modeling*, 9(2), 233-255.
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance. *Structural
    Equation Modeling*, 14(3), 464-504.
    Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels of
    invariance for ordered categorical outcomes. *Psychometrika*, 81(4), 1014-1045.

    Examples
    --------
    >>> from kamlib.survey.invariance import invariance
    >>> invariance(hs, {"visual": ["x1", "x2", "x3"]}, hs["school"]).level
    'metric'
    """
    from .factors import scale_note
    from .ordinal import merge_unused_answers, multigroup_invariance

    items = [i for its in constructs.values() for i in its]
    require_columns(data, items, where="the survey data", fix="every item of the constructs needs a column")
    ordinal = points is not None and scale_note(points)["ordinal"]
    merged, merges = None, []
    if ordinal:  # lavaan's rule: every group uses every answer; merge the unused ones with their neighbours
        merged, merges = merge_unused_answers(data, items, group)
    wlsmv = ordinal and merged is not None
    if wlsmv:
        _group_moments(data, items, group)  # the same checks of the groups' sizes as the ML tests
        t = multigroup_invariance(merged, constructs, group).assign(estimator="WLSMV")
    else:
        t = _ml_models(data, items, constructs, group).assign(estimator="ML")
    from .. import verdicts

    cfi_rule = verdicts.RULES["invariance_cfi"]
    if delta_cfi is not None:
        cfi_rule = dataclasses.replace(cfi_rule, threshold=-abs(delta_cfi))
    t["delta_cfi"] = t["cfi"].diff()
    t["holds"] = [True] + [cfi_rule.met(d) for d in t["delta_cfi"][1:]]
    t["holds_chi2"] = [True] + [verdicts.RULES["invariance_chi2"].met(p) for p in t["delta_pvalue"][1:]]
    level = "configural"
    for name, holds in zip(t["model"][1:], t["holds"][1:]):
        if not holds:
            break
        level = name
    what = {"scalar": "loadings and thresholds are equal across the groups: their construct means and paths may be "
                      "compared" if wlsmv else
                      "loadings and intercepts are equal across the groups: their construct means and paths may be "
                      "compared",
            "metric": "loadings are equal but thresholds are not: paths and correlations may be compared across the "
                      "groups, construct means may not" if wlsmv else
                      "loadings are equal but intercepts are not: paths and correlations may be compared across the "
                      "groups, construct means may not",
            "configural": "loadings differ across the groups: the constructs are not measured alike, so neither means "
                          "nor paths should be compared"}[level]
    verdict = _decided(t, level, Message(what), cfi_rule)
    if wlsmv:
        verdict = Message("{verdict} The {points}-point answers are fitted as ordinal (WLSMV, thresholds held equal at "
                          "the scalar level; Wu & Estabrook 2016), each step's difference test scaled and shifted "
                          "(Satorra 2000), computed as in lavaan (Rosseel 2012) and checked against it in the "
                          "workbook's tests.", verdict=verdict, points=points)
        if merges:
            verdict = Message("{verdict} Answers that a group never chose were first merged with their neighbour "
                              "toward the middle of the scale ({merges}), since thresholds can be held equal only "
                              "where every group uses every answer.", verdict=verdict,
                              merges=", ".join(f"{i} {a}→{b}" for i, a, b in merges))
    elif ordinal:
        item, answer, _ = merges[-1]
        verdict = Message("{verdict} Some group never chose {answer} on the item '{item}', and merging it with its "
                          "neighbours would leave the item one answer, so thresholds cannot be held equal: these tests "
                          "fit the {points}-point answers as continuous (ML) and are approximate.",
                          verdict=verdict, answer=answer, item=item, points=points)
    return Invariance(t, level, verdict)


def _decided(t: pd.DataFrame, level: str, what: Message, cfi_rule) -> Message:
    """The invariance verdict: the level by the change in CFI, which decides (Cheung & Rensvold 2002; Chen 2007),
    the chi-square difference beside it, and every step where the two criteria disagree, named with both values."""
    from .. import verdicts

    chi2_rule = verdicts.RULES["invariance_chi2"]
    steps = list(zip(t["model"][1:], t["delta_cfi"][1:], t["delta_chi2"][1:], t["delta_df"][1:],
                     t["delta_pvalue"][1:], t["holds"][1:], t["holds_chi2"][1:]))
    dcfi = join([Message("{model} ΔCFI {d:+.3f}", "phrase", model=Message(m, "invariance_level"), d=d)
                 for m, d, *_ in steps])
    verdict = Message("Measurement invariance holds up to the {level} level by the change in CFI, which decides here "
                      "({dcfi}; rule ΔCFI {op} {cut:g}, {source}): {what}.", level=Message(level, "invariance_level"),
                      dcfi=dcfi, op=cfi_rule.op, cut=cfi_rule.threshold, source=cfi_rule.source, what=what)
    # only the steps the level rests on, and the first step that fails, are read against the chi-square difference
    read = []
    for step in steps:
        read.append(step)
        if not step[5]:
            break
    differ = [s for s in read if s[5] != s[6]]
    if not differ:
        return Message("{verdict} The chi-square difference test agrees ({tests}; rule p {op} {cut:g}).",
                       verdict=verdict, tests=join([Message("{model} p = {p:.2g}", "phrase", model=Message(m, "invariance_level"), p=p)
                                         for m, _, _, _, p, *_ in read]),
                       op=chi2_rule.op, cut=chi2_rule.threshold)
    parts = [Message("at the {model} step the chi-square difference is {dchi2:.1f} on {ddf:.0f} df (p = {p:.2g}) and "
                     "{chi2_word}, while ΔCFI {d:+.3f} {cfi_word}", "phrase", model=Message(m, "invariance_level"),
                     dchi2=dchi2, ddf=ddf, p=p, d=d,
                     chi2_word=Message("accepts the constraints" if c else "rejects the constraints", "phrase"),
                     cfi_word=Message("rejects them" if not h else "accepts them", "phrase"))
             for m, d, dchi2, ddf, p, h, c in differ]
    return Message("{verdict} The two criteria disagree: {steps}; the level follows the change in CFI, because the "
                   "chi-square difference rejects ever smaller departures as the sample grows (Cheung & Rensvold "
                   "2002); by the chi-square difference alone the level would be {other}.",
                   verdict=verdict, steps=join(parts), other=Message(_by_chi2(t), "invariance_level"))


def _by_chi2(t: pd.DataFrame) -> str:
    """The strictest level the chi-square difference test alone would accept."""
    level = "configural"
    for name, holds in zip(t["model"][1:], t["holds_chi2"][1:]):
        if not holds:
            break
        level = name
    return level


def _ml_models(data: pd.DataFrame, items: list[str], constructs: dict, group: pd.Series) -> pd.DataFrame:
    """The configural, metric and scalar multi-group CFAs by maximum likelihood, with chi-square differences."""
    moments = _group_moments(data, items, group)
    N, p, G = sum(m.n for m in moments), len(items), len(moments)
    base = sum(m.n * (np.log(np.diag(m.cov)).sum() - np.linalg.slogdet(m.cov)[1]) for m in moments)
    df_base = G * p * (p - 1) // 2
    rows = []
    for level in ("configural", "metric", "scalar"):
        r = mlcfa.fit(moments, constructs, equal_loadings=level != "configural", equal_intercepts=level == "scalar")
        chi2, df, ok = r.chi2, r.df, r.converged
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base - df_base, 1e-12)
        rmsea = float(np.sqrt(max(chi2 - df, 0) / (df * N)) * np.sqrt(G)) if df > 0 else math.nan
        rows.append({"model": level, "chi2": chi2, "df": df, "pvalue": float(stats.chi2.sf(chi2, df)),
                     "cfi": float(min(max(cfi, 0), 1)), "rmsea": rmsea, "converged": ok})
    t = pd.DataFrame(rows)
    t["delta_chi2"] = t["chi2"].diff()
    t["delta_df"] = t["df"].diff()
    t["delta_pvalue"] = [np.nan] + [float(stats.chi2.sf(a, b))
                                    for a, b in zip(t["delta_chi2"][1:], t["delta_df"][1:])]
    return t


@dataclass(frozen=True)
class CommonMethod(Result):
    """Common-latent-factor check: the CFA with and without a method factor on every item (:func:`common_method_factor`)."""

    table: pd.DataFrame
    loadings: pd.DataFrame
    method_share: float
    delta_cfi: float
    verdict: str
    likely: bool = False  # every criterion indicates common-method bias (kamlib.verdicts.weigh)
    qualifier: str = ""  # the short clause that qualifies each hypothesis resting on these answers ("" when none)
    status: str = "not detected"  # "likely", "possible", "not detected" or "inadmissible"
    reason: Message | str = ""  # what made the model with the method factor inadmissible (a Message; "" when admissible)


def common_method_factor(data: pd.DataFrame, constructs: dict[str, list[str]], *,
                         max_share: float | None = None, max_change: float | None = None,
                         alpha: float | None = None, points: int | None = None, harman=None) -> CommonMethod:
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
    max_share : float, optional
        Method-variance share at or above which the verdict warns (0.25; rule ``clf_share`` of :mod:`kamlib.verdicts`).
    max_change : float, optional
        Change of a standardised loading, when the method factor is added, at or above which a loading is taken to
        owe a material part to the common method (0.20; a convention of this workbook, stated in the verdict; rule ``clf_change``).
    alpha : float, optional
        Level of the chi-square difference test of the method factor (1 df: its one equal loading; rule ``clf_p``,
        0.05).
    points : int, optional
        Answer points of the items. At five or fewer (ordinal answers) both models are fitted by WLSMV
        (:func:`~kamlib.survey.ordinal.method_factor_wlsmv`, as lavaan) and the difference test is lavaan's scaled
        and shifted one; the table gains ``chi2_unscaled`` and ``estimator``.
    harman : Harman or float, optional
        :func:`~kamlib.survey.harman` on the same items (or its first share): Harman's single factor joins the
        criteria the verdict weighs (rule ``harman``).

    Notes
    -----
    The verdict weighs the criteria of Podsakoff et al. (2003), each by its rule in :mod:`kamlib.verdicts`: the
    method factor improves fit significantly (chi-square difference p < ``alpha``), takes at least ``max_share`` of
    the item variance, changes a standardised loading by at least ``max_change``, and (when given) Harman's first
    factor takes at least half the variance. Common-method bias is *likely* only when every criterion indicates it,
    *not detected* when none does, and *possible* when they are mixed (rule ``criteria_agree``,
    :func:`kamlib.verdicts.weigh`); the sentence names the criteria on each side. A method factor whose standardised
    loading stays at zero (rule ``clf_loading``) sits on its bound: the model with it is not an admissible check, and
    the sentence says so instead of weighing it. The ``qualifier`` (a phrase for every hypothesis resting on the
    answers) is set when bias is likely, or possible with a significant improvement in fit and a material share or
    change.

    Returns
    -------
    CommonMethod
        ``table`` (model, chi2, df, pvalue, cfi, tli, rmsea, admissible; delta rows), ``loadings`` (construct, item,
        std_loading, std_loading_clf, change, method_loading), ``method_share``, ``delta_cfi``, a one-sentence
        ``verdict`` (a :class:`~kamlib.i18n.Message`), ``status`` ("likely", "possible", "not detected",
        "inadmissible"), the ``reason`` an inadmissible model is so (a phrase: a negative variance, or a method
        factor on its zero bound; "" otherwise) and the ``qualifier`` of the hypotheses ("" when none).

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y. & Podsakoff, N. P. (2003). Common method biases in behavioral
    research. *Journal of Applied Psychology*, 88(5), 879-903.
    Cote, J. A. & Buckley, M. R. (1987). Estimating trait, method, and error variance: generalizing across 70
    construct validation studies. *Journal of Marketing Research*, 24(3), 315-318.

    Examples
    --------
    >>> from kamlib.survey.invariance import common_method_factor
    >>> round(common_method_factor(data, inst.constructs).method_share, 3)
    0.0
    """
    from .. import verdicts

    max_share = verdicts.RULES["clf_share"].threshold if max_share is None else max_share
    max_change = verdicts.RULES["clf_change"].threshold if max_change is None else max_change
    alpha = verdicts.RULES["clf_p"].threshold if alpha is None else alpha
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
    from .factors import scale_note

    if points is not None and scale_note(points)["ordinal"]:
        table, loadings, bad, dcfi = _method_factor_ordinal(data, constructs, items)
        return _method_verdict(table, loadings, bad, dcfi, p, max_share, max_change, alpha, "WLSMV", harman)
    S = np.cov(d, rowvar=False, bias=True)
    moments = [Moments("all", n, d.mean(axis=0), S)]
    base = n * (np.log(np.diag(S)).sum() - np.linalg.slogdet(S)[1])
    df_base = p * (p - 1) // 2
    rows, std, bad = [], {}, {}
    for name, method in (("constructs", False), ("constructs + common latent factor", True)):
        r = mlcfa.fit(moments, constructs, method_factor=method)
        chi2, df, sigma, lam, phi, m, theta = r.chi2, r.df, r.sigma[0], r.loadings[0], r.phi[0], r.method_loading, r.theta[0]
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
    # the change row as a nested test reads it: the model without the factor minus the model with it (df >= 1)
    table.loc[2] = {"model": "change", **(-delta).to_dict(),
                    "pvalue": float(stats.chi2.sf(-delta["chi2"], -delta["df"])), "admissible": not bad[True]}
    construct_of = {i: c for c, its in constructs.items() for i in its}
    loadings = pd.DataFrame({"construct": [construct_of[i] for i in items], "item": items,
                             "std_loading": std[False][0], "std_loading_clf": std[True][0]})
    loadings["change"] = loadings["std_loading_clf"] - loadings["std_loading"]
    loadings["method_loading"] = std[True][1]
    dcfi = round(float(delta["cfi"]), 3) + 0.0  # no "-0.000"
    return _method_verdict(table, loadings, bad[True], dcfi, p, max_share, max_change, alpha, "ML", harman)


def _method_factor_ordinal(data: pd.DataFrame, constructs: dict, items: list[str]):
    """The two models of the common-latent-factor check by WLSMV, in the table and loadings of the ML check."""
    from .ordinal import method_factor_wlsmv

    fit = method_factor_wlsmv(data, constructs)
    rows, bad = [], []
    for name, m in fit["models"].items():
        wrong = [c for c, v in zip(constructs, m["construct_variances"]) if v <= 0] + \
            [i for i, t in zip(items, m["residuals"]) if t < 0]
        if name != "constructs":
            bad = wrong
        rows.append({"model": name, "chi2": m["chi2"], "df": m["df"], "pvalue": m["pvalue"], "cfi": m["cfi"],
                     "tli": m["tli"], "rmsea": m["rmsea"], "admissible": not wrong, "chi2_unscaled": m["chi2_unscaled"]})
    table = pd.DataFrame(rows)
    delta = table.loc[1, ["chi2", "df", "cfi", "tli", "rmsea", "chi2_unscaled"]] - \
        table.loc[0, ["chi2", "df", "cfi", "tli", "rmsea", "chi2_unscaled"]]
    # the change row: the model without the factor minus the model with it, as a nested test reads it (df >= 1);
    # its chi2 is lavaan's scaled-and-shifted difference test (Satorra 2000), computed from the two fits, not the
    # difference of their scaled chi-squares (which is not chi-square distributed)
    table.loc[2] = {"model": "change", **(-delta).to_dict(), "chi2": float(fit["delta_chi2"]),
                    "pvalue": fit["delta_pvalue"], "admissible": not bad}
    table["estimator"] = "WLSMV"
    construct_of = {i: c for c, its in constructs.items() for i in its}
    with_factor = fit["models"]["constructs + common latent factor"]
    loadings = pd.DataFrame({"construct": [construct_of[i] for i in items], "item": items,
                             "std_loading": fit["models"]["constructs"]["std_loadings"],
                             "std_loading_clf": with_factor["std_loadings"]})
    loadings["change"] = loadings["std_loading_clf"] - loadings["std_loading"]
    loadings["method_loading"] = with_factor["method_loading"]
    return table, loadings, bad, round(float(delta["cfi"]), 3) + 0.0


#: what the change row of the common-latent-factor table is, said in its caption
CHANGE_ROW = {"ML": Message("The Change row is the model without the method factor minus the model with it, as a nested "
                            "test reads it (Δdf = 1 per added factor variance, the likelihood-ratio χ² difference).",
                            "phrase"),
              "WLSMV": Message("The Change row is the model without the method factor minus the model with it, as a "
                               "nested test reads it; its χ² is the scaled-and-shifted difference test (Satorra 2000) "
                               "computed from the two fits, not the difference of their scaled χ² (which is not "
                               "chi-square distributed), and its unscaled χ² the difference of the unscaled ones.",
                               "phrase")}


def _with_change(verdict: Message, estimator: str) -> Message:
    """The verdict, then what the table's change row is (:data:`CHANGE_ROW`)."""
    return Message("{verdict} {change}", "phrase", verdict=verdict, change=CHANGE_ROW[estimator])


def _method_verdict(table, loadings, bad, dcfi, p, max_share, max_change, alpha, estimator,
                    harman=None) -> CommonMethod:
    """The verdict of the common-latent-factor check (Podsakoff et al. 2003) from its two models: the criteria
    weighed by :func:`kamlib.verdicts.weigh`, a method factor on its zero bound named as no admissible check."""
    from .. import verdicts

    share = float(np.mean(loadings["method_loading"].to_numpy(float) ** 2))
    delta = table.loc[2]
    if bad:
        what = ", ".join(bad)
        loadings[["std_loading_clf", "change"]] = np.nan
        verdict = Message("The model with a common latent factor on all {p} items is inadmissible (negative variance "
                          "of {what}): the method factor cannot be told apart from the constructs in these answers, so "
                          "this check gives no estimate; rely on Harman's test here and add a marker variable to the "
                          "next wave.", p=p, what=what)
        return CommonMethod(table, loadings, math.nan, dcfi, _with_change(verdict, estimator), status="inadmissible",
                            reason=Message("a negative variance of {what}", "phrase", what=what))
    # a nested model cannot fit worse: a negative difference is rounding (shown as 0.0, not -0.0)
    dchi2, ddf, dp = float(delta["chi2"]), int(round(delta["df"])), float(delta["pvalue"])
    dchi2 = dchi2 if dchi2 > 0 else 0.0
    largest = float(np.nanmax(np.abs(loadings["method_loading"].to_numpy(float)))) if len(loadings) else 0.0
    on_bound = verdicts.RULES["clf_loading"]
    if not on_bound.met(largest):  # the method factor sits at zero: no admissible check, and nothing to weigh
        table.loc[[1, 2], "admissible"] = False
        verdict = Message("The common latent factor's standardised loadings stay at zero (largest {m:.2g}; rule "
                          "{op} {cut:g}, {source}): the model with it sits on the bound of its method variance, so it "
                          "is not an admissible check of common-method bias; it estimates no method variance (chi-square "
                          "difference {dchi2:.1f} on {ddf} df, p = {dp:.2g}), which is not evidence that there is none; "
                          "rely on Harman's test here and add a marker variable to the next wave.", m=largest,
                          op=on_bound.op, cut=on_bound.threshold, source=Message(on_bound.source, "rule"), dchi2=dchi2,
                          ddf=ddf, dp=dp)
        if estimator == "WLSMV":
            verdict = Message("{verdict} Both models are fitted to the ordinal answers by WLSMV, the difference test "
                              "scaled and shifted (Satorra 2000), computed as in lavaan (Rosseel 2012) and checked "
                              "against it in the workbook's tests.", verdict=verdict)
        reason = Message("the method factor's standardised loadings stay at zero, largest {m:.2g} against the rule "
                         "{op} {cut:g}, so the model sits on the bound of its method variance", "phrase", m=largest,
                         op=on_bound.op, cut=on_bound.threshold)
        return CommonMethod(table, loadings, share, dcfi, _with_change(verdict, estimator), status="inadmissible", reason=reason)
    biggest = loadings.loc[loadings["change"].abs().idxmax()]
    change = float(abs(biggest["change"]))
    improves = dp < alpha
    criteria = [
        (Message("the chi-square difference (p = {dp:.2g}, rule p < {alpha})", "phrase", dp=dp, alpha=alpha), improves),
        (Message("the method variance ({share:.1%}, cut-off {cut:.0%}, Cote & Buckley 1987)", "phrase", share=share,
                 cut=max_share), share >= max_share),
        (Message("the change of a loading ({change:.3f}, cut-off {cut:.2f})", "phrase", change=change,
                 cut=max_change), change >= max_change)]
    first = getattr(harman, "first_share", harman)
    if first is not None and first == first:
        rule = verdicts.RULES["harman"]
        criteria.append((Message("Harman's first factor ({first:.1%}, cut-off {cut:.0%})", "phrase",
                                 first=float(first), cut=rule.threshold), not rule.met(first)))
    weighed = verdicts.weigh(criteria)
    conclusion = (Message("common-method bias is likely, as every criterion indicates; report the paths with and "
                          "without the method factor, and add a marker variable in the next wave.")
                  if weighed.word == "likely" else
                  Message("common-method bias is possible, not likely, because the criteria are mixed: it is "
                          "indicated by {yes}, and not by {no}; report the paths with and without the method factor.",
                          yes=join(list(weighed.indicating)), no=join(list(weighed.not_indicating)))
                  if weighed.word == "possible" else
                  Message("no common-method variance is detected."))
    verdict = Message("Adding a common latent factor on all {p} items {fit} (chi-square difference {dchi2:.1f} on "
                      "{ddf} df, p = {dp:.2g}; rule p < {alpha}); it takes {share:.1%} of the item variance (cut-off "
                      "{max_share:.0%}, Cote & Buckley 1987) and changes a standardised loading by up to {change:.2f} "
                      "({item}; cut-off {max_change:.2f}); by the criteria of Podsakoff et al. 2003, {conclusion}",
                      p=p, fit=Message("improves fit significantly") if improves else Message("does not improve fit significantly"),
                      dchi2=dchi2, ddf=ddf, dp=dp, alpha=alpha, share=share, max_share=max_share, change=change,
                      item=biggest["item"], max_change=max_change, conclusion=conclusion)
    if estimator == "WLSMV":
        verdict = Message("{verdict} Both models are fitted to the ordinal answers by WLSMV, the difference test "
                          "scaled and shifted (Satorra 2000), computed as in lavaan (Rosseel 2012) and checked "
                          "against it in the workbook's tests.", verdict=verdict)
    material = share >= max_share or change >= max_change
    qualifies = weighed.word == "likely" or (weighed.word == "possible" and improves and material)
    numbers = dict(dchi2=dchi2, dp=dp, share=share, change=change)
    qualifier = "" if not qualifies else (
        Message("common-method bias is likely (common latent factor: chi-square difference {dchi2:.1f}, p = {dp:.2g}; "
                "{share:.1%} of item variance; loadings change by up to {change:.2f}; Podsakoff et al. 2003)",
                "phrase", **numbers) if weighed.word == "likely" else
        Message("common-method bias is possible, not likely (common latent factor: chi-square difference {dchi2:.1f}, "
                "p = {dp:.2g}; {share:.1%} of item variance; loadings change by up to {change:.2f}; not indicated by "
                "{no}; Podsakoff et al. 2003)", "phrase", no=join(list(weighed.not_indicating)), **numbers))
    return CommonMethod(table, loadings, share, dcfi, _with_change(verdict, estimator), weighed.word == "likely", qualifier, weighed.word)
