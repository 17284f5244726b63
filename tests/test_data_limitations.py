"""Limitations computed from the run's own data tables (issue 49, item 8): rows and revenue each cleaning rule
dropped, the log's age against the practice sources, their market against the log's, and seasonality against the
holdout period and the inactivity window."""

import pandas as pd

from kamlib.workbench import findings


def _folder(tmp_path, *, missing=135080, read=541909, last="2011-12-09", peak="2011-11", window=180):
    (tmp_path / "tables").mkdir()
    pd.DataFrame({"rule": ["missing customer id", "zero amount dropped", "customer sample (30% of customers)",
                           f"total: 1000 rows kept of {read} read"],
                  "rows_dropped": [missing, 33, 277934, 0], "amount_dropped": [1447680.0, 0.0, 6e6, 0]}) \
        .to_csv(tmp_path / "tables" / "data_validation.csv", index=False)
    pd.DataFrame({"measure": ["first date", "last date"], "value": ["2010-12-01", last]}) \
        .to_csv(tmp_path / "tables" / "data_overview.csv", index=False)
    pd.DataFrame({"field": ["data"], "value": ["UCI Online Retail"]}).to_csv(tmp_path / "tables" / "data_source.csv",
                                                                           index=False)
    arts = [{"id": i, "kind": "table", "notebook": "01_data_overview", "path": f"tables/{i}.csv"}
            for i in ("data_validation", "data_overview", "data_source")]
    manifest = {"artefacts": arts, "notebooks": {
        "01_data_overview": {"parameters": {"transactions_currency": "GBP"}},
        "10_key_accounts": {"parameters": {"clv_calibration_end": "2011-06-30", "clv_holdout_end": "2011-12-09",
                                           "tiers_max_inactive_days": window}}}}
    return manifest, {"01_data_overview": {"peak_month": peak}}


def test_each_limitation_carries_its_numbers(tmp_path):
    manifest, values = _folder(tmp_path)
    text = " ".join(findings.data_limitations(manifest, values, tmp_path))
    assert "dropped 135,080 of the 541,909 lines read (24.9%), worth GBP 1,447,680" in text
    assert "zero amount" not in text and "customer sample" not in text  # under 1%, and a quick run's sampling
    assert "ends 14 years before the newest practice source (2025)" in text
    assert "practice sources are Chinese-language documents" in text and "UCI Online Retail" in text
    assert "peak month (2011-11) falls in the holdout period (2011-06-30 to 2011-12-09)" in text
    assert "inactivity window (180 days)" in text


def test_a_clean_recent_log_without_a_seasonal_clash_has_none_of_them(tmp_path):
    manifest, values = _folder(tmp_path, missing=10, last="2024-06-30", peak="2011-03", window=400)
    text = " ".join(findings.data_limitations(manifest, values, tmp_path))
    assert "dropped" not in text and "years before" not in text and "peak month" not in text
    assert "inactivity window" not in text


def test_the_chinese_sentences_keep_the_numbers(tmp_path):
    manifest, values = _folder(tmp_path)
    zh = findings.data_limitations(manifest, values, tmp_path, "zh")
    assert any("135,080" in s and "缺少客户编号" in s for s in zh)
    assert any("留出期" in s for s in zh)
