"""Citation forms the examiner found broken (default study, items 22-23): a bare "Saaty 1980" inside a parenthetical
that holds a closed bracket of its own, and a second author's particle ("von Wangenheim")."""
from kamlib.literature import apa_citations, citations, number_citations

METHODS = ("weighted (AHP from the study's pairwise judgements, the author's stated assumptions (no expert panel was "
           "consulted), with Saaty's consistency ratio; Saaty 1980; entropy weights from the criteria's dispersion)")
METHODS_ZH = "（依据两两比较判断，作者陈述的假设（未咨询专家小组），并以 Saaty 一致性比率检验；Saaty 1980；熵权法依据离散程度）"


def test_saaty_after_an_inner_bracket_is_a_citation_in_both_styles():
    assert citations(METHODS) == [("Saaty", "1980")]
    assert "consistency ratio; Saaty, 1980; entropy" in apa_citations(METHODS, {("Saaty", "1980")})
    assert "检验；Saaty[41]；熵权法" in number_citations(METHODS_ZH, {("Saaty", "1980"): 41}, language="zh")


def test_a_bare_name_and_year_outside_brackets_or_not_ending_an_item_is_no_citation():
    assert citations("in the UK, Germany 2011; France 2012") == []
    assert citations("sales (a (b), France 2010 to 2011)") == []


def test_a_particle_stays_with_the_second_author():
    text = "wins (Wübben & von Wangenheim 2008). Wübben & von Wangenheim (2008) found"
    assert citations(text) == [("Wübben", "2008")]
    assert apa_citations(text) == "wins (Wübben & von Wangenheim, 2008). Wübben and von Wangenheim (2008) found"
    assert number_citations(text, {("Wübben", "2008"): 36}, language="zh").startswith(
        "wins (Wübben 和 von Wangenheim[36])")


def test_cite_as_keeps_the_particle_and_decodes_accents():
    from kamlib.literature import cite_as

    assert cite_as("wubben2008") == "Wübben & von Wangenheim (2008)"


def test_the_model_choice_rule_cites_the_particle_in_both_languages():
    from kamlib.clv.holdout import RULE

    assert apa_citations(str(RULE)).endswith("(Wübben & von Wangenheim, 2008)")
    assert number_citations(RULE.translate("zh"), {("Wübben", "2008"): 36}, language="zh").endswith(
        "Wübben 和 von Wangenheim[36]）")


def test_two_authors_joined_by_he_in_chinese_prose_are_one_citation():
    text = "少于 Efron 和 Tibshirani（1993）对百分位区间建议的 1,000 次"
    assert citations(text) == [("Efron", "1993")]
    assert number_citations(text, {("Efron", "1993"): 35}, language="zh") == "少于 Efron 和 Tibshirani[35]对百分位区间建议的 1,000 次"
