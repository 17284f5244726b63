"""Limitations computed from the log's own description (issue 49, item 8), declared by the data notebook: rows and
revenue each cleaning rule dropped, the log's age against the practice sources, their market against the log's, and
seasonality against the holdout period and the inactivity window."""

import pandas as pd

from kamlib import describe, literature

REPORT = pd.DataFrame({"rule": ["missing customer id", "zero amount dropped", "customer sample (30% of customers)",
                                "total: 1000 rows kept of 541909 read"],
                       "rows_dropped": [135080, 33, 277934, 0], "amount_dropped": [1447680.0, 0.0, 6e6, 0]})


def _text(**kw):
    args = dict(first="2010-12-01", last="2011-12-09", sources=literature.load_sources(), data="UCI Online Retail",
                currency="GBP", peak_month="2011-11", calibration_end="2011-06-30", holdout_end="2011-12-09",
                inactive_days=180)
    report = kw.pop("report", REPORT)
    args.update(kw)
    return " ".join(t.format(**n) for _, t, n in describe.limitations(report, **args))


def test_each_limitation_carries_its_numbers():
    text = _text()
    assert "dropped 135,080 of the 541,909 lines read (24.9%), worth GBP 1,447,680" in text
    assert "zero amount" not in text and "customer sample" not in text  # under 1%, and a quick run's sampling
    assert "ends 14 years before the newest practice source (2025)" in text
    assert "practice sources are Chinese-language documents" in text and "UCI Online Retail" in text
    assert "peak month (2011-11) falls in the holdout period (2011-06-30 to 2011-12-09)" in text
    assert "inactivity window (180 days)" in text


def test_a_clean_recent_log_without_a_seasonal_clash_has_none_of_them():
    clean = REPORT.assign(rows_dropped=[10, 0, 0, 0])
    text = _text(report=clean, last="2024-06-30", peak_month="2011-03", inactive_days="auto")
    assert "dropped" not in text and "years before" not in text and "peak month" not in text
    assert "inactivity window" not in text


def test_every_template_has_its_chinese():
    from kamlib.i18n import gettext

    for _, template, _ in describe.limitations(REPORT, first="2010-12-01", last="2011-12-09",
                                               sources=literature.load_sources(), data="x", peak_month="2011-11",
                                               calibration_end="2011-06-30", holdout_end="2011-12-09",
                                               inactive_days=180):
        assert gettext(template, "finding", "zh"), template
