"""The relationship-quality report's H6 (examiner's report B, item 7): a mediation hypothesis decided by a percentile
bootstrap of fewer resamples than a percentile interval needs says so as a limitation, and the deciding estimate on
construct scores (OLS on item means) is set beside the SEM's latent estimate of the same effect, called attenuated
only when it is the smaller; both sentences in English and Chinese."""

from types import SimpleNamespace

import pandas as pd

from kamlib.experiments.campaign import BOOTSTRAP_FOR_INTERVALS
from kamlib.i18n import Message
from kamlib.survey import research_model as rm


def _tests(n_boot, indirect=0.113):
    med = rm.DeclaredMediation("via_commitment", "TR", "CM", "LOY", "CM ~ TR", "LOY ~ SAT + CM", 0.42, 0.27, indirect,
                               0.062, 0.212, 0.039, 246, n_boot, 0.95)
    return rm.HypothesisTests(pd.DataFrame(), {"H6": med}, {}, {}, [])


def _sem(estimate=0.131):
    return SimpleNamespace(estimates=pd.DataFrame([
        {"lval": "CM", "op": "~", "rval": "TR", "estimate": 0.42},
        {"lval": "via_commitment", "op": ":=", "rval": "a*b", "estimate": estimate}]))


def _render(lim, language):
    numbers = {f: v for f, (v, _) in lim.values.items()}
    m = Message(lim.template, "finding", h=lim.hypothesis, **numbers)
    return str(m) if language == "en" else m.translate("zh")


def test_fifty_resamples_are_too_few_for_a_percentile_interval_and_the_scores_estimate_is_attenuated():
    few, scores = rm.mediation_limitations(_tests(50), _sem())
    assert few.key == "mediation_resamples_h6" and few.values["n_boot"] == (50, "count")
    assert few.values["enough"] == (BOOTSTRAP_FOR_INTERVALS, "count") == (1000, "count")
    en, zh = _render(few, "en"), _render(few, "zh")
    assert en.startswith("H6 is decided by a percentile bootstrap of 50 resamples, fewer than the 1000 that Efron")
    assert "(0.062 to 0.212)" in en and "survey.bootstrap" in en
    assert zh and "百分位自助法" in zh and "bootstrap 判定" not in zh and "，" in zh and "：" in zh
    assert scores.template == rm.ATTENUATED and scores.values == {"ols": (0.113, "estimate"), "sem": (0.131, "estimate")}
    assert "0.113, is attenuated against the SEM's latent estimate of the same effect, 0.131" in _render(scores, "en")
    assert "衰减" in _render(scores, "zh")


def test_enough_resamples_say_nothing_and_a_larger_scores_estimate_is_not_called_attenuated():
    [scores] = rm.mediation_limitations(_tests(BOOTSTRAP_FOR_INTERVALS), _sem())
    assert scores.key == "mediation_scores_h6"
    [scores] = rm.mediation_limitations(_tests(5000, indirect=0.15), _sem(0.131))
    assert scores.template == rm.NOT_ATTENUATED and "attenuated" not in _render(scores, "en")
    assert "衰减" not in _render(scores, "zh")
    assert rm.mediation_limitations(_tests(5000)) == []  # no SEM: nothing to set beside it
    assert rm.mediation_limitations(_tests(10), _sem(), minimum=5)[0].key == "mediation_scores_h6"
