"""The Chinese relationship-quality report (examiner's report B, item 23): the bootstrap that decides H6 is one
term, 百分位自助法, as the methods chapter says 自助法, in the hypothesis table's method and in the note beside it."""

from kamlib.i18n import Message
from kamlib.survey import research_model as rm


def test_the_mediation_method_and_note_say_percentile_bootstrap_in_one_chinese_term():
    med = rm.DeclaredMediation("via_commitment", "TR", "CM", "LOY", "CM ~ TR", "LOY ~ SAT + CM", 0.42, 0.27, 0.113,
                               0.062, 0.212, 0.039, 246, 50, 0.95)
    en, zh = str(med.method), med.method.translate("zh")
    assert "construct scores (item means) of the 246 complete cases, percentile bootstrap of the respondents" in en
    assert zh and "百分位自助法" in zh and "bootstrap" not in zh and "；" in zh and ";" not in zh.split("（CM ~ TR")[0]
    note = Message("{h} is decided by the percentile bootstrap of the indirect effect a*b, each coefficient estimated "
                   "by OLS on construct scores (item means); the SEM's defined effect {name} (delta method, "
                   "{estimator}) is reported beside it in the table of defined effects and does not decide.",
                   h="H6", name="via_commitment", estimator="WLSMV")
    assert "百分位自助法判定" in note.translate("zh") and "bootstrap" not in note.translate("zh")
