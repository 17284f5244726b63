"""kamlib.act.baskets against arules' published output on the Groceries baskets and against direct counts."""

import numpy as np
import pandas as pd
import pytest

from kamlib import datasets
from kamlib.act import baskets
from kamlib.errors import ArgumentError


@pytest.fixture(scope="module")
def groceries():
    return datasets.groceries()


@pytest.mark.slow
def test_rules_reproduce_arules_on_groceries(groceries):
    """apriori(Groceries, parameter = list(supp = 0.001, conf = 0.8)) writes a set of 410 rules; the rule of
    highest lift is {liquor, red/blush wine} => {bottled beer}, support 0.001931876, confidence 0.9047619,
    lift 11.235269 (arules' documented example output)."""
    r = baskets.rules(groceries, min_support=0.001, min_confidence=0.8)
    assert len(r) == 410
    top = r.iloc[0]
    assert top["antecedents"] == ("liquor", "red/blush wine") and top["consequents"] == "bottled beer"
    assert top["support"] == pytest.approx(0.001931876, abs=5e-10)
    assert top["confidence"] == pytest.approx(0.9047619, abs=5e-8) and top["lift"] == pytest.approx(11.235269, abs=5e-7)
    assert top["count"] == 19


def test_rule_measures_equal_direct_counts(groceries):
    r = baskets.rules(groceries, min_support=0.01, min_confidence=0.3, max_len=2)
    sets = groceries.groupby("basket_id")["item"].agg(set)
    n = len(sets)
    for _, rule in r.head(5).iterrows():
        lhs = sets.map(lambda s: set(rule["antecedents"]) <= s)
        rhs = sets.map(lambda s: rule["consequents"] in s)
        both = int((lhs & rhs).sum())
        assert rule["count"] == both and rule["antecedent_count"] == lhs.sum() and rule["consequent_count"] == rhs.sum()
        assert rule["confidence"] == pytest.approx(both / lhs.sum())
        assert rule["lift"] == pytest.approx(both / lhs.sum() / (rhs.sum() / n))
        assert rule["leverage"] == pytest.approx(both / n - lhs.mean() * rhs.mean())
    assert (r["antecedents"].map(len) == 1).all()  # max_len 2: one item on each side
    pd.testing.assert_frame_equal(r, baskets.rules(groceries, min_support=0.01, min_confidence=0.3, max_len=2))


def test_significance_is_fishers_exact_test(groceries):
    from scipy.stats import fisher_exact

    n = groceries["basket_id"].nunique()
    r = baskets.significant(baskets.rules(groceries, min_support=0.005, min_confidence=0.1, max_len=2), n)
    row = r.iloc[len(r) // 2]
    a = row["count"]
    b = row["antecedent_count"] - a
    c = row["consequent_count"] - a
    _, p = fisher_exact([[a, b], [c, n - a - b - c]], alternative="greater")
    assert row["pvalue"] == pytest.approx(p, rel=1e-6)
    assert (r["pvalue_adjusted"] >= r["pvalue"]).all()
    assert r["significant"].any() and not r["significant"].all()  # chance rules are filtered
    assert (r.loc[r["significant"], "pvalue_adjusted"] < 0.01).all()


def test_item_frequencies_and_bad_input(groceries):
    freq = baskets.item_frequencies(groceries)
    # arules: summary(Groceries) lists whole milk 2513, other vegetables 1903, rolls/buns 1809 baskets
    assert freq.head(3)[["item", "baskets"]].values.tolist() == [["whole milk", 2513], ["other vegetables", 1903],
                                                                 ["rolls/buns", 1809]]
    assert freq["support"].iloc[0] == pytest.approx(2513 / 9835)
    with pytest.raises(ArgumentError, match="no column 'basket_id'"):
        baskets.rules(groceries.rename(columns={"basket_id": "invoice"}), min_support=0.01, min_confidence=0.5)
    with pytest.raises(ArgumentError, match="min_support"):
        baskets.rules(groceries, min_support=5, min_confidence=0.5)
    none = baskets.rules(groceries, min_support=0.5, min_confidence=0.5)
    assert none.empty and "lift" in none.columns
    assert np.isinf(baskets.rules(pd.DataFrame({"basket_id": [1, 1, 2, 2], "item": ["a", "b", "a", "b"]}),
                                  min_support=0.5, min_confidence=0.5)["conviction"]).all()


def test_rules_equal_a_brute_force_count_on_random_small_baskets():
    from itertools import combinations

    rng = np.random.default_rng(3)
    items = list("abcdefg")
    lines = [(b, i) for b in range(60) for i in items if rng.random() < 0.35]
    df = pd.DataFrame(lines, columns=["basket_id", "item"])
    sets = df.groupby("basket_id")["item"].agg(frozenset)
    n = len(sets)
    expected = {}
    for size in (2, 3):
        for combo in combinations(items, size):
            together = sum(set(combo) <= s for s in sets)
            if together / n < 0.1:
                continue
            for rhs in combo:
                lhs = tuple(sorted(set(combo) - {rhs}))
                conf = together / sum(set(lhs) <= s for s in sets)
                if conf >= 0.4:
                    expected[(lhs, rhs)] = (together, conf)
    got = baskets.rules(df, min_support=0.1, min_confidence=0.4, max_len=3)
    assert {(a, c): (n_, pytest.approx(conf)) for a, c, n_, conf in
            got[["antecedents", "consequents", "count", "confidence"]].itertuples(index=False)} == expected


def test_baskets_from_a_transaction_log_and_rules_by_group():
    tx = pd.DataFrame({"customer_id": ["k", "k", "k", "o", "o", "o"], "order_id": ["1", "1", "1", "2", "2", "3"],
                       "product": ["a", "b", "b", "a", "c", "a"], "amount": [1.0, 2.0, 2.0, 1.0, -1.0, 1.0],
                       "date": pd.to_datetime(["2024-01-01"] * 6)})
    lines = baskets.from_transactions(tx)
    assert lines.values.tolist() == [["1", "a", "k"], ["1", "b", "k"], ["2", "a", "o"], ["3", "a", "o"]]  # returns out
    by = baskets.rules_by_group(lines, pd.Series({"k": "key", "o": "other"}), min_support=0.5, min_confidence=0.5)
    assert set(by["group"]) == {"key"} and by["baskets"].tolist() == [1, 1]
    with pytest.raises(ArgumentError, match="no product column"):
        baskets.from_transactions(tx.drop(columns="product"))


def test_pair_rules_counted_sparsely_equal_fpgrowth(groceries):
    """max_len=2 counts pairs by a sparse product; it must give exactly the rules mlxtend's FP-growth gives."""
    for support, confidence in [(0.01, 0.3), (0.002, 0.05)]:
        sparse_route = baskets.rules(groceries, min_support=support, min_confidence=confidence, max_len=2)
        fp = baskets._mine(groceries, min_support=support, min_confidence=confidence, max_len=2,
                           basket="basket_id", item="item", count_pairs=False)
        assert len(sparse_route) > 20
        pd.testing.assert_frame_equal(sparse_route, fp, check_exact=False, rtol=1e-12)


def test_rules_too_big_for_mlxtend_name_the_way_out(groceries, monkeypatch):
    monkeypatch.setattr(baskets, "_DENSE_LIMIT", 1000)
    with pytest.raises(ArgumentError, match="max_len=2"):
        baskets.rules(groceries, min_support=0.01, min_confidence=0.3, max_len=3)
    assert len(baskets.rules(groceries, min_support=0.01, min_confidence=0.3, max_len=2))  # the sparse route runs


def test_categorical_lines_of_a_log_give_what_the_same_lines_as_text_give():
    """from_transactions returns coded (categorical) baskets and items, so that rules() hashes no text again; every
    function must treat them as the text they stand for (order of rules, ties, groups, one-hot labels)."""
    rng = np.random.default_rng(1)
    n = 5000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 300, n).astype(str),
                       "order_id": rng.integers(0, 1200, n).astype(str),
                       "product": np.char.add("p", rng.zipf(1.4, n).clip(max=80).astype(str)),
                       "amount": rng.choice([1.0, -1.0], n, p=[0.95, 0.05]), "date": pd.Timestamp("2024-01-01")})
    lines = baskets.from_transactions(tx)
    assert isinstance(lines["basket_id"].dtype, pd.CategoricalDtype) and len(lines) < (tx["amount"] > 0).sum()
    text = lines.assign(basket_id=lines["basket_id"].astype(str), item=lines["item"].astype(str))
    for max_len in (2, 3):
        found = baskets.rules(lines, min_support=0.003, min_confidence=0.05, max_len=max_len)
        assert len(found) > 100
        pd.testing.assert_frame_equal(found, baskets.rules(text, min_support=0.003, min_confidence=0.05, max_len=max_len))
    pd.testing.assert_frame_equal(baskets.item_frequencies(lines), baskets.item_frequencies(text))
    pd.testing.assert_frame_equal(baskets.one_hot(lines), baskets.one_hot(text))
    group_of = pd.Series({c: "key" if int(c) < 50 else "other" for c in tx["customer_id"].unique()})
    pd.testing.assert_frame_equal(baskets.rules_by_group(lines, group_of, min_support=0.01, min_confidence=0.05),
                                  baskets.rules_by_group(text, group_of, min_support=0.01, min_confidence=0.05))


@pytest.mark.slow
def test_low_memory_coding_of_order_ids_equals_pandas(monkeypatch):
    """The compiled coding of millions of distinct texts (kamlib._codes.factorize) gives pandas' codes and
    values: Arrow text in several chunks (one of them a slice), empty and non-ASCII texts, long texts, repeats
    across chunks; with missing values or another dtype it is pandas' own."""
    import pyarrow as pa

    from kamlib import _codes

    monkeypatch.setattr(_codes, "FACTORIZE_KERNEL_FROM", 0)
    rng = np.random.default_rng(2)
    texts = np.char.add("o", rng.integers(0, 5000, 60_000).astype(str)).astype(object)
    texts[::997] = ""
    texts[5::1009] = "订单-é"
    texts[7::3001] = "x" * 300
    chunks = [pa.array(texts[:20_000], pa.large_string()), pa.array(texts[19_000:45_000], pa.large_string())[1000:],
              pa.array(texts[45_000:], pa.large_string())]
    values = pd.Series(pd.array(pa.chunked_array(chunks), dtype="str"))
    assert values.array.__arrow_array__().num_chunks == 3
    codes, uniques = _codes.factorize(values)
    want_codes, want_uniques = pd.factorize(values)
    np.testing.assert_array_equal(codes, want_codes)
    pd.testing.assert_index_equal(uniques, want_uniques)
    with_missing = values.copy()
    with_missing[3] = None
    np.testing.assert_array_equal(_codes.factorize(with_missing)[0], pd.factorize(with_missing)[0])
    tx = pd.DataFrame({"customer_id": texts, "product": rng.integers(0, 40, len(texts)).astype(str),
                       "order_id": values, "date": pd.Timestamp("2024-01-01"), "amount": 1.0})
    lines = baskets.from_transactions(tx)
    monkeypatch.setattr(_codes, "FACTORIZE_KERNEL_FROM", 10 ** 12)
    pd.testing.assert_frame_equal(lines, baskets.from_transactions(tx))


def test_a_rule_with_confidence_one_on_an_item_in_every_basket_warns_nothing():
    """Conviction is infinite at confidence 1 (Brin et al. 1997); where the consequent is in every basket the
    formula is 0/0, which numpy used to report as a RuntimeWarning although the result was right."""
    import warnings

    lines = pd.DataFrame({"basket_id": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "b"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = baskets.rules(lines, min_support=0.5, min_confidence=0.5)
    rule = found[(found["antecedents"].astype(str).str.contains("a")) & (found["consequents"].astype(str).str.contains("b"))]
    assert len(rule) == 1 and rule["confidence"].item() == 1 and rule["conviction"].item() == float("inf")
