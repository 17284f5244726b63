"""Literature data: register <-> BibTeX, codebook and coding checks, auto-coder on texts written
for the tests, kappa against hand-computed examples."""

import numpy as np
import pandas as pd
import pytest

from kamlib import literature as lit
from kamlib.errors import KamError


@pytest.fixture(scope="module")
def codebook():
    return lit.load_codebook()


def test_register_round_trips_through_bibtex():
    src = lit.load_sources(lit.LIT / "sources.csv")
    assert set(src["id"]) == {"S000", "S001", "S002", "S004"}
    bib = lit.to_bibtex(src)
    assert "@techreport{S000" in bib and "@article{S004" in bib
    back = lit.from_bibtex(bib, columns=list(src.columns))
    pd.testing.assert_frame_equal(back, src)


def test_register_errors_name_the_column_and_rows(tmp_path):
    src = lit.load_sources(lit.LIT / "sources.csv")
    src.loc[2, "type"] = "tweet"
    path = tmp_path / "sources.csv"
    src.to_csv(path, index=False)
    with pytest.raises(KamError, match=r"'type' has \['tweet'\] in row 4"):
        lit.load_sources(path)


def test_coding_uses_only_codebook_themes_and_registered_sources(codebook, tmp_path):
    coding = lit.load_coding(codebook=codebook, sources=lit.load_sources(lit.LIT / "sources.csv"))
    assert coding["source"].nunique() == 4
    bad = coding.copy()
    bad.loc[5, "theme"] = "telepathy"
    path = tmp_path / "coding.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(KamError, match=r"'theme' has \['telepathy'\] in row 7.*codebook"):
        lit.load_coding(path, codebook)


def test_autocoder_on_short_texts(codebook):
    texts = {
        "zh_simplified": "我们用RFM模型和客户终身价值识别大客户,并通过优惠券促销提高复购。",
        # traditional characters with the pinyin annotations some extracted pages carry
        "zh_traditional": "建立會員積分制度,提升客戶滿(mǎn)意度;對流失風(fēng)險客戶開展對比實驗。",
        "en": "A loyalty programme with points; an A/B test measured the effect of the coupon on churn.",
        "none": "今天天气很好。",
    }
    codes = lit.autocode(texts, codebook).codes
    coded = {u: set(codes.columns[codes.loc[u] == 1]) for u in codes.index}
    assert {"rfm", "clv", "identification", "promotion", "loyalty"} <= coded["zh_simplified"]
    assert {"loyalty_programme", "satisfaction", "churn", "experiments"} <= coded["zh_traditional"]
    assert {"loyalty_programme", "experiments", "promotion", "churn"} <= coded["en"]
    assert coded["none"] == set()


def test_clean_text_converts_and_strips_pinyin():
    assert lit.clean_text("營(yíng)銷管理") == "营销管理"


def test_seed_body_drops_site_boilerplate(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("版权说明\n文档简介\n正文内容在这里\n温馨提示\n- 其他文档\n", encoding="utf-8")
    assert lit.seed_body(page) == "正文内容在这里"


def test_cohen_kappa_matches_a_hand_computation():
    # 2x2 table [[20, 5], [10, 15]]: po = 0.7, pe = (25*30 + 25*20) / 50^2 = 0.5, kappa = 0.4
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert lit.cohen_kappa(a, b) == pytest.approx(0.4)
    assert lit.cohen_kappa([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    assert np.isnan(lit.cohen_kappa([0, 0, 0], [0, 0, 0]))


def test_fleiss_kappa_matches_the_textbook_example():
    # Fleiss (1971)-style worked example: 10 subjects, 14 raters, 5 categories; kappa = 0.210
    counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
              [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    ratings = [[c for c, n in enumerate(row) for _ in range(n)] for row in counts]
    assert round(lit.fleiss_kappa(ratings), 3) == 0.210


def test_gaps_and_traceability(codebook):
    coding = lit.load_coding(codebook=codebook)
    gaps = lit.gaps(codebook, coding)
    assert all(not codebook[t]["evidence"] for t in gaps["theme"])
    assert (gaps["sources"] >= 2).all()
    trace = lit.traceability(codebook)
    from kamlib.workbench.notebooks import available

    assert set(trace["notebook"]) <= set(available()) - {"00_literature"}  # every named notebook exists
    assert {"45_personalisation", "40_strategy"} <= set(trace.loc[trace["theme"] == "recommendation", "notebook"])


def test_facts_are_cited_by_id():
    facts = lit.load_facts(lit.LIT / "facts.csv")  # the default study's
    f = lit.fact("F001", facts)
    assert f["source"] == "S004" and f["location"] == "§4.1" and float(f["value"]) == 20
    with pytest.raises(KamError, match="No fact 'F999'"):
        lit.fact("F999", facts)


def test_cohen_kappa_treats_true_false_as_one_zero_and_names_mixed_labels():
    from kamlib import literature
    from kamlib.errors import KamError

    assert literature.cohen_kappa([True, True, False, False], [1, 0, 0, 0]) == literature.cohen_kappa(
        [1, 1, 0, 0], [1, 0, 0, 0]) == 0.5
    with pytest.raises(KamError, match="labels of different kinds"):
        literature.cohen_kappa(["yes", 1], [1, 1])


# ----------------------------------------------------------------------------- the methods bibliography


#: Rule sources that name a convention, not a publication (every other source cites a work in author-year form).
CONVENTIONS: set = set()  # none: "Fisher's 5% level" is Fisher (1925), in methods.bib


@pytest.mark.slow
def test_every_verdict_rule_source_is_in_methods_bib():
    """A rule whose source names a work not in data/literature/methods.bib (or names it in a form the citation
    lookup does not read) fails here, so the report's reference list cannot miss it."""
    from kamlib.verdicts import RULES

    assert lit.references("Smith & Jones (2031)")[0]["key"] is None  # the check can fail
    for rule in RULES.values():
        cited = lit.citations(rule.source)
        if not cited:
            assert rule.source in CONVENTIONS or rule.source.startswith("workbook convention"), (
                f"rule {rule.name!r}: its source {rule.source!r} names no work as 'Author (year)'")
            continue
        refs = lit.references(rule.source)
        assert {(r["author"], r["year"]) for r in refs} == set(cited)
        missing = [f"{r['author']} ({r['year']})" for r in refs if r["key"] is None]
        assert not missing, f"rule {rule.name!r}: add {missing} to data/literature/methods.bib"


@pytest.mark.parametrize("citation, key, start", [
    ("Hubert & Arabie (1985)", "hubert1985",
     "Hubert, L., & Arabie, P. (1985). Comparing partitions. Journal of Classification, 2(1), 193–218."),
    ("Cramér (1946)", "cramer1946", "Cramér, H. (1946). Mathematical methods of statistics. Princeton University Press"),
    ("Cohen (1988)", "cohen1988", "Cohen, J. (1988). Statistical power analysis for the behavioral sciences (2nd ed.)."),
    ("Kaiser (1974)", "kaiser1974", "Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39(1), 31–36"),
    ("Gardner & Altman (1986)", "gardner1986", "Gardner, M. J., & Altman, D. G. (1986). Confidence intervals "
     "rather than P values: Estimation rather than hypothesis testing."),
    ("after Kelley (1939)", "kelley1939", "Kelley, T. L. (1939). The selection of upper and lower groups for the "
     "validation of test items. Journal of Educational Psychology, 30(1), 17–24."),
    ("Wu (2010)", "wu2010", "Wu, M. (2010). 问卷统计分析实务"),
])
def test_methods_bib_holds_the_works_the_verdicts_and_segments_cite(citation, key, start):
    (ref,) = lit.references(citation)
    assert ref["key"] == key and ref["text"].startswith(start)


def test_new_methods_entries_say_where_they_were_verified():
    """Each of these entries was checked against a stored public record, named in the comment above it."""
    text = (lit.LIT / "methods.bib").read_text(encoding="utf-8")
    for key in ("hubert1985", "cramer1946", "cohen1988", "kaiser1974", "gardner1986", "kelley1939", "wu2010"):
        before = text[:text.index(f"{{{key},")].rstrip().rsplit("\n", 1)[0]  # the text above the entry's first line
        comment = before[before.rindex("}") + 1:] if "}" in before else before
        assert "% verified:" in comment, key


def test_a_bare_year_counts_only_when_it_continues_a_citation():
    assert lit.citations("index and V (Hubert & Arabie 1985, Cramér 1946; Kline 2016)") == [
        ("Hubert", "1985"), ("Cramér", "1946"), ("Kline", "2016")]
    assert lit.citations("sales in 2019, March 2020; Kline (2016)); On 2011") == [("Kline", "2016")]


def test_the_report_reference_list_reads_the_rules_and_the_segment_notes(tmp_path):
    """The report's lookup finds Hubert & Arabie (1985) and Cramér (1946) in the segments' note, and every work of
    the verdict rules table it prints, with no table or caption citing them."""
    from kamlib.verdicts import RULES
    from kamlib.workbench import discussion, report

    note = ("The 4 segments largely reproduce the mapped column region (adjusted Rand index 0.61, Cramér's V 0.70; "
            "agreement counts as high from an index of 0.50 or a V of 0.50, Hubert & Arabie 1985, Cramér 1946): "
            "they mostly separate 3 customers.")
    manifest = {"notebooks": {"20_segments": {"notes": [note]}}}
    refs = report._references(manifest, {}, tmp_path, True, discussion.stage_results({}, tmp_path))
    keys = {r["key"] for r in refs}
    assert None not in keys, [r for r in refs if r["key"] is None]
    assert {"hubert1985", "cramer1946", "gardner1986", "kaiser1974", "kelley1939", "wu2010", "cohen1988"} <= keys
    ruled = {c for r in RULES.values() for c in lit.citations(r.source)}
    assert ruled <= {(r["author"], r["year"]) for r in refs}


def test_no_fit_verdict_cites_a_work_against_its_rule_and_the_5_percent_level_is_fishers():
    """The examiner's review, item 5: chi2/df <= 3 was attributed to Kline (2016), who advises against the normed
    chi-square, and no work proposing the cut-off could be verified, so the criterion is gone from the verdicts; the
    5% level cites Fisher (1925), an entry of methods.bib."""
    from kamlib.survey import fit_verdicts
    from kamlib.verdicts import RULES

    assert "chi2_df" not in RULES
    fit = {"df": 24, "chi2": 85.3, "pvalue": 0.0, "cfi": 0.931, "tli": 0.896, "rmsea": 0.092, "srmr": 0.065}
    assert list(fit_verdicts(fit)["index"]) == ["cfi", "tli", "rmsea", "srmr"]
    assert not any("Kline" in r.source for r in RULES.values())
    [ref] = lit.references(RULES["p"].source)
    assert ref["key"] == "fisher1925" and ref["text"].startswith("Fisher, R. A. (1925). Statistical methods for research")
