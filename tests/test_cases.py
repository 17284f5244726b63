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
