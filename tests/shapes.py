"""Awkward log shapes a student's export can have, made from a seeded model (test helper, not kamlib).

The base log: ``customers`` customers over about 14 months; each customer's orders arrive as a Poisson process
with a gamma-distributed rate and stop after an exponential lifetime (the Pareto/NBD story), each order has 1-4
lines of 12 products with quantities and prices. Every shape below changes one thing a real export can have:

=====================  ========================================================================================
shape                  what it is
=====================  ========================================================================================
ordinary               the base log (every stage applies)
nobody_repeats         every customer has exactly one order (a marketplace sample)
per_order_ids          the customer column holds the order id (the person-level id is left unmapped)
one_customer           one customer
one_product            one product
no_amounts             customer and date only (an event log, the form BTYD research publishes)
few_days               a span of five days
empty_months           three months without sales, and identical lines inside orders (two units entered twice,
                       told apart only by an unmapped line number)
one_day                every line on one day
holdout_past_end       clv.holdout_end two months after the last purchase
no_dropout             every customer buys regularly until the end (nobody drops out in the window)
=====================  ========================================================================================

:func:`make` writes the shape's CSV and returns the study overrides (source, columns, periods) for
``conftest.study_file``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SHAPES = ["ordinary", "nobody_repeats", "per_order_ids", "one_customer", "one_product", "no_amounts", "few_days",
          "empty_months", "one_day", "holdout_past_end", "no_dropout"]

START = pd.Timestamp("2023-01-02")


def base_log(customers: int = 150, days: int = 420, seed: int = 7, products: int = 12,
             dropout: bool = True) -> pd.DataFrame:
    """The base log: one row per order line (``order_no``, ``line_no``, ``buyer``, ``person``, ``placed``,
    ``sku``, ``item_name``, ``qty``, ``price``)."""
    rng = np.random.default_rng(seed)
    rows = []
    order = 0
    for c in range(customers):
        rate = rng.gamma(2.0, 1 / 40)  # orders per day
        first = int(rng.integers(0, days // 2))
        life = rng.exponential(250) if dropout else days
        t = first
        times = [t]
        while True:
            t += max(1, int(rng.exponential(1 / rate))) if dropout else int(rng.integers(20, 40))
            if t >= days or t - first > life:
                break
            times.append(t)
        for day in times:
            order += 1
            for line, sku in enumerate(rng.choice(products, size=int(rng.integers(1, 5)), replace=False), start=1):
                rows.append({"order_no": f"SO{order:05d}", "line_no": line, "person": f"P{c:04d}",
                             "placed": START + pd.Timedelta(days=int(day), hours=int(rng.integers(8, 20))),
                             "sku": f"SKU{sku:02d}", "item_name": f"product {sku}", "qty": int(rng.integers(1, 6)),
                             "price": round(float(rng.choice([2.5, 4.0, 9.9, 15.0]) * (1 + sku / 10)), 2)})
    return pd.DataFrame(rows)


COLUMNS = {"customer": "person", "date": "placed", "quantity": "qty", "unit_price": "price", "order_id": "order_no",
           "product": "sku", "description": "item_name"}


def make(shape: str, folder: Path) -> dict:
    """Write ``folder/<shape>.csv`` and return the study overrides (``section__key``) that map it."""
    columns = dict(COLUMNS)
    if shape == "no_dropout":
        log = base_log(customers=60, dropout=False)
    else:
        log = base_log()
    if shape == "nobody_repeats":
        log = log.drop_duplicates("person", keep="first").pipe(lambda d: log[log["order_no"].isin(d["order_no"])])
    elif shape == "per_order_ids":
        columns["customer"] = "order_no"
    elif shape == "one_customer":
        log = log[log["person"] == log["person"].value_counts().index[0]]
    elif shape == "one_product":
        log = log.drop_duplicates("order_no").assign(sku="SKU01", item_name="product 1")
    elif shape == "no_amounts":
        log = log[["person", "placed"]].drop_duplicates()
        columns = {"customer": "person", "date": "placed"}
    elif shape == "few_days":
        log = log.assign(placed=START + pd.to_timedelta((log["placed"] - START).dt.days % 5, unit="D"))
    elif shape == "empty_months":
        gap = (log["placed"] >= START + pd.Timedelta(days=150)) & (log["placed"] < START + pd.Timedelta(days=245))
        log = log[~gap]
        twice = log.iloc[::7].assign(line_no=lambda d: d["line_no"] + 100)  # the same product entered twice
        log = pd.concat([log, twice]).sort_values(["order_no", "line_no"])
    elif shape == "one_day":
        log = log.assign(placed=START + pd.Timedelta(hours=12))
    log = log.reset_index(drop=True)
    path = Path(folder) / f"{shape}.csv"
    log.to_csv(path, index=False, date_format="%Y-%m-%d %H:%M")
    first, last = log["placed"].min().normalize(), log["placed"].max().normalize()
    span = max((last - first).days, 2)
    cal_end = first + pd.Timedelta(days=max(1, int(span * 0.6)))
    hold_end = max(last, cal_end + pd.Timedelta(days=1))
    if shape == "holdout_past_end":
        hold_end = last + pd.Timedelta(days=60)
    return {"transactions__source": str(path), "transactions__columns": columns,
            "clv__calibration_start": first.date().isoformat(), "clv__calibration_end": cal_end.date().isoformat(),
            "clv__holdout_end": hold_end.date().isoformat()}
