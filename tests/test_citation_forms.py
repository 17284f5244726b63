"""Citations the Chinese edition rewrites (kamlib.literature.number_citations) and the comma form of a bracketed
citation (CITATION_OPEN) that must not read a date as a work (review findings on the zh rewrite)."""
import pytest

from kamlib import literature as lit

NUMBERS = {("Hair", "2022"): 2, ("Hu", "1999"): 3, ("Hu", "2001"): 4, ("Cohen", "1988"): 5}


@pytest.mark.parametrize("cited, zh", [
    ("Hair et al. (2022, p. 5) 指出", "Hair 等[2] (p. 5) 指出"),
    ("Hair et al.（2022，第 5 页）指出", "Hair 等[2]（第 5 页）指出"),
    ("Hu & Bentler (1999, 2001) 的临界值", "Hu 和 Bentler[3][4] 的临界值"),
    ("(Hu & Bentler 1999; 2001)", "(Hu 和 Bentler[3][4])"),
    ("Hu & Bentler (1999, 2003) 的临界值", "Hu 和 Bentler[3] (2003) 的临界值"),  # a year with no entry stays
    ("(检验力 0.8，Cohen 1988)", "(检验力 0.8，Cohen[5])"),
])
def test_the_chinese_rewrite_keeps_the_bracket_and_numbers_every_year(cited, zh):
    out = lit.number_citations(cited, NUMBERS, language="zh")
    assert out == zh
    assert out.count("(") + out.count("（") == out.count(")") + out.count("）")  # no dangling bracket


def test_every_year_of_a_multi_year_citation_is_a_citation():
    assert lit.citations("Hu & Bentler (1999, 2001) and (Hu & Bentler 1999; 2001)") == [("Hu", "1999"), ("Hu", "2001")]
    english = lit.number_citations("Hu & Bentler (1999, 2001)", NUMBERS)
    assert english == "Hu & Bentler (1999[3], 2001[4])"


@pytest.mark.parametrize("text", ["sales peak (UK, Christmas 2010)", "(orders, Germany 2011 to 2012)",
                                  "(returns fall, Autumn 2011)", "(orders, Germany 2011)"])
def test_a_date_after_a_comma_in_brackets_is_no_missing_reference(text):
    """The comma form counts where its year ends the item (")" or ";") and, in a reference list, only where it names
    a work of methods.bib: no "not in methods.bib" entry for a place or a season and a year."""
    assert [r for r in lit.references(text) if r["key"] is None] == []
    assert all(s not in ("Christmas", "Autumn") for s, _ in lit.citations(text))


def test_the_comma_form_still_reads_a_bibliography_work():
    works = lit.references("(power 0.8, Cohen 1988); (UK, Christmas 2010)")
    assert [(r["author"], r["key"]) for r in works] == [("Cohen", "cohen1988")]
    assert lit.citations("(orders, Germany 2011 to 2012)") == []
