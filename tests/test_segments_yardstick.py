"""The segments' summary sentence and their separation, as an examiner read the B2B report (section 4, RQ2):

1. "the segment with the most revenue brought 56.0% of it" had no yardstick: a segment's revenue share means something
   only against its share of the customers. :func:`kamlib.segments.top_segment` gives the segment, its name as the
   segment profiles name it, its customer share and its revenue share (a :class:`~kamlib.segments.TopSegment`), and
   the finding :data:`kamlib.segments.TOP_SEGMENT` says both.
2. Table "Choosing k" showed the chosen k's mean silhouette width (0.227 at k = 5) without a word: at or below 0.25
   Kaufman & Rousseeuw (1990, ch. 2) find no substantial structure. Rule ``segment_structure`` holds the cut-off,
   :func:`kamlib.segments.robustness` reads it, and :data:`kamlib.segments.NO_STRUCTURE` is the run's limitation.

The numbers are those of the export's quick run (/tmp/ex7, tables seg_profiles and seg_choose_k).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from kamlib import literature, segments, verdicts
from kamlib.errors import KamError
from kamlib.i18n import Message
from kamlib.workbench import findings
from kamlib.workbench.artefacts import Artefacts

ROOT = Path(__file__).resolve().parents[1]

#: Table 19 "Segment profiles" of the quick run on the B2B export (the columns top_segment reads)
PROFILES = pd.DataFrame({
    "segment": [0, 1, 2, 3, 4],
    "name": ["Champions, higher revenue", "Lapsed buyers: lower revenue", "Champions, lower revenue",
             "Lapsed occasional buyers", "Lapsed one-timers"],
    "customers": [210, 178, 162, 139, 111],
    "customer_share": [0.2625, 0.2225, 0.2025, 0.17375, 0.13875],
    "revenue_share": [0.560406, 0.0787747, 0.262446, 0.0939433, 0.00443014]})

#: Table 6 "Choosing k" of the same run
CHOOSE_K = pd.DataFrame({"k": [2, 3, 4, 5, 6, 7, 8],
                         "silhouette": [0.297781, 0.216449, 0.221793, 0.227422, 0.219773, 0.212855, 0.218077],
                         "stability_ari": [0.997989, 0.955001, 0.968096, 0.915471, 0.887141, 0.762748, 0.716416]})
ALT = pd.DataFrame({"method": ["k-means", "Gaussian mixture (full covariance)", "Ward hierarchical (sample)"],
                    "ari_vs_kmeans": [1.0, 0.2415, 0.6022]})


def _rendered(declare) -> dict:
    """What the notebook declares through ``declare(art)``, rendered as the report does: findings and limitations,
    per language."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        art = Artefacts("30_segments", output_dir=Path(tmp))
        declare(art)
        record = {"stage": "segment", "findings": art.findings, "limitations": art.limitations}
        manifest = {"artefacts": [], "notebooks": {"30_segments": record}}
        values = {"30_segments": dict(art.values)}
        return {lang: {"findings": [f.text() for f in findings.findings(manifest, values, lang)],
                       "limitations": findings.limitations(values, manifest, lang)} for lang in ("en", "zh")}


# -- 1. the segment with the most revenue, against its share of the customers --------------------------------------

def test_the_top_segment_is_the_one_with_the_most_revenue_with_its_customer_share():
    top = segments.top_segment(PROFILES)
    assert isinstance(top, segments.TopSegment)
    assert (top.segment, str(top.name), top.customers) == (0, "Champions, higher revenue", 210)
    assert top.customer_share == pytest.approx(0.2625) and top.revenue_share == pytest.approx(0.560406)
    assert top.revenue_per_customer_share == pytest.approx(0.560406 / 0.2625)
    assert top.numbers() == {"segment": 0, "customers": 210, "customer_share": 0.2625, "revenue_share": 0.5604}
    # not the largest segment by customers, nor the first row: the one with the most revenue
    moved = PROFILES.iloc[[3, 1, 2, 0, 4]].reset_index(drop=True).assign(customers=[300, 178, 162, 210, 111])
    assert segments.top_segment(moved).segment == 0


def test_the_top_segment_keeps_the_name_the_profiles_made_so_the_chinese_edition_translates_it():
    """profile() names by Message; pandas stores the column as text, and top_segment finds the Message again."""
    feats = pd.DataFrame({"orders": [9, 8, 10, 1, 1, 2], "revenue": [900.0, 800, 1000, 10, 12, 30],
                          "avg_order": [100.0, 100, 100, 10, 12, 15], "recency_days": [10, 12, 8, 400, 420, 390],
                          "tenure_days": [700, 650, 720, 400, 420, 500], "ipt_days": [80, 80, 70, 400, 420, 250]},
                         index=list("abcdef"))
    labels = pd.Series([0, 0, 0, 1, 1, 1], index=feats.index)
    prof = segments.profile(feats, labels)
    top = segments.top_segment(prof)
    assert top.segment == 0 and str(top.name) == str(prof.loc[0, "name"])
    assert top.customer_share == pytest.approx(0.5) and top.revenue_share == pytest.approx(2700 / 2752)
    assert isinstance(top.name, Message) and top.name.translate("zh") != str(top.name)


def test_top_segment_refuses_profiles_without_a_column_or_without_revenue():
    with pytest.raises(KamError, match="customer_share"):
        segments.top_segment(PROFILES.drop(columns="customer_share"))
    with pytest.raises(KamError, match="no revenue share"):
        segments.top_segment(PROFILES.assign(revenue_share=float("nan")))


def _declare_finding(art, prof=PROFILES):
    top = segments.top_segment(prof)
    art.record("k_chosen", len(prof), kind="count", label="Segments (k)")
    for field, v in top.numbers().items():
        art.record(f"top_segment_{field}", v)
    art.finding("segments", segments.TOP_SEGMENT, evidence="seg_snake", priority=80, k=("k_chosen", "count"),
                name=top.name, customers=("top_segment_customer_share", "share"),
                share=("top_segment_revenue_share", "share"))


def test_the_finding_sets_the_revenue_share_beside_the_customer_share_in_both_languages():
    out = _rendered(_declare_finding)
    (en,) = out["en"]["findings"]
    assert en == ("Customers fall into 5 segments; the segment with the most revenue (Champions, higher revenue) "
                  "holds 26.2% of the customers and brought 56.0% of the revenue.")
    (zh,) = out["zh"]["findings"]
    assert "26.2%" in zh and "56.0%" in zh and "5 个细分群" in zh and "占客户的" in zh
    assert "the most revenue" not in zh


def test_the_finding_names_a_profile_name_in_chinese():
    feats = pd.DataFrame({"orders": [9, 8, 10, 1, 1, 2], "revenue": [900.0, 800, 1000, 10, 12, 30],
                          "avg_order": [100.0, 100, 100, 10, 12, 15], "recency_days": [10, 12, 8, 400, 420, 390],
                          "tenure_days": [700, 650, 720, 400, 420, 500], "ipt_days": [80, 80, 70, 400, 420, 250]},
                         index=list("abcdef"))
    prof = segments.profile(feats, pd.Series([0, 0, 0, 1, 1, 1], index=feats.index))
    name = segments.top_segment(prof).name
    out = _rendered(lambda art: _declare_finding(art, prof))
    (zh,) = out["zh"]["findings"]
    assert f"（{name.translate('zh')}）" in zh and str(name) not in zh


def test_the_notebook_says_the_finding_through_top_segment():
    nb = json.loads((ROOT / "notebooks" / "30_segments.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "segments.top_segment(prof)" in code and "segments.TOP_SEGMENT" in code
    assert "brought {share} of it" not in code  # the sentence without a yardstick is gone


# -- 2. the silhouette: no substantial structure at or below 0.25 ------------------------------------------------------

def test_the_structure_rule_names_its_statistic_cutoff_and_a_source_in_methods_bib():
    rule = verdicts.RULES["segment_structure"]
    assert (rule.op, rule.threshold) == (">", 0.25) and "silhouette" in rule.statistic
    (ref,) = literature.references(rule.source)
    assert ref["key"] == "kaufman1990"
    assert ref["text"].startswith("Kaufman, L., & Rousseeuw, P. J. (1990). Finding groups in data")
    bib = (literature.LIT / "methods.bib").read_text(encoding="utf-8")
    above = bib[:bib.index("@book{kaufman1990,")].rstrip().rsplit("}", 1)[1]
    assert "% verified:" in above and "10.1002/9780470316801" in above


@pytest.mark.parametrize("chosen, unstructured", [(5, True), (3, True), (2, False)])
def test_robustness_reads_the_chosen_ks_silhouette_against_the_rule(chosen, unstructured):
    r = segments.robustness(segments.KChoice(CHOOSE_K, 2, 7, chosen), ALT, n_init=5)
    assert r.unstructured == unstructured
    assert r.silhouette == pytest.approx(CHOOSE_K.set_index("k").loc[chosen, "silhouette"])
    assert r.min_silhouette == verdicts.RULES["segment_structure"].threshold
    assert (r.best_silhouette, r.k_best_silhouette) == (pytest.approx(0.297781), 2)
    got = r.numbers()
    assert (got["first_k"], got["last_k"], got["silhouette_cut"]) == (2, 8, 0.25)


@pytest.mark.parametrize("width, unstructured", [(0.25, True), (0.2501, False), (0.2499, True), (0.51, False)])
def test_at_or_below_the_cutoff_no_substantial_structure(width, unstructured):
    """Kaufman & Rousseeuw: 0.25 or less is no substantial structure, 0.26 to 0.50 a weak one."""
    table = pd.DataFrame({"k": [2, 3], "silhouette": [width, 0.1], "stability_ari": [0.99, 0.99]})
    assert segments.robustness(segments.KChoice(table, 2, 2, 2), ALT, n_init=5).unstructured == unstructured


def test_without_a_silhouette_nothing_is_said():
    r = segments.robustness(segments.KChoice(CHOOSE_K.drop(columns="silhouette"), 2, 7, 5), ALT, n_init=5)
    assert not r.unstructured and math.isnan(r.silhouette) and r.k_best_silhouette == 0


def test_robustness_applies_the_structure_rule():
    with verdicts.Applied() as used:
        segments.robustness(segments.KChoice(CHOOSE_K, 2, 7, 5), ALT, n_init=5)
    assert "segment_structure" in used.names()


def _declare_structure(art):
    r = segments.robustness(segments.KChoice(CHOOSE_K, 2, 7, 5), ALT, n_init=5)
    for field, v in r.numbers().items():
        art.record(f"segments_{field}", v)
    art.limitation("segments_structure", segments.NO_STRUCTURE, k=("segments_k", "count"),
                   silhouette=("segments_silhouette", "estimate"), cut=("segments_silhouette_cut", "cutoff"),
                   first_k=("segments_first_k", "count"), last_k=("segments_last_k", "count"),
                   best=("segments_best_silhouette", "estimate"), k_best=("segments_k_best_silhouette", "count"),
                   best_band=r.best_band)


def test_the_structure_limitation_renders_in_both_languages():
    out = _rendered(_declare_structure)
    (en,) = out["en"]["limitations"]
    for part in ("The 5 behavioural segments have a mean silhouette width of 0.227 (Rousseeuw 1987)",
                 "at or below the 0.25 at which Kaufman & Rousseeuw (1990) find no substantial structure",
                 "(rule segment_structure)", "the highest of any k from 2 to 8 is 0.298 (k = 2), which their table "
                 "reads as a weak structure that could be artificial (above 0.25, at most 0.50)",
                 "do not fall into well-separated groups"):
        assert part in en, part
    (zh,) = out["zh"]["limitations"]
    assert "未发现实质性结构" in zh and "0.227" in zh and "0.25" in zh and "segment_structure" in zh
    assert "Kaufman & Rousseeuw" in zh and "behavioural segments" not in zh
    assert "可能是人为的弱结构（高于 0.25，不超过 0.50）" in zh  # the best k's band, in words


def test_the_notebook_declares_the_structure_limitation_when_robustness_says_so():
    nb = json.loads((ROOT / "notebooks" / "30_segments.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "if robust.unstructured:" in code and "segments.NO_STRUCTURE" in code
    assert "best_band=robust.best_band" in code  # the template's every field is given
    assert "or robust.unstructured:" in code  # its numbers are recorded


@pytest.mark.parametrize("width,words", [(0.10, "no substantial structure (at most 0.25)"),
                                         (0.25, "no substantial structure (at most 0.25)"),
                                         (0.2501, "a weak structure that could be artificial (above 0.25, at most 0.50)"),
                                         (0.50, "a weak structure that could be artificial (above 0.25, at most 0.50)"),
                                         (0.60, "a reasonable structure (above 0.50, at most 0.70)"),
                                         (0.71, "a strong structure (above 0.70, at most 1.00)")])
def test_the_silhouette_bands_follow_kaufman_and_rousseeuw(width, words):
    """4. Kaufman & Rousseeuw (1990, ch. 2): 0.25 or less no substantial structure, 0.26-0.50 weak and could be
    artificial, 0.51-0.70 reasonable, 0.71-1.00 strong; the first band ends at rule segment_structure's cut-off."""
    band = segments.silhouette_band(width)
    assert str(band) == words and band.translate("zh")
    assert segments.SILHOUETTE_BANDS[0][0] == verdicts.RULES["segment_structure"].threshold
    assert [b for b, _ in segments.SILHOUETTE_BANDS] == sorted(b for b, _ in segments.SILHOUETTE_BANDS)
    assert segments.silhouette_band(float("nan")) == ""
    # the band and the rule agree: at or below the cut-off the band is no substantial structure
    assert words.startswith("no substantial") == (not verdicts.RULES["segment_structure"].met(width))


def test_the_best_band_is_the_best_silhouette_in_words():
    r = segments.robustness(segments.KChoice(CHOOSE_K, 2, 7, 5), ALT, n_init=5)
    assert r.best_silhouette == pytest.approx(0.297781) and r.k_best_silhouette == 2
    assert str(r.best_band) == "a weak structure that could be artificial (above 0.25, at most 0.50)"
