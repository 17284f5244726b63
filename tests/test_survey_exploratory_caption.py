"""An exploratory group comparison's caption (examiner's report B, item 12): it counts the tests with p below the
level uncorrected and after a Holm correction for the table's tests (statsmodels multipletests), names the ones that
survive with p and effect size, and says an empty set as empty; never "as uncorrected tests can by chance"."""

from statsmodels.stats.multitest import multipletests

from kamlib.survey.groups import EXPLORATORY_NOTES, exploratory_note


def _rows(pvalues, effect="eta_squared"):
    return [{"variable": v, "pvalue": p, "alpha": 0.05, "effect": effect, "effect_size": 0.042}
            for v, p in zip(("LOY", "SAT", "CM", "TR"), pvalues)]


def test_loyalty_by_industry_survives_holm_and_the_caption_says_so():
    rows = _rows([0.003, 0.21, 0.64])  # Table 29: Loyalty by Industry, F p = 0.003 among 3 tests
    assert multipletests([0.003, 0.21, 0.64], method="holm")[1][0] < 0.05 and 0.003 < 0.05 / 3  # Holm and Bonferroni
    note = exploratory_note(rows)
    en, zh = str(note), note.translate("zh")
    assert str(note).startswith(EXPLORATORY_NOTES["survives"].split("{k}")[0])
    assert "in 1 of them uncorrected, and in 1 after a Holm correction for the 3 tests" in en
    assert "(p = 0.003, η² = 0.042)" in en and "by chance" not in en
    assert "Holm 校正后仍有 1 项" in zh and "偶然" not in zh and "（p = 0.003，η² = 0.042）" in zh


def test_an_empty_set_is_said_as_empty_not_explained():
    note = exploratory_note(_rows([0.31, 0.52, 0.08, 0.77], effect="hedges_g"))  # Table 28: 0 of 4
    assert str(note).endswith("p is below α = 0.05 in none of them.") and "chance" not in str(note)
    assert note.translate("zh").endswith("其中没有一项的 p 值低于 α = 0.05。")


def test_a_significant_test_that_does_not_survive_the_correction_is_counted_both_ways():
    note = exploratory_note(_rows([0.03, 0.04, 0.5, 0.6]))  # Holm: 0.12, 0.12, ...: none survives
    assert "in 2 of them uncorrected, and in none after a Holm correction for the 4 tests." in str(note)
    assert exploratory_note([]) is None
