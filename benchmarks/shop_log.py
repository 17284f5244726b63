"""A synthetic shop's order-line log, the shape of a real e-commerce export (issue 51, item 5).

    .venv/bin/python benchmarks/shop_log.py 1000000     # writes benchmarks/data/shop_1000000.parquet

The model (fixed seed; every number below is a parameter of :func:`make_shop_log`):

* **Span.** Three years of orders, 2022-01-01 to 2024-12-31 (1,096 days).
* **Customers** arrive uniformly over the span (a shop that keeps acquiring customers); each has a country drawn
  once (25 countries, the home market about 60%, the others with Zipf-like shares), which scales the purchase rate
  (the home market buys most often), so the country is a real covariate of the purchase models.
* **Buy till you die (Pareto/NBD).** Each customer orders at a Poisson rate lambda ~ Gamma(shape 0.9, mean 0.052 a
  day), times the country's factor, while alive; the lifetime is exponential with rate mu ~ Gamma(shape 0.8, mean
  1/400 a day). The first order is on the arrival day; the repeat orders fall uniformly in the alive part of the
  span (the Poisson process given its count). About 17 orders per customer on average (a sixth order only once), so
  1M lines come from about 30,600 customers (520,000 orders) and 10M from about 306,000.
* **Orders** have one to four lines (shares 45, 28, 17 and 10%; 1.92 lines on average), each at one time of day
  between 08:00 and 23:00; order ids are numbers in time order.
* **Products.** 43,015 products with Zipf-like popularity (weight of the product of rank k proportional to
  1 / (k + 5)^1.05, the ids a random permutation of ``P00001``...), each at a fixed unit price drawn once,
  lognormal with median about 10 (rounded to cents).
* **Quantity** is 1 + Poisson(q) with q ~ Gamma(shape 0.7, mean 0.7) per customer, so a customer's spend per
  order varies around a customer-level mean (what the Gamma-Gamma model assumes).

Columns: ``order_id`` (int64), ``customer_id`` (int64), ``order_time`` (timestamp, seconds), ``product_id`` (text),
``quantity`` (int32), ``unit_price`` (float64), ``country`` (text); sorted by time and order id, as an export is.
The log is cut at exactly ``lines`` lines (the last customer generated loses the lines beyond). Generation runs in
chunks of customers, then one sort; 10M lines take about a minute and 2 GB.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
START = "2022-01-01"
DAYS = 1096
PRODUCTS = 43_015
COUNTRIES = ["United Kingdom", "Germany", "France", "Netherlands", "Spain", "Italy", "Ireland", "Belgium",
             "Switzerland", "Austria", "Sweden", "Denmark", "Norway", "Poland", "Portugal", "Finland", "Czechia",
             "Greece", "United States", "Canada", "Australia", "Japan", "Israel", "Iceland", "Malta"]


def make_shop_log(lines: int, path: Path | None = None, *, seed: int = 51, chunk_customers: int = 50_000,
                  products: int = PRODUCTS, rate_shape: float = 0.9, rate_mean: float = 0.052,
                  death_shape: float = 0.8, life_mean: float = 400.0) -> Path:
    """Write a shop log of exactly ``lines`` order lines (see the module docstring for the model) as Parquet.

    Parameters
    ----------
    lines : int
        Order lines in the log.
    path : Path, optional
        Where to write; default ``benchmarks/data/shop_<lines>.parquet``. An existing file is kept as it is.
    seed : int
        Seed of the one random generator.

    Returns
    -------
    Path
        The Parquet file.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = Path(path) if path else DATA / f"shop_{lines}.parquet"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    # the catalogue: popularity by rank, a random id per rank, a unit price per product
    rank_weight = 1.0 / (np.arange(products) + 5.0) ** 1.05
    product_cdf = np.cumsum(rank_weight / rank_weight.sum())
    product_names = pa.array([f"P{i:05d}" for i in rng.permutation(products) + 1])
    product_price = np.round(np.exp(rng.normal(np.log(10.0), 0.8, products)), 2).clip(0.19)
    # countries: the home market ~60%, then Zipf-like; a rate factor per country (the home market buys most often)
    share = 1.0 / np.arange(1, len(COUNTRIES) + 1) ** 1.3
    share[0] = 0.0
    share = np.r_[0.6, 0.4 * share[1:] / share[1:].sum()]
    country_factor = np.r_[1.0, np.linspace(0.9, 0.6, len(COUNTRIES) - 1)]
    lines_per_order = np.array([1, 2, 3, 4])
    lines_share = np.array([0.45, 0.28, 0.17, 0.10])

    parts, done, next_customer, orders_before = [], 0, 10_000, 0
    while done < lines:
        n = chunk_customers
        birth = rng.random(n) * DAYS                                     # arrival, in days from START
        country = rng.choice(len(COUNTRIES), n, p=share)
        lam = rng.gamma(rate_shape, rate_mean / rate_shape, n) * country_factor[country]
        mu = rng.gamma(death_shape, 1.0 / (life_mean * death_shape), n)
        alive = np.minimum(rng.exponential(1.0, n) / mu, DAYS - birth)  # alive days inside the span
        orders = 1 + rng.poisson(lam * alive)
        q_mean = rng.gamma(0.7, 1.0, n)
        cust = np.repeat(np.arange(n), orders)
        first = np.r_[0, np.cumsum(orders)[:-1]]
        offset = rng.random(len(cust)) * alive[cust]
        offset[first] = 0.0
        # an order's time: its day, and a time of day between 08:00 and 23:00 (seconds)
        seconds = np.floor(birth[cust] + offset) * 86_400 + rng.integers(8 * 3600, 23 * 3600, len(cust))
        n_lines = rng.choice(lines_per_order, len(cust), p=lines_share)
        line_order = np.repeat(np.arange(len(cust)), n_lines)
        line_cust = cust[line_order]
        prod = np.searchsorted(product_cdf, rng.random(len(line_order)))
        qty = 1 + rng.poisson(q_mean[line_cust])
        parts.append({"customer": line_cust + next_customer, "seconds": seconds[line_order].astype(np.int64),
                      "order": line_order + orders_before, "product": prod.astype(np.int32),
                      "quantity": qty.astype(np.int32), "country": country[line_cust].astype(np.int8)})
        done += len(line_order)
        next_customer += n
        orders_before += len(cust)
    cols = {k: np.concatenate([p[k] for p in parts])[:lines] for k in ("customer", "seconds", "order", "product",
                                                                        "quantity", "country")}
    del parts
    # order ids in time order (ties: generation order), lines sorted by time and order id
    order_first_seconds = cols["seconds"]
    order_keys, inverse = np.unique(cols["order"], return_inverse=True)
    order_time = np.zeros(len(order_keys), np.int64)
    order_time[inverse] = order_first_seconds
    rank = np.empty(len(order_keys), np.int64)
    rank[np.lexsort((order_keys, order_time))] = np.arange(len(order_keys))
    order_id = 500_000 + rank[inverse]
    sort = np.argsort(order_id, kind="stable")
    ts = (np.datetime64(START, "s") + cols["seconds"][sort].astype("timedelta64[s]"))
    table = pa.table({
        "order_id": order_id[sort],
        "customer_id": cols["customer"][sort].astype(np.int64),
        "order_time": pa.array(ts, pa.timestamp("s")),
        "product_id": pc.take(product_names, pa.array(cols["product"][sort])),
        "quantity": cols["quantity"][sort],
        "unit_price": product_price[cols["product"][sort]],
        "country": pc.take(pa.array(COUNTRIES), pa.array(cols["country"][sort].astype(np.int32))),
    })
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd", row_group_size=1_000_000)
    tmp.rename(path)
    return path


def describe(path: Path) -> dict:
    """Lines, orders, customers, products and span of a written log (a quick check of the model's scale)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    return {"lines": t.num_rows, "orders": len(pc.unique(t["order_id"])), "customers": len(pc.unique(t["customer_id"])),
            "products": len(pc.unique(t["product_id"])), "first": str(pc.min(t["order_time"])),
            "last": str(pc.max(t["order_time"]))}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    p = make_shop_log(n)
    print(p, describe(p))
