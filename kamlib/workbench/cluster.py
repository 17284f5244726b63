"""The Act stage of a study on Apache Spark: cross-selling rules and ALS recommendations for a log in a cluster.

A company whose log outgrows one machine keeps its study file: the same ``personalisation`` parameters drive
Spark MLlib's FP-growth (:func:`kamlib.act.baskets.rules_spark`, then Fisher's test on the driver) and its implicit
ALS (:func:`kamlib.act.recommend.als_spark`), on a table in the canonical columns of
:func:`kamlib.transactions.load` (``customer_id``, ``date``, ``product``, ``amount``, optionally ``order_id``).
"""

from __future__ import annotations

from pathlib import Path

from ..act import baskets, recommend
from . import study as study_file

__all__ = ["act"]


def act(spark, table: str, study: str | Path | study_file.Study, *, exclude_bought: bool = True) -> dict:
    """Rules and ALS recommendations for the log in ``table``, with the parameters of a study file.

    Baskets are orders (``order_id``) where the table has them, else a customer's purchases of one day, as
    :func:`kamlib.act.baskets.from_transactions`; only purchases (positive amount) count. The recommendation
    cutoff is ``personalisation.cutoff``, else 90 days before the last purchase, as in ``45_personalisation``.

    Parameters
    ----------
    spark : SparkSession
        An active session.
    table : str
        A registered table or view with the canonical columns of :func:`kamlib.transactions.load`.
    study : path or Study
        The study file (or a loaded study) whose ``personalisation`` section holds the parameters.
    exclude_bought : bool
        Leave products a customer bought before the cutoff out of the lists.

    Returns
    -------
    dict
        ``rules`` (:func:`kamlib.act.baskets.significant` of the Spark rules), ``baskets`` (their number),
        ``cutoff`` and ``recommendations`` (``{customer: [products]}``).

    References
    ----------
    Meng, X. et al. (2016). MLlib: machine learning in Apache Spark. *Journal of Machine Learning Research*,
    17(34), 1-7.

    Examples
    --------
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from kamlib.workbench.cluster import act
    >>> spark = SparkSession.builder.getOrCreate()  # doctest: +SKIP
    >>> act(spark, "orders", "studies/default.yaml")["rules"].head()  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    s = study if isinstance(study, study_file.Study) else study_file.load(study)
    p = s.personalisation
    log = spark.table(table)
    bought = log.where(F.col("amount") > 0) if "amount" in log.columns else log
    if "order_id" in log.columns:
        basket = F.col("order_id").cast("string")
    else:
        basket = F.concat_ws("|", F.col("customer_id").cast("string"), F.date_format(F.col("date"), "yyyy-MM-dd"))
    view = f"{table}_basket_lines"
    bought.select(basket.alias("basket_id"), F.col("product").cast("string").alias("item")).distinct() \
        .createOrReplaceTempView(view)
    n = spark.table(view).select("basket_id").distinct().count()
    found = baskets.rules_spark(spark, view, min_support=p.min_support, min_confidence=p.min_confidence,
                                max_len=p.max_len)
    found = baskets.significant(found, n, alpha=p.alpha)
    last = log.agg(F.max(F.to_date("date"))).first()[0]
    cutoff = recommend.default_cutoff(last, p.cutoff)
    recs = recommend.als_spark(spark, table, cutoff, k=p.k, exclude_bought=exclude_bought)
    return {"rules": found, "baskets": n, "cutoff": cutoff, "recommendations": recs}
