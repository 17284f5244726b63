"""The reference lists in the field's styles: APA 7 (English edition) and GB/T 7714-2015 numeric (Chinese edition),
formatted by pandoc's citeproc from the official CSL styles, compared with the entries the style authorities publish
for the kinds of works the report cites (article, book, chapter, data set, web page). See
tests/reference/citation_styles/README.md for where each expected entry was read."""

import json
import re
from pathlib import Path

import pytest

from kamlib import literature as lit

EXAMPLES = json.loads((Path(__file__).parent / "reference" / "citation_styles" / "examples.json").read_text("utf-8"))

APA = {
    "mccauley2019": ("McCauley, S. M., & Christiansen, M. H. (2019). Language learning as language use: A "
                     "cross-linguistic model of child language development. Psychological Review, 126(1), 1–51. "
                     "https://doi.org/10.1037/rev0000126", ["Psychological Review", "126"]),
    "brown2018": ("Brown, L. S. (2018). Feminist therapy (2nd ed.). American Psychological Association. "
                  "https://doi.org/10.1037/0000092-000", ["Feminist therapy"]),
    "balsam2019": ("Balsam, K. F., Martell, C. R., Jones, K. P., & Safren, S. A. (2019). Affirmative cognitive "
                   "behavior therapy with sexual and gender minority people. In G. Y. Iwamasa & P. A. Hays (Eds.), "
                   "Culturally responsive cognitive behavior therapy: Practice and supervision (2nd ed., pp. 287–314). "
                   "American Psychological Association. https://doi.org/10.1037/0000119-012",
                   ["Culturally responsive cognitive behavior therapy: Practice and supervision"]),
    # the Manual prints "[Data set]"; the official style says "[Dataset]" (README: known difference)
    "cohen1991": ("Cohen, M. A., & Miller, T. R. (1991). Cost of mental health care for victims of crime in the "
                  "United States (ICPSR 6581; Version V1) [Dataset]. ICPSR.",
                  ["Cost of mental health care for victims of crime in the United States"]),
    "cdc2018": ("Centers for Disease Control and Prevention. (2018, January 23). People at high risk of developing "
                "flu-related complications. https://www.cdc.gov/flu/about/disease/high_risk.htm",
                ["People at high risk of developing flu-related complications"]),
}

GBT = {  # the standard's examples; spacing after punctuation is not part of the standard's rule
    "xu2010": "徐光宪,王祥云.物质结构[M].2版.北京:科学出版社,2010.",
    "li2008": "李炳穆.韩国图书馆法[J].图书情报工作,2008,56(2):6-12.",
    "kanamori1998": "KANAMORI H. Shaking without quaking[J].Science,1998,279(5359):2063.",
}


@pytest.fixture(scope="module")
def formatted():
    keys = [i["id"] for i in EXAMPLES]
    return {style: {r["key"]: r for r in lit.format_references(keys, style=style, bibtex="", csl_items=EXAMPLES)}
            for style in ("apa", "gbt7714")}


@pytest.mark.parametrize("key", sorted(APA))
def test_apa_entries_equal_the_manuals_examples_with_their_italics(formatted, key):
    text, italic = APA[key]
    entry = formatted["apa"][key]
    assert entry["text"] == text
    assert [t.strip(" ,.") for t, it in entry["runs"] if it] == italic
    assert entry["label"] is None


def test_apa_lists_in_author_order_and_gbt_in_citation_order(formatted):
    assert list(formatted["apa"])[:3] == ["balsam2019", "brown2018", "cdc2018"]
    assert [r["label"] for r in formatted["gbt7714"].values()] == [f"[{i}]" for i in range(1, len(EXAMPLES) + 1)]
    assert list(formatted["gbt7714"]) == [i["id"] for i in EXAMPLES]


@pytest.mark.parametrize("key", sorted(GBT))
def test_gbt_entries_equal_the_standards_examples(formatted, key):
    squeeze = lambda s: re.sub(r"(?<=[^A-Za-z])\s+|\s+(?=[^A-Za-z])", "", s)  # noqa: E731
    assert squeeze(formatted["gbt7714"][key]["text"] + ".") == squeeze(GBT[key]) or \
        squeeze(formatted["gbt7714"][key]["text"]) == squeeze(GBT[key])


def test_gbt_writes_an_english_work_in_english_and_a_chinese_work_in_chinese(formatted):
    """GB/T 7714-2015 (8.1.2): 'et al.' and '2nd ed.' for a work in English, '等' and '2 版' for one in Chinese."""
    assert "et al." in formatted["gbt7714"]["balsam2019"]["text"]
    assert "2nd ed." in formatted["gbt7714"]["brown2018"]["text"]
    assert "2 版" in formatted["gbt7714"]["xu2010"]["text"]
    assert "[DS]" in formatted["gbt7714"]["cohen1991"]["text"] and "[EB/OL]" in formatted["gbt7714"]["cdc2018"]["text"]


def test_a_key_without_an_entry_is_named():
    with pytest.raises(lit.KamError, match="nosuchwork"):
        lit.format_references(["nosuchwork"], style="apa")


def test_the_report_references_are_those_the_text_cites_in_each_language():
    text = "cut-offs of Hu & Bentler (1999) and Kaiser (1974); power after Cohen (1988)"
    en = lit.references(text, style="apa")
    zh = lit.references(text, style="gbt7714")
    assert {r["key"] for r in en} == {r["key"] for r in zh} == {"hu1999", "kaiser1974", "cohen1988"}
    assert [r["key"] for r in zh] == ["hu1999", "kaiser1974", "cohen1988"]  # numbered by first citation
    assert [r["key"] for r in en] == ["cohen1988", "hu1999", "kaiser1974"]  # APA: by author


def test_a_chinese_work_is_listed_in_chinese_in_gbt_and_romanised_with_its_translation_in_apa():
    """GB/T 7714-2015 (8.1.1): a work is described in the language it was published in, a Chinese author by the full
    name; the English edition's APA entry keeps the romanised name and the bracketed translation (APA 7, 9.38)."""
    gbt = lit.format_references(["wu2010", "kelley1939"], style="gbt7714")
    wu = next(r for r in gbt if r["key"] == "wu2010")
    assert wu["text"].startswith("吴明隆. 问卷统计分析实务: SPSS 操作与应用[M]. 重庆: 重庆大学出版社, 2010")
    assert not re.search(r"WU|Wu|Minglong|Chongqing|Questionnaire", wu["text"]), wu["text"]
    assert next(r for r in gbt if r["key"] == "kelley1939")["text"].startswith("KELLEY T L.")  # English stays
    apa = lit.format_references(["wu2010"], style="apa")[0]["text"]
    assert apa.startswith("Wu, M. (2010). 问卷统计分析实务") and "[Questionnaire Statistical Analysis" in apa


@pytest.mark.parametrize("cited, zh", [
    ("Homburg et al. (2002) 发现", "Homburg 等[1] 发现"),
    ("按 Hu & Bentler (1999) 的临界值", "按 Hu 和 Bentler[1] 的临界值"),
    ("(HTMT；Henseler, Ringle & Sarstedt 2015)", "(HTMT；Henseler 等[1])"),
    ("(Podsakoff 等 2003)", "(Podsakoff 等[1])"),
    ("按 Podsakoff 等(2003)的规则", "按 Podsakoff 等[1]的规则"),
    ("依据 Kelley(1939)", "依据 Kelley[1]"),
    ("吴明隆(2010)", "吴明隆[1]"),
    ("(检验力 0.8，Cohen 1988)", "(检验力 0.8，Cohen[1])"),
    ("(Satorra 2000)", "(Satorra[1])"),
])
def test_a_numbered_chinese_citation_takes_the_author_number_form(cited, zh):
    """GB/T 7714-2015, 10.1.2: in Chinese prose a citation names its authors (两位作者以"和"相连, three or more as
    the first and "等") followed by the number, without the English year or "et al."."""
    (surname, year), = lit.citations(cited)
    assert lit.number_citations(cited, {(surname, year): 1}, language="zh") == zh
    english = lit.number_citations(cited, {(surname, year): 1})  # the English form keeps the year
    assert english.count("[1]") == 1 and year in english


@pytest.fixture(scope="module")
def methods_bib():
    """Every work of data/literature/methods.bib, formatted in both styles, with its DOI and access date."""
    from pybtex.database import parse_string

    entries = parse_string((lit.LIT / "methods.bib").read_text("utf-8"), "bibtex").entries
    keys = list(entries)
    return {"fields": {k: dict(e.fields) for k, e in entries.items()},
            **{style: {r["key"]: r for r in lit.format_references(keys, style=style)} for style in ("apa", "gbt7714")}}


def test_every_work_with_a_doi_states_the_day_it_was_checked(methods_bib):
    """An online work's GB/T entry needs an access date; the bibliography keeps it as the entry's urldate."""
    undated = [k for k, f in methods_bib["fields"].items() if "doi" in f and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", f.get("urldate", ""))]
    assert not undated


def test_gbt_describes_an_online_work_by_access_date_url_and_doi(methods_bib):
    """GB/T 7714-2015, 4.2.2 and 8.8: "[J/OL]" (or "[M/OL]"), the access date in brackets, the URL, then the DOI."""
    for key, f in methods_bib["fields"].items():
        text = methods_bib["gbt7714"][key]["text"]
        if "doi" not in f and "url" in f:  # a web document (a note on its authors' site): [EB/OL], access date, URL
            assert "[EB/OL]" in text and f"[{f['urldate']}]. {f['url']}." in text and "DOI:" not in text, (key, text)
            continue
        if "doi" not in f:
            assert "/OL]" not in text and "DOI:" not in text, key
            continue
        assert re.search(r"\[[A-Z]+/OL\]", text), (key, text)
        assert f"[{f['urldate']}]. https://doi.org/{f['doi']}. DOI:{f['doi']}." in text, (key, text)


def test_apa_gives_a_work_with_a_doi_its_doi_only(methods_bib):
    """APA 7 (9.34, 9.35): the DOI as a URL, no retrieval date and no second URL."""
    for key, f in methods_bib["fields"].items():
        text = methods_bib["apa"][key]["text"]
        if "doi" in f:
            assert text.endswith(f"https://doi.org/{f['doi']}"), (key, text)
            assert text.count("https://") == 1 and "Retrieved" not in text, (key, text)


def test_a_name_with_a_particle_keeps_it_before_the_surname_in_both_styles(methods_bib):
    """Florian von Wangenheim: GB/T writes the surname with its particle in capitals, APA keeps "von" in front."""
    assert methods_bib["gbt7714"]["wubben2008"]["text"].startswith("WÜBBEN M, VON WANGENHEIM F. ")
    assert methods_bib["apa"]["wubben2008"]["text"].startswith("Wübben, M., & von Wangenheim, F. (2008).")


@pytest.mark.parametrize("key, doi", [("wubben2008", "10.1509/jmkg.72.3.082"), ("hosmer2013", "10.1002/9781118548387"),
                                      ("fabrigar1999", "10.1037/1082-989X.4.3.272"),
                                      ("gromping2006", "10.18637/jss.v017.i01")])
def test_the_checked_dois_are_in_the_bibliography(methods_bib, key, doi):
    assert methods_bib["fields"][key]["doi"] == doi
