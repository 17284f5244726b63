import subprocess

import pytest
import yaml

from kamlib.config import ROOT
from kamlib.workbench import cases, study
from kamlib.errors import KamError


def test_new_case_scaffold_is_neutral_and_valid_only_once_set(tmp_path, monkeypatch):
    monkeypatch.setattr(cases, "STUDIES", tmp_path / "studies")
    monkeypatch.setattr(cases, "DATA", tmp_path / "data")
    (tmp_path / "studies").mkdir()
    lines = cases.new_case("acme")
    assert any("acme.yaml" in line for line in lines)
    path = tmp_path / "studies" / "acme.yaml"
    text = path.read_text(encoding="utf-8")
    # nothing of the default company: currency, cancellation prefix, product codes, periods, built-in data
    for leak in ("GBP", "POST", "2010", "2011", "cdnow", "online_retail", "cancellation_prefix: C"):
        assert leak not in text, leak
    with pytest.raises(KamError):  # the unedited scaffold does not validate
        study.load(path)
    raw = yaml.safe_load(text)
    export = tmp_path / "data" / "acme" / "orders.csv"
    export.write_text("cid,day,paid\na,2024-01-01,5\n")
    raw["transactions"]["source"] = str(export)
    raw["transactions"]["columns"].update(customer="cid", date="day", amount="paid")
    raw["clv"].update(calibration_start="2024-01-01", calibration_end="2024-06-30", holdout_end="2024-12-31")
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    s = study.load(path)
    assert s.name == "acme" and s.transactions.currency is None and s.transactions.exclude_products == []
    assert "transactions.columns" in (tmp_path / "data" / "acme" / "README.md").read_text()
    with pytest.raises(KamError, match="already exists"):
        cases.new_case("acme")


def test_case_folders_under_data_are_git_ignored_but_the_shipped_ones_are_not():
    ignored = subprocess.run(["git", "check-ignore", "data/acme/orders.csv", "data/raw/online_retail.parquet",
                              "data/survey/instrument.yaml"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert ignored == ["data/acme/orders.csv"]


def test_new_case_rejects_bad_name():
    with pytest.raises(KamError, match="letters, digits"):
        cases.new_case("my case!")


def test_guess_role_reads_column_names_and_values():
    import pandas as pd

    names = {"InvoiceDate": "date", "InvoiceNo": "order_id", "CustomerID": "customer", "StockCode": "product",
             "UnitPrice": "unit_price", "Quantity": "quantity", "Country": "country", "user_id": "customer",
             "item_id": "product", "category_id": "category", "客户ID": "customer", "下单时间": "date",
             "实付金额": "amount", "商品名称": "description", "notes": None}
    assert {n: cases.guess_role(n)[0] for n in names} == names
    role, hint = cases.guess_role("ts_col", pd.Series(["1530469977", "1530470001"]))
    assert role == "date" and "date_format: epoch" in hint
    role, hint = cases.guess_role("behavior_type", pd.Series(["pv", "cart", "buy", "fav"]))
    assert role == "event" and "filter: {behavior_type: [buy]}" in hint


def test_validate_guides_an_unfinished_scaffold_key_by_key(tmp_path, monkeypatch, capsys):
    """`kam validate` on a fresh `kam new-case` study reads what it can and names the next key (issue 48.8)."""
    import datetime as dt

    from kamlib.workbench import cli

    monkeypatch.setattr(cases, "STUDIES", tmp_path / "studies")
    monkeypatch.setattr(cases, "DATA", tmp_path / "data")
    (tmp_path / "studies").mkdir()
    cases.new_case("shop")
    path = tmp_path / "studies" / "shop.yaml"

    def validate():
        code = cli.main(["validate", "--study", str(path)])
        out, err = capsys.readouterr()
        assert "got None" not in out + err and "Traceback" not in err and len(err.strip().splitlines()) <= 1
        return code, out, err

    def edit(**keys):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for dotted, value in keys.items():
            node = raw
            *parents, last = dotted.split("__")
            for k in parents:
                node = node[k]
            node[last] = value
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")

    code, out, err = validate()
    assert code == 2 and err.startswith("next: set transactions.source")
    # a marketplace event log: Unix seconds, views/carts/purchases in one file
    utc = dt.timezone.utc
    events = [("u1", "pv", dt.datetime(2023, 3, 1, 10, tzinfo=utc)), ("u1", "buy", dt.datetime(2023, 3, 1, 11, tzinfo=utc)),
              ("u2", "cart", dt.datetime(2023, 3, 5, 9, tzinfo=utc)), ("u2", "buy", dt.datetime(2023, 4, 20, 9, tzinfo=utc)),
              ("u1", "buy", dt.datetime(2023, 6, 30, 22, tzinfo=utc)), ("u3", "pv", dt.datetime(2023, 7, 2, 8, tzinfo=utc))]
    export = tmp_path / "data" / "shop" / "UserBehavior.csv"
    export.write_text("user_id,item_id,behavior_type,timestamp\n" + "".join(
        f"{u},{i},{k},{int(w.timestamp())}\n" for i, (u, k, w) in enumerate(events)))
    edit(transactions__source=str(export))
    code, out, err = validate()
    assert code == 2 and "6 rows, 4 columns" in out
    lines = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    assert lines["user_id"].split()[1] == "customer" and lines["timestamp"].split()[1] == "date"
    assert "date_format: epoch" in lines["timestamp"] and "filter: {behavior_type: [buy]}" in lines["behavior_type"]
    assert err.startswith("next: set transactions.columns.customer") and "'user_id' looks like it" in err
    edit(transactions__columns__customer="user_id")
    assert "transactions.columns.date" in validate()[2]
    edit(transactions__columns__date="timestamp")
    assert "set transactions.date_format: epoch" in validate()[2]
    edit(transactions__date_format="epoch", transactions__filter={"behavior_type": ["buy"]})
    code, out, err = validate()
    buys = [w for _, k, w in events if k == "buy"]
    first, last = min(buys).date(), max(buys).date()  # UTC: the study sets no time zone
    end = first + dt.timedelta(days=round((last - first).days * 2 / 3))
    assert (f"the log: {len(buys)} of {len(events)} rows kept, {len({u for u, k, _ in events if k == 'buy'})} "
            f"customers") in out
    assert f"{first} to {last} ({(last - first).days} days)" in out
    assert err.strip() == (f"next: set clv.calibration_start: {first}, clv.calibration_end: {end}, clv.holdout_end: "
                           f"{last} (the suggested periods above), or other dates inside the log's span.")
    edit(clv__calibration_start=first.isoformat(), clv__calibration_end=end.isoformat(), clv__holdout_end=last.isoformat())
    code, out, err = validate()
    assert code == 0 and "valid study 'shop'" in out, err
