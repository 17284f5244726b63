"""The segments' sentences say what their numbers support, in words a reader knows (examiner's read of the B2B
report, section "Segment and prioritise"):

1. The clustering features were codes (``avg_order, recency_days, ...``): they are named as the report's column headers
   name them (:func:`kamlib.segments.feature_words`), and "their agreement is not built in" says what it means.
2. "The 5 segments and the customers' category are strongly related: adjusted Rand index 0.10, ..., Cohen's w 0.59"
   rested the verdict on w alone while the index says the partitions barely agree: the sentence
   (:func:`kamlib.segments.relation_sentence`) names the statistic the words follow and says the partitions differ.

The numbers are those of the export's quick run (/tmp/ex7, table seg_mapped_agreement: category, 3 values, 800
customers, ARI 0.10, V 0.42).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kamlib import segments
from kamlib.i18n import glossary_words

CATEGORY = dict(k=5, column="category", values=["Technology", "Furniture", "Office Supplies"], customers=800)


def test_the_features_are_named_in_words_in_both_languages():
    note = segments.feature_note(segments.FEATURES, ["channel", "category"])
    assert not any(code in note for code in ("avg_order", "recency_days", "tenure_days", "ipt_days"))
    assert ("purchase days, revenue, revenue per purchase day, days since last purchase, tenure, days between "
            "purchases") in note
    assert "not built in" not in note
    assert "comes from the customers' behaviour, not from the clustering's input" in note
    zh = note.translate("zh")
    assert zh is not None and not re.search(r"[a-z]+_[a-z]+", zh)
    for f in segments.FEATURES:  # each feature's Chinese header words, as the tables name it
        assert glossary_words(f, "zh") in zh


def test_a_column_the_glossary_lacks_keeps_its_name():
    [w] = segments.feature_words(["brand_new_feature"])
    assert str(w) == "brand_new_feature" and w.translate("zh") == "brand_new_feature"


def test_a_strong_w_with_a_low_index_says_which_statistic_the_words_follow_and_that_the_partitions_differ():
    r = segments.relation(0.10, 0.42, 2)
    assert r.band == "strong" and r.w == pytest.approx(0.42 * np.sqrt(2))
    s = segments.relation_sentence(r.band, ari=0.10, v=0.42, w=r.w, words=r.words, rule=r.rule, min_ari=0.5,
                                   **CATEGORY)
    assert "are strongly related: the words follow Cohen's w, 0.59" in s
    assert "They are different partitions, though: adjusted Rand index 0.10" in s
    assert "below the 0.50 from which" in s and "associated with the customers' category but are not the category" in s
    zh = s.translate("zh")
    assert "强相关" in zh and "依据 Cohen 的 w，为 0.59" in zh and "并非同一划分" in zh and "0.10" in zh and "0.50" in zh


@pytest.mark.parametrize("ari,v,q", [(0.0, 0.12, 2), (0.2, 0.3, 1), (0.49, 0.69, 1), (0.3, 0.6, 3)])
def test_every_associated_band_says_the_partitions_differ(ari, v, q):
    r = segments.relation(ari, v, q)
    assert r.band in ("weak", "moderate", "strong")
    s = segments.relation_sentence(r.band, ari=ari, v=v, w=r.w, words=r.words, rule=r.rule, min_ari=0.5, **CATEGORY)
    assert f"are {r.words}: the words follow Cohen's w, {r.w:.2f}" in s and "different partitions" in s
    assert s.translate("zh")


def test_unrelated_and_the_same_partition_say_no_difference_of_partitions():
    r = segments.relation(0.01, 0.03, 2)
    s = segments.relation_sentence(r.band, ari=0.01, v=0.03, w=r.w, words=r.words, rule=r.rule, min_ari=0.5,
                                   **CATEGORY)
    assert "are unrelated: the words follow Cohen's w" in s and "different partitions" not in s and s.translate("zh")
    r = segments.relation(0.7, 0.8, 2)
    s = segments.relation_sentence(r.band, ari=0.7, v=0.8, w=r.w, words=r.words, rule=r.rule, min_ari=0.5,
                                   **CATEGORY)
    assert "are largely the same partition: adjusted Rand index 0.70" in s and s.translate("zh")


def test_mapped_column_agreement_uses_the_sentence():
    """End to end on a small log: a column the segments are associated with but do not reproduce."""
    rng = np.random.default_rng(1)
    rows = []
    for c in range(300):
        busy = rng.random() < 0.5
        kind = ("Corporate" if rng.random() < 0.8 else "Consumer") if busy else rng.choice(["Consumer", "Home Office"])
        for _ in range(1 + rng.poisson(6 if busy else 1)):
            rows.append((f"c{c:03d}", pd.Timestamp("2022-01-01") + pd.Timedelta(days=int(rng.integers(0, 700))),
                         float(rng.lognormal(6 if busy else 4, 0.5)), kind))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "channel"])
    feats = segments.features(tx)
    labels = segments.cluster(segments.matrix(feats), 4, seed=0)
    res = segments.mapped_column_agreement(labels, feats, tx)
    row = res.table.set_index("column").loc["channel"]
    [s] = res.sentences
    band = segments.relation(row["ari"], row["cramers_v"], 2).band
    assert band in ("weak", "moderate", "strong"), band  # the case this test is about
    assert (band in ("weak", "moderate", "strong")) == ("different partitions" in s)
    assert f"the words follow Cohen's w, {row['cohens_w']:.2f}" in s or band == "reproduces"


def test_the_closing_sets_the_top_segment_against_its_own_customer_share():
    """3. The segment section's closing: the top segment's revenue share beside its share of the customers, as the
    notebook records it (top_segment_customer_share, one owner: segments.top_segment), not against an even split."""
    from kamlib.stage_results import closing, recorded

    values = {"30_segments": {"k_chosen": 5, **{f"segment_{i}_revenue_share": v for i, v in
                                                enumerate([0.5604, 0.0788, 0.2624, 0.0939, 0.0044])},
                              "top_segment_customer_share": 0.2625}, "35_churn": {"auc_logit": 0.757}}
    said = closing("segment", recorded(values), strict=True)
    [top] = [m for m in said if "most revenue" in m]
    assert top == ("The segment with the most revenue holds 26.2% of the customers and brings 56.0% of the revenue; "
                   "account management weighs its customers accordingly.")
    assert "even split" not in " ".join(said) and "20.0%" not in top
    zh = top.translate("zh")
    assert "26.2%" in zh and "56.0%" in zh
    # without the recorded customer share the sentence is left out (no yardstick), and strict mode names the key
    del values["30_segments"]["top_segment_customer_share"]
    assert not [m for m in closing("segment", recorded(values)) if "most revenue" in m]
    with pytest.raises(Exception, match="top_segment_customer_share of 30_segments"):
        closing("segment", recorded(values), strict=True)
