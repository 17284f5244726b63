"""Limitations computed from the run (issues 48/49): a day rule that calls customers still buying churned, segments that
another start or another method would draw differently, Hu & Bentler's cut-offs read on a WLSMV fit, and the
Pareto/NBD boundary note's short first sentence. Each decision is kamlib's; each limitation renders in both
languages from the values a notebook records (the numbers of the B2B export's quick run: 19 of 97 "churned" came
back, a Gaussian mixture agreeing with k-means at ARI 0.24)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib import lifecycle, segments, tiers, verdicts
from kamlib.clv.fitted import Fitted
from kamlib.i18n import Message
from kamlib.survey import cbsem
from kamlib.workbench import findings
from kamlib.workbench.artefacts import Artefacts

ROOT = Path(__file__).resolve().parents[1]
CHECKED = pd.DataFrame({"stage": ["at-risk", "churned"], "customers": [250, 97], "came_back": [75, 19],
                        "came_back_share": [0.3, 19 / 97]})


def _rendered(tmp_path, notebook: str, declare) -> dict:
    """The limitations a notebook declares through ``declare(art)``, rendered as the report does, per language."""
    art = Artefacts(notebook, output_dir=tmp_path)
    declare(art)
    manifest = {"artefacts": [], "notebooks": {notebook: {"limitations": art.limitations}}}
    values = {notebook: dict(art.values)}
    return {lang: findings.limitations(values, manifest, lang) for lang in ("en", "zh")}


def _cell(notebook: str, needle: str) -> str:
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())
    found = ["".join(c["source"]) for c in nb["cells"] if needle in "".join(c["source"])]
    assert found, f"{notebook} has no cell with {needle!r}"
    return found[0]


# -- 1. a day rule checked on later purchases: the tiers' window and the lifecycle's churned stage ---------------------

START = pd.Timestamp("2020-01-01")
AFTER, UNTIL = START + pd.Timedelta(days=700), START + pd.Timedelta(days=1000)


def _poisson_log(n: int = 600, mean_gap: float = 60.0, shape: float | None = None, seed: int = 3) -> pd.DataFrame:
    """Customers who buy at random times (a Poisson process) and never drop out: each makes a first purchase on a
    uniform day of the first 700 and then buys at exponential gaps of mean ``mean_gap`` days (one rate for everyone,
    or gamma-distributed rates of ``shape`` with that mean), up to day 1,000."""
    rng = np.random.default_rng(seed)
    rate = np.full(n, 1 / mean_gap) if shape is None else rng.gamma(shape, 1 / (shape * mean_gap), n)
    ids, days = [], []
    for i in range(n):
        t = rng.uniform(0, 700) + np.concatenate([[0.0], np.cumsum(rng.exponential(1 / rate[i], 200))])
        t = t[t < 1000]
        ids += [f"c{i}"] * len(t)
        days.append(np.floor(t))
    return pd.DataFrame({"customer_id": ids, "date": START + pd.to_timedelta(np.concatenate(days), unit="D"),
                         "amount": 10.0})


@pytest.mark.parametrize("shape", [None, 2.0])
def test_poisson_buyers_with_the_logs_window_are_not_called_lost_too_early(shape):
    """(a) Nobody drops out and everyone buys at random times: most customers called churned come back (the share the
    old check compared with (1 - p)², 1%), yet with the window drawn from the log the rule calls churned few of
    the customers still buying, and the limitation does not apply, for one rate or many."""
    tx = _poisson_log(shape=shape)
    w = tiers.window(tx, "auto", end=AFTER, percentile=0.9, owner="lifecycle")
    churned = lifecycle.churned_check(tx, risk_by="recency", churned_days=int(2 * w.days), after=AFTER, until=UNTIL)
    assert churned.called > 0 and churned.share > 0.5  # the called who came back: most, as nobody drops out
    assert churned.still_buying_share < 0.1 and not churned.material
    at_window = w.check(tx, calibration_end=AFTER, holdout_end=UNTIL)
    assert not at_window.material
    if shape is None:  # one rate: the silence on a fixed date is as long as a gap (memorylessness)
        assert at_window.still_buying_share == pytest.approx(at_window.gap_share, abs=0.04)
        assert at_window.gap_share == pytest.approx(0.1, abs=0.02)  # the window is the gaps' 0.9 quantile


def test_a_window_far_too_short_is_called_lost_too_early():
    """(b) The same buyers (a gap of 60 days on average) under a window of 10 days set in the study: the churned stage
    (20 days) calls most of the customers still buying churned, and both checks say so."""
    tx = _poisson_log()
    churned = lifecycle.churned_check(tx, risk_by="recency", churned_days=20, after=AFTER, until=UNTIL)
    assert churned.still_buying_share > 0.5 and churned.material
    assert tiers.window(tx, 10, end=AFTER).check(tx, calibration_end=AFTER, holdout_end=UNTIL).material


def test_the_churned_check_counts_the_stages_churned_and_is_skipped_under_p_alive():
    """The check's customers called churned are the lifecycle stages' churned (one day rule), its returners are the
    customers who bought on both sides of the date, by hand; with risk judged by P(alive) no day rule called anyone."""
    tx = _poisson_log(n=200, seed=5)
    c = lifecycle.churned_check(tx, risk_by="recency", churned_days=90, after=AFTER, until=UNTIL)
    st = lifecycle.stages(tx, AFTER, at_risk_days=45, churned_days=90)
    row = lifecycle.came_back(st, tx, after=AFTER, until=UNTIL).set_index("stage").loc["churned"]
    assert (c.called, c.came_back) == (row["customers"], row["came_back"])
    before = set(tx.loc[tx["date"] <= AFTER, "customer_id"])
    later = set(tx.loc[(tx["date"] > AFTER) & (tx["date"] <= UNTIL), "customer_id"])
    assert c.returned == len(before & later)
    assert lifecycle.churned_check(tx, risk_by="p_alive", churned_days=90, after=AFTER, until=UNTIL) is None


def test_churned_limitation_renders_in_both_languages(tmp_path):
    c = tiers.ComeBack(97, 19, 778.0, "2021-12-31", "2022-12-31", returned=60, gaps=2000, longer=15)
    assert c.material  # 19 of the 60 still buying: 32%, more than the rule's 25%

    def declare(art):
        got = c.numbers()
        for field in ("returned", "back", "share", "days", "gap_share", "cut"):
            art.record(f"churned_came_back_{field}", got[field])
        art.limitation("churned_came_back", lifecycle.CHURNED_CAME_BACK,
                       returned=("churned_came_back_returned", "count"), date=got["date"], end=got["end"],
                       back=("churned_came_back_back", "count"), share=("churned_came_back_share", "share"),
                       days=("churned_came_back_days", "count"), cut=("churned_came_back_cut", "share"),
                       gap_share=("churned_came_back_gap_share", "share"))

    out = _rendered(tmp_path, "30_segments", declare)
    en = next(s for s in out["en"] if "churned too early" in s)
    for part in ("of the 60 customers who bought again after 2021-12-31 and by 2022-12-31, 19", "778 days",
                 "rule still_buying_called, a workbook convention", "tiers.inactive_percentile",
                 "tiers.max_inactive_days"):
        assert part in en, part
    assert re.search(r"\(31\.7\s?%\)", en) and re.search(r"\b25(\.0)?\s?%", en) and re.search(r"\b0\.8\s?%", en)
    zh = next(s for s in out["zh"] if "过早判定客户流失" in s)
    assert "tiers.max_inactive_days" in zh and "still_buying_called" in zh and "churned too early" not in zh


# -- 2. unstable or method-dependent segments ----------------------------------------------------------------------------

TABLE = pd.DataFrame({"k": [2, 3, 4, 5, 6, 7, 8],
                      "stability_ari": [0.998, 0.955, 0.968, 0.915, 0.887, 0.763, 0.716]})
ALT = pd.DataFrame({"method": ["k-means", "Gaussian mixture (full covariance)", "Ward hierarchical (sample)"],
                    "ari_vs_kmeans": [1.0, 0.2415, 0.6022]})


def test_robustness_reads_the_rules():
    r = segments.robustness(segments.KChoice(TABLE, 2, 7, 5), ALT, n_init=5)
    assert not r.unstable and r.stability == pytest.approx(0.915)
    assert r.weak["method"].tolist() == ["Gaussian mixture (full covariance)"]  # Ward's 0.60 is not weak
    assert r.min_stability == verdicts.RULES["segment_stability"].threshold == 0.80
    assert r.min_agreement == verdicts.RULES["method_agreement"].threshold == 0.50
    unstable = segments.robustness(segments.KChoice(TABLE, 2, 7, 7), ALT.iloc[[0, 2]], n_init=5)
    assert unstable.unstable and not len(unstable.weak) and unstable.numbers()["stability"] == pytest.approx(0.763)


@pytest.mark.parametrize("stability, k_gap, chosen", [
    ([0.99, 0.95, 0.70, 0.90, 0.60], 4, 5),  # the gap rule's 4 is unstable: the best silhouette among stable 3 and 5
    ([0.99, 0.70, 0.70, 0.70, 0.60], 4, 2),  # no stable k >= 3: the stable 2
    ([0.70, 0.70, 0.75, 0.70, 0.60], 3, 4),  # nothing stable: the best silhouette among k >= 3
    ([0.99, 0.95, 0.90, 0.90, 0.90], 3, 3),  # the gap rule's k, stable
])
def test_the_fallback_takes_a_stable_k(stability, k_gap, chosen):
    table = pd.DataFrame({"k": [2, 3, 4, 5, 6], "silhouette": [0.50, 0.30, 0.45, 0.35, 0.20],
                          "stability_ari": stability})
    cut = verdicts.RULES["segment_stability"].threshold
    got = segments._chosen(table, k_gap, cut)
    assert got == chosen
    choice = segments.KChoice(table, 2, k_gap, got, cut)
    r = segments.robustness(choice, ALT.iloc[[0]], n_init=5)
    assert r.unstable == choice.none_stable == (max(stability) < cut)  # unstable only when no k is stable


def test_choices_are_unstable_only_when_no_k_is():
    """Whatever the criteria, the choice's robustness calls the chosen k unstable only when no k tried is stable, and
    the limitation then says that no k reaches the cut-off."""
    rng = np.random.default_rng(0)
    cut = verdicts.RULES["segment_stability"].threshold
    for _ in range(60):
        table = pd.DataFrame({"k": range(2, 9), "silhouette": rng.uniform(0, 1, 7),
                              "stability_ari": rng.uniform(0.5, 1, 7)})
        k_gap = int(rng.integers(2, 9))
        r = segments.robustness(segments.KChoice(table, 2, k_gap, segments._chosen(table, k_gap, cut), cut),
                                ALT.iloc[[0]], n_init=5)
        assert r.unstable == r.none_stable == bool((table["stability_ari"] < cut).all())
        if r.unstable:
            assert str(r.tried) == "and no k from 2 to 8 reaches it"


def test_largely_the_same_partition_has_one_owner():
    """segments.relation and mapped_column_agreement read rule method_agreement, as robustness does."""
    import inspect

    for f in (segments.relation, segments.mapped_column_agreement):
        assert inspect.signature(f).parameters["min_ari"].default is None
    cut = verdicts.RULES["method_agreement"].threshold
    with verdicts.Applied() as used:
        assert segments.relation(cut, 0.0, 2).band == "reproduces"
        assert segments.relation(cut - 0.01, 0.0, 2).band != "reproduces"
    assert "method_agreement" in used.names()
    labels = pd.Series([0, 0, 1, 1, 1, 0], index=list("abcdef"))
    log = pd.DataFrame({"customer_id": list("abcdef"), "channel": ["x", "x", "y", "y", "y", "y"], "amount": 1.0})
    assert segments.mapped_column_agreement(labels, None, log).min_ari == cut


@pytest.mark.slow  # k-means and the gap statistic: about a second
def test_choose_k_takes_its_stability_cutoff_from_the_rule():
    import inspect

    import numpy as np

    assert inspect.signature(segments.choose_k).parameters["min_stability"].default is None
    X = np.random.default_rng(1).normal(size=(60, 2))
    with verdicts.Applied() as used:
        segments.choose_k(X, range(2, 4), n_init=2, gap_refs=2, seed=1)
    assert "segment_stability" in used.names()


def test_segment_limitations_render_in_both_languages(tmp_path):
    r = segments.robustness(segments.KChoice(TABLE, 2, 7, 7), ALT, n_init=5)
    assert r.unstable and len(r.weak)

    def declare(art):
        for field, v in r.numbers().items():
            art.record(f"segments_{field}", v)
        art.limitation("segments_unstable", segments.UNSTABLE, k=("segments_k", "count"),
                       seeds=("segments_seeds", "count"), stability=("segments_stability", "estimate"),
                       cut=("segments_cut", "estimate"), tried=r.tried)
        art.limitation("segments_method", segments.METHOD_DEPENDENT, k=("segments_k", "count"), methods=r.methods,
                       cut=("segments_agreement_cut", "estimate"))

    out = _rendered(tmp_path, "30_segments", declare)
    unstable = next(s for s in out["en"] if "are not stable" in s)
    assert "0.76" in unstable and "0.8" in unstable and "Hubert & Arabie 1985" in unstable
    assert "(rule segment_stability), though another k from 2 to 8 reaches it, so" in unstable
    method = next(s for s in out["en"] if "depend on the clustering method" in s)
    assert "Gaussian mixture (full covariance) (adjusted Rand index 0.24)" in method and "0.5" in method
    assert "Ward" not in method
    zh = " ".join(out["zh"])
    assert "不稳定" in zh and "高斯混合模型(完全协方差)(调整兰德指数 0.24)" in zh and "尽管从 2 到 8 中另有 k 达到" in zh
    assert "are not stable" not in zh and "depend on the clustering method" not in zh


# -- 3. Hu & Bentler's cut-offs on a WLSMV fit -----------------------------------------------------------------------------

FIT = {"estimator": "WLSMV", "df": 48, "chi2": 50.1, "pvalue": 0.39, "cfi": 0.998, "tli": 0.997, "rmsea": 0.018,
       "srmr": 0.037}


def test_a_wlsmv_fit_names_its_caveat_and_keeps_its_verdicts():
    note = cbsem.fit_caveat(FIT)
    assert isinstance(note, Message)
    text = str(note)
    for part in ("Hu & Bentler's (1999)", "Xia & Yang 2019", "WLSMV", "ML", "CFI >= 0.95, TLI >= 0.95", "RMSEA <= 0.06"):
        assert part in text
    assert "Xia" in note.translate("zh") and "WLSMV" in note.translate("zh")
    assert cbsem.fit_caveat({**FIT, "estimator": "ML"}) is None and cbsem.fit_caveat({**FIT, "df": 0}) is None
    assert cbsem.fit_verdicts(FIT)["met"].tolist() == cbsem.fit_verdicts({**FIT, "estimator": "ML"})["met"].tolist()


def test_xia_and_yang_is_in_methods_bib_with_a_verified_line():
    from kamlib import literature as lit

    ref = lit.references("(Xia & Yang 2019)")[0]
    assert ref["key"] == "xia2019" and "10.3758/s13428-018-1055-2" in ref["text"] and "409–428" in ref["text"]
    bib = (ROOT / "data" / "literature" / "methods.bib").read_text()
    before = bib[:bib.index("@article{xia2019")].rstrip().splitlines()
    assert any(line.startswith("% verified:") for line in before[-4:])


def test_wlsmv_limitation_renders_in_both_languages(tmp_path):
    def declare(art):
        for key, v in (("cfa_cfi", 0.998), ("cfa_tli", 0.997), ("cfa_rmsea", 0.018)):
            art.record(key, v)
        art.limitation("fit_wlsmv_cutoffs", cbsem.WLSMV_CUTOFFS, cfi=("cfa_cfi", "estimate"),
                       tli=("cfa_tli", "estimate"), rmsea=("cfa_rmsea", "estimate"), cutoffs=cbsem.fit_cutoffs())

    out = _rendered(tmp_path, "20_survey", declare)
    en = next(s for s in out["en"] if "WLSMV" in s)
    assert "Xia & Yang 2019" in en and "Hu & Bentler's (1999)" in en and "0.998" in en and "RMSEA <= 0.06" in en
    zh = next(s for s in out["zh"] if "WLSMV" in s)
    assert "Xia & Yang 2019" in zh and "judged by" not in zh and "RMSEA <= 0.06" in zh


def test_the_survey_notebook_adds_the_caveat_where_it_fits_by_wlsmv():
    cell = _cell("20_survey", "survey.fit_verdicts(cfa.fit)")
    assert "survey.cbsem.fit_caveat(cfa.fit)" in cell and "art.note(caveat)" in cell
    assert 'art.limitation("fit_wlsmv_cutoffs", survey.cbsem.WLSMV_CUTOFFS' in cell
    assert "cutoffs=survey.cbsem.fit_cutoffs()" in cell  # the cut-offs as the rules write them, not recorded numbers


# -- 4. the Pareto/NBD boundary note ----------------------------------------------------------------------------------------

def test_the_boundary_note_opens_with_a_short_sentence():
    from kamlib.workbench.report import _SENTENCE_END

    m = Fitted("paretonbd", None, {"r": 0.9, "alpha": 40.0, "s": 3.53e9, "beta": 1.74e12}, -1.0, 800, 800,
               at_bound=("s", "beta"))
    note = m.diagnosis()
    first = _SENTENCE_END.split(str(note), maxsplit=1)[0].rstrip(".")
    assert first == "Pareto/NBD: s and beta are at a bound (s = 3.53e+09, beta = 1.74e+12)"
    assert "drops out at about the same rate" in str(note).split(first, 1)[1]
    zh = note.translate("zh")
    assert zh.split("。", 1)[0] == "Pareto/NBD:s 与 beta 处于边界(s = 3.53e+09, beta = 1.74e+12)"
