"""How a report table shows its numbers by what they are (the examiner's items 17, 18, 25, 26 on the default
study's report): money only where the table says the value is money, a row of small estimates below a row of large
ones keeps its digits, relative lifts and differences of shares read as the text reads them, counts as whole
numbers."""

import re

import pandas as pd

from kamlib import i18n
from kamlib.workbench import report


def _cells(tmp_path, frame, lang="en", **kw):
    csv = tmp_path / "t.csv"
    frame.to_csv(csv, index=False)
    heads, rows, kinds, _ = report.table_cells(csv, lang, **kw)
    return heads, rows, kinds


def test_a_row_of_small_estimates_below_large_ones_keeps_its_digits(tmp_path):
    """Table 114: an effect on house prices above an effect on log weeks; the second row was "0 | 0 | 0 | 0 | 0 0"
    beside p = 0.005."""
    did = pd.DataFrame({"example": ["Ex. 13.3 (kielmc)", "Ex. 13.4 (injury)"], "published_effect": [-11863.9, 0.191],
                        "published_se": [7456.6, 0.069], "effect": [-11863.9, 0.190601],
                        "se": [7456.65, 0.0685089], "ci_lower": [-26534.7, 0.0562973],
                        "ci_upper": [2806.87, 0.324905], "pvalue": [0.112595, 0.00541822], "n": [321, 5626]})
    _, rows, _ = _cells(tmp_path, did, currency="GBP")
    assert rows[0][1:7] == ["-11,864", "7,457", "-11,864", "7,457", "-26,535", "2,807"]
    assert rows[1][1:7] == ["0.191", "0.069", "0.191", "0.069", "0.056", "0.325"]
    assert rows[1][8] == "5,626"
    # every nonzero estimate keeps at least two significant digits
    for row in rows:
        for cell in row[1:7]:
            digits = re.sub(r"[^0-9]", "", cell).lstrip("0")
            assert len(digits) >= 2, (row, cell)


def test_a_column_of_one_magnitude_keeps_one_number_of_decimals(tmp_path):
    """Per-row decimals only where the column's would wipe a value: a log-likelihood column stays whole."""
    assert report.row_decimals(pd.DataFrame({"loglik": [-15153.2, -15020.7]})) is None
    assert report.row_decimals(pd.DataFrame({"estimate": [0.812, 1.4, 27.1], "se": [0.1, 0.2, 3.0]})) is None
    _, rows, _ = _cells(tmp_path, pd.DataFrame({"term": ["a", "b"], "estimate": [0.812, 27.1]}))
    assert [r[1] for r in rows] == ["0.81", "27.10"]  # one number of decimals: each keeps two digits


def test_a_saaty_judgement_is_not_money(tmp_path):
    """Table 49 was headed "Value (GBP)" over judgements of 0.33 to 6: "value" is money only beside its share of
    the whole (a Pareto or ABC table); the sensitivity table names its column a Saaty judgement."""
    judged = pd.DataFrame({"judgement": ["revenue : products", "revenue : products"], "value": [1 / 3, 6.0],
                           "spearman": [0.999, 1.0], "top_overlap": [0.983, 1.0]})
    heads, rows, _ = _cells(tmp_path, judged, currency="GBP")
    assert not any("GBP" in h for h in heads) and heads[3] == "Top overlap (%)"
    assert [r[1] for r in rows] == ["0.333", "6.000"] and rows[0][3] == "98.3"
    pareto = pd.DataFrame({"top_customer_share": [0.2], "customers": [262], "value": [1507800.0],
                           "value_share": [0.694]})
    heads, rows, _ = _cells(tmp_path, pareto, currency="GBP")
    assert heads[2] == "Value (GBP)" and rows[0][2] == "1,507,800"
    renamed = judged.rename(columns={"judgement": "criteria_pair", "value": "saaty_judgement"})
    for lang, words in (("en", "Judgement (Saaty scale)"), ("zh", "判断（Saaty 标度）")):
        heads, _, _ = _cells(tmp_path, renamed, lang, currency="GBP")
        assert heads[1] == words and "GBP" not in "".join(heads)


def test_the_value_index_is_an_index_in_chinese_not_a_criterion():
    """Table 48's TOPSIS closeness was headed 指标 (the fit tables' "index", an indicator): it is 价值指数."""
    assert i18n.glossary_words("value_index", "zh") == "价值指数"
    assert i18n.glossary_words("value_index") == "Value index"


def test_relative_lifts_read_as_percentages_and_differences_of_shares_as_points(tmp_path):
    """Tables 35, 30, 109: "Hit rate lift 0.478" beside the text's "a lift of 47.8%"; "Relative lift 0.050";
    "Difference 0.026" of two conversion rates shown as 13.0% and 10.3%."""
    rec = pd.DataFrame({"method": ["popularity", "hybrid"], "hit_rate": [0.318, 0.470], "hit_rate_lift": [0.0, 0.478],
                        "hit_rate_lift_ci_lower": [0.0, 0.333], "hit_rate_lift_ci_upper": [0.0, 1.562]})
    heads, rows, _ = _cells(tmp_path, rec)
    assert heads[2:] == ["Hit rate lift (%)", "Hit rate lift CI lower (%)", "Hit rate lift CI upper (%)"]
    assert rows[1][2:] == ["47.8", "33.3", "156.2"]  # a relative change has no bound at 100%
    conv = pd.DataFrame({"n_treatment": [2000], "n_control": [2000], "conversion_treatment": [0.1295],
                         "conversion_control": [0.103], "difference": [0.0265], "difference_ci_lower": [0.00665],
                         "difference_ci_upper": [0.04635], "relative_lift": [0.257], "z": [2.614],
                         "pvalue": [0.0089], "true_difference": [0.0239]})
    for lang, points in (("en", "(percentage points)"), ("zh", "(百分点)")):
        heads, rows, kinds = _cells(tmp_path, conv, lang)
        assert [h.endswith(points) for h in heads] == [False] * 4 + [True] * 3 + [False] * 3 + [True], heads
        assert rows[0][4:8] == ["2.6", "0.7", "4.6", "25.7"] and rows[0][10] == "2.4"
    # a "difference" without two arms' shares is no percentage-point difference
    _, rows, kinds = _cells(tmp_path, pd.DataFrame({"parameter": ["r"], "difference": [0.0266]}))
    assert kinds[1] == "number" and rows[0][1] == "0.027"


def test_counts_stay_whole_numbers_and_a_rate_keeps_its_se_in_percent(tmp_path):
    """Table 111 "n 792.000", Table 112 "Looks 1.000" and its "SE 0.013" beside a % column, Table 71 "CFI 1" beside
    "TLI 1.004"."""
    het = pd.DataFrame({"term": ["effect in tier=key", "effect in tier=regular"], "estimate": [0.114, 0.004],
                        "se": [0.028, 0.010], "pvalue": [0.0001, 0.705], "n": [792, 3208],
                        "ci_lower": [0.060, -0.017], "ci_upper": [0.169, 0.024]})
    _, rows, _ = _cells(tmp_path, het)
    assert [r[4] for r in rows] == ["792", "3,208"] and rows[0][5:] == ["0.060", "0.169"]
    peek = pd.DataFrame({"looks": [1, 2, 20], "false_positive_rate": [0.057, 0.093, 0.237], "se": [0.013, 0.017, 0.025]})
    heads, rows, _ = _cells(tmp_path, peek)
    assert heads == ["Looks", "False positive rate (%)", "SE (%)"]
    assert rows[0] == ["1", "5.7", "1.3"]
    fit = pd.DataFrame({"model": ["CFA"], "n": [293], "cfi": [1.0], "tli": [1.004]})
    _, rows, _ = _cells(tmp_path, fit)
    assert rows[0][1:] == ["293", "1.000", "1.004"]
