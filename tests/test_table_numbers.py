"""Numbers in report tables (review findings): no scientific notation, one number of decimals per column and per
estimate with its interval, no decimals below a large estimate's precision, fit indices beside their cut-offs at the
cut-off's decimals."""
import re

import pandas as pd

from kamlib.workbench.report import _fmt, table_cells


def _cells(tmp_path, df, lang="en"):
    csv = tmp_path / "t.csv"
    df.to_csv(csv, index=False)
    heads, rows, _, _ = table_cells(csv, lang)
    return heads, rows


SCIENTIFIC = re.compile(r"\d[eE][-+]?\d")


def test_no_scientific_notation_in_a_table(tmp_path):
    df = pd.DataFrame({"construct": ["PQ", "PQ", "SQ"], "item": ["PQ2", "PQ3", "SQ1"],
                       "loading": [0.790, 0.845, 0.744], "difference": [3.18e-10, -2.13e-14, -7.68e-10],
                       "mean": [3.00e-04, 4.23e-04, 0.5]})
    _, rows = _cells(tmp_path, df)
    assert not [c for r in rows for c in r if SCIENTIFIC.search(c)], rows
    assert [r[3] for r in rows] == ["0.000"] * 3  # numerical zeros, no "-0.000"
    assert rows[0][4] == "&lt;&nbsp;0.001" and rows[2][4] == "0.500"
    assert _fmt(3.0e-4) == "0.0003" and _fmt(4.23e-4) == "0.00042" and _fmt(-7.68e-10) == "0" and not SCIENTIFIC.search(_fmt(4.23e-4))


def test_an_estimate_and_its_interval_share_their_decimals(tmp_path):
    df = pd.DataFrame({"segment": ["a", "b"], "clv": [1500.0, 2300.0], "clv_ci_lower": [800.5, 990.25],
                       "clv_ci_upper": [2100.0, 3000.0], "difference": [1.5, 2.0], "se_difference": [0.31, 0.2],
                       "ci_lower": [0.9, 1.6], "ci_upper": [2.1, 2.4]})
    _, rows = _cells(tmp_path, df)
    money = [c for r in rows for c in r[1:4]]
    assert all("." not in c for c in money), money  # 0 decimals across the estimate and its interval
    rest = [c for r in rows for c in r[4:]]
    assert {len(c.split(".")[1]) for c in rest} == {3}, rest


def test_a_large_parameter_has_no_decimals_below_its_precision(tmp_path):
    df = pd.DataFrame({"model": ["Pareto/NBD"] * 4, "parameter": ["r", "alpha", "s", "beta"],
                       "estimate": [0.55, 10.6, 3533190000.0, 1.2], "ci_lower": [0.4, 8.1, 2575370000.0, 0.9],
                       "ci_upper": [0.7, 12.2, 4041330000.0, 1.5]})
    _, rows = _cells(tmp_path, df)
    assert rows[2][2:] == ["3,533,190,000", "2,575,370,000", "4,041,330,000"]
    assert rows[0][2] == "0.550"


def test_a_fit_index_beside_its_cut_off_has_three_decimals(tmp_path):
    df = pd.DataFrame({"index": ["chi2/df", "cfi", "rmsea"], "value": [41.7, 0.998, 0.014],
                       "cut_off": [3.0, 0.95, 0.06], "met": [False, True, True]})
    _, rows = _cells(tmp_path, df)
    assert rows[1][1:3] == ["0.998", "0.950"]  # not "1.00" beside "0.950"
    assert rows[0][1] == "41.700"
