"""Revenue concentration: Pareto table, Lorenz curve, Gini coefficient, ABC classes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import KamError

__all__ = ["abc_classes", "abc_table", "gini", "lorenz", "pareto_table", "top_count"]


def top_count(n: int, share: float) -> int:
    """How many of ``n`` customers "the top ``share``" is: ``max(1, round(share * n))`` (0 when ``n`` is 0).

    The one count rule of the workbook's top-customer selections (Pareto tables, key-account tiers, selection
    rules, recommendation groups).

    Parameters
    ----------
    n : int
        Number of customers.
    share : float
        Share of customers, in (0, 1].

    Returns
    -------
    int

    Examples
    --------
    >>> from kamlib.concentration import top_count
    >>> top_count(4362, 0.2), top_count(3, 0.2), top_count(0, 0.2)
    (872, 1, 0)
    """
    return 0 if n == 0 else max(1, int(round(share * n)))


def _values(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        raise KamError("Concentration needs at least one customer value.")
    if np.isnan(v).any() or (v < 0).any():
        raise KamError("Concentration needs non-negative customer values without missing entries.")
    return v


def lorenz(values) -> pd.DataFrame:
    """Lorenz curve: cumulative share of customers (lowest value first) against cumulative share of value.

    Parameters
    ----------
    values : array-like
        Non-negative value per customer (revenue, CLV).

    Returns
    -------
    DataFrame
        ``customer_share`` and ``value_share``, from (0, 0) to (1, 1).

    References
    ----------
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *JASA*, 9(70), 209-219.

    Examples
    --------
    >>> from kamlib.concentration import lorenz
    >>> lorenz([1, 3])["value_share"].tolist()
    [0.0, 0.25, 1.0]
    """
    v = np.sort(_values(values))
    n = len(v)
    return pd.DataFrame({"customer_share": np.arange(0, n + 1) / n,
                         "value_share": np.concatenate([[0.0], np.cumsum(v) / v.sum()])})


def gini(values) -> float:
    """Gini coefficient of customer value, ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, in O(n log n).

    Parameters
    ----------
    values : array-like
        Non-negative value per customer.

    Returns
    -------
    float
        0 (all equal) to (n - 1)/n (one customer holds everything); 0 when all values are 0.

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna; Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *JASA*, 9(70), 209-219.

    Examples
    --------
    >>> from kamlib.concentration import gini
    >>> gini([0, 0, 0, 1])
    0.75
    """
    v = np.sort(_values(values))
    n = len(v)
    if v.sum() == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(2 * np.sum(i * v) / (n * v.sum()) - (n + 1) / n)


def pareto_table(values, shares=(0.01, 0.05, 0.10, 0.20, 0.50)) -> pd.DataFrame:
    """Share of total value held by the top customers (largest first).

    Parameters
    ----------
    values : array-like
        Non-negative value per customer.
    shares : sequence of float
        Top shares of customers to report.

    Returns
    -------
    DataFrame
        ``top_customer_share``, ``customers``, ``value``, ``value_share``.

    References
    ----------
    Koch, R. (1998). *The 80/20 Principle*. Currency (the Pareto rule in customer value).

    Examples
    --------
    >>> from kamlib.concentration import pareto_table
    >>> float(pareto_table([1, 1, 8], shares=[1/3])["value_share"].iloc[0])
    0.8
    """
    v = np.sort(_values(values))[::-1]
    n, total = len(v), v.sum()
    rows = []
    for s in shares:
        k = top_count(n, s)
        rows.append({"top_customer_share": s, "customers": k, "value": float(v[:k].sum()),
                     "value_share": float(v[:k].sum() / total)})
    return pd.DataFrame(rows)


def abc_classes(values: pd.Series, a: float = 0.80, b: float = 0.95) -> pd.Series:
    """ABC class of each customer: A holds the first ``a`` of value (largest first), B up to ``b``, C the rest.

    A customer belongs to A if the cumulative share *before* it is below ``a``, so the customer who crosses
    the threshold is in A.

    Parameters
    ----------
    values : Series
        Non-negative value per customer.
    a, b : float
        Cumulative value shares ending classes A and B (0 < a < b <= 1).

    Returns
    -------
    Series
        ``"A"``, ``"B"`` or ``"C"`` per customer, on the index of ``values``.

    References
    ----------
    Dickie, H. F. (1951). ABC inventory analysis shoots for dollars, not pennies. *Factory Management and
    Maintenance*, 109(7), 92-94.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.concentration import abc_classes
    >>> abc_classes(pd.Series([80, 15, 5])).tolist()
    ['A', 'B', 'C']
    """
    if not 0 < a < b <= 1:
        raise KamError(f"ABC thresholds need 0 < a < b <= 1, got a={a}, b={b}.")
    s = pd.Series(_values(values), index=getattr(values, "index", None)).sort_values(ascending=False, kind="stable")
    before = (s.cumsum() - s) / s.sum()
    cls = pd.Series(np.where(before < a, "A", np.where(before < b, "B", "C")), index=s.index)
    return cls.reindex(s.index if not hasattr(values, "index") else values.index)


def abc_table(values: pd.Series, a: float = 0.80, b: float = 0.95) -> pd.DataFrame:
    """Customers and value per ABC class (:func:`abc_classes`).

    Parameters
    ----------
    values : Series
        Non-negative value per customer.
    a, b : float
        Class thresholds as in :func:`abc_classes`.

    Returns
    -------
    DataFrame
        ``class``, ``customers``, ``value``, ``customer_share``, ``value_share``.

    References
    ----------
    Dickie, H. F. (1951). ABC inventory analysis shoots for dollars, not pennies.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.concentration import abc_table
    >>> abc_table(pd.Series([80, 15, 5]))["customers"].tolist()
    [1, 1, 1]
    """
    cls = abc_classes(values, a, b)
    v = pd.Series(_values(values), index=cls.index)
    g = v.groupby(cls)
    out = pd.DataFrame({"customers": g.size(), "value": g.sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    out["value_share"] = out["value"] / out["value"].sum()
    return out.rename_axis("class").reset_index()
