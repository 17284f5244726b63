"""The sources of the CLV models, the holdout's trees, the hypothesis rule and the listwise-deletion limitation: each
cited work has a methods.bib entry checked against a stored public record, and lands in both reference lists (APA 7
and GB/T 7714-2015) in the form its type needs."""

import pytest

from kamlib import literature as lit
from kamlib.i18n import gettext


def _comment_above(key: str) -> str:
    """The comment lines right above an entry of methods.bib."""
    text = (lit.LIT / "methods.bib").read_text(encoding="utf-8")
    before = text[:text.index(f"{{{key},")].rstrip().rsplit("\n", 1)[0]
    return before[before.rindex("}") + 1:] if "}" in before else before


@pytest.mark.parametrize("key", ["fader2013", "friedman2001", "rubin1976"])
def test_each_entry_says_where_it_was_verified(key):
    assert "% verified:" in _comment_above(key)


def test_the_gamma_gamma_note_is_a_web_document_in_both_lists():
    """Fader & Hardie (2013) is a note on the authors' site: APA 7 gives its URL, GB/T 7714-2015 calls it [EB/OL]
    with its date, the access date and the URL (it was "[Z]. Note, http://brucehardie.com/notes/025/, 2013")."""
    url = "http://www.brucehardie.com/notes/025/gamma_gamma.pdf"
    [apa] = lit.references("(Fader & Hardie 2013)")
    assert apa["key"] == "fader2013"
    assert apa["text"] == f"Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. {url}"
    assert ("The Gamma-Gamma model of monetary value", True) in apa["runs"]  # a stand-alone work: its title in italics
    [gbt] = lit.references("（Fader & Hardie 2013）", style="gbt7714")
    assert gbt["text"] == (f"FADER P S, HARDIE B G S. The Gamma-Gamma model of monetary value[EB/OL]. "
                           f"(2013)[2026-12-08]. {url}.")


@pytest.mark.parametrize("cited, key, apa, gbt", [
    ("Friedman 2001", "friedman2001",
     "Friedman, J. H. (2001). Greedy function approximation: A gradient boosting machine. The Annals of Statistics, "
     "29(5), 1189–1232. https://doi.org/10.1214/aos/1013203451",
     "FRIEDMAN J H. Greedy function approximation: A gradient boosting machine[J/OL]. The Annals of Statistics, 2001, "
     "29(5): 1189-1232[2026-12-08]. https://doi.org/10.1214/aos/1013203451. DOI:10.1214/aos/1013203451."),
    ("Rubin 1976", "rubin1976",
     "Rubin, D. B. (1976). Inference and missing data. Biometrika, 63(3), 581–592. https://doi.org/10.1093/biomet/63.3.581",
     "RUBIN D B. Inference and missing data[J/OL]. Biometrika, 1976, 63(3): 581-592[2026-12-08]. "
     "https://doi.org/10.1093/biomet/63.3.581. DOI:10.1093/biomet/63.3.581."),
])
def test_the_new_articles_are_formatted_in_both_styles(cited, key, apa, gbt):
    [a] = lit.references(f"({cited})")
    [g] = lit.references(f"（{cited}）", style="gbt7714")
    assert (a["key"], a["text"]) == (key, apa) and (g["key"], g["text"]) == (key, gbt)


def test_the_directional_hypothesis_rule_cites_the_interval_not_a_pls_primer():
    """ci_lower judges CB-SEM hypotheses by a 95% CI above zero: it cites Gardner & Altman (1986), as effect_gain
    does, not Hair et al. (2022), a PLS-SEM primer; its Chinese keeps the citation."""
    from kamlib.verdicts import RULES

    source = RULES["ci_lower"].source
    assert "Hair" not in source
    assert [r["key"] for r in lit.references(source)] == ["gardner1986"]
    zh = gettext(source, "rule")
    assert zh and "Gardner & Altman (1986)" in zh and [r["key"] for r in lit.references(zh, style="gbt7714")] == [
        "gardner1986"]


def test_the_listwise_limitation_cites_rubin_in_both_languages():
    from kamlib.survey.responses import LISTWISE

    assert "missing completely at random (Rubin 1976)" in LISTWISE
    assert [r["key"] for r in lit.references(LISTWISE)] == ["rubin1976"]
    zh = gettext(LISTWISE, "finding")
    assert zh and "完全随机缺失（Rubin 1976）" in zh
    assert [r["key"] for r in lit.references(zh, style="gbt7714")] == ["rubin1976"]


def test_a_second_work_of_fader_2005_cannot_be_entered_yet():
    """Fader, Hardie & Lee (2005, JMR), the Gamma-Gamma spend model's source, is verified (a comment in methods.bib)
    but not an entry: the citation lookup refuses two works cited as Fader (2005) and reads no year suffix, so "Fader,
    Hardie & Lee 2005" stays the Marketing Science paper. This fails once the lookup learns suffixes: then enter it."""
    text = (lit.LIT / "methods.bib").read_text(encoding="utf-8")
    assert "10.1509/jmkr.2005.42.4.415" in text and "{fader2005rfm," not in text
    assert lit.citations("(Fader, Hardie & Lee 2005a)") == []
    second = text + ("\n@article{fader2005rfm,\n  author = {Fader, Peter S. and Hardie, Bruce G. S. and Lee, Ka Lok},\n"
                     "  title = {RFM and CLV},\n  journal = {Journal of Marketing Research},\n  year = {2005}\n}\n")
    with pytest.raises(Exception, match="two works cited as fader"):
        lit.references("(Fader, Hardie & Lee 2005)", bibtex=second)
