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

__all__ = ["AHP", "RANDOM_INDEX", "ahp", "combine", "entropy_weights", "topsis"]

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
