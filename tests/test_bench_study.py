"""The whole-study benchmark (benchmarks/study.py) still runs, at its smallest size: the shop log, the study file a
student would write (valid for `kam validate`), one notebook run under the process-tree monitor, the cell times,
and the report; the times themselves are measured by `make bench`, not by tests."""

import importlib.util
import sys

import pytest

from kamlib.config import ROOT


@pytest.fixture
def study(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("kam_bench_study", ROOT / "benchmarks" / "study.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    yield mod
    sys.modules.pop("kam_bench_study", None)


@pytest.mark.slow
def test_shop_log_follows_its_model(study, tmp_path):
    import pandas as pd

    path = study.make_shop_log(6_000, tmp_path / "shop.parquet")
    tx = pd.read_parquet(path)
    assert len(tx) == 6_000
    assert list(tx.columns) == ["order_id", "customer_id", "order_time", "product_id", "quantity", "unit_price",
                                "country"]
    per_order = tx.groupby("order_id").size()
    assert per_order.between(1, 4).all() and per_order.iloc[:-1].max() == 4  # orders of one to four lines
    assert tx.groupby("customer_id")["country"].nunique().eq(1).all()  # one country per customer
    assert tx["order_time"].is_monotonic_increasing and tx["order_id"].is_monotonic_increasing
    assert (tx["quantity"] >= 1).all() and (tx["unit_price"] > 0).all()
    again = pd.read_parquet(study.make_shop_log(6_000, tmp_path / "again.parquet"))
    pd.testing.assert_frame_equal(tx, again)  # a fixed seed


@pytest.mark.slow
def test_study_of_the_log_validates_and_runs(study, tmp_path):
    log = study.make_shop_log(8_000, tmp_path / "shop_8000.parquet")
    path = study.write_study(8_000, log, tmp_path / "shop_8000.yaml")
    text = path.read_text(encoding="utf-8")
    assert "models: [bgnbd, paretonbd, mbgnbd, mbgcnbd, bgcnbd]" in text and "bootstrap: 100" in text
    assert study.study_notebooks(path) == ["01_data_overview", "10_key_accounts", "30_segments", "35_churn",
                                           "40_strategy", "45_personalisation"]
    assert "valid study" in study.validate(path)["output"]
    run = study.run_study(path, tmp_path / "reports", notebooks=["01_data_overview"], echo=lambda s: None)
    nb = run["notebooks"]["01_data_overview"]
    assert nb["status"] == "ran" and nb["seconds"] > 0 and nb["kernel_peak_mb"] > 50
    assert run["peak_mb"] >= nb["kernel_peak_mb"]
    cells = study.cell_times(study.executed_notebook(run["out"], "01_data_overview"))
    assert cells and all(c["seconds"] is not None for c in cells)
    res = {"lines": 8_000, "log": study.describe(log), "validate": {"seconds": 1.0}, "run": run,
           "notebooks": ["01_data_overview"], "cells": {"01_data_overview": cells}}
    block = study.report([res], [], quick=True, out=tmp_path / "out")
    assert "| 01_data_overview | ran |" in block and (tmp_path / "out" / "study.csv").exists()


def test_docs_keep_the_markers_the_script_rewrites(study):
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    assert text.count(study.STUDY_START) == 1 and text.count(study.STUDY_END) == 1
