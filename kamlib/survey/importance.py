"""Importance-performance: the classic map of a survey's drivers and the PLS-SEM importance-performance map (IPMA).

* :func:`ipa`: importance (an effect on the outcome) against performance (the mean answer rescaled to 0-100), each
  driver placed in one of Martilla and James's four quadrants by the crosshair at the means.
* :func:`ipma`: Ringle and Sarstedt's IPMA of a PLS path model: importance is a construct's unstandardised total
  effect on the target construct, performance its mean latent-variable score on the indicators rescaled to 0-100,
  per construct and per indicator.

Written by hand: no maintained Python library offers either (SmartPLS, R cSEM and seminrExtras do); the tests compare
the IPMA with seminrExtras' ``assess_ipma`` computed locally from its public source (``tests/reference/seminr``), and
the classic map, as notebook 20_survey builds it from an SEM, with the same chain in R lavaan
(``tests/reference/lavaan/make_ipa_reference.R``).

References
----------
Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77-79.
Ringle, C. M. & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the importance-performance map
analysis. *Industrial Management & Data Systems*, 116(9), 1865-1886.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import ArgumentError
from ..i18n import Message
from ._shared import total_effects

__all__ = ["IPMA", "MIN_DRIVERS", "QUADRANTS", "ipa", "ipma", "too_few_drivers"]

#: Martilla and James's (1977) quadrants by (importance above the mean, performance above the mean)
QUADRANTS = {(True, False): "Concentrate here", (True, True): "Keep up the good work",
             (False, False): "Low priority", (False, True): "Possible overkill"}
#: Fewest drivers whose quadrants say something: with two, the crosshair at their means always puts them in opposite
#: quadrants (each is above one mean and below the other), so the quadrants only repeat which is higher.
MIN_DRIVERS = 3


def too_few_drivers(n: int) -> Message | None:
    """The sentence for a map whose quadrants are not named (fewer than :data:`MIN_DRIVERS` drivers), else None.

    Parameters
    ----------
    n : int
        Drivers on the map.

    Returns
    -------
    Message or None

    Examples
    --------
    >>> from kamlib.survey.importance import too_few_drivers
    >>> print(too_few_drivers(2))  # doctest: +NORMALIZE_WHITESPACE
    The quadrants are not named: with 2 drivers the crosshair at their means always puts them in opposite quadrants,
    so the map only shows which matters more and which performs better; 3 or more drivers are needed.
    """
    if n >= MIN_DRIVERS:
        return None
    return Message("The quadrants are not named: with {n} drivers the crosshair at their means always puts them in "
                   "opposite quadrants, so the map only shows which matters more and which performs better; {min} or "
                   "more drivers are needed.", n=n, min=MIN_DRIVERS)


def ipa(importance: pd.Series, performance: pd.Series) -> pd.DataFrame:
    """The classic importance-performance analysis: each driver's quadrant by the crosshair at the means.

    Parameters
    ----------
    importance : Series
        Driver -> its effect on the outcome (for example a standardised total effect).
    performance : Series
        Driver -> its mean rescaled to 0-100.

    Returns
    -------
    DataFrame
        ``driver``, ``importance``, ``performance``, ``quadrant`` (a name of :data:`QUADRANTS`; a value exactly at
        the mean counts as above it; None with fewer than :data:`MIN_DRIVERS` drivers, :func:`too_few_drivers`),
        sorted by quadrant priority and then importance.

    References
    ----------
    Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*, 41(1), 77-79.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.survey.importance import ipa
    >>> ipa(pd.Series({"PQ": 0.3, "SQ": 0.4, "PF": 0.1}), pd.Series({"PQ": 70, "SQ": 55, "PF": 60}))[["driver", "quadrant"]].to_numpy().tolist()
    [['SQ', 'Concentrate here'], ['PQ', 'Keep up the good work'], ['PF', 'Low priority']]
    """
    t = pd.DataFrame({"importance": importance, "performance": performance.reindex(importance.index)})
    if t.isna().any().any() or len(t) < 2:
        raise ArgumentError("an importance-performance map needs two or more drivers, each with an importance and a "
                            "performance.", argument="importance")
    high_i, high_p = t["importance"] >= t["importance"].mean(), t["performance"] >= t["performance"].mean()
    t["quadrant"] = [QUADRANTS[(a, b)] if len(t) >= MIN_DRIVERS else None for a, b in zip(high_i, high_p)]
    rank = {q: k for k, q in enumerate(QUADRANTS.values())}
    t = t.rename_axis("driver").reset_index()
    order = t["quadrant"].map(rank).fillna(0).to_numpy()
    return t.iloc[np.lexsort((-t["importance"].to_numpy(), order))].reset_index(drop=True)


@dataclass(frozen=True)
class IPMA(Result):
    """A PLS-SEM importance-performance map (:func:`ipma`).

    Attributes
    ----------
    target : str
    target_performance : float
        The target construct's performance (0-100).
    constructs : DataFrame
        ``construct``, ``importance`` (unstandardised total effect on the target), ``importance_std``
        (standardised total effect), ``performance`` (0-100), ``quadrant`` (:data:`QUADRANTS`; None when only one
        construct acts on the target).
    indicators : DataFrame
        ``construct``, ``indicator``, ``importance`` (rescaled weight x the construct's importance),
        ``performance`` (the indicator's mean on 0-100).
    """

    target: str
    target_performance: float
    constructs: pd.DataFrame
    indicators: pd.DataFrame


def ipma(model, target: str, *, scale: tuple[float, float], weights: str = "unstandardised") -> IPMA:
    """Importance-performance map analysis of a PLS path model for one target construct.

    Every indicator is rescaled to 0-100 by its scale's theoretical minimum and maximum. A construct's performance
    is the mean of its indicators' rescaled values weighted by its outer weights made unstandardised (divided by the
    indicator's standard deviation) and rescaled to sum to 1 (Ringle & Sarstedt 2016; ``weights="standardised"``
    keeps the standardised weights, as seminrExtras does). Its importance is the total effect on the target of the
    path model whose coefficients are unstandardised by the standard deviations of the rescaled scores.

    Parameters
    ----------
    model : PLSModel
        From :func:`kamlib.survey.pls.fit` (first-order constructs).
    target : str
        The target construct.
    scale : (float, float)
        The answers' theoretical minimum and maximum (for example (1, 7), or (0, 10)).
    weights : {"unstandardised", "standardised"}
        How the outer weights combine the rescaled indicators.

    Returns
    -------
    IPMA

    Raises
    ------
    ArgumentError
        An unknown target, a scale whose minimum is not below its maximum or that the answers leave, or a negative
        outer weight (the performance of such a construct is not interpretable; reverse-code the indicator).

    References
    ----------
    Ringle, C. M. & Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the importance-performance map
    analysis. *Industrial Management & Data Systems*, 116(9), 1865-1886. Hair, J. F., Sarstedt, M., Ringle, C. M. &
    Gudergan, S. P. (2018). *Advanced Issues in Partial Least Squares Structural Equation Modeling*. Sage, ch. 3.

    Examples
    --------
    >>> from kamlib.survey.importance import ipma
    >>> m = ipma(model, "Loyalty", scale=(0, 10))
    >>> m.constructs.set_index("construct").loc["Satisfaction", ["importance", "performance"]].round(1).tolist()
    [0.5, 68.5]
    """
    if weights not in ("unstandardised", "standardised"):
        raise ArgumentError(f"weights is {weights!r}; use unstandardised or standardised.", argument="weights")
    lo, hi = (float(v) for v in scale)
    if not lo < hi:
        raise ArgumentError(f"scale is {scale}; its minimum must be below its maximum.", argument="scale")
    if model.spec["higher_order"]:
        raise ArgumentError("the IPMA here takes first-order constructs; map the lower-order constructs instead.",
                            argument="model")
    constructs = list(model.scores.columns)
    if target not in constructs:
        raise ArgumentError(f"target is {target!r}, which is not a construct of the model ({', '.join(constructs)}).",
                            argument="target")
    blocks = model.spec["blocks"]
    items = [i for c in constructs for i in blocks[c]]
    data = model.data[items]
    outside = [i for i in items if data[i].min() < lo or data[i].max() > hi]
    if outside:
        raise ArgumentError(f"the answers to {outside[0]} run from {data[outside[0]].min():g} to "
                            f"{data[outside[0]].max():g}, outside the scale {lo:g}-{hi:g}; give the scale the "
                            "questionnaire used.", argument="scale")
    rescaled = (data - lo) / (hi - lo) * 100
    outer = model.outer.set_index("indicator")
    negative = outer.index[outer["weight"] < 0].tolist()
    if negative:
        raise ArgumentError(f"the outer weight of {negative[0]} is negative, so its construct's performance on 0-100 "
                            "cannot be read (Ringle & Sarstedt 2016); reverse-code the indicator or leave it out.",
                            argument="model")
    w = outer["weight"] / (data.std(ddof=1) if weights == "unstandardised" else 1.0)
    norm = {c: w[blocks[c]] / w[blocks[c]].sum() for c in constructs}
    scores = pd.DataFrame({c: rescaled[blocks[c]].to_numpy() @ norm[c].to_numpy() for c in constructs})
    sd = scores.std(ddof=1)
    B = np.zeros((len(constructs), len(constructs)))
    for a, b, est in model.paths.itertuples(index=False):
        i, j = constructs.index(a), constructs.index(b)
        B[i, j] = est * sd[b] / sd[a]
    total = total_effects(B)
    std = model.effects().set_index(["from", "to"])["total"]
    rows = [(c, float(total[constructs.index(c), constructs.index(target)]),
             float(std.get((c, target), 0.0)), float(scores[c].mean())) for c in constructs if c != target]
    table = pd.DataFrame(rows, columns=["construct", "importance", "importance_std", "performance"])
    table = table[table["importance_std"].abs() > 1e-12].reset_index(drop=True)
    if table.empty:
        raise ArgumentError(f"no construct has an effect on {target}; choose a target the model's paths lead to.",
                            argument="target")
    if len(table) >= MIN_DRIVERS:  # a quadrant needs a crosshair that can place drivers on one side
        quadrants = ipa(table.set_index("construct")["importance"], table.set_index("construct")["performance"])
        table["quadrant"] = table["construct"].map(quadrants.set_index("driver")["quadrant"])
    else:
        table["quadrant"] = None
    indicators = pd.DataFrame([(c, i, float(norm[c][i] * imp), float(rescaled[i].mean()))
                               for c, imp in zip(table["construct"], table["importance"]) for i in blocks[c]],
                              columns=["construct", "indicator", "importance", "performance"])
    return IPMA(target, float(scores[target].mean()), table, indicators)
