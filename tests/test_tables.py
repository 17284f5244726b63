"""A multi-table export (a marketplace's orders, order lines, customers and products) maps through the study
file alone: the tables are joined in DuckDB by their keys, and the right answers are counted here with pandas."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from kamlib import transactions
from kamlib.errors import KamError
from kamlib.workbench import runner


def marketplace(folder, n_people=60, seed=3):
    """Four tables shaped like a marketplace export: a per-order ``customer_id`` and a person-level
    ``customer_unique_id``; prices per line; dates written by Excel (month/day/year)."""
    rng = np.random.default_rng(seed)
    orders, customers, items = [], [], []
    k = 0
    for person in range(n_people):
        for _ in range(int(rng.integers(1, 4))):
            k += 1
            day = pd.Timestamp("2017-01-02") + pd.Timedelta(days=int(rng.integers(0, 400)), hours=int(rng.integers(0, 23)))
            orders.append({"order_id": f"ord{k:04d}", "customer_id": f"cus{k:04d}",
                           "order_purchase_timestamp": f"{day.month}/{day.day}/{day.year} {day:%H:%M}"})
            customers.append({"customer_id": f"cus{k:04d}", "customer_unique_id": f"person{person:03d}",
                              "customer_state": "SP"})
            for item in range(1, int(rng.integers(2, 4))):
                items.append({"order_id": f"ord{k:04d}", "order_item_id": item,
                              "product_id": f"prod{int(rng.integers(0, 15)):02d}",
                              "price": round(float(rng.uniform(5, 200)), 2)})
    products = pd.DataFrame({"product_id": [f"prod{i:02d}" for i in range(15)],
                             "product_category_name": [f"cat{i % 4}" for i in range(15)]})
    paths = {}
    for name, frame in (("order_items", pd.DataFrame(items)), ("orders", pd.DataFrame(orders)),
                        ("customers", pd.DataFrame(customers)), ("products", products)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def _tables(paths):
    return {"orders": {"source": str(paths["orders"]), "on": "order_id"},
            "customers": {"source": str(paths["customers"]), "on": "customer_id"},
            "products": {"source": str(paths["products"]), "on": "product_id"}}


COLUMNS = {"customer": "customer_unique_id", "date": "order_purchase_timestamp", "amount": "price",
           "order_id": "order_id", "product": "product_id", "category": "product_category_name"}


def test_four_tables_join_to_the_lines(tmp_path):
    paths = marketplace(tmp_path)
    got = transactions.load(str(paths["order_items"]), columns=COLUMNS, tables=_tables(paths),
                            date_format="%m/%d/%Y %H:%M", as_of=pd.Timestamp("2030-01-01").date())
    items, orders = pd.read_csv(paths["order_items"]), pd.read_csv(paths["orders"])
    people = items.merge(orders, on="order_id").merge(pd.read_csv(paths["customers"]), on="customer_id")
    assert len(got.data) == len(items)
    assert got.data["customer_id"].nunique() == people["customer_unique_id"].nunique()
    assert got.data["amount"].sum() == pytest.approx(items["price"].sum())
    assert set(got.data["category"]) == {"cat0", "cat1", "cat2", "cat3"}
    assert (got.report["rule"].str.startswith("lines without a row")).sum() == 3


def test_a_table_with_repeated_keys_is_refused(tmp_path):
    paths = marketplace(tmp_path)
    customers = pd.read_csv(paths["customers"])
    pd.concat([customers, customers.head(1)]).to_csv(paths["customers"], index=False)
    with pytest.raises(KamError, match=r"customers table has 1 customer_id values on more than one row.*one row per"):
        transactions.load(str(paths["order_items"]), columns=COLUMNS, tables=_tables(paths),
                          date_format="%m/%d/%Y %H:%M")


@pytest.mark.notebook
def test_the_export_runs_through_the_study_file_alone(tmp_path, monkeypatch):
    paths = marketplace(tmp_path)
    study = {"name": "marketplace", "notebooks": ["01_data_overview"],
             "transactions": {"source": str(paths["order_items"]), "tables": _tables(paths), "columns": COLUMNS,
                              "date_format": "%m/%d/%Y %H:%M", "currency": "BRL"},
             "clv": {"calibration_start": "2017-01-02", "calibration_end": "2017-09-30", "holdout_end": "2018-02-05"}}
    path = tmp_path / "marketplace.yaml"
    path.write_text(yaml.safe_dump(study), encoding="utf-8")
    monkeypatch.setenv("KAM_REPORTS_DIR", str(tmp_path / "reports"))
    lines = runner.check_data(path)
    assert lines[0].startswith("transactions: ") and "products" in lines[0]
    outcomes = runner.run(path, quick=True, jobs=1, echo=lambda *a: None)
    assert [o.status for o in outcomes] == ["ran"], [o.message for o in outcomes]
    values = json.loads((tmp_path / "reports" / "marketplace-quick" / "values" / "01_data_overview.json").read_text())
    assert values["n_customers"] == 60
