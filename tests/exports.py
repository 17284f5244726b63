"""Two exports of the kinds students bring, simulated from a documented model and seed (test helper, not kamlib).

No real file of either kind is available offline; both are **simulated**, and nothing here claims to reproduce a
published data set's numbers. Each generator writes the file in the export's own shape (column names, id formats,
file type) and returns the study overrides (``section__key``) that map it, as :func:`shapes.make` does.

``superstore`` (:func:`superstore`): a B2B office-supplies retailer's order lines, as the "Superstore" Excel
exports. ``customers`` customers (default 800) over four years (2019-01-01 to 2022-12-31):

* each customer has a ``Segment`` (Consumer 52%, Corporate 30%, Home Office 18%) and a ``Region``;
* orders arrive as a Poisson process whose rate is gamma-distributed across customers (shape 3) with a mean gap of
  300 days for Consumer, 200 for Corporate and 440 for Home Office (the median gap between a customer's orders is
  about four months); the first order falls in the first 18 months; a customer stops after an exponential lifetime
  of mean eight years (few drop out inside four years, as in the real exports);
* an order has 1 + Poisson(0.9) lines of a catalogue of 240 products (Furniture, Office Supplies, Technology,
  17 sub-categories, log-normal list prices per sub-category); the category mix differs by segment (Corporate buys
  more Technology, Home Office more Furniture), and so do quantities (1 + Poisson(2.5), Corporate one more);
* ``Discount`` is 0 for most lines, 0.1-0.8 for some (more in Central and South); ``Sales`` is list price x
  quantity x (1 - discount); ``Profit`` is Sales x (sub-category margin - 1.4 x discount), negative on deep
  discounts; six of the 40 customers with the most orders get deep discounts on most lines and lose money;
* ``Order Date`` is written as an Excel date (a date cell), ``Row ID`` numbers the lines (so two equal lines of
  one order are two lines), and ``Order ID`` / ``Customer ID`` / ``Product ID`` follow the exports' formats
  (``CA-2019-100042``, ``AB-10015``, ``FUR-CH-10000017``).

The study maps ``channel: Segment``, ``category: Category``, ``amount: Sales``, ``order_id: Order ID``,
``product: Product ID``, ``description: Product Name``; calibration 2019-01-01 to 2021-12-31, holdout to
2022-12-31, in weeks.

``marketplace`` (:func:`marketplace`): the buy rows of a marketplace's behaviour log, as the Taobao user-behaviour
data (``user_id``, ``item_id``, ``category_id``, ``behavior_type``, and a timestamp, here written as ISO text
``date``). ``customers`` buyers (default 5,000) over nine days (2017-11-25 to 2017-12-03); the other behaviours
(pv, cart, fav) are already filtered out, as the workbook has no row filter. Each buyer buys on one day (uniform
over the nine days, at a random second), 12% of them two items that day; ``repeaters`` buyers (default 15) buy
again on a later day: their first day is one of the first four, the second one to three days later (so most repeat
inside the calibration window). Items (12,000) are drawn with Zipf-like popularity and belong to one of 400
categories. No amounts. The study maps ``customer: user_id``, ``date: date``, ``product: item_id``,
``category: category_id``; calibration 2017-11-25 to 2017-11-30, holdout to 2017-12-03, in days.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Seeds of the two simulations.
SEEDS = {"superstore": 2019, "marketplace": 1125}

SUPERSTORE_COLUMNS = {"customer": "Customer ID", "date": "Order Date", "amount": "Sales", "order_id": "Order ID",
                      "product": "Product ID", "description": "Product Name", "channel": "Segment",
                      "category": "Category"}
SUPERSTORE_PERIODS = {"calibration_start": "2019-01-01", "calibration_end": "2021-12-31",
                      "holdout_end": "2022-12-31"}

MARKETPLACE_COLUMNS = {"customer": "user_id", "date": "date", "product": "item_id", "category": "category_id"}
MARKETPLACE_PERIODS = {"calibration_start": "2017-11-25", "calibration_end": "2017-11-30",
                       "holdout_end": "2017-12-03"}

#: (category, sub-category, code, median list price, margin) of the B2B catalogue.
SUBCATEGORIES = [
    ("Furniture", "Bookcases", "BO", 180.0, 0.06), ("Furniture", "Chairs", "CH", 220.0, 0.10),
    ("Furniture", "Furnishings", "FU", 35.0, 0.18), ("Furniture", "Tables", "TA", 320.0, 0.02),
    ("Office Supplies", "Appliances", "AP", 90.0, 0.20), ("Office Supplies", "Art", "AR", 12.0, 0.25),
    ("Office Supplies", "Binders", "BI", 18.0, 0.30), ("Office Supplies", "Envelopes", "EN", 20.0, 0.40),
    ("Office Supplies", "Fasteners", "FA", 6.0, 0.30), ("Office Supplies", "Labels", "LA", 8.0, 0.42),
    ("Office Supplies", "Paper", "PA", 22.0, 0.42), ("Office Supplies", "Storage", "ST", 110.0, 0.12),
    ("Office Supplies", "Supplies", "SU", 28.0, 0.08), ("Technology", "Accessories", "AC", 75.0, 0.24),
    ("Technology", "Copiers", "CO", 900.0, 0.35), ("Technology", "Machines", "MA", 450.0, 0.10),
    ("Technology", "Phones", "PH", 160.0, 0.14),
]
CATEGORY_CODE = {"Furniture": "FUR", "Office Supplies": "OFF", "Technology": "TEC"}
#: Segment -> (share of customers, mean days between orders, category weights Furniture/Office/Technology).
SEGMENTS = {"Consumer": (0.52, 300.0, (0.20, 0.62, 0.18)), "Corporate": (0.30, 200.0, (0.15, 0.45, 0.40)),
            "Home Office": (0.18, 440.0, (0.45, 0.40, 0.15))}
REGIONS = {"East": 0.29, "West": 0.32, "Central": 0.23, "South": 0.16}
FIRST = ["Aaron", "Adam", "Alan", "Alex", "Anna", "Ben", "Brenda", "Carl", "Chris", "Dana", "Dave", "Emily", "Eric",
         "Fred", "Grace", "Harry", "Helen", "Ian", "Jane", "Jay", "Karen", "Ken", "Laura", "Lisa", "Mark", "Mary",
         "Nick", "Olivia", "Paul", "Rita", "Sam", "Sean", "Tom", "Tracy", "Vivian", "Zoe"]
LAST = ["Bergman", "Carter", "Dunn", "Ellis", "Fisher", "Gibson", "Hart", "Irwin", "Jones", "Kim", "Lee", "Moss",
        "Nolan", "Ortiz", "Price", "Quinn", "Reed", "Stone", "Tran", "Upton", "Vance", "Wong", "Young", "Zhang"]
START_B2B, DAYS_B2B = pd.Timestamp("2019-01-01"), 1461
START_MP, DAYS_MP = pd.Timestamp("2017-11-25"), 9



def run_quick(path: Path, reports: Path, *, jobs: int = 2) -> list:
    """Run the study file ``path`` once in quick mode with its reports in ``reports`` (``KAM_REPORTS_DIR``), stop the
    test on a failed notebook, and build the HTML report in both languages; returns the runner's outcomes."""
    import pytest

    from kamlib.workbench import editions, runner

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAM_REPORTS_DIR", str(reports))
        outcomes = runner.run(path, quick=True, jobs=jobs, echo=lambda *a: None)
        assert not [o for o in outcomes if o.status == "failed"], outcomes
        editions.write(path, quick=True, formats=["html"])
    return outcomes


def write_study(path: Path, raw: dict | None = None, overrides: dict | None = None) -> Path:
    """Write a study file: ``raw`` (a parsed study, default empty) with ``section__key`` overrides (nested keys
    joined by ``__``, as the generators here return them) set in it; returns ``path``."""
    import yaml

    raw = {} if raw is None else raw
    for dotted, value in (overrides or {}).items():
        node = raw
        *parents, last = dotted.split("__")
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = value
    path = Path(path)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path

def superstore_log(customers: int = 800, seed: int = SEEDS["superstore"]) -> pd.DataFrame:
    """The simulated B2B order lines (model: module docstring), one row per line, in the export's columns."""
    rng = np.random.default_rng(seed)
    # the catalogue: 240 products spread over the sub-categories in proportion to how many a real catalogue has
    products = []
    for i in range(240):
        cat, sub, code, price, margin = SUBCATEGORIES[i % len(SUBCATEGORIES)]
        pid = f"{CATEGORY_CODE[cat]}-{code}-{10000000 + int(rng.integers(1, 5000)) * 7 + i:08d}"
        products.append({"Product ID": pid, "Category": cat, "Sub-Category": sub,
                         "Product Name": f"{sub[:-1] if sub.endswith('s') else sub} model {i:03d}",
                         "list_price": round(float(price * rng.lognormal(0.0, 0.5)), 2), "margin": margin})
    catalogue = pd.DataFrame(products)
    by_cat = {c: catalogue.index[catalogue["Category"] == c].to_numpy() for c in CATEGORY_CODE}
    popularity = rng.dirichlet(np.full(len(catalogue), 0.6))
    seg_names = list(SEGMENTS)
    seg = rng.choice(seg_names, size=customers, p=[SEGMENTS[s][0] for s in seg_names])
    region = rng.choice(list(REGIONS), size=customers, p=list(REGIONS.values()))
    ids, names = [], []
    for c in range(customers):
        first, last = FIRST[int(rng.integers(len(FIRST)))], LAST[int(rng.integers(len(LAST)))]
        ids.append(f"{first[0]}{last[0]}-{10015 + 15 * c:05d}")
        names.append(f"{first} {last}")
    rate = np.array([rng.gamma(3.0, 1 / (3.0 * SEGMENTS[s][1])) for s in seg])  # orders per day
    pid, sub, name, cat_of = (catalogue[c].to_numpy() for c in ("Product ID", "Sub-Category", "Product Name",
                                                                   "Category"))
    price, margin = catalogue["list_price"].to_numpy(), catalogue["margin"].to_numpy()
    rows, order_no = [], 0
    for c in range(customers):
        first = t = int(rng.integers(0, 548))
        life = rng.exponential(8 * 365.25)
        days = []
        while t < DAYS_B2B and t - first <= life:
            days.append(t)
            t += max(1, int(round(rng.exponential(1 / rate[c]))))
        weights = np.array(SEGMENTS[seg[c]][2])
        for day in days:
            order_no += 1
            date = START_B2B + pd.Timedelta(days=int(day))
            oid = f"{'CA' if rng.random() < 0.8 else 'US'}-{date.year}-{100000 + order_no * 37 % 900000:06d}"
            for _ in range(1 + int(rng.poisson(0.9))):
                pool = by_cat[list(CATEGORY_CODE)[int(rng.choice(3, p=weights))]]
                k = int(rng.choice(pool, p=popularity[pool] / popularity[pool].sum()))
                discount = float(rng.choice([0.1, 0.2, 0.3, 0.4])) if rng.random() < (
                    0.45 if region[c] in ("Central", "South") else 0.25) else 0.0
                rows.append((oid, date, c, k, 1 + int(rng.poisson(2.5)) + (seg[c] == "Corporate"), discount))
    lines = pd.DataFrame(rows, columns=["oid", "date", "c", "k", "qty", "discount"])
    # six of the 40 customers with the largest orders at list price get deep discounts on most lines
    gross = (price[lines["k"]] * lines["qty"]).groupby(lines["c"]).sum()
    lossy = rng.choice(gross.nlargest(40).index.to_numpy(), size=6, replace=False)
    deep = lines["c"].isin(lossy).to_numpy() & (rng.random(len(lines)) < 0.8)
    lines.loc[deep, "discount"] = rng.choice([0.5, 0.6, 0.7, 0.8], size=int(deep.sum()))
    sales = price[lines["k"]] * lines["qty"] * (1 - lines["discount"])
    c, k = lines["c"].to_numpy(), lines["k"].to_numpy()
    log = pd.DataFrame({"Order ID": lines["oid"], "Order Date": lines["date"], "Customer ID": np.array(ids)[c],
                        "Customer Name": np.array(names)[c], "Segment": seg[c], "Country": "United States",
                        "Region": region[c], "Product ID": pid[k], "Category": cat_of[k], "Sub-Category": sub[k],
                        "Product Name": name[k], "Sales": sales.round(4), "Quantity": lines["qty"],
                        "Discount": lines["discount"],
                        "Profit": (sales * (margin[k] - 1.4 * lines["discount"])).round(4)})
    log.insert(0, "Row ID", np.arange(1, len(log) + 1))
    return log


def superstore(folder: Path, customers: int = 800, seed: int = SEEDS["superstore"]) -> dict:
    """Write ``folder/superstore.xlsx`` (the simulated B2B order lines) and return the study overrides."""
    log = superstore_log(customers, seed)
    path = Path(folder) / "superstore.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl", date_format="YYYY-MM-DD",
                        datetime_format="YYYY-MM-DD") as xl:
        log.to_excel(xl, sheet_name="Orders", index=False)
    return {"transactions__source": str(path), "transactions__columns": dict(SUPERSTORE_COLUMNS),
            **{f"clv__{k}": v for k, v in SUPERSTORE_PERIODS.items()}}


def marketplace_log(customers: int = 5000, repeaters: int = 15, seed: int = SEEDS["marketplace"]) -> pd.DataFrame:
    """The simulated buy rows of a marketplace's behaviour log (model: module docstring)."""
    rng = np.random.default_rng(seed)
    users = rng.choice(np.arange(1, 1_018_012), size=customers, replace=False)
    n_items = 12_000
    items = rng.choice(np.arange(1, 5_163_071), size=n_items, replace=False)
    item_category = rng.choice(rng.choice(np.arange(1, 5_162_430), size=400, replace=False), size=n_items)
    weight = 1 / np.arange(1, n_items + 1) ** 0.8
    weight /= weight.sum()
    day = rng.integers(0, DAYS_MP, size=customers)
    again = np.zeros(customers, dtype=bool)
    again[rng.choice(customers, size=repeaters, replace=False)] = True
    day[again] = rng.integers(0, 4, size=repeaters)
    rows = []

    def buy(u, d):
        k = int(rng.choice(n_items, p=weight))
        when = START_MP + pd.Timedelta(days=int(d), seconds=int(rng.integers(0, 86400)))
        rows.append({"user_id": int(users[u]), "item_id": int(items[k]), "category_id": int(item_category[k]),
                     "behavior_type": "buy", "date": when.strftime("%Y-%m-%d %H:%M:%S")})

    for u in range(customers):
        buy(u, day[u])
        if rng.random() < 0.12:
            buy(u, day[u])  # a second item the same day: one purchase day
        if again[u]:
            buy(u, min(DAYS_MP - 1, day[u] + int(rng.integers(1, 4))))
    return pd.DataFrame(rows).sort_values("date", kind="mergesort").reset_index(drop=True)


def marketplace(folder: Path, customers: int = 5000, repeaters: int = 15, seed: int = SEEDS["marketplace"]) -> dict:
    """Write ``folder/marketplace.csv`` (the simulated buy rows) and return the study overrides."""
    log = marketplace_log(customers, repeaters, seed)
    path = Path(folder) / "marketplace.csv"
    log.to_csv(path, index=False)
    return {"transactions__source": str(path), "transactions__columns": dict(MARKETPLACE_COLUMNS),
            "clv__unit": "D", **{f"clv__{k}": v for k, v in MARKETPLACE_PERIODS.items()}}
