"""The customer-value index (客户价值评价指标体系): criteria weighted by the analytic hierarchy process and/or entropy,
customers ranked by TOPSIS.

Chinese key-account theses identify key accounts by an index of criteria (recency, frequency, monetary value,
profit, tenure, survey scores) weighted by AHP (Saaty 1980) from a pairwise-comparison matrix, by entropy weights
(Shannon's information measure of each criterion's spread across customers; Zeleny 1982), or both combined, and rank
the customers by their closeness to the ideal customer (TOPSIS; Hwang & Yoon 1981).

TOPSIS comes from pymcdm (vector normalisation, as Hwang and Yoon). The AHP's weights are the principal eigenvector
of the comparison matrix (numpy), with Saaty's consistency index and ratio: two lines of linear algebra, for which
ahpy adds a dependency that rounds the weights to a set precision. The entropy weights are computed here because
pymcdm's set a criterion's entropy to 0 (the largest weight) as soon as one row has a 0 on it, which a customer log
always has (no profit, no second purchase); Shannon's convention 0 ln 0 = 0 is used instead, and on data without
zeros both agree (tests). The tests check each method against a published worked example.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill. Saaty, T. L. (2008). Decision making with the
analytic hierarchy process. *International Journal of Services Sciences*, 1(1), 83-98. Hwang, C.-L. & Yoon, K.
(1981). *Multiple Attribute Decision Making: Methods and Applications*. Springer. Xu, X. (2004). A note on the
subjective and objective integrated approach to determine attribute weights. *European Journal of Operational
Research*, 156(2), 530-532.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import Result
from .errors import ArgumentError, KamError
from .i18n import Message

__all__ = ["AHP", "CRITERIA", "RANDOM_INDEX", "ValueIndex", "ahp", "build", "combine", "criteria", "entropy_weights",
           "for_study", "matrix", "sensitivity", "topsis"]

#: Saaty's (1980) random consistency indices by the number of criteria
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45}


@dataclass(frozen=True)
class AHP(Result):
    """The weights of a pairwise-comparison matrix (:func:`ahp`).

    Attributes
    ----------
    weights : Series
        Criterion -> weight (the principal eigenvector, summing to 1).
    lambda_max : float
        The principal eigenvalue.
    consistency_index : float
        (lambda_max - n) / (n - 1).
    consistency_ratio : float
        The consistency index over Saaty's random index for n criteria (0 for one or two criteria).
    """

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def ahp(matrix, criteria=None, *, check: bool = True) -> AHP:
    """AHP weights of a reciprocal pairwise-comparison matrix, with Saaty's consistency ratio.

    Parameters
    ----------
    matrix : array-like or DataFrame
        n x n, ``matrix[i][j]`` how much more important criterion i is than j (Saaty's 1-9 scale), ``matrix[j][i]``
        its reciprocal, 1 on the diagonal. A DataFrame's index names the criteria.
    criteria : list of str, optional
        The criteria's names (default: the DataFrame's index, or C1, C2, ...).
    check : bool
        Refuse a matrix whose consistency ratio is 0.1 or more (Saaty's rule, ``verdicts.RULES["ahp_cr"]``).

    Returns
    -------
    AHP

    Raises
    ------
    ArgumentError
        A matrix that is not square, positive and reciprocal, or has more criteria than Saaty's random indices cover
        (9), or (with ``check``) is inconsistent: one sentence with the ratio and the fix.

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill. Saaty, T. L. (2008). Decision making with
    the analytic hierarchy process. *International Journal of Services Sciences*, 1(1), 83-98.

    Examples
    --------
    >>> from kamlib.value_index import ahp
    >>> a = ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]], ["monetary", "frequency", "recency"])
    >>> a.weights.round(3).to_dict(), round(a.consistency_ratio, 3)
    ({'monetary': 0.648, 'frequency': 0.23, 'recency': 0.122}, 0.003)
    """
    from . import verdicts

    if isinstance(matrix, pd.DataFrame):
        criteria = list(matrix.index) if criteria is None else criteria
        matrix = matrix.to_numpy()
    a = np.asarray(matrix, dtype=float)
    n = a.shape[0] if a.ndim == 2 else 0
    if a.ndim != 2 or a.shape != (n, n) or n < 1:
        raise ArgumentError(f"the comparison matrix must be square; it is {a.shape}.", argument="matrix")
    criteria = [f"C{i + 1}" for i in range(n)] if criteria is None else list(criteria)
    if len(criteria) != n:
        raise ArgumentError(f"{len(criteria)} criteria are named for a {n} x {n} matrix.", argument="criteria")
    if n > 9:
        raise ArgumentError(f"{n} criteria are more than Saaty's random indices cover (9); group them into a "
                            "hierarchy of at most nine per level.", argument="matrix")
    if not (a > 0).all() or not np.allclose(a * a.T, 1.0, rtol=1e-3):
        i, j = np.argwhere(~np.isclose(a * a.T, 1.0, rtol=1e-3) | (a <= 0))[0]
        raise ArgumentError(f"the comparison of {criteria[i]} with {criteria[j]} ({a[i, j]:g}) is not the reciprocal "
                            f"of {criteria[j]} with {criteria[i]} ({a[j, i]:g}); write one and its reciprocal "
                            "(e.g. 3 and 1/3), with 1 on the diagonal.", argument="matrix")
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n] if RANDOM_INDEX[n] else 0.0
    rule = verdicts.RULES["ahp_cr"]
    if check and not rule.met(cr):
        raise ArgumentError(f"the comparison matrix is inconsistent: consistency ratio {cr:.3f} (rule {rule.op} "
                            f"{rule.threshold:g}, {rule.source}); revise the judgements that contradict each other "
                            "(if A beats B and B beats C, A should beat C by more).", argument="matrix")
    return AHP(pd.Series(w, index=criteria, name="weight"), lam, float(ci), float(cr))


def entropy_weights(frame: pd.DataFrame) -> pd.Series:
    """Entropy weights of the criteria (columns): the more a criterion's values differ between the rows, the more
    weight it gets.

    Each column is made a distribution over the rows (p = x / sum x), its entropy e = -sum p ln p / ln m (0 ln 0 =
    0), and the weights are (1 - e) normalised to sum 1.

    Parameters
    ----------
    frame : DataFrame
        Rows (customers) x criteria, every value 0 or more.

    Returns
    -------
    Series
        Criterion -> weight.

    Raises
    ------
    ArgumentError
        A negative value, a column that is all zero, or one row only.

    References
    ----------
    Zeleny, M. (1982). *Multiple Criteria Decision Making*. McGraw-Hill. Xu, X. (2004). A note on the subjective and
    objective integrated approach to determine attribute weights. *European Journal of Operational Research*,
    156(2), 530-532.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.value_index import entropy_weights
    >>> entropy_weights(pd.DataFrame({"a": [1, 1, 1], "b": [0, 1, 5]})).round(3).to_dict()
    {'a': 0.0, 'b': 1.0}
    """
    x = frame.to_numpy(dtype=float)
    if len(x) < 2:
        raise ArgumentError("entropy weights need two or more rows.", argument="frame")
    if (x < 0).any():
        col = frame.columns[int(np.argwhere(x < 0)[0][1])]
        raise ArgumentError(f"the criterion {col} has negative values; shift or recode it to 0 or more before "
                            "entropy weighting.", argument="frame")
    totals = x.sum(axis=0)
    if (totals == 0).any():
        raise ArgumentError(f"the criterion {frame.columns[int(np.argmin(totals))]} is 0 for every row, so it "
                            "carries no information; leave it out.", argument="frame")
    p = x / totals
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=0) / np.log(len(x))
    d = 1 - e
    if d.sum() <= 0:
        raise ArgumentError("every criterion takes the same value for every row; entropy gives no weights.",
                            argument="frame")
    return pd.Series(d / d.sum(), index=frame.columns, name="weight")


def combine(ahp_weights: pd.Series, entropy: pd.Series, *, method: str = "product", ahp_share: float = 0.5
            ) -> pd.Series:
    """Subjective (AHP) and objective (entropy) weights combined.

    Parameters
    ----------
    ahp_weights, entropy : Series
        Criterion -> weight, the same criteria.
    method : {"product", "linear"}
        ``product``: w_ahp x w_entropy renormalised (the multiplicative synthesis common in the literature);
        ``linear``: ``ahp_share`` x w_ahp + (1 - ``ahp_share``) x w_entropy.
    ahp_share : float
        The AHP's share in the linear combination.

    Returns
    -------
    Series

    References
    ----------
    Xu, X. (2004). A note on the subjective and objective integrated approach to determine attribute weights.
    *European Journal of Operational Research*, 156(2), 530-532.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.value_index import combine
    >>> combine(pd.Series({"a": 0.5, "b": 0.5}), pd.Series({"a": 0.8, "b": 0.2})).round(2).to_dict()
    {'a': 0.8, 'b': 0.2}
    """
    if set(ahp_weights.index) != set(entropy.index):
        raise ArgumentError("the AHP and entropy weights name different criteria; weight the same criteria.",
                            argument="entropy")
    e = entropy.reindex(ahp_weights.index)
    if method == "product":
        w = ahp_weights * e
        if w.sum() <= 0:
            raise ArgumentError("the product of the AHP and entropy weights is 0 for every criterion.",
                                argument="entropy")
        return (w / w.sum()).rename("weight")
    if method == "linear":
        if not 0 <= ahp_share <= 1:
            raise ArgumentError(f"ahp_share is {ahp_share}; it must lie between 0 and 1.", argument="ahp_share")
        return (ahp_share * ahp_weights + (1 - ahp_share) * e).rename("weight")
    raise ArgumentError(f"method is {method!r}; use product or linear.", argument="method")


def topsis(frame: pd.DataFrame, weights: pd.Series, benefit: dict | pd.Series) -> pd.Series:
    """Each row's TOPSIS closeness to the ideal: vector-normalised, weighted, against the best and worst values.

    Parameters
    ----------
    frame : DataFrame
        Rows (customers) x criteria.
    weights : Series
        Criterion -> weight (summing to 1).
    benefit : dict or Series
        Criterion -> True when more is better (revenue), False when less is better (days since the last purchase).

    Returns
    -------
    Series
        Row -> closeness in [0, 1] (1: the ideal on every criterion).

    Raises
    ------
    KamError
        A criterion without a weight or a direction, a missing value, or a column that is 0 for every row.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and Applications*. Springer.
    Papathanasiou, J. & Ploskas, N. (2018). TOPSIS. In *Multiple Criteria Decision Aid*, 1-30. Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.value_index import topsis
    >>> t = topsis(pd.DataFrame({"revenue": [100, 50, 10], "recency_days": [5, 30, 200]}),
    ...            pd.Series({"revenue": 0.6, "recency_days": 0.4}), {"revenue": True, "recency_days": False})
    >>> t.round(3).tolist()
    [1.0, 0.594, 0.0]
    """
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    criteria = list(frame.columns)
    missing = [c for c in criteria if c not in weights.index or c not in dict(benefit)]
    if missing:
        raise KamError(f"the criterion {missing[0]} has no weight or no direction; give every criterion both.")
    x = frame.to_numpy(dtype=float)
    if np.isnan(x).any():
        raise KamError(f"the criterion {frame.columns[int(np.argwhere(np.isnan(x))[0][1])]} has missing values; "
                       "fill or drop them before ranking.")
    zero = [c for c, col in zip(criteria, x.T) if not np.any(col)]
    if zero:
        raise KamError(f"the criterion {zero[0]} is 0 for every customer, so it cannot be normalised; leave it out.")
    types = np.array([1 if dict(benefit)[c] else -1 for c in criteria])
    w = weights.reindex(criteria).to_numpy(dtype=float)
    with warnings.catch_warnings():  # pymcdm warns of dominant and dominated rows, which every customer list has
        warnings.simplefilter("ignore", UserWarning)
        closeness = TOPSIS(normalization_function=vector_normalization)(x, w / w.sum(), types)
    return pd.Series(closeness, index=frame.index, name="closeness")


#: The criteria the index can take from a log, each computed per customer on the calibration period, with the
#: direction in which it is better (True: more is better)
CRITERIA = {"revenue": True, "purchase_days": True, "days_since_last_purchase": False, "tenure_days": True,
            "average_order_value": True, "products": True, "profit": True}


def criteria(transactions: pd.DataFrame, *, start, end) -> pd.DataFrame:
    """Every criterion of :data:`CRITERIA` the log supports, per customer, from ``start`` to ``end``.

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``; ``amount``, ``order_id``, ``product``, ``profit`` where mapped).
    start, end : date-like
        The period (the calibration period when the index is judged on the holdout).

    Returns
    -------
    DataFrame
        Customer -> ``purchase_days``, ``days_since_last_purchase`` (at ``end``), ``tenure_days`` (first purchase
        to ``end``) and, where the log has them, ``revenue``, ``average_order_value`` (per order id, else per
        purchase day), ``products`` (distinct) and ``profit``.

    Examples
    --------
    >>> from kamlib.value_index import criteria
    >>> c = criteria(tx, start="1997-01-01", end="1997-09-30")
    >>> sorted(c.columns)
    ['average_order_value', 'days_since_last_purchase', 'purchase_days', 'revenue', 'tenure_days']
    """
    end_ts, start_ts = pd.Timestamp(end), pd.Timestamp(start)
    t = transactions[(transactions["date"] >= start_ts) & (transactions["date"] <= end_ts)]
    if t.empty:
        raise KamError(f"the log has no purchase from {start_ts:%Y-%m-%d} to {end_ts:%Y-%m-%d}; the value index "
                       "needs the calibration period's purchases.")
    day = t["date"].dt.normalize()
    g = t.assign(day=day).groupby("customer_id")
    out = pd.DataFrame({"purchase_days": g["day"].nunique(),
                        "days_since_last_purchase": (end_ts.normalize() - g["day"].max()).dt.days,
                        "tenure_days": (end_ts.normalize() - g["day"].min()).dt.days})
    if "amount" in t and t["amount"].notna().any():
        out["revenue"] = g["amount"].sum().clip(lower=0)
        orders = g["order_id"].nunique() if "order_id" in t and t["order_id"].notna().any() else out["purchase_days"]
        out["average_order_value"] = out["revenue"] / orders
    if "product" in t and t["product"].notna().any():
        out["products"] = g["product"].nunique()
    if "profit" in t and t["profit"].notna().any():
        out["profit"] = g["profit"].sum()
    return out


def matrix(pairwise: dict, names: list[str]) -> pd.DataFrame:
    """The reciprocal comparison matrix from the upper triangle of judgements a study writes.

    Parameters
    ----------
    pairwise : dict
        ``{a: {b: 3}}``: a is 3 times as important as b (Saaty's 1-9 scale, 1/3 for the reverse); one judgement per
        pair, in either order.
    names : list of str
        The criteria, in the matrix's order.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> from kamlib.value_index import matrix
    >>> matrix({"revenue": {"purchase_days": 3}}, ["revenue", "purchase_days"]).to_numpy().round(3).tolist()
    [[1.0, 3.0], [0.333, 1.0]]
    """
    m = pd.DataFrame(1.0, index=names, columns=names)
    seen = set()
    for a, row in (pairwise or {}).items():
        for b, v in dict(row).items():
            if a not in names or b not in names:
                raise KamError(f"value_index.pairwise compares {a} with {b}, but the criteria are "
                               f"{', '.join(names)}; compare only declared criteria.")
            if frozenset((a, b)) in seen:
                raise KamError(f"value_index.pairwise judges {a} against {b} twice; keep one.")
            seen.add(frozenset((a, b)))
            v = float(v)
            if v <= 0:
                raise KamError(f"value_index.pairwise.{a}.{b} is {v:g}; judgements are positive (1-9, or 1/3 for the "
                               "reverse).")
            m.loc[a, b], m.loc[b, a] = v, 1 / v
    missing = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if frozenset((a, b)) not in seen]
    if missing and len(names) > 1:
        raise KamError(f"value_index.pairwise has no judgement of {missing[0][0]} against {missing[0][1]}; judge "
                       "every pair of criteria once.")
    return m


@dataclass(frozen=True)
class ValueIndex(Result):
    """A customer-value index (:func:`build`).

    Attributes
    ----------
    weights : DataFrame
        ``criterion``, ``direction`` ("more is better" / "less is better"), ``ahp``, ``entropy``, ``weight`` (the one
        used).
    method : str
        ``ahp``, ``entropy`` or ``combined`` (with ``combination``).
    ahp : AHP or None
    closeness : Series
        Customer -> TOPSIS closeness (the index).
    values : DataFrame
        The criteria per customer.
    note : Message or str
        One sentence naming the criteria that take the same value for every customer (they cannot tell customers
        apart: entropy weight 0, and an AHP weight that ranks no one); empty otherwise.
    """

    weights: pd.DataFrame
    method: str
    ahp: AHP | None
    closeness: pd.Series
    values: pd.DataFrame
    note: object = ""


def build(values: pd.DataFrame, directions: dict, *, pairwise: dict | None = None, method: str = "combined",
          combination: str = "product", ahp_share: float = 0.5) -> ValueIndex:
    """The index: the criteria weighted by AHP, entropy or both, and each customer's TOPSIS closeness.

    Parameters
    ----------
    values : DataFrame
        :func:`criteria`.
    directions : dict
        Criterion -> ``"benefit"`` (more is better) or ``"cost"``; the index uses these criteria, in this order.
    pairwise : dict, optional
        The AHP judgements (:func:`matrix`); needed unless ``method`` is ``entropy``.
    method : {"ahp", "entropy", "combined"}
        How the criteria are weighted; the entropy of a "cost" criterion is taken on its distance from the worst
        value, and of a criterion with losses on its distance from the largest loss.
    combination, ahp_share
        As :func:`combine`.

    Returns
    -------
    ValueIndex

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill. Hwang, C.-L. & Yoon, K. (1981). *Multiple
    Attribute Decision Making*. Springer.

    Examples
    --------
    >>> from kamlib.value_index import build, criteria
    >>> v = build(criteria(tx, start="1997-01-01", end="1997-09-30"), {"revenue": "benefit", "purchase_days": "benefit",
    ...           "days_since_last_purchase": "cost"}, pairwise={"revenue": {"purchase_days": 2,
    ...           "days_since_last_purchase": 3}, "purchase_days": {"days_since_last_purchase": 2}})
    >>> v.weights["weight"].round(2).tolist(), len(v.closeness)
    ([0.72, 0.18, 0.1], 2357)
    """
    names = list(directions)
    absent = [c for c in names if c not in values.columns]
    if absent:
        raise KamError(f"value_index.criteria names {absent[0]}, which this log cannot give (it gives "
                       f"{', '.join(values.columns)}); map the column it needs or choose among those.")
    wrong = [c for c, d in directions.items() if d not in ("benefit", "cost")]
    if wrong:
        raise KamError(f"value_index.criteria.{wrong[0]} is {directions[wrong[0]]!r}; write benefit (more is better) "
                       "or cost (less is better).")
    if method not in ("ahp", "entropy", "combined"):
        raise KamError(f"value_index.weights is {method!r}; write ahp, entropy or combined.")
    x = values[names].astype(float)
    constant = [c for c in names if x[c].nunique(dropna=False) <= 1]
    if len(constant) == len(names):
        raise KamError(f"every criterion of value_index.criteria ({', '.join(names)}) takes the same value for every "
                       "customer, so the index cannot rank them; choose criteria that differ between customers.")
    a = ahp(matrix(pairwise or {}, names)) if method != "entropy" else None
    # the entropy of a cost criterion is taken on its distance from the worst value (max - x), and of a benefit
    # criterion with negative values (a loss) on its distance from the worst (x - min): entropy needs values >= 0
    spread = x.copy()
    for c in names:
        if directions[c] == "cost":
            spread[c] = x[c].max() - x[c]
        elif x[c].min() < 0:
            spread[c] = x[c] - x[c].min()
    varied = [c for c in names if c not in constant]  # a constant criterion carries no information: entropy weight 0
    e = entropy_weights(spread[varied]).reindex(names, fill_value=0.0) if method != "ahp" else None
    w = (a.weights if method == "ahp" else e if method == "entropy" else
         combine(a.weights, e, method=combination, ahp_share=ahp_share))
    # a constant criterion is as far from the ideal as from the worst for every customer: left out of TOPSIS, which
    # leaves every closeness as it is (both distances scale alike) and spares a criterion of zeros the normalisation
    closeness = topsis(x[varied], w[varied], {c: directions[c] == "benefit" for c in varied})
    table = pd.DataFrame({"criterion": names,
                          "direction": ["more is better" if directions[c] == "benefit" else "less is better"
                                        for c in names],
                          "ahp": [a.weights[c] if a is not None else np.nan for c in names],
                          "entropy": [e[c] if e is not None else np.nan for c in names],
                          "weight": [w[c] for c in names]})
    note = ("" if not constant else
            Message("The criterion {name} takes the same value for every customer ({value:,.4g}), so it cannot tell "
                    "customers apart: its entropy weight is 0 and any AHP weight it has ranks no one; leave it out of "
                    "value_index.criteria.", name=constant[0], value=float(x[constant[0]].iloc[0]))
            if len(constant) == 1 else
            Message("The criteria {names} each take the same value for every customer, so they cannot tell customers "
                    "apart: their entropy weights are 0 and any AHP weight they have ranks no one; leave them out of "
                    "value_index.criteria.", names=", ".join(constant)))
    return ValueIndex(table, method, a, closeness, x, note)


def sensitivity(index: ValueIndex, directions: dict, pairwise: dict, *, share: float = 0.2, combination: str = "product",
                ahp_share: float = 0.5) -> pd.DataFrame:
    """How the ranking moves when each AHP judgement moves one step on Saaty's scale (up and down).

    Parameters
    ----------
    index : ValueIndex
        :func:`build`'s result.
    directions, pairwise, combination, ahp_share
        As given to :func:`build`.
    share : float
        The top share whose membership is compared.

    Returns
    -------
    DataFrame
        One row per judgement and step: ``judgement``, ``value``, ``spearman`` (rank correlation of the closeness
        with the index's), ``top_overlap`` (share of the index's top ``share`` still in the top).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Examples
    --------
    >>> from kamlib.value_index import build, criteria, sensitivity
    >>> d = {"revenue": "benefit", "purchase_days": "benefit"}
    >>> p = {"revenue": {"purchase_days": 3}}
    >>> v = build(criteria(tx, start="1997-01-01", end="1997-09-30"), d, pairwise=p, method="ahp")
    >>> sensitivity(v, d, p, share=0.2)["judgement"].tolist()
    ['revenue : purchase_days', 'revenue : purchase_days']
    """
    from .concentration import top_count

    if index.method == "entropy":
        return pd.DataFrame(columns=["judgement", "value", "spearman", "top_overlap"])
    scale = [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    k = max(1, top_count(len(index.closeness), share))
    top = set(index.closeness.sort_values(ascending=False, kind="mergesort").index[:k])
    rows = []
    for a, row in pairwise.items():
        for b, v in dict(row).items():
            i = int(np.argmin([abs(np.log(s) - np.log(float(v))) for s in scale]))
            for j in (i - 1, i + 1):
                if not 0 <= j < len(scale):
                    continue
                moved = {x: dict(y) for x, y in pairwise.items()}
                moved[a][b] = scale[j]
                try:
                    alt = build(index.values, directions, pairwise=moved, method=index.method, combination=combination,
                                ahp_share=ahp_share).closeness
                except ArgumentError:  # the step makes the matrix inconsistent: Saaty's rule refuses it
                    continue
                alt_top = set(alt.sort_values(ascending=False, kind="mergesort").index[:k])
                rows.append({"judgement": Message("{a} : {b}", "phrase", a=a, b=b), "value": scale[j],
                             "spearman": float(index.closeness.corr(alt, method="spearman")),
                             "top_overlap": len(top & alt_top) / k})
    return pd.DataFrame(rows, columns=["judgement", "value", "spearman", "top_overlap"])


def for_study(transactions: pd.DataFrame, *, start, end, criteria_: dict, pairwise: dict | None = None,
              weights: str = "combined", combination: str = "product", ahp_share: float = 0.5) -> ValueIndex | None:
    """The index a study declares (``value_index.*``) on the log's period from ``start`` to ``end``; None when it
    declares no criteria. The identification notebook and :func:`kamlib.tiers.identify` both build it here.

    Parameters
    ----------
    transactions : DataFrame
    start, end : date-like
        The calibration period.
    criteria_ : dict
        ``value_index.criteria``.
    pairwise, weights, combination, ahp_share
        ``value_index.*``, as :func:`build`.

    Returns
    -------
    ValueIndex or None

    Examples
    --------
    >>> from kamlib.value_index import for_study
    >>> for_study(tx, start="1997-01-01", end="1997-09-30", criteria_={}) is None
    True
    """
    if not criteria_:
        return None
    return build(criteria(transactions, start=start, end=end), dict(criteria_), pairwise=pairwise, method=weights,
                 combination=combination, ahp_share=ahp_share)
