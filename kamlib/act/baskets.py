"""Cross-selling: association rules on baskets, with a significance filter so that chance rules are not shown.

The mining is mlxtend's FP-growth and rule generation (a maintained library); this module only turns a long
table of (basket, item) lines into mlxtend's one-hot input, keeps rules with a single-item consequent (as
arules' ``apriori`` does), adds the counts a reader needs, and tests each rule against independence with
Fisher's exact test (as arules' ``is.significant``).

Pair rules (``max_len=2``, what the report shows) are counted by one sparse product instead: mlxtend 0.25
turns a sparse one-hot frame dense when it sums item supports (``setup_fptree`` calls ``df.values``; 31 GiB
for 0.8M baskets x 44k products) and its item-set generation scans every basket per item set (mlxtend
issue #1130), so FP-growth cannot run at the scale of a wholesaler's log. Pair counts are the co-occurrence
matrix ``X.T @ X`` of the basket x item matrix (scipy); a test checks both routes give the same rules.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._codes import distinct, factorize, first
from .._io import as_text, from_spark
from ..errors import ArgumentError

__all__ = ["from_transactions", "item_frequencies", "one_hot", "readable", "rules", "rules_by_group", "rules_spark",
           "significance_selects", "significant"]


_DENSE_LIMIT = 2e9  # bytes of the one-hot matrix mlxtend makes dense
#: The columns of a rules table, on every route (mlxtend, sparse pairs, Spark).
_COLUMNS = ["antecedents", "consequents", "support", "confidence", "lift", "leverage", "conviction", "count",
            "antecedent_count", "consequent_count"]


def _check_thresholds(min_support: float, min_confidence: float) -> None:
    if not 0 < min_support <= 1:
        raise ArgumentError(f"min_support must be a share of baskets in (0, 1], not {min_support}.",
                            argument="min_support")
    if not 0 <= min_confidence <= 1:
        raise ArgumentError(f"min_confidence must be in [0, 1], not {min_confidence}.", argument="min_confidence")


def _coded(baskets: pd.DataFrame, basket: str, item: str):
    """Integer codes of the lines: basket codes, item codes (-1 where a value is missing) and item labels (items
    are compared as text)."""
    missing = [c for c in (basket, item) if c not in baskets.columns]
    if missing:
        raise ArgumentError(f"the baskets table has no column '{missing[0]}'; it needs one row per basket line with "
                            f"columns '{basket}' and '{item}' (have: {', '.join(map(str, baskets.columns[:8]))}).",
                            argument=missing[0])
    # categorical columns (from_transactions) are coded already: their codes serve, without hashing the text
    b = _codes_of(baskets[basket])[0]
    raw, found = _codes_of(baskets[item])
    text, labels = pd.factorize(pd.Index(found).astype(str))
    i = np.where(raw >= 0, text[np.maximum(raw, 0)], -1)
    b = np.where(i >= 0, b, -1)
    if not (b >= 0).any():
        raise ArgumentError("the baskets table has no (basket, item) line.", argument=basket)
    return b, i, pd.Index(labels)


def _codes_of(values: pd.Series):
    """Integer codes (-1 where missing) and the values they stand for: a categorical's own, else factorised."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories
    return pd.factorize(values)


def _distinct(b: np.ndarray, i: np.ndarray, n_items: int):
    """The distinct (basket, item) pairs of coded lines (missing values left out)."""
    return np.divmod(distinct((b.astype(np.int64) * max(n_items, 1) + i)[b >= 0]), max(n_items, 1))


def _check(baskets: pd.DataFrame, basket: str, item: str) -> pd.DataFrame:
    """The distinct (basket, item) lines, as plain values (sorting and grouping by label, not by category code)."""
    b, i, labels = _coded(baskets, basket, item)
    lines = baskets.loc[(b >= 0) & first(b.astype(np.int64) * max(len(labels), 1) + i), [basket, item]]
    return lines.assign(**{c: lines[c].astype(lines[c].cat.categories.dtype) for c in (basket, item)
                           if isinstance(lines[c].dtype, pd.CategoricalDtype)})


def one_hot(baskets: pd.DataFrame, *, basket: str = "basket_id", item: str = "item") -> pd.DataFrame:
    """Baskets x items as a sparse boolean frame (mlxtend's input), items in sorted order.

    Parameters
    ----------
    baskets : DataFrame
        One row per basket line (repeats of an item in a basket count once).
    basket, item : str
        Column names.

    Returns
    -------
    DataFrame
        Sparse boolean, one row per basket, one column per item.

    References
    ----------
    Raschka, S. (2018). MLxtend. *Journal of Open Source Software*, 3(24), 638.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import one_hot
    >>> [int(v) for v in one_hot(pd.DataFrame({"basket_id": [1, 1, 2], "item": ["a", "b", "a"]})).sum()]
    [2, 1]
    """
    from scipy import sparse

    lines = _check(baskets, basket, item)
    b_codes, b_labels = pd.factorize(lines[basket], sort=True)
    i_codes, i_labels = pd.factorize(lines[item].astype(str), sort=True)
    matrix = sparse.csr_matrix((np.ones(len(lines), dtype=bool), (b_codes, i_codes)),
                               shape=(len(b_labels), len(i_labels)))
    return pd.DataFrame.sparse.from_spmatrix(matrix, index=b_labels, columns=list(i_labels))


def item_frequencies(baskets: pd.DataFrame, *, basket: str = "basket_id", item: str = "item") -> pd.DataFrame:
    """How many baskets hold each item, and that share of all baskets (arules' ``itemFrequency``).

    Parameters
    ----------
    baskets : DataFrame
        One row per basket line.
    basket, item : str
        Column names.

    Returns
    -------
    DataFrame
        ``item``, ``baskets``, ``support``; most frequent first (ties by item).

    References
    ----------
    Hahsler, M., Gruen, B. & Hornik, K. (2005). arules: a computational environment for mining association
    rules and frequent item sets. *Journal of Statistical Software*, 14(15), 1-25.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import item_frequencies
    >>> item_frequencies(pd.DataFrame({"basket_id": [1, 1, 2], "item": ["a", "b", "a"]}))["support"].tolist()
    [1.0, 0.5]
    """
    lines = _check(baskets, basket, item)
    n = lines[basket].nunique()
    out = lines.groupby(item).size().rename("baskets").reset_index().rename(columns={item: "item"})
    out["support"] = out["baskets"] / n
    return out.sort_values(["baskets", "item"], ascending=[False, True], ignore_index=True)


def rules(baskets: pd.DataFrame, *, min_support: float, min_confidence: float, max_len: int | None = None,
          basket: str = "basket_id", item: str = "item") -> pd.DataFrame:
    """Association rules with one item on the right-hand side, as arules' ``apriori`` mines them.

    Frequent item sets are mined by FP-growth (mlxtend), pairs (``max_len=2``) by a sparse co-occurrence
    count; support is the share of baskets that hold every item of the rule.

    Parameters
    ----------
    baskets : DataFrame
        One row per basket line (long format).
    min_support : float
        Smallest share of baskets holding the rule's items (0 < min_support <= 1).
    min_confidence : float
        Smallest P(consequent | antecedent).
    max_len : int, optional
        Largest number of items in a rule (antecedent plus consequent); arules' default is 10. With 2, pairs
        are counted by a sparse matrix product, which scales to millions of baskets.
    basket, item : str
        Column names.

    Returns
    -------
    DataFrame
        ``antecedents`` (tuple of items, sorted), ``consequents`` (one item), ``support``, ``confidence``,
        ``lift``, ``leverage``, ``conviction`` (inf when confidence is 1), ``count`` (baskets with the whole
        rule), ``antecedent_count``, ``consequent_count``; highest lift first (ties by support, then the
        items), so the order is reproducible.

    References
    ----------
    Agrawal, R., Imielinski, T. & Swami, A. (1993). Mining association rules between sets of items in large
    databases. *SIGMOD*, 207-216. Han, J., Pei, J. & Yin, Y. (2000). Mining frequent patterns without
    candidate generation. *SIGMOD*, 1-12.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import rules
    >>> b = pd.DataFrame({"basket_id": [1, 1, 2, 2, 3], "item": ["tea", "milk", "tea", "milk", "tea"]})
    >>> rules(b, min_support=0.5, min_confidence=0.9)[["antecedents", "consequents", "confidence"]]
      antecedents consequents  confidence
    0     (milk,)         tea         1.0
    """
    return _mine(baskets, min_support=min_support, min_confidence=min_confidence, max_len=max_len, basket=basket,
                 item=item, count_pairs=True)


def _mine(baskets: pd.DataFrame, *, min_support: float, min_confidence: float, max_len: int | None, basket: str,
          item: str, count_pairs: bool) -> pd.DataFrame:
    """:func:`rules`; ``count_pairs=False`` mines pairs by FP-growth too (the tests compare the two ways)."""
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    _check_thresholds(min_support, min_confidence)
    b, i, labels = _coded(baskets, basket, item)
    b, i = _distinct(b, i, len(labels))
    n = int((np.bincount(b) > 0).sum())
    # An item below the support threshold is in no frequent set, and a basket with fewer than two frequent
    # items holds no rule: FP-growth runs on what is left (exact; single-item supports come from the counts).
    single = np.bincount(i, minlength=len(labels))
    need = math.ceil(min_support * n - 1e-9)
    keep = single[i] >= need
    keep &= np.bincount(b[keep], minlength=int(b.max()) + 1)[b] >= 2
    if not keep.any():
        return pd.DataFrame(columns=_COLUMNS)
    if max_len == 2 and count_pairs:
        return _pair_rules(b[keep], i[keep], labels, single, need, n, min_confidence)[_COLUMNS]
    counts = pd.Series(single, index=labels)
    keep = pd.DataFrame({basket: b[keep], item: labels[i[keep]]})
    X = one_hot(keep, basket=basket, item=item)
    dense_bytes = X.shape[0] * X.shape[1]
    if dense_bytes > _DENSE_LIMIT:  # mlxtend densifies its input (see the module note)
        raise ArgumentError(
            f"mining rules of more than two items needs a dense {X.shape[0]:,} baskets x {X.shape[1]:,} items "
            f"matrix ({dense_bytes / 2**30:.1f} GiB); use max_len=2 (pair rules, counted sparsely) or a higher "
            f"min_support than {min_support}.", argument="max_len")
    if need > len(X):  # fewer baskets keep two frequent products than the support needs: no set is frequent
        return pd.DataFrame(columns=_COLUMNS)
    frequent = fpgrowth(X, min_support=need / len(X) - 1e-12, use_colnames=True, max_len=max_len)
    frequent = frequent[frequent["itemsets"].map(len) >= 2]
    if frequent.empty:  # no pair is frequent: no rule
        return pd.DataFrame(columns=_COLUMNS)
    frequent = frequent.assign(support=frequent["support"] * len(X) / n)
    singles = pd.DataFrame({"support": counts[counts >= need] / n,
                            "itemsets": [frozenset([i]) for i in counts.index[counts >= need]]})
    frequent = pd.concat([singles, frequent], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # mlxtend's certainty measure divides by 0 at confidence 1
        found = association_rules(frequent, num_itemsets=n, metric="confidence", min_threshold=min_confidence)
    found = found[found["consequents"].map(len) == 1]
    if found.empty:
        return pd.DataFrame(columns=_COLUMNS)
    # measures from the basket counts, by the same formulas as the other routes (identical numbers)
    out = _measures(found["antecedents"].map(lambda s: tuple(sorted(s))).tolist(),
                    found["consequents"].map(lambda s: next(iter(s))).to_numpy(),
                    np.rint(found["support"] * n), np.rint(found["antecedent support"] * n),
                    np.rint(found["consequent support"] * n), n)
    return _finish(out)[_COLUMNS]


def rules_spark(spark, table: str, *, min_support: float, min_confidence: float, max_len: int | None = None,
                basket: str = "basket_id", item: str = "item") -> pd.DataFrame:
    """Association rules mined by Apache Spark MLlib's FP-growth over a registered table (the cluster path).

    The same rules, counts and order as :func:`rules`: Spark mines the frequent item sets and the rules in the
    cluster, and only the rules (and the counts of their item sets) come back to the driver. Spark's FP-growth
    has no length limit, so ``max_len`` is applied to the rules it returns; a low ``min_support`` on a cluster
    mines every longer set too.

    Parameters
    ----------
    spark : SparkSession
        An active session.
    table : str
        A registered table or view with one row per basket line.
    min_support, min_confidence, max_len
        As :func:`rules`.
    basket, item : str
        Column names in ``table``.

    Returns
    -------
    DataFrame
        As :func:`rules`.

    References
    ----------
    Li, H., Wang, Y., Zhang, D., Zhang, M. & Chang, E. Y. (2008). PFP: parallel FP-growth for query
    recommendation. *RecSys*, 107-114. Meng, X. et al. (2016). MLlib: machine learning in Apache Spark.
    *Journal of Machine Learning Research*, 17(34), 1-7.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from kamlib.act.baskets import rules_spark
    >>> spark = SparkSession.builder.getOrCreate()  # doctest: +SKIP
    >>> rules_spark(spark, "basket_lines", min_support=0.01, min_confidence=0.5, max_len=3)  # doctest: +SKIP
    """
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F

    _check_thresholds(min_support, min_confidence)
    source = spark.table(table)
    missing = [c for c in (basket, item) if c not in source.columns]
    if missing:
        raise ArgumentError(f"the table '{table}' has no column '{missing[0]}'; it needs one row per basket line with "
                            f"columns '{basket}' and '{item}' (have: {', '.join(source.columns[:8])}).",
                            argument=missing[0])
    lines = source.select(F.col(basket).alias("b"), F.col(item).cast("string").alias("i")).dropna().distinct()
    sets = lines.groupBy("b").agg(F.sort_array(F.collect_list("i")).alias("items")).cache()
    try:
        n = sets.count()
        if n == 0:
            raise ArgumentError(f"the table '{table}' has no (basket, item) line.", argument=basket)
        need = math.ceil(min_support * n - 1e-9)
        # Spark keeps a set when its count >= ceil(minSupport * n): (need - 0.5) / n gives exactly `need`
        model = FPGrowth(itemsCol="items", minSupport=(need - 0.5) / n, minConfidence=min_confidence).fit(sets)
        found = model.associationRules.select("antecedent", F.col("consequent")[0].alias("consequent"))
        if max_len is not None:
            found = found.where(F.size("antecedent") + 1 <= max_len)
        found = from_spark(found)
        if found.empty:
            return pd.DataFrame(columns=_COLUMNS)
        frequent = model.freqItemsets
        if max_len is not None:
            frequent = frequent.where(F.size("items") <= max_len)
        frequent = from_spark(frequent)
    finally:
        sets.unpersist()
    count = dict(zip(frequent["items"].map(lambda s: frozenset(s)), frequent["freq"].astype("int64")))
    ant = found["antecedent"].map(lambda s: tuple(sorted(s)))
    con = found["consequent"]
    both = np.array([count[frozenset(a) | {c}] for a, c in zip(ant, con)], dtype="int64")
    a_count = np.array([count[frozenset(a)] for a in ant], dtype="int64")
    c_count = np.array([count[frozenset([c])] for c in con], dtype="int64")
    return _finish(_measures(ant, con, both, a_count, c_count, n))[_COLUMNS]


def _measures(ant, con, both, a_count, c_count, n: int) -> pd.DataFrame:
    """Rule measures from basket counts: support, confidence, lift, leverage, conviction (inf at confidence 1)."""
    both, a_count, c_count = (np.asarray(x, dtype="int64") for x in (both, a_count, c_count))
    conf = both / a_count
    support, p_con = both / n, c_count / n
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 where confidence and the consequent are both 1
        conviction = np.where(conf >= 1, np.inf, (1 - p_con) / (1 - conf))
    return pd.DataFrame({
        "antecedents": list(ant), "consequents": np.asarray(con, dtype=object),
        "support": support, "confidence": conf, "lift": conf / p_con,
        "leverage": support - a_count / n * p_con, "conviction": conviction,
        "count": both, "antecedent_count": a_count, "consequent_count": c_count,
    })


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    # a => b and b => a have the same lift: rounding the sort key keeps float noise from ordering them
    out["_key"] = out["antecedents"].map(" | ".join) + " => " + out["consequents"]
    out["_lift"] = out["lift"].round(9)
    out = out.sort_values(["_lift", "support", "_key"], ascending=[False, False, True], ignore_index=True)
    return out.drop(columns=["_key", "_lift"])


def _pair_rules(b: np.ndarray, i: np.ndarray, labels: pd.Index, single: np.ndarray, need: int, n: int,
                min_confidence: float) -> pd.DataFrame:
    """Rules a => b from the sparse co-occurrence counts of frequent items (exact, no densifying)."""
    from scipy import sparse

    X = sparse.csr_matrix((np.ones(len(b), dtype=np.int32), (b, i)), shape=(int(b.max()) + 1, len(labels)))
    pairs = sparse.triu(X.T.tocsr() @ X, k=1).tocoo()
    hit = pairs.data >= need
    a, b, c = pairs.row[hit], pairs.col[hit], pairs.data[hit].astype("int64")
    ant = np.concatenate([a, b])
    con = np.concatenate([b, a])
    both = np.concatenate([c, c])
    conf = both / single[ant]
    ok = conf >= min_confidence
    ant, con, both, conf = ant[ok], con[ok], both[ok], conf[ok]
    labels = np.asarray(labels, dtype=object)
    out = _measures([(x,) for x in labels[ant]], labels[con], both, single[ant], single[con], n)
    return _finish(out)


def significant(found: pd.DataFrame, n_baskets: int, *, alpha: float = 0.01,
                correction: str = "bonferroni") -> pd.DataFrame:
    """Fisher's exact test of each rule against independence of its two sides, adjusted for many rules.

    The one-sided test asks whether the consequent is more frequent with the antecedent than
    without it, from the 2 x 2 table of basket counts; p-values are adjusted over all rules
    (arules' ``is.significant`` defaults: Fisher, Bonferroni, alpha 0.01).

    Parameters
    ----------
    found : DataFrame
        Rules from :func:`rules` (uses ``count``, ``antecedent_count``, ``consequent_count``).
    n_baskets : int
        Number of baskets mined.
    alpha : float
        Level after adjustment.
    correction : str
        A ``statsmodels.stats.multitest.multipletests`` method (``"bonferroni"``, ``"holm"``, ``"fdr_bh"``).

    Returns
    -------
    DataFrame
        ``found`` with ``pvalue``, ``pvalue_adjusted`` and ``significant``.

    References
    ----------
    Hahsler, M. & Hornik, K. (2007). New probabilistic interest measures for association rules. *Intelligent
    Data Analysis*, 11(5), 437-455.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import significant
    >>> r = pd.DataFrame({"count": [30], "antecedent_count": [40], "consequent_count": [50]})
    >>> bool(significant(r, 200)["significant"].iloc[0])
    True
    """
    from scipy.stats import hypergeom
    from statsmodels.stats.multitest import multipletests

    out = found.copy()
    if out.empty:
        return out.assign(pvalue=pd.Series(dtype=float), pvalue_adjusted=pd.Series(dtype=float),
                          significant=pd.Series(dtype=bool))
    a = out["count"].to_numpy()
    # P(X >= a) for X ~ hypergeometric: population n, consequent_count successes, antecedent_count draws
    p = hypergeom.sf(a - 1, n_baskets, out["consequent_count"].to_numpy(), out["antecedent_count"].to_numpy())
    out["pvalue"] = np.clip(p, 0, 1)
    reject, adjusted, _, _ = multipletests(out["pvalue"], alpha=alpha, method=correction)
    out["pvalue_adjusted"] = adjusted
    out["significant"] = reject
    return out


def significance_selects(tested: pd.DataFrame) -> bool:
    """Whether the significance test removed any of the rules the support and confidence thresholds found (rule
    ``test_selects`` of :mod:`kamlib.verdicts`).

    When the support threshold admits only rules with many baskets behind them, every one of them passes the test,
    and "N of N rules survive the significance test" says nothing about the rules: the thresholds chose them. The
    report then says the test removed none and why, instead of counting survivors.

    Parameters
    ----------
    tested : DataFrame
        :func:`significant` (its ``significant`` column).

    Returns
    -------
    bool
        False when there are no rules or the test kept all of them.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import significance_selects, significant
    >>> r = pd.DataFrame({"count": [30, 11], "antecedent_count": [40, 60], "consequent_count": [50, 40]})
    >>> significance_selects(significant(r, 200)), significance_selects(significant(r.iloc[:1], 200))
    (True, False)
    """
    from .. import verdicts

    n = len(tested)
    removed = int((~tested["significant"].astype(bool)).sum()) if n else 0
    return verdicts.met("test_selects", removed / n) if n else False


def from_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    """Basket lines from a transaction log: one basket per order (``order_id``), else per customer and day.

    Only purchases count (positive amount); a product bought twice in one basket counts once.

    Parameters
    ----------
    transactions : DataFrame
        A log from :func:`kamlib.transactions.load` with a ``product`` column.

    Returns
    -------
    DataFrame
        ``basket_id``, ``item`` (categorical: text labels over integer codes, a fraction of the memory of text
        and no second hashing in :func:`rules`), ``customer_id``.

    References
    ----------
    Agrawal, R., Imielinski, T. & Swami, A. (1993). Mining association rules between sets of items in large
    databases. *SIGMOD*, 207-216.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import from_transactions
    >>> tx = pd.DataFrame({"customer_id": ["a", "a"], "date": pd.to_datetime(["2024-01-01"] * 2),
    ...                    "product": ["x", "y"], "amount": [5.0, 2.0]})
    >>> from_transactions(tx)["basket_id"].tolist()
    ['a|2024-01-01', 'a|2024-01-01']
    """
    if "product" not in transactions.columns:
        raise ArgumentError("the log has no product column, so there are no baskets; map transactions.columns.product.",
                            argument="product")
    lines = transactions
    if "amount" in transactions.columns:
        positive = (transactions["amount"] > 0).to_numpy()
        if not positive.all():  # no copy of a log of purchases only
            lines = transactions[positive]
    if "order_id" in lines.columns:
        basket = as_text(lines["order_id"])
    else:
        basket = as_text(lines["customer_id"]) + "|" + lines["date"].dt.strftime("%Y-%m-%d")
    # duplicates found on integer codes (hashing two text columns together is the slow way at 10M lines); the
    # codes become the categorical columns of the result, so that rules() does not hash the text again
    b, basket_ids = factorize(basket)  # millions of distinct order ids: the low-memory coding
    i, items = pd.factorize(as_text(lines["product"]))
    keep = first(b.astype(np.int64) * max(len(items), 1) + i)
    return pd.DataFrame({"basket_id": _categorical(b[keep], basket_ids), "item": _categorical(i[keep], items),
                         "customer_id": as_text(lines["customer_id"]).array[keep]})


def _categorical(codes: np.ndarray, labels: pd.Index) -> pd.Categorical:
    """Codes over labels that are distinct by construction (``pd.factorize``'s uniques).

    pandas checks that categories are distinct by hashing them, 6 s for the 9 million order ids of a 10M-line log;
    its fast path (``CategoricalDtype._from_fastpath``, used where this pandas has it) skips the check.
    """
    make = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    dtype = make(labels, False) if make is not None else pd.CategoricalDtype(labels)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def rules_by_group(lines: pd.DataFrame, group_of: pd.Series, *, top: int = 10, **mining) -> pd.DataFrame:
    """Rules mined separately in each group's baskets (e.g. key accounts against the others).

    Parameters
    ----------
    lines : DataFrame
        From :func:`from_transactions` (with ``customer_id``).
    group_of : Series
        Customer id -> group name; customers not in it are left out.
    top : int
        Rules kept per group (highest lift).
    **mining
        ``min_support``, ``min_confidence``, ``max_len`` of :func:`rules`; support is within the group.

    Returns
    -------
    DataFrame
        ``group``, ``baskets`` and the columns of :func:`rules`.

    References
    ----------
    Hahsler, M., Gruen, B. & Hornik, K. (2005). arules. *Journal of Statistical Software*, 14(15), 1-25.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import rules_by_group
    >>> lines = pd.DataFrame({"basket_id": [1, 1, 2, 2], "item": ["a", "b", "a", "b"], "customer_id": ["k", "k", "o", "o"]})
    >>> rules_by_group(lines, pd.Series({"k": "key", "o": "other"}), min_support=0.5, min_confidence=0.5)["group"].tolist()
    ['key', 'key', 'other', 'other']
    """
    parts = []
    groups = lines["customer_id"].map(group_of)
    for name in pd.unique(group_of):
        sub = lines[groups == name]
        if sub.empty:
            continue
        found = rules(sub, **mining).head(top)
        parts.append(found.assign(group=name, baskets=sub["basket_id"].nunique()))
    if not parts:
        return pd.DataFrame(columns=["group", "baskets"])
    out = pd.concat(parts, ignore_index=True)
    return out[["group", "baskets"] + [c for c in out.columns if c not in ("group", "baskets")]]


def readable(found: pd.DataFrame, labels: dict | pd.Series | None = None) -> pd.DataFrame:
    """Rules with their sides written out (``A + B => C``), items named by ``labels`` when given.

    Parameters
    ----------
    found : DataFrame
        From :func:`rules`.
    labels : dict or Series, optional
        Item -> name (e.g. product descriptions).

    Returns
    -------
    DataFrame
        ``found`` with ``antecedents`` and ``consequents`` as text (codes with names in brackets).

    References
    ----------
    Hahsler, M., Gruen, B. & Hornik, K. (2005). arules. *Journal of Statistical Software*, 14(15), 1-25.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.act.baskets import readable
    >>> readable(pd.DataFrame({"antecedents": [("a", "b")], "consequents": ["c"]}), {"c": "cups"})["consequents"][0]
    'c (cups)'
    """
    labels = dict(labels) if labels is not None else {}

    def name(i):
        return f"{i} ({labels[i]})" if i in labels and str(labels[i]) != str(i) else str(i)

    return found.assign(antecedents=found["antecedents"].map(lambda t: " + ".join(name(i) for i in t)),
                        consequents=found["consequents"].map(name))
