"""Segmentation, lifecycle stages and churn evaluation with known answers."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kamlib import churn, datasets, lifecycle, segments
from kamlib.errors import KamError


def test_well_separated_clusters_are_recovered():
    from sklearn.datasets import make_blobs
    from sklearn.metrics import adjusted_rand_score

    X, truth = make_blobs(n_samples=1500, centers=4, n_features=5, cluster_std=0.6, random_state=3)
    X = pd.DataFrame(X)
    ch = segments.choose_k(X, range(2, 7), n_init=3, gap_refs=5)
    assert ch.k_silhouette == 4 and ch.k_gap == 4 and ch.k_chosen == 4
    assert ch.table.set_index("k").loc[4, "stability_ari"] > 0.99
    labels = segments.cluster(X, 4)
    assert adjusted_rand_score(truth, labels) > 0.99
    alt = segments.alternatives(X, 4, labels).set_index("method")
    assert (alt["ari_vs_kmeans"] > 0.95).all()


def test_features_by_hand():
    tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
                       "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
                       "amount": [10.0, 5.0, 30.0, 8.0]})
    f = segments.features(tx, end="2024-01-21")
    assert f.loc["a"].to_dict() == {"orders": 2, "revenue": 45.0, "avg_order": 22.5, "recency_days": 10.0,
                                    "tenure_days": 20.0, "ipt_days": 10.0}
    assert f.loc["b", "ipt_days"] == 16.0  # one-time buyer: tenure


def test_segment_names_follow_the_profile():
    prof = pd.DataFrame({"customers": [100, 100, 100], "mean_recency_days": [10, 300, 20],
                         "mean_orders": [8, 1, 1], "mean_revenue": [900, 20, 30]})
    assert segments.name_segments(prof) == ["Champions", "Lapsed one-timers", "New or occasional"]


# ----------------------------------------------------------------------------- lifecycle


def _log():
    rows = [
        ("new1", "2024-05-20"),                                   # first purchase 12 days before: new
        ("grow", "2024-01-10"), ("grow", "2024-03-01"), ("grow", "2024-05-01"),   # 3 purchase days: growing
        *[("mat", f"2024-0{m}-05") for m in range(1, 7)],        # 6 purchase days: mature
        ("risk", "2023-06-01"), ("risk", "2023-09-01"),           # last purchase 275 days before: at-risk
        ("gone", "2022-01-01"), ("gone", "2022-02-01"),           # 2 years: churned
        ("once", "2023-12-01"),                                   # one purchase, 183 days: at-risk by recency
    ]
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "date": pd.to_datetime([r[1] for r in rows]),
                         "amount": 10.0})


def test_lifecycle_rules_on_a_hand_made_log():
    st = lifecycle.stages(_log(), "2024-06-01", registered=["newbie"])
    expected = {"new1": "new", "grow": "growing", "mat": "mature", "risk": "at-risk", "gone": "churned",
                "once": "at-risk", "newbie": "potential"}
    assert st.astype(str).to_dict() == expected


def test_lifecycle_uses_p_alive_when_given():
    pa = pd.Series({"new1": 0.9, "grow": 0.4, "mat": 0.95, "risk": 0.1, "gone": 0.05, "once": 0.7})
    st = lifecycle.stages(_log(), "2024-06-01", p_alive=pa).astype(str)
    assert st.to_dict() == {"new1": "new", "grow": "at-risk", "mat": "mature", "risk": "churned", "gone": "churned",
                            "once": "new"}
    with pytest.raises(KamError, match="growing_purchases"):
        lifecycle.stages(_log(), "2024-06-01", growing_purchases=5, mature_purchases=3)


def test_transition_matrix_and_cohorts():
    tx = _log()
    a = lifecycle.stages(tx, "2024-02-01")
    b = lifecycle.stages(tx, "2024-06-01")
    counts = lifecycle.transition_matrix(a, b, normalize=False)
    assert counts.to_numpy().sum() == len(b)
    assert counts.loc[lifecycle.ACQUIRED, "new"] == 1  # new1 bought for the first time in between
    assert counts.loc["potential"].sum() == 0  # not "potential": that stage counts registrations without a purchase
    shares = lifecycle.transition_matrix(a, b)
    assert np.allclose(shares.dropna().sum(axis=1), 1)
    coh = lifecycle.cohort_retention(tx)
    assert coh.loc["2024-01", "customers"] == 2 and coh.loc["2024-01", 0] == 1.0
    assert coh.loc["2024-01", 1] == 0.5  # in February only 'mat' of {grow, mat} bought
    assert coh.loc["2024-01", 2] == 1.0  # in March both did


def test_cohort_retention_on_cdnow_counts_every_customer():
    tx = datasets.cdnow(sample=True)
    coh = lifecycle.cohort_retention(tx)
    assert coh["customers"].sum() == tx["customer_id"].nunique()


# ----------------------------------------------------------------------------- churn


def test_auc_and_lift_agree_with_independent_computations():
    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.2
    score = y * 0.8 + rng.normal(0, 1, 3000)
    ev = churn.evaluate(y.astype(int), score)
    u = stats.mannwhitneyu(score[y], score[~y]).statistic
    assert ev.auc == pytest.approx(u / (y.sum() * (~y).sum()))
    top = pd.Series(score).rank(ascending=False, method="first") <= 300
    assert ev.top_decile_capture == pytest.approx(y[top.to_numpy()].sum() / y.sum())
    assert ev.top_decile_lift == pytest.approx(y[top.to_numpy()].mean() / y.mean())


def test_tied_scores_do_not_rank_by_row_order():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0] * 40)
    constant = churn.lift_table(y, np.zeros(len(y)))
    assert constant["lift"].to_numpy() == pytest.approx(1.0)  # row order put every churner first before
    assert churn.evaluate(y, np.full(len(y), 0.5)).top_decile_lift == pytest.approx(1.0)
    # two tied blocks: the top decile is half of the high block, which has churn rate 0.5
    score = np.r_[np.ones(80), np.zeros(320)]
    yy = np.r_[np.tile([1, 0], 40), np.zeros(320)]
    assert churn.lift_table(yy, score)["churn_rate"].iloc[0] == pytest.approx(0.5)
    assert churn.lift_table(yy, score)["cumulative_capture"].iloc[-1] == pytest.approx(1.0)


def test_cost_threshold_minimises_the_stated_cost():
    rng = np.random.default_rng(1)
    p = rng.random(2000)
    y = (rng.random(2000) < p).astype(int)  # calibrated probabilities
    r = churn.cost_threshold(y, p, cost_missed=50, cost_wasted=5)
    brute = min(50 * ((p < t) & (y == 1)).sum() + 5 * ((p >= t) & (y == 0)).sum() for t in np.r_[p, np.inf])
    assert r.cost == brute
    assert r.threshold == pytest.approx(5 / 55, abs=0.06)
    assert r.confusion.to_numpy().sum() == 2000


def test_logit_matches_unpenalised_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    d = churn.telecom()
    feats = ["international_plan", "number_customer_service_calls", "total_day_minutes"]
    res, table = churn.logit(d, "churn", feats)
    X = pd.get_dummies(d[feats], drop_first=True, dtype=float)
    sk = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-10).fit(X, d["churn"])
    ours = table.set_index("term")["coef"]
    for name, coef in zip(X.columns, sk.coef_[0]):
        assert ours[name] == pytest.approx(coef, rel=1e-3)
    # more service calls raise the odds of churning (the well-known pattern in these data)
    assert table.set_index("term").loc["number_customer_service_calls", "or_ci_lower"] > 1


def test_duplicate_segment_names_are_told_apart_by_value():
    prof = pd.DataFrame({"customers": [100, 100, 100, 100], "mean_recency_days": [10, 300, 320, 20],
                         "mean_orders": [8, 1, 1, 9], "mean_revenue": [900, 20, 60, 950]})
    assert segments.name_segments(prof) == ["Champions, low value", "Lapsed one-timers, low value",
                                            "Lapsed one-timers, high value", "Champions, high value"]


def test_stages_at_fits_pareto_nbd_on_the_log_up_to_the_date():
    from kamlib import clv, datasets, rfm

    tx = datasets.cdnow(sample=True)
    res = lifecycle.stages_at(tx, "1997-09-30", new_days=90)
    got = res.stages
    assert res.risk_by == "p_alive" and res.note is None
    s = rfm.summary(tx, end="1997-09-30")
    pa = pd.Series(clv.fit(s, "paretonbd").p_alive(s), index=s.index)
    want = lifecycle.stages(tx, "1997-09-30", p_alive=pa, new_days=90)
    pd.testing.assert_series_equal(got, want)
    dist = lifecycle.stage_distribution(want, want, ("a", "b"), empty=res.empty)
    assert dist["a"].sum() == len(want) and list(dist["stage"]) == lifecycle.STAGES
    # no registrations: potential is empty by construction, and its row says so
    assert set(res.empty) == {"potential"} and "registered" in dist.set_index("stage").loc["potential", "note"]


def test_a_day_rule_longer_than_the_log_empties_its_stage_by_construction():
    from kamlib import datasets

    tx = datasets.cdnow(sample=True)
    short = tx[tx["date"] <= "1997-07-31"]  # seven months of purchases, as the default study's calibration
    res = lifecycle.stages_at(short, "1997-07-31", new_days=90, churned_p_alive=0.2, at_risk_p_alive=0.5)
    if res.risk_by == "recency":
        assert "churned" in res.empty and "211 days" in res.empty["churned"]
        dist = lifecycle.stage_distribution(res.stages, res.stages, ("a", "b"), empty=res.empty)
        row = dist.set_index("stage").loc["churned"]
        assert row["a"] == 0 and "365 days" in row["note"]
    empty = lifecycle.empty_by_construction(short, "1997-07-31", risk_by="recency", registered=["x"])
    assert set(empty) == {"churned"} and "covers only 211 days" in empty["churned"]


def test_a_threshold_that_selects_almost_everyone_is_named_with_counts():
    """1,158 of 1,162 customers is not everyone: the note gives the counts (a share rounded to "100%" read as
    everyone beside a cost lower than everyone's), in English and Chinese."""
    y = np.r_[np.ones(40, int), np.zeros(60, int)]
    p = np.r_[np.linspace(0.05, 0.9, 40), np.linspace(0.06, 0.6, 56), [0.001, 0.002, 0.003, 0.004]]
    t = churn.cost_threshold(y, p, cost_missed=50, cost_wasted=5)
    assert t.targeted == 96  # the four lowest scores are stayers: leaving them out saves 4 x 5
    note = t.note()
    assert "goes to 96 of the 100 customers" in str(note) and "%" not in str(note).split("(")[0]
    assert "100 名客户中的 96 名" in note.translate("zh")
