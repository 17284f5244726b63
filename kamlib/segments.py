"""Behavioural segmentation: features, choice of k, k-means with stability, alternatives, profiles.

Features per customer (from the transaction log, aggregated with DuckDB):
``orders`` (purchase days), ``revenue``, ``recency_days`` (days since the last
purchase), ``tenure_days`` (since the first), ``ipt_days`` (mean days between
purchase days; for one-time buyers their tenure, a lower bound) and
``avg_order`` (revenue per purchase day); plus, only when asked (``mix``), the share of revenue per
value of a mapped ``channel``/``category``. Clustering uses log1p of the skewed ones, standardised;
:func:`feature_note` states the list for the report.

Naming rule (:func:`name_segments`, :func:`naming_rule`). A segment's name makes only claims its row
shows, each against the customer-weighted mean of all customers (the mean of the segment means weighted by
their sizes) with a margin ``m`` (default 25%):

==============  ====================================================================================
word            holds when
==============  ====================================================================================
recent          mean ``recency_days`` <= (1 - m) x the overall mean
lapsed          mean ``recency_days`` >= (1 + m) x the overall mean
one-time        mean ``orders`` <= 1.5, or at least 80% of the segment bought on one day only
                (``one_time_share``)
frequent        mean ``orders`` >= (1 + m) x the overall mean, and not one-time
occasional      mean ``orders`` <= (1 - m) x the overall mean, or one-time
high value      mean ``revenue`` >= (1 + m) x the overall mean
==============  ====================================================================================

The names, first match wins: Champions (recent, frequent, high value), Loyal regulars (recent, frequent),
Fading regulars (lapsed, frequent), Big spenders (high value), Lapsed one-timers (lapsed, one-time), Lapsed
occasional buyers (lapsed, occasional), Recent occasional buyers (recent, occasional), One-time buyers
(one-time); a segment with one word only is named by it (:data:`WORD_NAMES`: Recent buyers, Lapsed buyers,
Frequent buyers, Occasional buyers) and the feature, among those its word does not claim, whose mean departs most
from the overall mean, when that departure is at least ``m`` ("Lapsed buyers: lower revenue"). Every combination
of words the rule can produce thus has a name that states it (:func:`name_mapping` prints them). A segment with
no word is named by its number and the feature whose mean departs most from the overall mean, relative to it
("Segment 3: longer tenure"; "close to the average" when none departs by ``m``). Two segments that would share a name are told apart by the feature whose means differ most between
them, relative to its overall mean, when that difference is at least ``m`` ("Champions, longer tenure" and
"Champions, shorter tenure": comparisons between the two); otherwise, and among three or more, by their
numbers. Relative departures are used rather than standardised ones so that every claim can be checked
against the profile row with the same margin; ``ipt_days`` is not used for names (for one-time buyers it is
their tenure, not an interval).

Whether the segments merely reproduce a mapped column (a channel, category or country) is checked by
:func:`mapped_column_agreement`, which says for every compared column how far the segments are related to it (words
from the statistics: :func:`relation`), and :func:`mapped_crosstab` tabulates the segments by the column's values. A
column whose revenue shares were clustering features is not compared: the segments would agree with it partly by
construction.

References: Tibshirani, Walther & Hastie (2001) gap statistic; Rousseeuw (1987)
silhouette; Hubert & Arabie (1985) adjusted Rand index; Cramér (1946) V; Cohen (1988) w and its effect sizes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import verdicts
from ._results import Result
from .errors import KamError, require_columns
from .i18n import Message, join, made

__all__ = ["COHEN_W", "FEATURES", "FEATURES_SQL", "Gap", "KChoice", "LOGGED", "METHOD_DEPENDENT",
           "MappedAgreement", "NAMES", "NAMING_MARGIN", "NAMING_RULE", "NO_STRUCTURE", "Projection",
           "Relation", "Robustness", "SILHOUETTE_BANDS", "TOP_SEGMENT", "TopSegment", "UNSTABLE",
           "WORD_NAMES", "alternatives", "choose_k", "cluster", "feature_note", "feature_words", "features",
           "gap_statistic", "mapped_column_agreement", "mapped_crosstab", "matrix", "name_mapping",
           "name_segments", "naming_rule", "profile", "projection", "relation", "relation_sentence",
           "robustness", "silhouette_band", "snake", "top_segment"]

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


def features(transactions: pd.DataFrame, *, end=None, mix=()) -> pd.DataFrame:
    """Behavioural features per customer up to ``end``.

    Parameters
    ----------
    transactions : DataFrame
        The log (``customer_id``, ``date``, ``amount``; optional ``channel``, ``category``).
    end : date-like, optional
        Last date used (default: the last date in the log).
    mix : sequence of str
        Mapped columns (``"channel"``, ``"category"``) whose revenue shares (of their five largest values) are added
        as features; none by default. Segments clustered on a column's shares cannot then be compared with that
        column (:func:`mapped_column_agreement` leaves it out): they would agree with it by construction.

    Returns
    -------
    DataFrame
        Per customer: ``orders`` (purchase days), ``revenue``, ``avg_order``, ``recency_days``, ``tenure_days``,
        ``ipt_days`` (mean days between purchases) and, for each column of ``mix`` the log has, ``<column>_share_*``.

    References
    ----------
    Wedel, M. & Kamakura, W. A. (2000). *Market Segmentation: Conceptual and Methodological Foundations*
    (2nd ed.). Kluwer.

    Examples
    --------
    >>> from kamlib.segments import features
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
    for col in mix:
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
    >>> from kamlib.segments import features, matrix
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


def feature_words(columns) -> list:
    """The clustering features in words, as the report's column headers name them (the glossary of headers,
    :func:`kamlib.i18n.glossary_words`), in English and Chinese; a column the glossary lacks keeps its name.

    Parameters
    ----------
    columns : sequence of str
        Feature names (:data:`FEATURES`).

    Returns
    -------
    list of Given
        One per column: its words in each language.

    Examples
    --------
    >>> from kamlib.segments import FEATURES, feature_words
    >>> [str(w) for w in feature_words(FEATURES)]  # doctest: +NORMALIZE_WHITESPACE
    ['purchase days', 'revenue', 'revenue per purchase day', 'days since last purchase', 'tenure',
     'days between purchases']
    >>> feature_words(["avg_order"])[0].translate("zh")
    '每个购买日的收入'
    """
    from .i18n import Given, glossary_words

    out = []
    for c in map(str, columns):
        en = glossary_words(c, "en") or c
        en = en[0].lower() + en[1:] if len(en) > 1 and en[1].islower() else en  # "Revenue" -> "revenue"; "CLV" stays
        out.append(Given({"en": en, "zh": glossary_words(c, "zh") or en}))
    return out


def feature_note(columns, compared=()) -> Message:
    """The clustering features in words as a sentence for the report (:func:`feature_words`), and whether the mapped
    columns are among them.

    Parameters
    ----------
    columns : sequence of str
        The features the segments were clustered on (the columns of :func:`matrix`).
    compared : sequence of str
        The mapped columns the segments are compared with (:attr:`MappedAgreement.compared`); the sentence says
        they are not among the features.

    Returns
    -------
    Message

    Examples
    --------
    >>> from kamlib.segments import FEATURES, feature_note
    >>> print(feature_note(FEATURES, ["country"]))  # doctest: +NORMALIZE_WHITESPACE
    The segments are clustered on 6 features per customer, log-scaled and standardised: purchase days, revenue,
    revenue per purchase day, days since last purchase, tenure, days between purchases; the mapped columns they are
    compared with (country) are not among them, so any agreement with them comes from the customers' behaviour, not
    from the clustering's input.
    """
    features = feature_words(columns)
    if list(compared):
        return Message("The segments are clustered on {n} features per customer, log-scaled and standardised: "
                       "{features}; the mapped columns they are compared with ({columns}) are not among them, so any "
                       "agreement with them comes from the customers' behaviour, not from the clustering's input.",
                       n=len(features), features=features, columns=list(compared))
    return Message("The segments are clustered on {n} features per customer, log-scaled and standardised: {features}.",
                   n=len(features), features=features)


def _kmeans(X, k, seed):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit(X)


@dataclass(frozen=True)
class Gap(Result):
    """:func:`gap_statistic`'s result; unpacks as ``gap, se``.

    Attributes
    ----------
    gap : float
        The gap statistic Gap(k).
    se : float
        Its standard error s_k = sd * sqrt(1 + 1/B) over the B reference data sets.
    """

    gap: float
    se: float
    unpack = ("gap", "se")


def gap_statistic(X: np.ndarray, k: int, *, gap_refs: int = 10, seed: int = 0, inertia: float | None = None) -> Gap:
    """Gap(k) = E*[log W_k] - log W_k against uniform references over the data's bounding box.

    Parameters
    ----------
    X : ndarray
        Customers x features.
    k : int
        Number of clusters.
    gap_refs : int
        Reference data sets (B).
    seed : int
        Random seed.
    inertia : float, optional
        W_k of the data when already computed.

    Returns
    -------
    Gap
        ``gap``, the gap statistic, and ``se``, its standard error s_k = sd * sqrt(1 + 1/B); unpacks as
        ``gap, se``.

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001). Estimating the number of clusters in a data set via the
    gap statistic. *JRSS B*, 63(2), 411-423.

    Examples
    --------
    >>> import numpy as np
    >>> from kamlib.segments import gap_statistic
    >>> gap_statistic(np.random.default_rng(0).normal(size=(100, 2)), 2).se > 0
    True
    """
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(seed)
    lo, hi = X.min(axis=0), X.max(axis=0)
    w = inertia if inertia is not None else _kmeans(X, k, seed).inertia_
    ref = [np.log(KMeans(n_clusters=k, n_init=3, random_state=seed + i).fit(rng.uniform(lo, hi, X.shape)).inertia_)
           for i in range(gap_refs)]
    return Gap(float(np.mean(ref) - np.log(w)), float(np.std(ref) * np.sqrt(1 + 1 / gap_refs)))


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
        ``k_gap`` when the rule stopped below the largest k tried and that solution is stable, else the best
        silhouette among the stable k >= 3 (among the stable k when no k >= 3 is stable; among k >= 3 when no k is
        stable: :attr:`none_stable`).
    min_stability : float
        The stability cut-off the choice used (rule ``segment_stability``); NaN when not recorded.
    """

    table: pd.DataFrame
    k_silhouette: int
    k_gap: int
    k_chosen: int
    min_stability: float = float("nan")

    @property
    def none_stable(self) -> bool:
        """No k tried reaches :attr:`min_stability` (the chosen k is then unstable too)."""
        return bool(np.isfinite(self.min_stability)
                    and not (self.table["stability_ari"] >= self.min_stability).any())

    def summary_frame(self) -> pd.DataFrame:
        """The criteria table, one row per k."""
        return self.table.copy()


def choose_k(X: pd.DataFrame | np.ndarray, ks=range(2, 9), *, n_init: int = 5, seed: int = 0, gap_refs: int = 10,
             silhouette_sample: int = 5000, min_stability: float | None = None) -> KChoice:
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
    min_stability : float, optional
        A k is stable when its mean ARI is at least this (default: the threshold of rule ``segment_stability`` of
        :data:`kamlib.verdicts.RULES`, 0.80): the gap rule's k is kept only if it is stable, and the silhouette
        fallback looks only at stable k.

    Returns
    -------
    KChoice
        The criteria per k and the chosen k (two segments rarely help a marketer, so the silhouette
        fallback looks at the stable k >= 3 first, then at the stable k; when no k is stable, at k >= 3, and
        :attr:`KChoice.none_stable` says so).

    References
    ----------
    Tibshirani, R., Walther, G. & Hastie, T. (2001). Estimating the number of clusters in a data set via
    the gap statistic. *JRSS B*, 63(2), 411-423. Rousseeuw, P. J. (1987). Silhouettes. *J. Comput. Appl.
    Math.*, 20, 53-65. Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.

    Examples
    --------
    >>> from kamlib.segments import choose_k, features, matrix
    >>> choice = choose_k(matrix(features(tx)), range(2, 5), n_init=2, gap_refs=2, seed=1)
    >>> choice.k_chosen
    3
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    if min_stability is None:
        min_stability = verdicts.RULES["segment_stability"].threshold
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
        gap = gap_statistic(X, k, gap_refs=gap_refs, seed=seed, inertia=fits[0].inertia_)
        rows.append({"k": k, "inertia": fits[0].inertia_, "silhouette": sil, "gap": gap.gap, "gap_se": gap.se,
                     "stability_ari": float(np.mean(ari)) if ari else 1.0})
    out = pd.DataFrame(rows)
    k_silhouette = int(out.loc[out["silhouette"].idxmax(), "k"])
    k_gap = out["k"].iloc[-1]
    for i in range(len(out) - 1):
        if out["gap"].iloc[i] >= out["gap"].iloc[i + 1] - out["gap_se"].iloc[i + 1]:
            k_gap = out["k"].iloc[i]
            break
    return KChoice(out, k_silhouette, int(k_gap), _chosen(out, int(k_gap), min_stability), float(min_stability))


def _chosen(table: pd.DataFrame, k_gap: int, min_stability: float) -> int:
    """:func:`choose_k`'s choice from its criteria table: the gap rule's k when it is below the largest k tried and
    stable, else the best silhouette among the stable k >= 3, then among the stable k, and with no stable k among
    k >= 3 (then among all)."""
    stable = table["stability_ari"] >= min_stability
    if k_gap < table["k"].max() and bool(stable[table["k"] == k_gap].any()):
        return int(k_gap)
    three = table["k"] >= 3
    cand = next(pool for pool in (table[stable & three], table[stable], table[three], table) if len(pool))
    return int(cand.loc[cand["silhouette"].idxmax(), "k"])


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
    >>> from kamlib.segments import cluster, features, matrix
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
    >>> from kamlib.segments import alternatives, cluster, features, matrix
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


#: The limitations :func:`robustness` decides (their Chinese: the catalogue's ``finding`` entries); the fields are
#: :meth:`Robustness.numbers`'.
UNSTABLE = ("The {k} behavioural segments are not stable: k-means fits with k = {k} from {seeds} random starts agree "
            "with a mean adjusted Rand index of {stability} (Hubert & Arabie 1985), below the {cut} the choice of k "
            "asks (rule segment_stability), {tried}, so another start could draw other segments; read the segment "
            "profiles as one partition among several, not as fixed groups.")
METHOD_DEPENDENT = ("The {k} behavioural segments depend on the clustering method: with the same k, the agreement with "
                    "k-means of {methods} is weak, below the adjusted Rand index of {cut} (Hubert & Arabie 1985) at which "
                    "two partitions are largely the same (rule method_agreement), so the segments are one reading of "
                    "the customer base, not groups the data force; read their profiles as tendencies.")
NO_STRUCTURE = ("The {k} behavioural segments have a mean silhouette width of {silhouette} (Rousseeuw 1987), at or "
                "below the {cut} at which Kaufman & Rousseeuw (1990) find no substantial structure (rule "
                "segment_structure), and the highest of any k from {first_k} to {last_k} is {best} (k = {k_best}), "
                "which their table reads as {best_band}: the customers do not fall into well-separated groups, so the "
                "segments divide a continuum; read their profiles as ranges of the features, not as distinct types of "
                "customer.")

#: Kaufman & Rousseeuw's (1990, ch. 2) reading of a mean silhouette width: the upper end of each band and its words
#: (0.25 or less, 0.26 to 0.50, 0.51 to 0.70, 0.71 to 1.00). The first band's end is rule ``segment_structure``'s
#: cut-off (:data:`kamlib.verdicts.RULES`), so the limitation and the band cannot disagree.
SILHOUETTE_BANDS = ((float(verdicts.RULES["segment_structure"].threshold), "no substantial structure"),
                    (0.50, "a weak structure that could be artificial"),
                    (0.70, "a reasonable structure"),
                    (1.00, "a strong structure"))


def silhouette_band(width: float) -> Message | str:
    """The words Kaufman & Rousseeuw (1990) give a mean silhouette width, with the band's bounds
    (:data:`SILHOUETTE_BANDS`); "" for NaN.

    Parameters
    ----------
    width : float
        A mean silhouette width (-1 to 1).

    Returns
    -------
    Message or str
        Context ``phrase``.

    References
    ----------
    Kaufman, L. & Rousseeuw, P. J. (1990). *Finding Groups in Data: An Introduction to Cluster Analysis*. Wiley.

    Examples
    --------
    >>> from kamlib.segments import silhouette_band
    >>> str(silhouette_band(0.298)), str(silhouette_band(0.227))
    ('a weak structure that could be artificial (above 0.25, at most 0.50)', 'no substantial structure (at most 0.25)')
    >>> silhouette_band(0.298).translate("zh")
    '可能是人为的弱结构（高于 0.25，不超过 0.50）'
    """
    width = float(width)
    if not np.isfinite(width):
        return ""
    low = None
    for high, words in SILHOUETTE_BANDS:
        if width <= high or high == SILHOUETTE_BANDS[-1][0]:
            break
        low = high
    if low is None:
        return Message("{words} (at most {high:.2f})", "phrase", words=Message(words, "phrase"), high=high)
    return Message("{words} (above {low:.2f}, at most {high:.2f})", "phrase", words=Message(words, "phrase"), low=low,
                   high=high)


@dataclass(frozen=True)
class Robustness(Result):
    """:func:`robustness`'s result: whether the chosen segments survive another random start and another method.

    Attributes
    ----------
    k : int
        The chosen number of segments.
    stability : float
        The mean adjusted Rand index between k-means fits of ``k`` from ``n_init`` random starts (:func:`choose_k`).
    n_init : int
        The starts compared.
    min_stability : float
        The cut-off (rule ``segment_stability``).
    agreement : DataFrame
        ``method``, ``ari_vs_kmeans`` of each alternative method (:func:`alternatives`, without k-means itself).
    min_agreement : float
        The cut-off (rule ``method_agreement``).
    ks : tuple of int
        The numbers of segments :func:`choose_k` tried.
    none_stable : bool
        No k tried reaches :attr:`min_stability` (:attr:`KChoice.none_stable`).
    silhouette : float
        The chosen k's mean silhouette width (Rousseeuw 1987; :func:`choose_k`'s ``silhouette``); NaN when the table
        has none.
    min_silhouette : float
        The cut-off (rule ``segment_structure``, Kaufman & Rousseeuw 1990): at or below it no substantial structure
        has been found.
    unstructured : bool
        :attr:`silhouette` does not meet rule ``segment_structure`` (a limitation: :data:`NO_STRUCTURE`); False when
        it is NaN.
    best_silhouette : float
        The highest mean silhouette width of any k tried (NaN when none is known).
    k_best_silhouette : int
        The k of :attr:`best_silhouette` (0 when none is known).
    """

    k: int
    stability: float
    n_init: int
    min_stability: float
    agreement: pd.DataFrame
    min_agreement: float
    ks: tuple = ()
    none_stable: bool = False
    silhouette: float = float("nan")
    min_silhouette: float = float("nan")
    unstructured: bool = False
    best_silhouette: float = float("nan")
    k_best_silhouette: int = 0

    @property
    def best_band(self) -> Message | str:
        """:attr:`best_silhouette` in Kaufman & Rousseeuw's words (:func:`silhouette_band`; "" when none is known):
        :data:`NO_STRUCTURE`'s ``best_band``."""
        return silhouette_band(self.best_silhouette)

    @property
    def unstable(self) -> bool:
        """The chosen k's stability is below :attr:`min_stability` (a limitation: :data:`UNSTABLE`)."""
        return bool(np.isfinite(self.stability) and self.stability < self.min_stability)

    @property
    def weak(self) -> pd.DataFrame:
        """The alternative methods that agree with k-means below :attr:`min_agreement` (a limitation:
        :data:`METHOD_DEPENDENT`)."""
        return self.agreement[self.agreement["ari_vs_kmeans"] < self.min_agreement]

    @property
    def methods(self) -> Message | str:
        """The weak methods with their adjusted Rand index, as one sentence part ("" when none)."""
        return join([Message("{method} (adjusted Rand index {ari:.2f})", "phrase", method=Message(m, "value"), ari=a)
                     for m, a in zip(self.weak["method"], self.weak["ari_vs_kmeans"])])

    @property
    def tried(self) -> Message | str:
        """Whether another k tried reaches the stability cut-off, as one sentence part of :data:`UNSTABLE` ("" when
        the k tried are not known)."""
        if not self.ks:
            return ""
        span = dict(k_min=min(self.ks), k_max=max(self.ks))
        if self.none_stable:
            return Message("and no k from {k_min} to {k_max} reaches it", "phrase", **span)
        return Message("though another k from {k_min} to {k_max} reaches it", "phrase", **span)

    def numbers(self) -> dict:
        """The values the templates name, by field: ``k``, ``seeds`` (:attr:`n_init`), ``stability``, ``cut`` (the stability's),
        ``agreement_cut``, ``lowest_agreement`` (the weakest method's index, NaN without alternatives), and
        :data:`NO_STRUCTURE`'s ``silhouette``, ``silhouette_cut``, ``best_silhouette``, ``k_best_silhouette``,
        ``first_k`` and ``last_k`` (the k tried; 0 when not known); :data:`UNSTABLE`'s ``tried`` is :attr:`tried`, a
        phrase."""
        lowest = float(self.agreement["ari_vs_kmeans"].min()) if len(self.agreement) else float("nan")
        return {"k": int(self.k), "seeds": int(self.n_init), "stability": round(float(self.stability), 4),
                "cut": float(self.min_stability), "agreement_cut": float(self.min_agreement),
                "lowest_agreement": round(lowest, 4), "silhouette": round(float(self.silhouette), 4),
                "silhouette_cut": float(self.min_silhouette), "best_silhouette": round(float(self.best_silhouette), 4),
                "k_best_silhouette": int(self.k_best_silhouette), "first_k": min(self.ks, default=0),
                "last_k": max(self.ks, default=0)}


def robustness(choice: KChoice, alternative: pd.DataFrame, *, k: int | None = None, n_init: int = 5) -> Robustness:
    """Whether the chosen segments depend on the random start (the chosen k's stability below rule
    ``segment_stability``, 0.80) or on the method (an alternative clustering whose adjusted Rand index with k-means
    is below rule ``method_agreement``, 0.50, the workbook's cut-off of largely the same partition, as in
    :func:`relation`), and whether they are separated at all (the chosen k's mean silhouette width at or below rule
    ``segment_structure``, 0.25: no substantial structure, Kaufman & Rousseeuw 1990): each is a limitation of the
    report.

    Parameters
    ----------
    choice : KChoice
        :func:`choose_k`.
    alternative : DataFrame
        :func:`alternatives` for the chosen k.
    k : int, optional
        The number of segments (default: ``choice.k_chosen``).
    n_init : int
        The random starts :func:`choose_k` compared (its ``n_init``).

    Returns
    -------
    Robustness

    Notes
    -----
    Kaufman & Rousseeuw (1990, ch. 2) read the average silhouette width: 0.71 to 1.00 a strong structure has been
    found, 0.51 to 0.70 a reasonable one, 0.26 to 0.50 a weak one that could be artificial, 0.25 or less no
    substantial structure. Rule ``segment_structure`` (:data:`kamlib.verdicts.RULES`) holds the last cut-off.

    References
    ----------
    Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.
    Kaufman, L. & Rousseeuw, P. J. (1990). *Finding Groups in Data: An Introduction to Cluster Analysis*. Wiley.
    Rousseeuw, P. J. (1987). Silhouettes. *J. Computational and Applied Mathematics*, 20, 53-65.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.segments import KChoice, robustness
    >>> table = pd.DataFrame({"k": [4, 5], "stability_ari": [0.97, 0.76]})
    >>> alt = pd.DataFrame({"method": ["k-means", "Gaussian mixture (full covariance)", "Ward hierarchical (sample)"],
    ...                     "ari_vs_kmeans": [1.0, 0.24, 0.60]})
    >>> r = robustness(KChoice(table, 4, 5, 5), alt)
    >>> r.unstable, r.weak["method"].tolist(), str(r.methods)
    (True, ['Gaussian mixture (full covariance)'], 'Gaussian mixture (full covariance) (adjusted Rand index 0.24)')
    >>> str(r.tried)
    'though another k from 4 to 5 reaches it'

    >>> robustness(KChoice(table, 4, 5, 4), alt.iloc[[0, 2]]).unstable, len(robustness(KChoice(table, 4, 5, 4), alt.iloc[[0, 2]]).weak)
    (False, 0)

    With the silhouette of each k: the chosen k = 5, at 0.227, shows no substantial structure; the best, k = 4, 0.30

    >>> table["silhouette"] = [0.30, 0.227]
    >>> r = robustness(KChoice(table, 4, 5, 5), alt)
    >>> r.unstructured, r.min_silhouette, r.best_silhouette, r.k_best_silhouette
    (True, 0.25, 0.3, 4)
    """
    k = int(choice.k_chosen if k is None else k)
    rows = choice.table.set_index("k")
    stability = float(rows.loc[k, "stability_ari"]) if k in rows.index else float("nan")
    others = alternative.loc[alternative["method"] != "k-means", ["method", "ari_vs_kmeans"]].reset_index(drop=True)
    cut = float(verdicts.RULES["segment_stability"].threshold)
    ks = tuple(int(x) for x in rows.index)
    none_stable = bool(len(rows)) and not (rows["stability_ari"] >= cut).any()
    structure = verdicts.RULES["segment_structure"]  # the chosen k's separation, Kaufman & Rousseeuw (1990)
    widths = rows["silhouette"].astype(float) if "silhouette" in rows else pd.Series(dtype=float)
    silhouette = float(widths[k]) if k in widths.index else float("nan")
    known = widths.dropna()
    best, k_best = (float(known.max()), int(known.idxmax())) if len(known) else (float("nan"), 0)
    return Robustness(k, stability, int(n_init), cut, others, float(verdicts.RULES["method_agreement"].threshold),
                      ks, none_stable, silhouette, float(structure.threshold),
                      bool(np.isfinite(silhouette)) and not structure.met(silhouette), best, k_best)


#: Default margin of the naming rule: a word needs the segment's mean this far (relative) from the overall mean.
NAMING_MARGIN = 0.25
#: A segment is one-time when its mean orders are at most this ...
ONE_TIME_ORDERS = 1.5
#: ... or when at least this share of its customers bought on one day only.
ONE_TIME_SHARE = 0.8

#: The names and the words each one claims; the first name whose words all hold is given (module docstring).
NAMES = (
    ("Champions", ("recent", "frequent", "high value")),
    ("Loyal regulars", ("recent", "frequent")),
    ("Fading regulars", ("lapsed", "frequent")),
    ("Big spenders", ("high value",)),
    ("Lapsed one-timers", ("lapsed", "one-time")),
    ("Lapsed occasional buyers", ("lapsed", "occasional")),
    ("Recent occasional buyers", ("recent", "occasional")),
    ("One-time buyers", ("one-time",)),
)

#: The names of a segment of one word (no name of :data:`NAMES` fits it): the word, and, after a colon, the feature
#: furthest from the mean among those the word does not claim ("Lapsed buyers: lower revenue"). With
#: :data:`NAMES` they name every combination of words the rule can produce (a combination of two or more words
#: fits a name of :data:`NAMES`). Kept apart from :data:`NAMES`, which the RFM segments share
#: (:data:`kamlib.rfm.SEGMENTS`).
WORD_NAMES = (
    ("Recent buyers", ("recent",)),
    ("Lapsed buyers", ("lapsed",)),
    ("Frequent buyers", ("frequent",)),
    ("Occasional buyers", ("occasional",)),
)

#: The feature each word claims something about: a one-word name's added feature is another.
_CLAIMS = {"recent": "recency_days", "lapsed": "recency_days", "frequent": "orders", "occasional": "orders",
           "one-time": "orders", "high value": "revenue"}

#: Features a neutral name or a tie-break may cite, with the phrase for a higher and a lower mean.
_PHRASES = {
    "revenue": ("higher revenue", "lower revenue"),
    "orders": ("more orders", "fewer orders"),
    "avg_order": ("larger orders", "smaller orders"),
    "recency_days": ("less recent", "more recent"),
    "tenure_days": ("longer tenure", "shorter tenure"),
}


def naming_rule(margin: float = NAMING_MARGIN) -> Message:
    """The naming rule of :func:`name_segments` as a sentence for the report.

    Parameters
    ----------
    margin : float
        The margin the names were given with.

    Returns
    -------
    Message

    Examples
    --------
    >>> from kamlib.segments import naming_rule
    >>> print(naming_rule(0.1).split(": ")[1].split(";")[0])
    recent or lapsed when the mean days since the last purchase are at least 10% below or above it
    """
    return Message(
        "Segment names say only what a segment's means show against the mean of all customers: recent or lapsed "
        "when the mean days since the last purchase are at least {margin:.0%} below or above it; frequent when mean "
        "purchase days are at least {margin:.0%} above it and occasional when at least {margin:.0%} below; one-time "
        "when mean purchase days are at most {orders} or at least {share:.0%} of the segment bought on one day only; "
        "high value when mean "
        "revenue is at least {margin:.0%} above it. A segment with one word only is named by it and by the feature "
        "furthest from the mean among the others, when it departs by at least {margin:.0%} (Lapsed buyers: lower "
        "revenue); a segment with no word by its number and the feature furthest from the mean; two segments that "
        "would share a name are told apart by the feature that differs most between them (by at least {margin:.0%} "
        "of its mean), else by their numbers.",
        margin=margin, orders=ONE_TIME_ORDERS, share=ONE_TIME_SHARE)


def name_mapping() -> Message:
    """The names and the words each one states, as a sentence for the report beside :func:`naming_rule`.

    Returns
    -------
    Message
        "The segment names and the words each states ...: Champions (recent, frequent, high value), ..." (the
        names of :data:`NAMES`, then :data:`WORD_NAMES`, in the order they are tried).

    Examples
    --------
    >>> from kamlib.segments import name_mapping
    >>> print(name_mapping()[:107])
    The segment names and the words each states, tried in this order: Champions (recent, frequent, high value),
    >>> print(name_mapping().translate("zh")[:47])
    细分群名称及其所述的词(按此顺序尝试):冠军客户(近期、常购、高价值)、忠诚常客(近期、常购)
    """
    entries = [Message("{name} ({words})", "phrase", name=Message(name, "phrase"),
                       words=[Message(w, "phrase") for w in words]) for name, words in NAMES + WORD_NAMES]
    return Message("The segment names and the words each states, tried in this order: {names}; a name of one word adds "
                   "the feature furthest from the mean among the others (Lapsed buyers: lower revenue).", names=entries)


#: The naming rule with the default margin.
NAMING_RULE = naming_rule()


def profile(feats: pd.DataFrame, labels: pd.Series, clv: pd.Series | None = None, *,
            margin: float = NAMING_MARGIN) -> pd.DataFrame:
    """Size, shares of customers and revenue, mean features (and CLV) per segment, with a name.

    Parameters
    ----------
    feats : DataFrame
        From :func:`features`.
    labels : Series
        Segment per customer.
    clv : Series, optional
        CLV per customer, averaged per segment.
    margin : float
        Margin of the naming rule (:func:`name_segments`).

    Returns
    -------
    DataFrame
        ``segment``, ``name`` (:func:`name_segments`), ``customers``, ``customer_share``, ``revenue_share``,
        mean features, ``mean_clv`` and ``one_time_share`` (the share of the segment's customers who bought on
        one day only).

    Examples
    --------
    >>> from kamlib.segments import cluster, features, matrix, profile
    >>> feats = features(tx)
    >>> prof = profile(feats, cluster(matrix(feats), 4, seed=1))
    >>> len(prof), prof["name"].is_unique
    (4, True)
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
    out["one_time_share"] = (d["orders"] <= 1).groupby(d["segment"]).mean()
    out.insert(0, "name", name_segments(out, margin=margin))
    return out.reset_index()


#: The executive summary's sentence on the segments (its Chinese: the catalogue's ``finding`` entry): the segment
#: with the most revenue, named as the segment profiles name it, with its share of the customers beside its share of
#: the revenue (the yardstick: an even spread would give both the same share). Its numbers are
#: :meth:`TopSegment.numbers`' and ``name`` is :attr:`TopSegment.name`.
TOP_SEGMENT = ("Customers fall into {k} segments; the segment with the most revenue ({name}) holds {customers} of the "
               "customers and brought {share} of the revenue.")


@dataclass(frozen=True)
class TopSegment(Result):
    """:func:`top_segment`'s result: the segment that brought the most revenue, and its share of the customers.

    Attributes
    ----------
    segment : int
        The segment's number (the profiles' ``segment``).
    name : Message or str
        Its name as the segment profiles give it (:func:`name_segments`; a :class:`~kamlib.i18n.Message`, so the
        Chinese edition names it in Chinese, when this process made it).
    customers : int
        Its customers.
    customer_share : float
        Its share of the customers clustered (0 to 1).
    revenue_share : float
        Its share of their revenue (0 to 1).
    """

    segment: int
    name: Message | str
    customers: int
    customer_share: float
    revenue_share: float

    @property
    def revenue_per_customer_share(self) -> float:
        """Its revenue share over its customer share: 1 when it brings revenue in proportion to its size."""
        return self.revenue_share / self.customer_share if self.customer_share > 0 else float("nan")

    def numbers(self) -> dict:
        """The values :data:`TOP_SEGMENT` names, by field: ``segment``, ``customers``, ``customer_share`` and
        ``revenue_share`` (rounded to 4 decimals, as the notebook records the segments' revenue shares)."""
        return {"segment": int(self.segment), "customers": int(self.customers),
                "customer_share": round(float(self.customer_share), 4),
                "revenue_share": round(float(self.revenue_share), 4)}


def top_segment(prof: pd.DataFrame) -> TopSegment:
    """The segment that brought the most revenue, with its share of the customers beside its share of the revenue.

    A segment's revenue share means something only against its share of the customers: 56% of the revenue from a
    quarter of the customers is a concentration, from half of them hardly one. The first of segments tied on revenue
    share is taken.

    Parameters
    ----------
    prof : DataFrame
        :func:`profile`: ``segment``, ``name``, ``customers``, ``customer_share``, ``revenue_share``.

    Returns
    -------
    TopSegment

    Raises
    ------
    KamError
        When ``prof`` lacks a column, or no segment has a revenue share (no revenue at all).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.segments import top_segment
    >>> prof = pd.DataFrame({"segment": [0, 1, 2], "name": ["Champions", "Lapsed buyers", "Lapsed one-timers"],
    ...                      "customers": [210, 478, 112], "customer_share": [0.2625, 0.5975, 0.14],
    ...                      "revenue_share": [0.5604, 0.4352, 0.0044]})
    >>> top = top_segment(prof)
    >>> top.segment, str(top.name), top.customer_share, top.revenue_share
    (0, 'Champions', 0.2625, 0.5604)
    >>> round(top.revenue_per_customer_share, 2)
    2.13
    """
    require_columns(prof, ["segment", "name", "customers", "customer_share", "revenue_share"],
                    where="the segment profiles (segments.profile)")
    shares = pd.to_numeric(prof["revenue_share"], errors="coerce")
    if not shares.notna().any():
        raise KamError("The segment profiles hold no revenue share (no segment has revenue): segments.top_segment "
                       "needs the profiles of customers with revenue, from segments.profile.")
    row = prof.loc[shares.idxmax()]
    name = row["name"]
    return TopSegment(int(row["segment"]), made(str(name)) or name, int(row["customers"]),
                      float(row["customer_share"]), float(shares.max()))


def _phrase(feature: str, sign: float) -> Message:
    return Message(_PHRASES[feature][0 if sign > 0 else 1], "phrase")


def name_segments(prof: pd.DataFrame, *, margin: float = NAMING_MARGIN) -> list[Message]:
    """Marketer's names that claim only what each segment's row shows (the rule: module docstring).

    Each word of a name (recent, lapsed, frequent, occasional, one-time, high value) holds against the
    customer-weighted mean of all customers with the margin ``margin``; a segment of one word that no name of
    :data:`NAMES` fits is named by :data:`WORD_NAMES` and the feature furthest from the mean among those its word
    does not claim ("Lapsed buyers: lower revenue"); a segment of no word is named by its number and the feature
    furthest from the mean. Names are unique: two segments that would share one are told
    apart by the feature that differs most between them (by at least ``margin`` of its overall mean), else, as
    are three or more, by their numbers.

    Parameters
    ----------
    prof : DataFrame
        Segment profiles with ``customers``, ``mean_recency_days``, ``mean_orders``, ``mean_revenue`` (and, when
        present, ``mean_avg_order``, ``mean_tenure_days``, ``one_time_share``, ``segment``; without ``segment``
        the index is the segment number).
    margin : float
        The relative margin every word needs (0.25: a quarter above or below the overall mean).

    Returns
    -------
    list of Message
        One name per row of ``prof`` (context ``phrase``, so the Chinese edition translates them).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.segments import name_segments
    >>> prof = pd.DataFrame({"customers": [100, 100, 300], "mean_recency_days": [132, 132, 146],
    ...                      "mean_orders": [9.0, 9.5, 3.1], "mean_revenue": [3246, 3217, 1200],
    ...                      "mean_tenure_days": [700, 300, 500]})
    >>> [str(n) for n in name_segments(prof)]
    ['Big spenders, longer tenure', 'Big spenders, shorter tenure', 'Occasional buyers: lower revenue']
    """
    require_columns(prof, ["customers", "mean_recency_days", "mean_orders", "mean_revenue"], where="the segment profiles")
    if not 0 < margin < 1:
        raise KamError(f"The naming margin must lie between 0 and 1 (got {margin}); 0.25 asks for a quarter above or "
                       "below the overall mean.")
    w = prof["customers"] / prof["customers"].sum()
    cols = [f for f in _PHRASES if f"mean_{f}" in prof]
    overall = {f: float((prof[f"mean_{f}"] * w).sum()) for f in cols}
    numbers = list(prof["segment"] if "segment" in prof else prof.index)

    def rel(f, x):  # departure from the overall mean relative to it; NaN when the overall mean is not positive
        return (x - overall[f]) / overall[f] if overall[f] > 0 else np.nan

    names = []
    for i, (_, r) in enumerate(prof.iterrows()):
        one_time = r["mean_orders"] <= ONE_TIME_ORDERS or r.get("one_time_share", 0) >= ONE_TIME_SHARE
        words = {
            "recent": rel("recency_days", r["mean_recency_days"]) <= -margin,
            "lapsed": rel("recency_days", r["mean_recency_days"]) >= margin,
            "one-time": one_time,
            "frequent": rel("orders", r["mean_orders"]) >= margin and not one_time,
            "occasional": rel("orders", r["mean_orders"]) <= -margin or one_time,
            "high value": rel("revenue", r["mean_revenue"]) >= margin,
        }
        name = next((Message(n, "phrase") for n, claims in NAMES if all(words[c] for c in claims)), None)
        if name is None and sum(words.values()) == 1:  # one word: it, and the furthest feature it does not claim
            word = next(w for w, held in words.items() if held)
            base = Message(next(n for n, claims in WORD_NAMES if claims == (word,)), "phrase")
            dep = pd.Series({f: rel(f, r[f"mean_{f}"]) for f in cols if f != _CLAIMS[word]}).dropna()
            far = dep.abs().idxmax() if len(dep) else None
            name = Message("{name}: {feature}", "phrase", name=base, feature=_phrase(far, dep[far])) \
                if far is not None and abs(dep[far]) >= margin else base
        if name is None:
            dep = pd.Series({f: rel(f, r[f"mean_{f}"]) for f in cols}).dropna()
            far = dep.abs().idxmax() if len(dep) else None
            feature = _phrase(far, dep[far]) if far is not None and abs(dep[far]) >= margin \
                else Message("close to the average", "phrase")
            name = Message("Segment {n}: {feature}", "phrase", n=numbers[i], feature=feature)
        names.append(name)
    out = list(names)
    for n in set(map(str, names)):
        idx = [i for i, m in enumerate(names) if str(m) == n]
        if len(idx) == 1:
            continue
        if len(idx) == 2:
            a, b = (prof.iloc[i] for i in idx)
            diff = pd.Series({f: (a[f"mean_{f}"] - b[f"mean_{f}"]) / overall[f] for f in cols if overall[f] > 0})
            if len(diff) and diff.abs().max() >= margin:
                f = diff.abs().idxmax()
                out[idx[0]] = Message("{name}, {tag}", "phrase", name=names[idx[0]], tag=_phrase(f, diff[f]))
                out[idx[1]] = Message("{name}, {tag}", "phrase", name=names[idx[1]], tag=_phrase(f, -diff[f]))
                continue
        for i in idx:
            out[i] = Message("{name}, segment {n}", "phrase", name=names[i], n=numbers[i])
    return out


#: Cohen's (1988, ch. 7) conventions for the effect size w of a contingency table: small, medium and large.
COHEN_W = (0.1, 0.3, 0.5)


@dataclass(frozen=True)
class Relation(Result):
    """:func:`relation`'s result; unpacks as ``band, w, words, rule``.

    Attributes
    ----------
    band : str
        ``reproduces``, ``strong``, ``moderate``, ``weak`` or ``unrelated``.
    w : float
        Cohen's w, ``V * sqrt(q)``.
    words : Message
        The words the statistics earn (context ``phrase``): "weakly related", ...
    rule : Message
        The band's cut-off and its source.
    """

    band: str
    w: float
    words: Message
    rule: Message
    unpack = ("band", "w", "words", "rule")


def relation(ari: float, cramers_v: float, q: int, *, min_ari: float | None = None, min_v: float = 0.7) -> Relation:
    """The words for how far segments are related to a mapped column, from the statistics and their cut-offs.

    The segments *largely reproduce* the column when the adjusted Rand index is at least ``min_ari`` or Cramér's
    V at least ``min_v`` (the cut-offs of :func:`mapped_column_agreement`); otherwise the words follow Cohen's w,
    ``w = V * sqrt(q)`` with ``q = min(rows, columns) - 1`` of the cross-table (for a 2 x 2 table w is V), against
    Cohen's conventions (:data:`COHEN_W`): *strongly related* from 0.5 (a large effect), *moderately related* from
    0.3 (medium), *weakly related* from 0.1 (small), *unrelated* below 0.1.

    Parameters
    ----------
    ari : float
        Adjusted Rand index of the segments and the column's values.
    cramers_v : float
        Cramér's V of their cross-table.
    q : int
        ``min(rows, columns) - 1`` of the cross-table.
    min_ari : float, optional
        The index from which the segments are largely the same partition as the column (default: the threshold of
        rule ``method_agreement`` of :data:`kamlib.verdicts.RULES`, 0.5).
    min_v : float
        The V of a high agreement.

    Returns
    -------
    Relation
        ``band`` (``reproduces``, ``strong``, ``moderate``, ``weak``, ``unrelated``), ``w`` (Cohen's w), ``words``
        (a Message, context ``phrase``) and ``rule`` (the band's cut-off with its source, a Message); unpacks as
        ``band, w, words, rule``.

    References
    ----------
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 7. Lawrence Erlbaum.

    Examples
    --------
    >>> from kamlib.segments import relation
    >>> band, w, words, rule = relation(0.03, 0.12, 2)
    >>> band, round(w, 3), str(words)
    ('weak', 0.17, 'weakly related')
    >>> print(rule)
    w from 0.1 to 0.3, a small effect (Cohen 1988)
    >>> relation(0.62, 0.4, 2)[0], relation(0.0, 0.02, 4)[0]
    ('reproduces', 'unrelated')
    """
    if min_ari is None:
        min_ari = verdicts.RULES["method_agreement"].threshold
    w = float(cramers_v) * float(np.sqrt(max(int(q), 1)))
    small, medium, large = COHEN_W
    if ari >= min_ari or cramers_v >= min_v:
        return Relation("reproduces", w, Message("largely the same partition", "phrase"), Message(
            "an adjusted Rand index of at least {min_ari:.2f} or a V of at least {min_v:.2f}, the workbook's "
            "cut-offs for segments that are the mapped column again", "phrase", min_ari=min_ari, min_v=min_v))
    if w >= large:
        return Relation("strong", w, Message("strongly related", "phrase"), Message(
            "w of at least {large}, a large effect (Cohen 1988)", "phrase", large=large))
    if w >= medium:
        return Relation("moderate", w, Message("moderately related", "phrase"), Message(
            "w from {medium} to {large}, a medium effect (Cohen 1988)", "phrase", medium=medium, large=large))
    if w >= small:
        return Relation("weak", w, Message("weakly related", "phrase"), Message(
            "w from {small} to {medium}, a small effect (Cohen 1988)", "phrase", small=small, medium=medium))
    return Relation("unrelated", w, Message("unrelated", "phrase"), Message(
        "w below {small}, less than a small effect (Cohen 1988)", "phrase", small=small))


def relation_sentence(band: str, *, k: int, column: str, values, customers: int, ari: float, v: float, w: float,
                      words, rule, min_ari: float) -> Message:
    """The sentence that says how far the segments are related to a mapped column, its words following the numbers.

    The words of :func:`relation` short of *largely the same partition* follow one statistic, Cohen's w (from
    Cramér's V), so the sentence names it; the adjusted Rand index then lies below ``min_ari`` by construction, so
    the sentence says the partitions differ: the segments go with the column's values but are not the column
    (the category of 0.59 w and 0.10 ARI is *strongly related* and a different partition). *Unrelated* says both
    statistics. *Largely the same partition* follows either the index or V (their cut-offs in ``rule``).

    Parameters
    ----------
    band : str
        :attr:`Relation.band`.
    k : int
        Number of segments.
    column : str
        The mapped column.
    values : sequence of str
        Its values, most frequent first (the first five are named).
    customers : int
        Customers compared.
    ari, v, w : float
        Adjusted Rand index, Cramér's V, Cohen's w.
    words, rule : Message
        :attr:`Relation.words` and :attr:`Relation.rule`.
    min_ari : float
        The index from which the segments are largely the same partition as the column.

    Returns
    -------
    Message

    References
    ----------
    Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.
    Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences* (2nd ed.), ch. 7. Lawrence Erlbaum.

    Examples
    --------
    >>> from kamlib.segments import relation, relation_sentence
    >>> r = relation(0.10, 0.42, 2)
    >>> print(relation_sentence(r.band, k=5, column="category", values=["Technology", "Furniture", "Office Supplies"],
    ...                         customers=800, ari=0.10, v=0.42, w=r.w, words=r.words, rule=r.rule, min_ari=0.5))
    ... # doctest: +NORMALIZE_WHITESPACE
    The 5 segments and the customers' category (3 values: Technology, Furniture, Office Supplies; 800 customers)
    are strongly related: the words follow Cohen's w, 0.59 from Cramér's V 0.42 (Cramér 1946); the band: w of at
    least 0.5, a large effect (Cohen 1988). They are different partitions, though: adjusted Rand index 0.10
    (Hubert & Arabie 1985; 0 is chance, 1 the same partition), below the 0.50 from which the segments would largely
    be the category again, so the segments are associated with the customers' category but are not the category.
    """
    values = list(values)
    common = dict(k=k, column=column, n_values=len(values), values=values[:5], customers=customers, ari=ari, v=v,
                  w=w, words=words, rule=rule)
    if band == "reproduces":
        return Message(
            "The {k} segments and the customers' {column} ({n_values} values: {values}; {customers:,} customers) "
            "are {words}: "
            "adjusted Rand index {ari:.2f} (Hubert & Arabie 1985; 0 is chance, 1 the same partition), Cramér's V "
            "{v:.2f} (Cramér 1946) and Cohen's w {w:.2f}; the band: {rule}.", **common)
    if band == "unrelated":
        return Message(
            "The {k} segments and the customers' {column} ({n_values} values: {values}; {customers:,} customers) "
            "are {words}: the words follow Cohen's w, {w:.2f} from Cramér's V {v:.2f} (Cramér 1946), with an "
            "adjusted Rand index {ari:.2f} (Hubert & Arabie 1985; 0 is chance, 1 the same partition); the band: "
            "{rule}.", **common)
    return Message(
        "The {k} segments and the customers' {column} ({n_values} values: {values}; {customers:,} customers) are "
        "{words}: the words follow Cohen's w, {w:.2f} from Cramér's V {v:.2f} (Cramér 1946); the band: {rule}. "
        "They are different partitions, though: adjusted Rand index {ari:.2f} (Hubert & Arabie 1985; 0 is "
        "chance, 1 the same partition), below the {min_ari:.2f} from which the segments would largely be the "
        "{column} again, so the segments are associated with the customers' {column} but are not the {column}.",
        min_ari=min_ari, **common)


@dataclass(frozen=True)
class MappedAgreement(Result):
    """How far the segments reproduce a mapped column (channel, category, country).

    Attributes
    ----------
    table : DataFrame
        One row per mapped column compared: ``column``, ``values`` (distinct values of the customers' dominant
        value in the log), ``customers``, ``ari`` (adjusted Rand index), ``cramers_v``, ``cohens_w``, ``relation``
        (the words of :func:`relation`, a Message), ``high``.
    notes : tuple of Message
        One sentence per column left out because its shares were clustering features, then one per column whose
        agreement is high (strongest first); empty when there is none.
    min_ari, min_v : float
        The cut-offs: agreement is high when ``ari >= min_ari`` or ``cramers_v >= min_v``.
    left_out : tuple of str
        The mapped columns not compared because their ``<column>_share_*`` were among the clustering features.
    sentences : tuple of Message
        One sentence per compared column, whatever the agreement: the statistics, the words they earn
        (:func:`relation`), the band's cut-off and its source.
    """

    table: pd.DataFrame
    notes: tuple
    min_ari: float
    min_v: float
    left_out: tuple = ()
    sentences: tuple = ()

    @property
    def report(self) -> tuple:
        """What the report says: a sentence per column left out, then one per compared column."""
        return tuple(self.notes[:len(self.left_out)]) + tuple(self.sentences)  # the left-out columns' come first

    @property
    def compared(self) -> tuple:
        """The mapped columns the segments were compared with."""
        return tuple(self.table["column"])

    def summary_frame(self) -> pd.DataFrame:
        """The agreement table, one row per mapped column."""
        return self.table.copy()


def _dominant(transactions: pd.DataFrame | None, column: str):
    """Each customer's dominant value of ``column`` in the log, or None when it is not mapped."""
    if transactions is not None and column in transactions and transactions[column].notna().any():
        t = transactions[transactions[column].notna()]
        money = t["amount"].clip(lower=0) if "amount" in t else pd.Series(0.0, index=t.index)
        g = pd.DataFrame({"customer_id": t["customer_id"], "value": t[column].astype(str), "money": money})
        g = g.groupby(["customer_id", "value"]).agg(money=("money", "sum"), lines=("money", "size")).reset_index()
        # the value with the most revenue, then the most lines, then the first in order (a fixed tie-break)
        g = g.sort_values(["customer_id", "money", "lines", "value"], ascending=[True, False, False, True])
        return g.drop_duplicates("customer_id").set_index("customer_id")["value"]
    return None


def mapped_column_agreement(labels: pd.Series, feats: pd.DataFrame | None = None,
                            transactions: pd.DataFrame | None = None, *,
                            columns=("channel", "category", "country"), min_ari: float | None = None,
                            min_v: float = 0.7) -> MappedAgreement:
    """Whether the segments reproduce a mapped categorical column rather than behaviour.

    For each of ``columns`` the log maps, the customer's dominant value (the value with the most revenue in the
    log) is compared with the segments by the adjusted Rand index (Hubert & Arabie 1985; 1 = the same partition,
    about 0 = chance) and Cramér's V (Cramér 1946; 1 = each segment holds one value). Agreement is high when the
    index is at least ``min_ari`` or V at least ``min_v``: the segments are then the mapped column again (a
    customer-type column mapped as ``channel``), which behavioural names would hide. A column whose
    ``<column>_share_*`` are among the clustering features is left out, with a sentence saying so: the segments
    would agree with it partly by construction.

    Parameters
    ----------
    labels : Series
        Segment per customer (:func:`cluster`).
    feats : DataFrame, optional
        The features the segments were clustered on (:func:`features`): a column whose shares are among them is
        not compared.
    transactions : DataFrame, optional
        The log (``customer_id``, optional ``amount`` and the mapped columns).
    columns : sequence of str
        The mapped columns to compare.
    min_ari : float, optional
        The index of a high agreement (default: the threshold of rule ``method_agreement`` of
        :data:`kamlib.verdicts.RULES`, 0.5: largely the same partition).
    min_v : float
        The V of a high agreement.

    Returns
    -------
    MappedAgreement
        The table; for each column with a high agreement a warning (``notes``); and for every compared column a
        sentence saying how far the segments are related to it (``sentences``, :func:`relation`).

    References
    ----------
    Hubert, L. & Arabie, P. (1985). Comparing partitions. *J. Classification*, 2, 193-218.
    Cramér, H. (1946). *Mathematical Methods of Statistics*. Princeton University Press, p. 282.

    Examples
    --------
    >>> from kamlib.segments import cluster, features, mapped_column_agreement, matrix
    >>> feats = features(tx)
    >>> labels = cluster(matrix(feats), 3, seed=1)
    >>> log = tx.assign(channel=tx["customer_id"].map(labels.map({0: "Store", 1: "Web", 2: "Web"})))
    >>> res = mapped_column_agreement(labels, feats, log)
    >>> res.table[["column", "values", "cramers_v", "high"]]
        column  values  cramers_v  high
    0  channel       2        1.0  True
    >>> print(res.notes[0][:71])
    The 3 segments largely reproduce the mapped column channel (adjusted Ra
    >>> print(res.sentences[0][:112])
    The 3 segments and the customers' channel (2 values: Store, Web; 2,357 customers) are largely the same partition
    """
    from scipy.stats.contingency import association
    from sklearn.metrics import adjusted_rand_score

    if min_ari is None:
        min_ari = verdicts.RULES["method_agreement"].threshold
    if transactions is not None:
        require_columns(transactions, ["customer_id"], where="the transaction log")
    rows, notes, left_out, sentences = [], [], [], []
    k = labels.nunique()
    used = [str(c) for c in (feats.columns if feats is not None else [])]
    for col in columns:
        dom = _dominant(transactions, col)
        if dom is None:
            continue
        if any(c.startswith(f"{col}_share_") for c in used):
            left_out.append(col)
            continue
        both = pd.concat([labels.rename("segment"), dom.rename("value")], axis=1, join="inner").dropna()
        if both["value"].nunique() < 2 or both["segment"].nunique() < 2:
            continue  # one value (or one segment): agreement is not defined
        ari = float(adjusted_rand_score(both["segment"], both["value"]))
        cross = pd.crosstab(both["segment"], both["value"]).to_numpy()
        v = float(association(cross, method="cramer"))
        high = bool(ari >= min_ari or v >= min_v)
        band, w, words, rule = relation(ari, v, min(cross.shape) - 1, min_ari=min_ari, min_v=min_v)
        rows.append({"column": col, "values": int(both["value"].nunique()),
                     "customers": len(both), "ari": ari, "cramers_v": v, "cohens_w": w, "relation": words,
                     "high": high})
        sentences.append(relation_sentence(
            band, k=k, column=col, values=both["value"].value_counts().index.tolist(), customers=len(both), ari=ari,
            v=v, w=w, words=words, rule=rule, min_ari=min_ari))
        if high:
            values = both["value"].value_counts().index[:5].tolist()
            notes.append((ari, Message(
                "The {k} segments largely reproduce the mapped column {column} (adjusted Rand index {ari:.2f}, "
                "Cramér's V {v:.2f}; agreement counts as high from an index of {min_ari:.2f} or a V of {min_v:.2f}, "
                "Hubert & Arabie 1985, Cramér 1946): they mostly separate {values} customers, which their "
                "behavioural names do not say.", k=k, column=col, ari=ari, v=v, min_ari=min_ari, min_v=min_v,
                values=values)))
    table = pd.DataFrame(rows, columns=["column", "values", "customers", "ari", "cramers_v", "cohens_w", "relation",
                                        "high"])
    built_in = tuple(Message("The segments are not compared with the mapped column {column}: its revenue shares are "
                             "among the clustering features, so they would agree with it partly by construction.",
                             column=col) for col in left_out)
    notes = built_in + tuple(m for _, m in sorted(notes, key=lambda x: -x[0]))
    return MappedAgreement(table, notes, min_ari, min_v, tuple(left_out), tuple(sentences))


def mapped_crosstab(labels: pd.Series, feats: pd.DataFrame, transactions: pd.DataFrame, column: str = "channel", *,
                    names: dict | None = None) -> pd.DataFrame:
    """The segments by a mapped column's values: customers, revenue and (when the log has it) profit per cell.

    Each customer counts under the value with the most revenue in the log (the dominant value, as
    :func:`mapped_column_agreement` compares them); revenue is the customer's ``revenue`` feature and profit the
    sum of the log's ``profit`` column.

    Parameters
    ----------
    labels : Series
        Segment per customer.
    feats : DataFrame
        From :func:`features` (its ``revenue``).
    transactions : DataFrame
        The log, with ``customer_id`` and ``column`` (and optionally ``amount``, ``profit``).
    column : str
        The mapped column.
    names : dict, optional
        Segment number to name (a ``name`` column).

    Returns
    -------
    DataFrame
        One row per segment and value with customers: ``segment`` (, ``name``), ``column`` (the column's value),
        ``customers``, ``customer_share`` (of the segment's customers), ``revenue``, ``revenue_share`` (of the
        segment's revenue) and, with profit in the log, ``profit``. Empty when the log does not map ``column``.

    Examples
    --------
    >>> from kamlib.segments import cluster, features, mapped_crosstab, matrix
    >>> feats = features(tx)
    >>> labels = cluster(matrix(feats), 2, seed=1)
    >>> log = tx.assign(channel=(tx["customer_id"].astype(int) % 2).map({0: "Store", 1: "Web"}))
    >>> t = mapped_crosstab(labels, feats, log)
    >>> list(t.columns), int(t["customers"].sum()) == len(feats)
    (['segment', 'channel', 'customers', 'customer_share', 'revenue', 'revenue_share'], True)
    """
    require_columns(transactions, ["customer_id"], where="the transaction log")
    require_columns(feats, ["revenue"], where="the segment features")
    dom = _dominant(transactions, column)
    out_cols = ["segment"] + (["name"] if names else []) + [column, "customers", "customer_share", "revenue",
                                                              "revenue_share"]
    if dom is None:
        return pd.DataFrame(columns=out_cols)
    d = pd.DataFrame({"segment": labels, column: dom.reindex(labels.index), "revenue": feats["revenue"].reindex(
        labels.index)}).dropna(subset=[column])
    agg = {"customers": ("revenue", "size"), "revenue": ("revenue", "sum")}
    if "profit" in transactions and transactions["profit"].notna().any():
        d["profit"] = transactions.groupby("customer_id")["profit"].sum().reindex(d.index)
        agg["profit"] = ("profit", "sum")
        out_cols.append("profit")
    out = d.groupby(["segment", column]).agg(**agg).reset_index()
    by_seg = out.groupby("segment")
    out.insert(out.columns.get_loc("customers") + 1, "customer_share",
               out["customers"] / by_seg["customers"].transform("sum"))
    out.insert(out.columns.get_loc("revenue") + 1, "revenue_share", out["revenue"] / by_seg["revenue"].transform("sum"))
    if names:
        out.insert(1, "name", out["segment"].map(names))
    return out[out_cols]


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
        ``segment``, ``feature``, ``mean_z``.

    Examples
    --------
    >>> from kamlib.segments import cluster, features, matrix, snake
    >>> X = matrix(features(tx))
    >>> labels = cluster(X, 4, seed=1)
    >>> snake(X, labels, {k: f"segment {k}" for k in set(labels)}).shape
    (24, 3)
    """
    m = X.assign(segment=labels.map(names) if names else labels).groupby("segment").mean()
    return m.reset_index().melt(id_vars="segment", var_name="feature", value_name="mean_z")


@dataclass(frozen=True)
class Projection(Result):
    """:func:`projection`'s result; unpacks as ``scores, explained``.

    Attributes
    ----------
    scores : DataFrame
        ``pc1``, ``pc2`` per customer.
    explained : ndarray
        Explained variance ratio of the two components.
    """

    scores: pd.DataFrame
    explained: np.ndarray
    unpack = ("scores", "explained")

    def summary_frame(self) -> pd.DataFrame:
        """The two components per customer."""
        return self.scores


def projection(X: pd.DataFrame, *, seed: int = 0) -> Projection:
    """First two principal components of the standardised features.

    Parameters
    ----------
    X : DataFrame
        Standardised matrix.
    seed : int
        Random seed of the solver.

    Returns
    -------
    Projection
        ``scores`` (``pc1``, ``pc2`` per customer) and ``explained`` (explained variance ratio of the two
        components); unpacks as ``scores, explained``.

    References
    ----------
    Jolliffe, I. T. (2002). *Principal Component Analysis* (2nd ed.). Springer.

    Examples
    --------
    >>> from kamlib.segments import features, matrix, projection
    >>> projection(matrix(features(tx))).scores.shape
    (2357, 2)
    """
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, random_state=seed).fit(X)
    return Projection(pd.DataFrame(pca.transform(X), index=X.index, columns=["pc1", "pc2"]),
                      pca.explained_variance_ratio_)
