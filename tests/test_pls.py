"""kamlib.survey.pls against R seminr's published outputs on the real ECSI mobi survey, and independent computations."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib import datasets
from kamlib.survey import pls
from kamlib.config import RAW
from kamlib.errors import ArgumentError
from kamlib.i18n import translate

MOBI = datasets.ECSI_BLOCKS["mobi"]
REF = RAW / "ecsi"


@pytest.fixture(scope="module")
def mobi():
    return datasets.ecsi("mobi")


def _basic(mobi, **kw):
    blocks = {c: MOBI[c] for c in ("Image", "Expectation", "Quality", "Loyalty", "Complaints")}
    paths = [("Image", "Expectation"), ("Expectation", "Loyalty"), ("Quality", "Loyalty"), ("Complaints", "Loyalty")]
    return pls.fit(mobi, paths=paths, blocks=blocks, modes={"Quality": "B"}, max_iter=100, tol=1e-8, **kw)


def test_basic_model_equals_seminr_published_output(mobi):
    m = _basic(mobi)
    assert m.converged
    ref_paths = pd.read_csv(REF / "seminr-mobi-basic-paths.csv", index_col=0)
    for r in m.paths.itertuples():
        assert r.estimate == pytest.approx(ref_paths.loc[r._1, r.to], abs=1e-5)
    assert len(m.paths) == int((ref_paths != 0).sum().sum())
    ref = pd.read_csv(REF / "seminr-mobi-basic-outer-model.csv", index_col=0)
    got = m.outer.set_index("indicator").loc[ref.index]
    np.testing.assert_allclose(got["weight"], ref["weight"], atol=1e-5)
    np.testing.assert_allclose(got["loading"], ref["loading"], atol=1e-5)


def test_two_stage_higher_order_model_equals_seminr(mobi):
    blocks = {c: MOBI[c] for c in ("Image", "Value", "Expectation", "Quality", "Loyalty", "Complaints")}
    paths = [("Expectation", "Satisfaction"), ("Quality", "Satisfaction"), ("Satisfaction", "Complaints"),
             ("Satisfaction", "Loyalty")]
    m = pls.fit(mobi, paths=paths, blocks=blocks, modes={"Quality": "B"}, max_iter=100, tol=1e-8,
                higher_order={"Satisfaction": ["Image", "Value"]})
    ref_paths = pd.read_csv(REF / "seminr-mobi-hoc-ts-paths.csv", index_col=0)
    for r in m.paths.itertuples():
        assert r.estimate == pytest.approx(ref_paths.loc[r._1, r.to], abs=1e-5)
    ref = pd.read_csv(REF / "seminr-mobi-hoc-ts-outer-model.csv", index_col=0)
    ref = ref[(ref != 0).any(axis=1)]  # seminr leaves the first-stage items of the dimensions at 0
    second = m.outer[~m.outer["construct"].isin(["Image", "Value"])].set_index("indicator").loc[ref.index]
    np.testing.assert_allclose(second["weight"], ref["weight"], atol=1e-5)
    np.testing.assert_allclose(second["loading"], ref["loading"], atol=1e-5)
    assert set(m.outer["construct"]) >= {"Image", "Value", "Satisfaction"}  # the dimensions' own items are kept


@pytest.fixture(scope="module")
def satisfaction_model(mobi):
    """The model of seminr's own test fixtures (tests/testthat/test-summary.R, test-metric.R, V_3_6_0)."""
    blocks = {c: MOBI[c] for c in ("Image", "Expectation", "Value", "Satisfaction")}
    return pls.fit(mobi, paths=[("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")],
                   blocks=blocks)


def test_reliability_r2_and_f2_equal_seminr_fixtures(satisfaction_model):
    m = satisfaction_model
    # seminr tests/fixtures/V_3_6_0/reliability.csv: alpha, rhoC, AVE, rhoA
    ref = pd.DataFrame({"alpha": [0.722834595427083, 0.451902555978063, 0.823631979352573, 0.779195021918597],
                        "rho_c": [0.818325774056256, 0.733177801505283, 0.917897281748515, 0.871457927643628],
                        "ave": [0.477979834838268, 0.480507046633952, 0.84831067540365, 0.693363990925202],
                        "rho_a": [0.745291554480322, 0.461657986928213, 0.857527048393235, 0.784023593590752]},
                       index=["Image", "Expectation", "Value", "Satisfaction"])
    got = m.reliability().loc[ref.index, ref.columns]
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), atol=1e-5)
    assert m.r2["Satisfaction"] == pytest.approx(0.590603320426892, abs=1e-6)  # rsquared1.csv
    f2 = m.f2().set_index("from")["f2"]
    assert f2["Image"] == pytest.approx(0.303554364141901, abs=1e-5)  # fsquared1.csv: Image -> Satisfaction


@pytest.mark.slow  # 3 s: outside `make test-fast`
def test_bootstrap_agrees_with_seminr_and_is_reproducible(satisfaction_model):
    m = satisfaction_model
    boot = m.bootstrap(500, seed=123)
    # seminr boot_report_paths.csv (500 resamples, its own random draws): estimate exact, SD close
    ref = {("Image", "Satisfaction"): (0.447003896753384, 0.0569259275804892),
           ("Expectation", "Satisfaction"): (0.171830104491587, 0.0619900261088522),
           ("Value", "Satisfaction"): (0.316425319256027, 0.0717381375043804)}
    direct = boot[boot["effect"] == "direct"].set_index(["from", "to"])
    for key, (est, sd) in ref.items():
        assert direct.loc[key, "estimate"] == pytest.approx(est, abs=1e-5)
        assert direct.loc[key, "se"] == pytest.approx(sd, rel=0.15)
        assert direct.loc[key, "pct_lower"] < est < direct.loc[key, "pct_upper"]
        assert direct.loc[key, "bca_lower"] < est < direct.loc[key, "bca_upper"]
    assert (direct["se"] > 0).all() and (direct["draws"] == 500).all()
    pd.testing.assert_frame_equal(boot, m.bootstrap(500, seed=123))


def test_bca_interval_agrees_with_scipy():
    from scipy import stats

    rng = np.random.default_rng(4)
    x = rng.lognormal(size=40)
    draws = rng.integers(0, len(x), size=(20000, len(x)))
    boot = x[draws].mean(axis=1)
    jack = np.array([np.delete(x, i).mean() for i in range(len(x))])
    lo, hi = pls.bca_interval(boot, jack, x.mean())
    ref = stats.bootstrap((x,), np.mean, method="BCa", n_resamples=20000, random_state=5).confidence_interval
    assert lo == pytest.approx(ref.low, rel=0.03) and hi == pytest.approx(ref.high, rel=0.03)
    pct = np.quantile(boot, [0.025, 0.975])
    assert hi > pct[1]  # a right-skewed mean: BCa moves the interval up


def test_effects_vif_and_schemes(mobi):
    m = _basic(mobi)
    eff = m.effects().set_index(["from", "to"])
    b = m.paths.set_index(["from", "to"])["estimate"]
    assert eff.loc[("Image", "Loyalty"), "indirect"] == pytest.approx(b[("Image", "Expectation")] *
                                                                      b[("Expectation", "Loyalty")])
    assert eff.loc[("Image", "Loyalty"), "direct"] == 0
    vif = m.vif()
    structural = vif[vif["kind"] == "structural"].set_index("variable")
    preds = m.scores[["Expectation", "Quality", "Complaints"]]
    r2 = 1 - 1 / structural.loc["Quality", "vif"]
    X = np.column_stack([np.ones(len(preds)), preds[["Expectation", "Complaints"]]])
    resid = preds["Quality"] - X @ np.linalg.lstsq(X, preds["Quality"], rcond=None)[0]
    assert r2 == pytest.approx(1 - resid.var() / preds["Quality"].var())  # VIF = 1 / (1 - R2 of the others)
    assert set(vif.loc[vif["kind"] == "indicator", "of"]) == {"Quality"}  # only formative blocks
    for scheme in ("centroid", "factorial"):
        other = _basic(mobi, scheme=scheme)
        assert other.converged
        assert other.paths["estimate"].to_numpy() == pytest.approx(m.paths["estimate"].to_numpy(), abs=0.05)


def test_unscaled_indicators_keep_the_scale():
    rng = np.random.default_rng(1)
    f = rng.normal(size=(300, 1))
    d = pd.DataFrame(5 + f + rng.normal(scale=0.5, size=(300, 3)), columns=["x1", "x2", "x3"])
    d[["y1", "y2"]] = 5 + 0.7 * f + rng.normal(scale=0.5, size=(300, 2))
    m = pls.fit(d, paths=[("X", "Y")], blocks={"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]}, standardize=False)
    w = m.outer.groupby("construct")["score_weight"].sum()
    assert w.to_numpy() == pytest.approx([1.0, 1.0])  # score weights sum to 1: scores on the items' 0-10 scale
    # the reported weights give a score of unit variance, as plspm, seminr and SmartPLS report them
    for c, items in {"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]}.items():
        weight = m.outer.set_index("indicator").loc[items, "weight"].to_numpy()
        assert ((d[items] - d[items].mean()).to_numpy() @ weight).std() == pytest.approx(1.0)
    assert m.reliability()["rho_a"].to_numpy() == pytest.approx(s_rho := pls.fit(
        d, paths=[("X", "Y")], blocks={"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]}).reliability()["rho_a"].to_numpy(),
        abs=0.02), s_rho  # rho_A does not depend on the items' scale
    assert m.scores["X"].mean() == pytest.approx(d[["x1", "x2", "x3"]].to_numpy().mean(), abs=0.05)
    s = pls.fit(d, paths=[("X", "Y")], blocks={"X": ["x1", "x2", "x3"], "Y": ["y1", "y2"]})
    assert m.paths["estimate"].item() == pytest.approx(s.paths["estimate"].item(), abs=0.02)


def test_bad_models_are_named(mobi):
    with pytest.raises(ArgumentError, match="'Value' in paths has no block"):
        pls.fit(mobi, paths=[("Image", "Value")], blocks={"Image": MOBI["Image"]})
    with pytest.raises(ArgumentError, match="no column 'IMAG9'"):
        pls.fit(mobi, paths=[("Image", "Loyalty")], blocks={"Image": ["IMAG9"], "Loyalty": MOBI["Loyalty"]})
    with pytest.raises(ArgumentError, match="'IMAG1' has 1 missing"):
        pls.fit(mobi.assign(IMAG1=lambda d: d["IMAG1"].where(d.index > 0)), paths=[("Image", "Loyalty")],
                blocks={"Image": MOBI["Image"], "Loyalty": MOBI["Loyalty"]})
    with pytest.raises(ArgumentError, match="same answer for every respondent"):
        pls.fit(mobi.assign(IMAG1=5), paths=[("Image", "Loyalty")],
                blocks={"Image": MOBI["Image"], "Loyalty": MOBI["Loyalty"]})
    with pytest.raises(ArgumentError, match="unknown inner weighting scheme"):
        _basic(mobi, scheme="pathway")


@pytest.mark.slow
def test_higher_order_bootstrap_refits_both_stages(mobi):
    blocks = {c: MOBI[c] for c in ("Image", "Value", "Expectation", "Loyalty")}
    m = pls.fit(mobi, paths=[("Expectation", "Satisfaction"), ("Satisfaction", "Loyalty")], blocks=blocks,
                higher_order={"Satisfaction": ["Image", "Value"]})
    boot = m.bootstrap(20, seed=2)
    assert (boot["se"] > 0).all() and set(boot["effect"]) == {"direct", "total"}
    assert m.reliability().loc["Satisfaction", "rho_c"] > 0.7  # measured by the dimensions' scores


def test_assessment_states_each_result_against_its_cut_off(satisfaction_model):
    a = pls.assessment(satisfaction_model)
    rel = satisfaction_model.reliability()
    alpha = a[(a["criterion"] == "alpha")].set_index("of")
    assert alpha.loc["Expectation", "value"] == pytest.approx(rel.loc["Expectation", "alpha"])
    assert not alpha.loc["Expectation", "met"] and alpha.loc["Value", "met"]  # 0.45 and 0.82 against 0.70
    assert "below the 0.70 cut-off" in alpha.loc["Expectation", "verdict"] and "低于" in translate(alpha.loc["Expectation", "verdict"])
    assert (a["met"] == (a["value"] >= a["cut_off"])).loc[a["criterion"].isin(["ave", "r2", "rho_a"])].all()
    assert (a.loc[a["criterion"] == "htmt", "met"] == (a.loc[a["criterion"] == "htmt", "value"] < 0.90)).all()
    assert a["source"].str.contains(r"\(\d{4}\)").all()  # every cut-off names where it comes from


def test_cbsem_comparison_names_degenerate_paths(satisfaction_model):
    ok = pd.DataFrame({"lval": ["Satisfaction"] * 3, "rval": ["Image", "Expectation", "Value"],
                       "std_estimate": [0.4, 0.2, 0.3]})
    c = pls.compare_with_cbsem(satisfaction_model, ok)
    assert not c.degenerate and c.note == "" and c.table["cbsem_std"].tolist() == [0.4, 0.2, 0.3]
    bad = ok.assign(std_estimate=[0.4, -1.6, 1.9])
    c = pls.compare_with_cbsem(satisfaction_model, bad)
    assert c.degenerate and "Expectation -> Satisfaction (-1.60)" in c.note and "±1" in translate(c.note)


def test_hypothesis_rows_from_a_bootstrap():
    boot = pd.DataFrame({"from": ["A", "B", "A"], "to": ["B", "C", "C"], "effect": ["direct", "direct", "total"],
                         "estimate": [0.5, 0.1, 0.05], "t": [5.0, 0.8, 2.5], "draws": [1000] * 3,
                         "bca_lower": [0.3, -0.1, 0.01], "bca_upper": [0.7, 0.3, 0.09]})
    rows = pls.hypothesis_rows(boot, {"Ha": ("A raises B", "A", "B", "direct"), "Hb": ("B raises C", "B", "C", "total"),
                                      "Hc": ("A -> C through B", "A", "C", "total")}, evidence="real answers")
    assert rows["supported"].tolist() == ["yes", "no", "not tested"]  # Hc: no direct A -> C, full mediation assumed
    assert rows["pvalue"].iloc[1] == pytest.approx(0.4236, abs=1e-3)  # two-sided t(999) at 0.8
    assert rows["statement"].tolist() == ["A raises B", "B raises C", "A -> C through B"]
    assert set(rows["evidence"]) == {"real answers"}
    # the statement and method are catalogue messages: the study's H6 has its Chinese, an unknown statement none
    h6 = pls.hypothesis_rows(boot, {"H6": ("Satisfaction raises loyalty", "A", "B", "direct")}, evidence="x")
    assert translate(h6["statement"].iloc[0]) == "满意度提升忠诚度" and translate(rows["statement"].iloc[0]) is None
    assert translate(h6["method"].iloc[0]) == "PLS-SEM 路径 A → B,BCa 自助法(n = 1000)"
    with pytest.raises(ArgumentError, match="no direct effect of C on A"):
        pls.hypothesis_rows(boot, {"Hd": ("x", "C", "A", "direct")}, evidence="x")


def test_path_diagram_draws_every_path(satisfaction_model):
    from kamlib import plots

    fig = plots.plot_path_diagram(satisfaction_model.paths, satisfaction_model.r2)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {f"{e:.2f}" for e in satisfaction_model.paths["estimate"]} <= labels
    assert any("R² 0.59" in t for t in labels)


# ----------------------------------------------------------------------------- R plspm on the satisfaction survey
PLSPM = Path(__file__).parent / "reference" / "plspm"
SATISFACTION_PATHS = [("IMAG", "EXPE"), ("IMAG", "SAT"), ("IMAG", "LOY"), ("EXPE", "QUAL"), ("EXPE", "VAL"),
                      ("EXPE", "SAT"), ("QUAL", "VAL"), ("QUAL", "SAT"), ("VAL", "SAT"), ("SAT", "LOY")]


@pytest.mark.parametrize("scheme", ["centroid", "path", "factorial"])
def test_unscaled_model_equals_r_plspm_on_satisfaction(scheme):
    """plspm(satisfaction, ..., scheme, scaled = FALSE), published in tests/reference/plspm (README there)."""
    sat = datasets.ecsi("satisfaction")
    blocks = {b.upper(): [c for c in sat.columns if c.startswith(b)] for b in ("imag", "expe", "qual", "val", "sat", "loy")}
    m = pls.fit(sat, paths=SATISFACTION_PATHS, blocks=blocks, scheme=scheme, standardize=False)
    ref = pd.read_csv(PLSPM / f"satisfaction-outer-{scheme}.csv").set_index("name")
    got = m.outer.set_index("indicator").loc[ref.index]
    np.testing.assert_allclose(got["loading"], ref["loading"], atol=1e-5)  # plspm stops at tol 1e-6
    np.testing.assert_allclose(got["weight"], ref["weight"], atol=1e-5)  # scores of unit variance, as plspm
    if scheme == "centroid":
        effects = pd.read_csv(PLSPM / "satisfaction-effects-centroid.csv").set_index(["from", "to"])
        mine = m.effects().set_index(["from", "to"]).loc[effects.index]
        np.testing.assert_allclose(mine[["direct", "indirect", "total"]], effects[["direct", "indirect", "total"]],
                                   atol=1e-5)


def test_bca_interval_is_an_interval_that_unpacks_as_lower_upper():
    rng = np.random.default_rng(1)
    x = rng.exponential(size=40)
    boot = np.array([rng.choice(x, 40).mean() for _ in range(500)])
    jack = np.array([np.delete(x, i).mean() for i in range(40)])
    ci = pls.bca_interval(boot, jack, x.mean(), level=0.9)
    lo, hi = ci
    assert (lo, hi) == (ci.lower, ci.upper) and ci.level == 0.9 and lo < x.mean() < hi
    flat = pls.bca_interval(np.ones(10), np.ones(5), 1.0)
    assert np.isnan(flat.lower) and np.isnan(flat.upper)
