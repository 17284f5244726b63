"""Claim L4 of data/literature/literature_claims.csv (Wübben & von Wangenheim 2008): ranking by past purchases finds
the next period's best customers at least as well as a purchase model, judged on the run's paired difference of the
CLV rule and the past-revenue sort (examiner, default study, item 13)."""
from kamlib.stage_results import AGREES, DISAGREES, NOT_TESTED, Evaluate, StageResults, confront
from kamlib.workbench.discussion import EVIDENCE, LITERATURE_CLAIMS, load_claims, register


def _run(ci):
    return StageResults(evaluate=Evaluate(capture_clv=0.622, capture_clv_ci=(0.564, 0.684), capture_past_revenue=0.618,
                                          top_share=0.2, capture_difference_ci=ci))


def _l4(results):
    claims = load_claims(LITERATURE_CLAIMS)
    return next(c for c in confront(results, claims) if c.id == "L4")


def test_l4_is_in_every_runs_register_with_its_source():
    claims = register({"notebooks": {"x": {"parameters": {"transactions_source": "x.csv"}}}})
    row = claims.set_index("id").loc["L4"]
    assert row["source"] == "Wübben & von Wangenheim (2008)" and row["check"] == "sort_as_good"
    assert EVIDENCE["sort_as_good"] == "log"


def test_an_interval_including_zero_agrees_and_names_statistic_cutoff_source():
    c = _l4(_run((-0.034, 0.023)))
    assert c.verdict == AGREES
    text = str(c.evidence)
    assert "+0.4 percentage points (95% CI -3.4 to +2.3" in text
    assert "contradicted only when that interval lies above zero, Gardner & Altman (1986)" in text


def test_an_interval_above_zero_contradicts_and_one_below_agrees():
    assert _l4(_run((0.01, 0.05))).verdict == DISAGREES
    assert _l4(_run((-0.08, -0.01))).verdict == AGREES


def test_without_the_paired_interval_it_is_not_tested():
    assert _l4(_run(None)).verdict == NOT_TESTED


def test_l4_reads_in_chinese():
    row = _l4(_run((-0.034, 0.023))).row("zh")
    assert row["claim"].startswith("按过去的购买为客户排序") and row["verdict"] != AGREES
    assert "个百分点" in row["evidence"] and "英文" not in row["evidence"]
