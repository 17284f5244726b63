"""Limitations computed from the log's own description (issue 49, item 8), declared by the data notebook: rows and
revenue each cleaning rule dropped, the log's age against the practice sources, their market against the log's
customers, and a seasonal peak against the holdout period and the inactivity window."""

import pandas as pd

from kamlib import describe, literature

REPORT = pd.DataFrame({"rule": ["missing customer id", "zero amount dropped", "customer sample (30% of customers)",
                                "total: 1000 rows kept of 541909 read"],
                       "rows_dropped": [135080, 33, 277934, 0], "amount_dropped": [1447680.0, 0.0, 6e6, 0]})


def _log(last="2011-12-09", country="United Kingdom"):
    dates = pd.date_range("2010-12-01", last, periods=6)
    return pd.DataFrame({"customer_id": [1, 2, 3, 4, 5, 6], "date": dates, "country": [country] * 5 + ["France"]})


def _months(peak="2011-11", ratio=3.0):
    months = pd.DataFrame({"month": pd.date_range("2010-12-01", "2011-12-01", freq="MS"), "revenue": 100.0})
    months.loc[months["month"] == pd.Timestamp(peak + "-01"), "revenue"] = 100.0 * ratio
    return months


def _text(report=REPORT, log=None, months=None, **kw):
    args = dict(read=541909, sources=literature.load_sources(literature.LIT / "sources.csv"), data="UCI Online Retail", currency="GBP",
                calibration_end="2011-06-30", holdout_end="2011-12-09", inactive_days=180)
    args.update(kw)
    out = describe.limitations(report, _log() if log is None else log, _months() if months is None else months,
                               **args)
    return " ".join(t.format(**{k: str(v) for k, v in n.items()}) for _, t, n in out)


def test_each_limitation_carries_its_numbers():
    text = _text()
    assert "dropped 135,080 of the 541,909 lines read (24.9%), worth GBP 1,447,680" in text
    assert "zero amount" not in text and "customer sample" not in text  # under 1%, and a quick run's sampling
    assert "(2010-12-01 to 2011-12-09 (374 days)" not in text and "(12 months) and ends 14 years before the newest practice source (2025)" in text
    assert "while 83% of the log's customers (UCI Online Retail) are in United Kingdom" in text
    assert "peak month (2011-11) falls in the holdout period (2011-07-01 to 2011-12-09)" in text
    assert "inactivity window (180 days)" in text and "3.0 times the median month" in text


def test_a_clean_recent_chinese_log_without_a_season_has_none_of_them():
    clean = REPORT.assign(rows_dropped=[10, 0, 0, 0])
    text = _text(report=clean, log=_log(last="2024-06-30", country="China"), months=_months(ratio=1.2),
                 inactive_days="auto")
    assert text == "", text


def test_without_the_lines_read_or_a_country_those_sentences_are_left_out():
    text = _text(read=None, log=_log().drop(columns="country"))
    assert "dropped" not in text and "practice sources are Chinese-language" not in text
    assert "years before" in text  # the others still hold


def test_every_template_has_its_chinese():
    from kamlib.i18n import gettext

    out = describe.limitations(REPORT, _log(), _months(), read=541909, sources=literature.load_sources(literature.LIT / "sources.csv"), data="x",
                               calibration_end="2011-06-30", holdout_end="2011-12-09", inactive_days=180)
    assert len(out) == 5
    for _, template, _ in out:
        assert gettext(template, "finding", "zh"), template


def test_a_log_that_stops_acquiring_customers_long_before_it_ends_is_a_closed_set():
    """Examiner: on the B2B export no customer's first purchase falls after mid-2020 though the log runs to the end
    of 2022; concentration, lifecycle and churn then describe a fixed set of customers. A log that keeps acquiring
    (a new customer in its last months) gets no such sentence."""
    import pandas as pd

    from kamlib.describe import limitations

    report = pd.DataFrame({"rule": ["total"], "rows_dropped": [0], "amount_dropped": [0.0]})
    dates = pd.to_datetime(["2019-01-01", "2019-06-01", "2020-07-01", "2022-12-31", "2022-06-01"])
    closed = pd.DataFrame({"customer_id": [1, 2, 3, 1, 2], "date": dates})
    [said] = [(t, n) for key, t, n in limitations(report, closed) if key == "closed_base"]
    assert said[1]["newest"] == "2020-07-01" and said[1]["last"] == "2022-12-31" and said[1]["share"] == "63%"  # 913 of 1,460 days
    growing = pd.concat([closed, pd.DataFrame({"customer_id": [9], "date": pd.to_datetime(["2022-11-01"])})])
    assert "closed_base" not in [key for key, _, _ in limitations(report, growing)]
