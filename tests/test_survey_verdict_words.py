"""The words of the survey's verdicts follow what each test can show (an examiner's findings on the relationship-
quality report): a test that does not reject says "not detected", with its power; an undeclared group comparison is
no finding; the invariance steps and the common-latent-factor change row say what they are; the instrument's labels
replace its codes; each hypothesis's basis is a verified work that states the relation, or the author's assumption."""

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import norm

from kamlib import stage_results as sr
from kamlib.config import ROOT
from kamlib.survey.invariance import STEPS, Invariance, common_method_factor, invariance
from kamlib.survey.research_model import not_detected


def test_a_test_that_does_not_reject_reads_not_detected_with_its_power():
    """The examiner's H7: interaction 0.176 (95% CI -0.051 to 0.402) was 'not supported'."""
    said = not_detected(-0.051, 0.402, "positive", 0.05, "groups of 149 and 97 complete cases")
    text = str(said)
    assert text.startswith("not detected by this test") and "not supported" not in text
    half = (0.402 + 0.051) / 2
    mde = (norm.ppf(0.975) + norm.ppf(0.80)) * half / norm.ppf(0.975)  # Bloom (1995): (z_a/2 + z_power) * SE
    assert f"(± {half:.3f})" in text and f"about {mde:.3f} or more" in text and "80% power" in text
    assert "groups of 149 and 97 complete cases" in text and "does not show that there is none" in text
    assert "未检出" in said.translate("zh")
    # rejected the other way round is not "not detected": the interval excludes zero on the unstated side
    assert str(not_detected(-0.5, -0.1, "positive", 0.05, "n")).startswith("contrary")
    assert str(not_detected(0.1, 0.5, "negative", 0.05, "n")).startswith("contrary")


def test_an_undeclared_group_difference_is_not_said_in_the_closing():
    """No hypothesis declares a difference of means: a significant ANOVA is exploratory, not an RQ answer."""
    row = {"question": "INDUSTRY", "variable": "LOY", "test": "ANOVA", "statistic": 5.96, "df1": 2, "df2": 269,
           "pvalue": 0.0029, "effect": "eta_squared", "effect_size": 0.042, "n": 272, "alpha": 0.05,
           "hypotheses": [], "tests": 3}
    closing = [str(m) for m in sr.closing("understand", sr.recorded({"20_survey": {"group_differences_i": [row]}}))]
    assert not any("INDUSTRY" in m or "differs" in m for m in closing)


@pytest.mark.slow
def test_invariance_steps_are_named_by_what_they_hold_equal_under_their_estimator():
    from kamlib.datasets import holzinger_swineford

    hs = holzinger_swineford()
    ml = invariance(hs, {"visual": ["x1", "x2", "x3"]}, hs["school"])
    assert ml.summary_frame()["model"].tolist() == [
        "Configural (same pattern)", "Metric (equal loadings)", "Scalar (equal loadings and intercepts)"]
    assert ml.table["model"].tolist() == ["configural", "metric", "scalar"]  # the levels code reads stay
    ordinal = Invariance(ml.table.assign(estimator="WLSMV"), ml.level, ml.verdict)
    assert ordinal.summary_frame()["model"].iloc[2] == "Scalar (equal loadings and thresholds)"
    assert "equal loadings and thresholds" in str(ordinal.steps) and "(Wu & Estabrook 2016)" in str(ordinal.steps)
    assert "intercepts" in str(ml.steps) and "thresholds" not in str(ml.steps)
    assert "阈值" in ordinal.steps.translate("zh")
    for words in STEPS.values():
        assert all(w.translate("zh") for w in words.values())


def test_the_common_latent_factor_change_row_is_one_nested_difference_with_consistent_signs():
    """Δdf was -1 while the caption said 'on 1 df': the row is the model without the factor minus the one with it."""
    rng = np.random.default_rng(4)
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], 400)
    z = f[:, [0, 0, 0, 1, 1, 1]] * 0.7 + rng.normal(size=(400, 6)) * 0.7 + 0.3 * rng.normal(size=(400, 1))
    d = pd.DataFrame(z, columns=[f"q{i}" for i in range(6)])
    res = common_method_factor(d, {"A": ["q0", "q1", "q2"], "B": ["q3", "q4", "q5"]})
    t = res.table.set_index("model")
    without, with_, change = t.loc["constructs"], t.loc["constructs + common latent factor"], t.loc["change"]
    assert change["df"] == without["df"] - with_["df"] >= 1
    for column in ("chi2", "cfi", "tli", "rmsea"):
        assert change[column] == pytest.approx(without[column] - with_[column])
    assert f"on {int(change['df'])} df" in str(res.verdict)
    assert "The Change row is the model without the method factor minus the model with it" in str(res.verdict)


def test_the_instrument_labels_its_answer_codes_and_the_tables_use_them():
    from kamlib.i18n import named
    from kamlib.survey.instrument import load

    rq = load(ROOT / "data/survey/relationship_quality.yaml")
    assert named("SIZE") == {"en": "Account size", "zh": "客户规模"} and named("INDUSTRY")["en"] == "Industry"
    assert named("large")["zh"] == "大客户" and str(rq.answer_name("small")) == "Small accounts"
    from kamlib.survey.research_model import declare

    study = yaml.safe_load((ROOT / "studies/relationship_quality.yaml").read_text())
    declare(study["survey"]["model"], constructs=rq.constructs)
    assert named("via_commitment")["en"] == "indirect effect of Trust on Loyalty through Commitment"
    assert "a*b" != named("a*b")["en"] and "CM -> LOY" in named("a*b")["en"]


def test_each_hypothesis_rests_on_a_work_that_states_it_or_says_it_is_an_assumption():
    """H7 cited a KAM typology (Homburg et al. 2002) for size moderating commitment -> loyalty, and H4 a service
    quality study (Zeithaml et al. 1996) for satisfaction -> loyalty; H6 said 'mediates' of an indirect effect."""
    from kamlib import literature

    study = yaml.safe_load((ROOT / "studies/relationship_quality.yaml").read_text())
    hyp = {h["id"]: h for h in study["survey"]["hypotheses"]}
    assert hyp["H7"]["basis"] == ["assumption"] and hyp["H4"]["basis"] == ["fornell1996"]
    assert "mediates" not in hyp["H6"]["statement"]["en"] and "indirect effect" in hyp["H6"]["statement"]["en"]
    keys = literature.work_keys()
    assert all(b == "assumption" or b in keys for h in hyp.values() for b in h["basis"])
    bib = (ROOT / "data/literature/methods.bib").read_text()
    for key in ("zhao2010", "wu2016", "bloom1995"):  # the works the new words cite, each verified
        before = bib[:bib.index("{" + key + ",")]
        assert "% verified:" in before[before.rindex("}\n"):], key
