"""Limitations computed from the run (issues 48/49): the lifecycle's "churned" customers who came back, segments that
another start or another method would draw differently, Hu & Bentler's cut-offs read on a WLSMV fit, and the
Pareto/NBD boundary note's short first sentence. Each decision is kamlib's; each limitation renders in both
languages from the values a notebook records (the numbers of the B2B export's quick run: 19 of 97 "churned" came
back, a Gaussian mixture agreeing with k-means at ARI 0.24)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from kamlib import lifecycle, segments, verdicts
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


# -- 1. lifecycle: churned customers who came back ---------------------------------------------------------------------

def test_churned_allowance_is_the_square_of_the_windows():
    """The churned stage starts at twice the window: (1 - p)² of the churned may come back, 1% at p = 0.9."""
    c = lifecycle.churned_check(CHECKED, risk_by="recency", percentile=0.9, churned_days=778, after="2021-12-31",
                                until="2022-12-31")
    assert (c.called, c.came_back, c.days) == (97, 19, 778)
    assert c.allowed == 0.01 and c.share == pytest.approx(0.196, abs=1e-3) and c.material
    assert lifecycle.churned_check(CHECKED, risk_by="recency", percentile=0.8, churned_days=1, after="2021-12-31",
                                   until="2022-12-31").allowed == pytest.approx(0.04)


def test_churned_check_only_under_recency_and_only_above_the_allowance():
    kw = dict(percentile=0.9, churned_days=778, after="2021-12-31", until="2022-12-31")
    assert not lifecycle.churned_check(CHECKED, risk_by="p_alive", **kw).material  # P(alive) judged risk
    one = CHECKED.assign(customers=[250, 100], came_back=[75, 1])
    assert not lifecycle.churned_check(one, risk_by="recency", **kw).material  # 1% = the allowance, not above it
    two = CHECKED.assign(customers=[250, 100], came_back=[75, 2])
    assert lifecycle.churned_check(two, risk_by="recency", **kw).material
    nobody = CHECKED[CHECKED["stage"] == "at-risk"]  # at risk coming back is expected: never a limitation
    assert not lifecycle.churned_check(nobody, risk_by="recency", **kw).material


def test_churned_limitation_renders_in_both_languages(tmp_path):
    c = lifecycle.churned_check(CHECKED, risk_by="recency", percentile=0.9, churned_days=778, after="2021-12-31",
                                until="2022-12-31")

    def declare(art):
        got = c.numbers()
        art.record("came_back_churned", c.came_back)
        for field in ("called", "days", "share", "allowed"):
            art.record(f"churned_came_back_{field}", got[field])
        art.limitation("churned_came_back", lifecycle.CHURNED_CAME_BACK,
                       called=("churned_came_back_called", "count"), date=got["date"],
                       days=("churned_came_back_days", "count"), back=("came_back_churned", "count"),
                       share=("churned_came_back_share", "share"), end=got["end"],
                       allowed=("churned_came_back_allowed", "share"), pct=got["pct"])

    out = _rendered(tmp_path, "30_segments", declare)
    en = next(s for s in out["en"] if "churned too early" in s)
    for part in ("97", "19", "778", "2021-12-31", "2022-12-31", "tiers.inactive_percentile", "tiers.max_inactive_days"):
        assert part in en
    assert re.search(r"19\.6\s?%", en) and re.search(r"\b1(\.0)?\s?%", en)
    zh = next(s for s in out["zh"] if "过早判定客户流失" in s)
    assert "tiers.max_inactive_days" in zh and "churned too early" not in zh


def test_the_segments_notebook_declares_the_churned_limitation_from_kamlib():
    cell = _cell("30_segments", "lifecycle.came_back(")
    assert "lifecycle.churned_check(" in cell and "churned.material" in cell
    assert 'art.limitation("churned_came_back", lifecycle.CHURNED_CAME_BACK' in cell
    assert "risk_by=res_before.risk_by" in cell and "percentile=tiers_inactive_percentile" in cell


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
                       cut=("segments_cut", "estimate"))
        art.limitation("segments_method", segments.METHOD_DEPENDENT, k=("segments_k", "count"), methods=r.methods,
                       cut=("segments_agreement_cut", "estimate"))

    out = _rendered(tmp_path, "30_segments", declare)
    unstable = next(s for s in out["en"] if "are not stable" in s)
    assert "0.76" in unstable and "0.8" in unstable and "Hubert & Arabie 1985" in unstable
    method = next(s for s in out["en"] if "depend on the clustering method" in s)
    assert "Gaussian mixture (full covariance) (adjusted Rand index 0.24)" in method and "0.5" in method
    assert "Ward" not in method
    zh = " ".join(out["zh"])
    assert "不稳定" in zh and "高斯混合模型(完全协方差)(调整兰德指数 0.24)" in zh
    assert "are not stable" not in zh and "depend on the clustering method" not in zh


def test_the_segments_notebook_declares_the_segment_limitations_from_kamlib():
    cell = _cell("30_segments", "segments.alternatives(")
    assert "segments.robustness(ch, alt" in cell
    assert "segments.UNSTABLE" in cell and "segments.METHOD_DEPENDENT" in cell


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
