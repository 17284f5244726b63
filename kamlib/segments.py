"""Behavioural segmentation: features, choice of k, k-means with stability, alternatives, profiles.

Features per customer (from the transaction log, aggregated with DuckDB):
``orders`` (purchase days), ``revenue``, ``recency_days`` (days since the last
purchase), ``tenure_days`` (since the first), ``ipt_days`` (mean days between
purchase days; for one-time buyers their tenure, a lower bound) and
``avg_order`` (revenue per purchase day); plus the share of revenue per
``channel``/``category`` when the log has those columns. Clustering uses
log1p of the skewed ones, standardised.

References: Tibshirani, Walther & Hastie (2001) gap statistic; Rousseeuw (1987)
silhouette; Hubert & Arabie (1985) adjusted Rand index.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._results import Result
from .errors import KamError, require_columns
from .i18n import Message

__all__ = ["FEATURES", "FEATURES_SQL", "KChoice", "LOGGED", "alternatives", "choose_k", "cluster", "features",
           "gap_statistic", "matrix", "name_segments", "profile", "projection", "snake"]

FEATURES = ["orders", "revenue", "avg_order", "recency_days", "tenure_days", "ipt_days"]
LOGGED = ["orders", "revenue", "avg_order", "recency_days", "tenure_days", "ipt_days"]

# Purchase days are customer-days whose lines sum to 0 or more; refunds are netted into revenue (not below 0).
FEATURES_SQL = """
WITH days AS (
    SELECT customer_id, CAST(date AS DATE) AS day, SUM(amount) AS amount
    FROM tx WHERE CAST(date AS DATE) <= DATE '{end}'
    GROUP BY customer_id, CAST(date AS DATE)
), c AS (
    SELECT customer_id,
           COUNT(*) FILTER (WHERE amount >= 0) AS orders,
           GREATEST(SUM(amount), 0) AS revenue,
           MIN(day) FILTER (WHERE amount >= 0) AS first_day,
           MAX(day) FILTER (WHERE amount >= 0) AS last_day
    FROM days GROUP BY customer_id HAVING COUNT(*) FILTER (WHERE amount >= 0) > 0
)
SELECT customer_id, orders, revenue,
       revenue / orders AS avg_order,
       DATE_DIFF('day', last_day, DATE '{end}') AS recency_days,
       DATE_DIFF('day', first_day, DATE '{end}') AS tenure_days,
       CASE WHEN orders > 1 THEN DATE_DIFF('day', first_day, last_day) / (orders - 1)
            ELSE DATE_DIFF('day', first_day, DATE '{end}') END AS ipt_days
FROM c ORDER BY customer_id
"""


def features(transactions: pd.DataFrame, *, end=None) -> pd.DataFrame:
    """Behavioural features per customer up to ``end``.

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``, ``amount``; optional ``channel``, ``category``).
    end : date-like, optional
        Last date used (default: the last date in the log).

    Returns
    -------
    DataFrame
        Per customer: ``orders`` (purchase days), ``revenue``, ``avg_order``, ``recency_days``, ``tenure_days``,
        ``ipt_days`` (mean days between purchases) and, where mapped, ``channel_share_*`` / ``category_share_*``.

    References
    ----------
    Wedel, M. & Kamakura, W. A. (2000). *Market Segmentation: Conceptual and Methodological Foundations*
    (2nd ed.). Kluwer.

    Examples
    --------
    >>> feats = features(tx)
    >>> feats.shape
    (2357, 6)
    """
    from ._io import connect

    require_columns(transactions, ["customer_id", "date", "amount"], where="the transaction log")
    end = pd.Timestamp(end or transactions["date"].max()).date().isoformat()
    con = connect()
    try:
        con.register("tx", transactions[["customer_id", "date", "amount"]])
        out = con.execute(FEATURES_SQL.format(end=end)).df().set_index("customer_id")
    finally:
        con.close()
    out = out.astype({"orders": "int64", "recency_days": "float64", "tenure_days": "float64", "ipt_days": "float64"})
    for col in ("channel", "category"):
        if col in transactions and transactions[col].notna().any():
            sub = transactions[pd.to_datetime(transactions["date"]) <= pd.Timestamp(end)]
            mix = sub.pivot_table(index="customer_id", columns=col, values="amount", aggfunc="sum",
                                  fill_value=0).clip(lower=0)  # net of returns, never below 0
            top = mix.sum().nlargest(5).index
            share = mix[top].div(mix.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
            # customers without any positive line in a mapped category (or with none mapped) have shares 0
            out = out.join(share.add_prefix(f"{col}_share_"), how="left").fillna({f"{col}_share_{c}": 0.0 for c in top})
    return out


def matrix(feats: pd.DataFrame) -> pd.DataFrame:
    """Standardised clustering matrix: log1p of the skewed features, mix shares as they are.

    Parameters
    ----------
    feats : DataFrame
        From :func:`features`.

    Returns
    -------
    DataFrame
        Customers x standardised columns (mean 0, sd 1).

    Examples
    --------
    >>> X = matrix(features(tx))
    >>> X.shape
    (2357, 6)
    """
    X = feats.copy()
    for c in LOGGED:
        if c in X:
            X[c] = np.log1p(X[c].clip(lower=0))
    X = X.astype(float)
    sd = X.std(ddof=0).replace(0, 1)
    return (X - X.mean()) / sd


def _kmeans(X, k, seed):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)


def gap_statistic(X: np.ndarray, k: int, *, n_refs: int = 10, seed: int = 0, inertia: float | None = None) -> tuple[float, float]:
    """Gap(k) = E*[log W_k] - log W_k against uniform references over the data's bounding box.

    Parameters
    ----------
    X : ndarray
        Customers x features.
    k : int
        Number of clusters.
    n_refs : int
        Reference data sets (B).
    seed : int
        Random seed.
    inertia : float, optional
        W_k of the data when already computed.

    Returns
    -------
    gap : float
        The gap statistic.
    se : float
        s_k = sd * sqrt(1 + 1/B).

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001). Estimating the number of clusters in a data set via the
    gap statistic. *JRSS B*, 63(2), 411-423.

    Examples
    --------
    >>> gap, se = gap_statistic(np.random.default_rng(0).normal(size=(100, 2)), 2)
    >>> se > 0
    True
    """
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(seed)
    lo, hi = X.min(axis=0), X.max(axis=0)
    w = inertia if inertia is not None else _kmeans(X, k, seed).inertia_
    ref = [np.log(KMeans(n_clusters=k, n_init=3, random_state=seed + i).fit(rng.uniform(lo, hi, X.shape)).inertia_)
           for i in range(n_refs)]
    return float(np.mean(ref) - np.log(w)), float(np.std(ref) * np.sqrt(1 + 1 / n_refs))


@dataclass(frozen=True)
class KChoice(Result):
    """The criteria for each number of segments k, and the k they choose.

    Attributes
    ----------
    table : DataFrame
        One row per k: ``k``, ``inertia`` (elbow), ``silhouette``, ``gap``, ``gap_se``, ``stability_ari``.
    k_silhouette : int
        The k with the best silhouette.
    k_gap : int
        Tibshirani's one-standard-error rule: the smallest k with gap(k) >= gap(k+1) - s(k+1)
        (the largest k tried if none).
    k_chosen : int
        ``k_gap`` when the rule stopped below the largest k tried and that solution is stable, else the
        best silhouette among k >= 3.
    """

    table: pd.DataFrame
    k_silhouette: int
    k_gap: int
    k_chosen: int

    def summary_frame(self) -> pd.DataFrame:
        """The criteria table, one row per k."""
        return self.table.copy()


def choose_k(X: pd.DataFrame | np.ndarray, ks=range(2, 9), *, n_init: int = 5, seed: int = 0, gap_refs: int = 10,
             silhouette_sample: int = 5000, min_stability: float = 0.8) -> KChoice:
    """Compare numbers of segments by elbow, silhouette, gap statistic and stability.

    Parameters
    ----------
    X : DataFrame or ndarray
        Customers x standardised features (:func:`matrix`).
    ks : iterable of int
        The numbers of segments to try.
    n_init : int
        k-means fits per k; stability is the mean adjusted Rand index between them.
    seed : int
        First random seed (fits use ``seed``, ``seed + 1``, ...).
    gap_refs : int
        Uniform reference data sets of the gap statistic.
    silhouette_sample : int
        The silhouette is computed on a random sample of at most this many customers.
    min_stability : float
        The gap rule's k is kept only if its mean ARI is at least this.

    Returns
    -------
    KChoice
        The criteria per k and the chosen k (two segments rarely help a marketer, so the silhouette
        fallback looks at k >= 3).

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001). Estimating the number of clusters in a data set via
    the gap statistic. *JRSS B*, 63(2), 411-423. Rousseeuw, P. J. (1987). Silhouettes. *J. Comput. Appl.
    Math.*, 20, 53-65. Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.

    Examples
    --------
    >>> choice = choose_k(matrix(features(tx)), range(2, 5), n_init=2, gap_refs=2, seed=1)
    >>> choice.k_chosen
    3
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    X = np.asarray(X, float)
    ks = list(ks)
    if len(X) < max(ks) * 5:
        raise KamError(f"Too few customers ({len(X)}) to compare up to k = {max(ks)} segments.")
    rows = []
    for k in ks:
        fits = [_kmeans(X, k, seed + s) for s in range(n_init)]
        labels = [f.labels_ for f in fits]
        ari = [adjusted_rand_score(a, b) for a, b in itertools.combinations(labels, 2)]
        sil = silhouette_score(X, labels[0], sample_size=min(silhouette_sample, len(X)), random_state=seed)
        gap, s = gap_statistic(X, k, n_refs=gap_refs, seed=seed, inertia=fits[0].inertia_)
        rows.append({"k": k, "inertia": fits[0].inertia_, "silhouette": sil, "gap": gap, "gap_se": s,
                     "stability_ari": float(np.mean(ari)) if ari else 1.0})
    out = pd.DataFrame(rows)
    k_silhouette = int(out.loc[out["silhouette"].idxmax(), "k"])
    k_gap = out["k"].iloc[-1]
    for i in range(len(out) - 1):
        if out["gap"].iloc[i] >= out["gap"].iloc[i + 1] - out["gap_se"].iloc[i + 1]:
            k_gap = out["k"].iloc[i]
            break
    stable = out.set_index("k").loc[k_gap, "stability_ari"] >= min_stability
    if k_gap < out["k"].max() and stable:
        k_chosen = int(k_gap)
    else:
        cand = out[out["k"] >= 3] if (out["k"] >= 3).any() else out
        k_chosen = int(cand.loc[cand["silhouette"].idxmax(), "k"])
    return KChoice(out, k_silhouette, int(k_gap), k_chosen)


def cluster(X: pd.DataFrame, k: int, *, seed: int = 0) -> pd.Series:
    """k-means labels, renumbered so that segment 0 is the largest.

    Parameters
    ----------
    X : DataFrame
        Standardised matrix (:func:`matrix`).
    k : int
        Number of segments.
    seed : int
        Random seed (k-means++ starts).

    Returns
    -------
    Series
        Segment number per customer.

    References
    ----------
    Arthur, D. & Vassilvitskii, S. (2007). k-means++: the advantages of careful seeding. *SODA '07*, 1027-1035.

    Examples
    --------
    >>> X = matrix(features(tx))
    >>> labels = cluster(X, 4, seed=1)
    >>> len(set(labels))
    4
    """
    labels = _kmeans(np.asarray(X, float), k, seed).labels_
    order = pd.Series(labels).value_counts().index
    remap = {old: new for new, old in enumerate(order)}
    return pd.Series([remap[v] for v in labels], index=X.index, name="segment")


def alternatives(X: pd.DataFrame, k: int, kmeans_labels: pd.Series, *, seed: int = 0, sample: int = 5000) -> pd.DataFrame:
    """Gaussian mixture and Ward clustering with the same k, and their agreement with k-means.

    Parameters
    ----------
    X : DataFrame
        Standardised matrix.
    k : int
        Number of segments.
    kmeans_labels : Series
        From :func:`cluster`.
    seed : int
        Random seed.
    sample : int
        Ward runs on a random sample of at most this many customers.

    Returns
    -------
    DataFrame
        ``method``, ``k``, ``ari_vs_kmeans`` (adjusted Rand index), ``silhouette``, ``n`` (customers used).

    References
    ----------
    Ward, J. H. (1963). Hierarchical grouping to optimize an objective function. *JASA*, 58, 236-244.
    Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.

    Examples
    --------
    >>> X = matrix(features(tx))
    >>> alternatives(X, 4, cluster(X, 4, seed=1)).columns.tolist()
    ['method', 'k', 'ari_vs_kmeans', 'silhouette', 'n']
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import adjusted_rand_score, silhouette_score
    from sklearn.mixture import GaussianMixture

    Xa = np.asarray(X, float)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(Xa), min(sample, len(Xa)), replace=False)
    gmm = GaussianMixture(n_components=k, covariance_type="full", random_state=seed, n_init=3).fit(Xa)
    g = gmm.predict(Xa)
    ward = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(Xa[idx])
    km = kmeans_labels.to_numpy()
    return pd.DataFrame([
        {"method": "k-means", "k": k, "ari_vs_kmeans": 1.0, "silhouette": silhouette_score(Xa[idx], km[idx]), "n": len(Xa)},
        {"method": "Gaussian mixture (full covariance)", "k": k, "ari_vs_kmeans": adjusted_rand_score(km, g),
         "silhouette": silhouette_score(Xa[idx], g[idx]), "n": len(Xa)},
        {"method": "Ward hierarchical (sample)", "k": k, "ari_vs_kmeans": adjusted_rand_score(km[idx], ward),
         "silhouette": silhouette_score(Xa[idx], ward), "n": len(idx)},
    ])


def profile(feats: pd.DataFrame, labels: pd.Series, clv: pd.Series | None = None) -> pd.DataFrame:
    """Size, shares of customers and revenue, mean features (and CLV) per segment, with a name.

    Parameters
    ----------
    feats : DataFrame
        From :func:`features`.
    labels : Series
        Segment per customer.
    clv : Series, optional
        CLV per customer, averaged per segment.

    Returns
    -------
    DataFrame
        ``segment``, ``customers``, ``customer_share``, ``revenue_share``, mean features, ``mean_clv`` and
        ``name`` (:func:`name_segments`).

    Examples
    --------
    >>> feats = features(tx)
    >>> prof = profile(feats, cluster(matrix(feats), 4, seed=1))
    >>> len(prof)
    4
    """
    d = feats.assign(segment=labels)
    if clv is not None:
        d["clv"] = clv.reindex(d.index)
    g = d.groupby("segment")
    cols = [c for c in FEATURES + (["clv"] if clv is not None else []) if c in d]
    out = g[cols].mean().add_prefix("mean_")
    out.insert(0, "customers", g.size())
    out.insert(1, "customer_share", out["customers"] / len(d))
    out.insert(2, "revenue_share", g["revenue"].sum() / d["revenue"].sum())
    out.insert(0, "name", name_segments(out))
    return out.reset_index()


def name_segments(prof: pd.DataFrame) -> list[str]:
    """Marketer's names from the segment means relative to the customer-weighted average.

    recent = mean recency below average; frequent = mean orders above average; high value = mean revenue
    above average. Names: Champions (recent, frequent, high value), Loyal regulars (recent, frequent), Big
    spenders (high value, not frequent), New or occasional (recent, not frequent), Fading regulars (not
    recent, frequent), Lapsed one-timers (not recent, not frequent). Segments sharing a name are told apart
    by their mean revenue: "high value", "low value" (and "mid value", then numbers).

    Parameters
    ----------
    prof : DataFrame
        Segment profiles with ``customers``, ``mean_recency_days``, ``mean_orders``, ``mean_revenue``.

    Returns
    -------
    list of str
        One name per row of ``prof``.

    Examples
    --------
    >>> feats = features(tx)
    >>> names = name_segments(profile(feats, cluster(matrix(feats), 4, seed=1)))
    >>> len(names)
    4
    """
    w = prof["customers"] / prof["customers"].sum()
    avg = {c: float((prof[f"mean_{c}"] * w).sum()) for c in ("recency_days", "orders", "revenue")}
    names = []
    for _, r in prof.iterrows():
        recent = r["mean_recency_days"] < avg["recency_days"]
        frequent = r["mean_orders"] > avg["orders"]
        high = r["mean_revenue"] > avg["revenue"]
        if recent and frequent and high:
            n = "Champions"
        elif recent and frequent:
            n = "Loyal regulars"
        elif high and not frequent:
            n = "Big spenders"
        elif recent:
            n = "New or occasional"
        elif frequent:
            n = "Fading regulars"
        else:
            n = "Lapsed one-timers"
        names.append(n)
    out = list(names)
    for n in set(names):
        idx = [i for i, m in enumerate(names) if m == n]
        if len(idx) == 1:
            continue
        by_value = sorted(idx, key=lambda i: -prof["mean_revenue"].iloc[i])
        tags = ["high value", "mid value", "low value"] if len(idx) == 3 else ["high value", "low value"] if len(idx) == 2 \
            else [Message("value rank {rank}", "phrase", rank=r) for r in range(1, len(idx) + 1)]
        for i, tag in zip(by_value, tags):
            out[i] = Message("{name}, {tag}", "phrase", name=n, tag=tag)
    return out


def snake(X: pd.DataFrame, labels: pd.Series, names: dict | None = None) -> pd.DataFrame:
    """Mean standardised feature per segment (long table), for a snake plot.

    Parameters
    ----------
    X : DataFrame
        Standardised matrix.
    labels : Series
        Segment per customer.
    names : dict, optional
        Segment number to name.

    Returns
    -------
    DataFrame
        ``segment``, ``feature``, ``value``.

    Examples
    --------
    >>> X = matrix(features(tx))
    >>> labels = cluster(X, 4, seed=1)
    >>> snake(X, labels, {k: f"segment {k}" for k in set(labels)}).shape
    (24, 3)
    """
    m = X.assign(segment=labels.map(names) if names else labels).groupby("segment").mean()
    return m.reset_index().melt(id_vars="segment", var_name="feature", value_name="mean_z")


def projection(X: pd.DataFrame, *, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """First two principal components of the standardised features.

    Parameters
    ----------
    X : DataFrame
        Standardised matrix.
    seed : int
        Random seed of the solver.

    Returns
    -------
    proj : DataFrame
        ``pc1``, ``pc2`` per customer.
    explained : ndarray
        Explained variance ratio of the two components.

    References
    ----------
    Jolliffe, I. T. (2002). *Principal Component Analysis* (2nd ed.). Springer.

    Examples
    --------
    >>> proj, explained = projection(matrix(features(tx)))
    >>> proj.shape
    (2357, 2)
    """
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, random_state=seed).fit(X)
    return pd.DataFrame(pca.transform(X), index=X.index, columns=["pc1", "pc2"]), pca.explained_variance_ratio_
