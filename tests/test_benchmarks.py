"""The benchmark script still runs and its kamlib results still equal the lifetimes baseline
(small sizes; the speed targets are measured by `make bench`, not by tests)."""

import importlib.util

import pytest

from kamlib.config import ROOT


@pytest.fixture
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("kam_bench", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "DATA", tmp_path / "data")
    monkeypatch.setattr(mod, "OUT", tmp_path / "out")
    return mod


@pytest.mark.slow
def test_rfm_and_fit_equal_the_baseline_on_small_logs(bench):
    rows = []
    bench.bench_rfm([30_000], rows)
    bench.bench_fit(20_000, rows, repeat=2)  # alternating runs, the fastest kept
    assert {r["task"] for r in rows} == {"rfm_summary", "bgnbd_gg_fit"}
    assert [r["tool"] for r in rows] == ["lifetimes", "polars", "duckdb", "kamlib", "lifetimes", "kamlib"]
    assert [r["runs"] for r in rows] == [1, 1, 1, 1, 2, 2]
    assert all(r["identical"] for r in rows)  # every peer's RFM numbers equal kamlib's
    bench.bench_personalisation(50_000, 5_000, 1_000, rows)
    assert rows[-1]["task"] == "baskets_and_itemcf" and rows[-1]["customers"] > 4_000
    bench.bench_reviews(2_000, 50, rows, train=2_000)
    assert [r["tool"] for r in rows[-2:]] == ["kamlib", "snownlp"] and rows[-2]["size"] == 2_000
    bench.bench_pls(50, rows)
    assert rows[-1]["task"] == "pls_bootstrap" and rows[-1]["seconds"] > 0
    bench.write_report(__import__("pandas").DataFrame(rows), quick=True)
    assert (bench.OUT / "quick" / "results.md").exists() and (bench.OUT / "quick" / "benchmark.png").exists()
    assert not (bench.OUT / "results.md").exists()  # a quick run leaves the full results alone


@pytest.mark.slow
def test_generated_log_has_the_requested_rows(bench):
    import pyarrow.parquet as pq

    path = bench.make_log(12_345, bench.DATA / "log.parquet")
    assert pq.ParquetFile(path).metadata.num_rows == 12_345
