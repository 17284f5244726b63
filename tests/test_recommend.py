"""kamlib.act.recommend: metrics against hand-computed values, a split that never leaks, methods that find the obvious."""

import math

import numpy as np
import pandas as pd
import pytest

from kamlib.act import recommend as rc
from kamlib.errors import ArgumentError


def test_metrics_equal_hand_computed_values():
    recs = {"a": ["x", "y", "z"], "b": ["y"], "c": ["q", "r", "s"], "d": ["x"]}
    rel = {"a": {"y", "w"}, "b": {"y", "z", "v", "u"}, "c": {"t"}, "d": set()}
    m = rc.metrics(recs, rel, 3, catalogue=10)
    # a: one hit at rank 2 of 3; b: one hit at rank 1 in a list shorter than k; c: none; d: no relevant item
    assert m["customers"] == 3 and m["no_relevant"] == 1
    assert m["hit_rate"] == pytest.approx(2 / 3)
    assert m["precision"] == pytest.approx((1 / 3 + 1 / 3 + 0) / 3)  # precision divides by k, not the list length
    assert m["recall"] == pytest.approx((1 / 2 + 1 / 4 + 0) / 3)
    ndcg_a = (1 / math.log2(3)) / (1 + 1 / math.log2(3))                 # ideal: min(|rel|=2, k) items
    ndcg_b = 1 / (1 + 1 / math.log2(3) + 1 / 2)                           # ideal: min(4, 3) items
    assert m["ndcg"] == pytest.approx((ndcg_a + ndcg_b + 0) / 3)
    assert m["coverage"] == pytest.approx(len({"x", "y", "z", "q", "r", "s"}) / 10)
    assert math.isnan(rc.metrics(recs, rel, 3)["coverage"])
    with pytest.raises(ArgumentError, match="k must be at least 1"):
        rc.metrics(recs, rel, 0)


@pytest.fixture
def log():
    """Two product families: customers who buy x1 also buy x2 (and later x3); y-buyers buy y1, y2, y3."""
    rows = []
    for c in range(40):
        fam = "x" if c % 2 else "y"
        rows += [(f"c{c}", f"{fam}1", "2024-01-05"), (f"c{c}", f"{fam}2", "2024-01-20")]
        if c < 30:
            rows.append((f"c{c}", f"{fam}3", "2024-01-25"))
        else:
            rows.append((f"c{c}", f"{fam}3", "2024-03-01"))  # bought after the cutoff: to be found
    rows += [("late", "x1", "2024-03-02"), ("c1", "new", "2024-03-03")]
    return pd.DataFrame(rows, columns=["customer_id", "product", "date"]).assign(
        date=lambda d: pd.to_datetime(d["date"]), amount=1.0)


def test_the_split_never_leaks_and_names_new_customers_and_products(log):
    s = rc.time_split(log, "2024-01-31")
    assert (s.train["date"] <= s.cutoff).all() and (s.test["date"] > s.cutoff).all()
    assert s.matrix.shape == (len(s.customers), len(s.items)) and s.matrix.sum() == len(s.train)
    assert "late" not in s.customers and s.new_customers == 1 and s.new_items == 1
    rel = rc.relevant(s)
    assert rel["c31"] == {"x3"} and "late" not in rel and rel["c1"] == {"new"}
    # nothing bought after the cutoff can be in the training matrix
    after = set(zip(s.test["customer_id"], s.test["item"]))
    rows, cols = s.matrix.nonzero()
    assert not after & {(s.customers[r], s.items[c]) for r, c in zip(rows, cols)} - set(zip(s.train["customer_id"],
                                                                                          s.train["item"]))
    with pytest.raises(ArgumentError, match="leaves no purchases after it"):
        rc.time_split(log, "2025-01-01")


@pytest.mark.parametrize("method", ["itemcf", "content", "hybrid", "als"])
def test_personalised_methods_find_the_family_product_and_beat_popularity(log, method):
    s = rc.time_split(log, "2024-01-31")
    desc = {"x1": "red cup", "x2": "red plate", "x3": "red napkin", "y1": "blue cup", "y2": "blue plate",
            "y3": "blue napkin"}
    recs = rc.recommend(s, method, k=1, descriptions=desc)
    assert recs["c31"] == ["x3"] and recs["c30"] == ["y3"]  # the unbought product of the customer's family
    rel = rc.relevant(s)
    assert rc.metrics(recs, rel, 1)["hit_rate"] > rc.metrics(rc.recommend(s, "popularity", k=1), rel, 1)["hit_rate"]
    assert recs == rc.recommend(s, method, k=1, descriptions=desc)  # reproducible


def test_already_bought_policy_and_ties_are_deterministic(log):
    s = rc.time_split(log, "2024-01-31")
    allowed = rc.recommend(s, "popularity", k=6, exclude_bought=False)["c0"]
    excluded = rc.recommend(s, "popularity", k=6, exclude_bought=True)["c0"]
    assert set(allowed) == {"x1", "x2", "x3", "y1", "y2", "y3"}
    assert not {"y1", "y2", "y3"} & set(excluded)  # c0 bought the y family
    assert allowed[:2] == ["x1", "x2"]  # equal popularity (20 customers each) -> product order


def test_compare_and_claim_check(log):
    s = rc.time_split(log, "2024-01-31")
    table = rc.compare(s, ["popularity", "itemcf"], k=1, groups={"odd": [f"c{i}" for i in range(1, 40, 2)]}, n_boot=50)
    assert set(table["group"]) == {"all customers", "odd"} and set(table["policy"]) == {"products new to the customer",
                                                                                        "repurchase counts"}
    pop = table[(table["method"] == "popularity")]
    assert (pop["hit_rate"] == 0).all() and pop["hit_rate_lift"].isna().all()  # a lift over nothing is undefined
    verdict = rc.claim_check(table, 0.2)
    new = verdict[verdict["policy"] == "products new to the customer"].iloc[0]
    # 10 of 11: c1 bought only a product first sold after the cutoff, which no method can know
    assert new["best_method"] == "itemcf" and new["best_hit_rate"] == pytest.approx(10 / 11)
    assert new["verdict"] == "inconclusive"
    lifted = table.assign(hit_rate_lift=0.5, hit_rate_lift_ci_lower=0.3, hit_rate_lift_ci_upper=0.7)
    assert set(rc.claim_check(lifted, 0.2)["verdict"]) == {"supports the claim"}
    assert set(rc.claim_check(lifted.assign(hit_rate_lift_ci_lower=0.05, hit_rate_lift_ci_upper=0.15), 0.2)["verdict"]) \
        == {"a smaller lift than claimed"}
    nb = rc.next_best(s, ["c31"], k=1)
    assert nb[["item", "because_of"]].values.tolist() == [["x3", "x1"]] and nb["bought_together"].item() == 15


@pytest.mark.parametrize("exclude_bought", [True, False])
@pytest.mark.parametrize("method", ["popularity", "itemcf", "content", "hybrid"])
def test_sparse_top_k_equals_a_dense_brute_force(method, exclude_bought):
    """The sparse ranking equals scoring every product densely and sorting by (score, buyers, code)."""
    rng = np.random.default_rng(5)
    n = 3000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 300, n).astype(str),
                       "product": np.char.add("p", rng.zipf(1.5, n).clip(max=60).astype(str)),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D")})
    s = rc.time_split(tx, "2024-03-01")
    desc = {p: " ".join(["word" + str(int(p[1:]) % 7), "w" + str(int(p[1:]) % 3)]) for p in s.items}
    got = rc.recommend(s, method, k=7, exclude_bought=exclude_bought, descriptions=desc, block=16)
    X = (s.matrix.toarray() > 0).astype(float)
    buyers = X.sum(axis=0)
    unit = X / np.sqrt((X ** 2).sum(axis=0))
    cf = unit.T @ unit
    np.fill_diagonal(cf, 0)
    from sklearn.feature_extraction.text import TfidfVectorizer
    t = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform([desc[p] for p in s.items]).toarray()
    ct = t @ t.T
    np.fill_diagonal(ct, 0)
    for c in rng.choice(len(s.customers), 60, replace=False):
        if method == "popularity":
            score = np.zeros(len(s.items))
        elif method == "itemcf":
            score = X[c] @ cf
        elif method == "content":
            score = X[c] @ ct
        else:
            a, b = X[c] @ cf, X[c] @ ct
            score = 0.5 * (a / a.max() if a.max() > 0 else a) + 0.5 * (b / b.max() if b.max() > 0 else b)
        order = sorted((j for j in range(len(s.items)) if not (exclude_bought and X[c, j])),
                       key=lambda j: (-round(score[j], 10) if score[j] > 0 else 0, -buyers[j], s.items[j]))
        assert got[s.customers[c]] == [s.items[j] for j in order[:7]], s.customers[c]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.slow
def test_compiled_scoring_equals_the_sparse_product_path(seed):
    """Item CF and content scores are ranked by a compiled kernel (kamlib._kernels); it must give exactly the lists
    of the sparse product, numpy rounding and partition path (which the hybrid still takes): float32 and float64
    similarities, with and without neighbours, either bought policy, lists shorter and longer than the evidence."""
    from kamlib._kernels import top_k_scores

    rng = np.random.default_rng(seed)
    n = 20000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 2000, n).astype(str),
                       "product": np.char.add("p", rng.zipf(1.3, n).clip(max=400).astype(str)),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D")})
    s = rc.time_split(tx, "2024-03-01")
    B = (s.matrix > 0).astype(np.float32).tocsr()
    popularity = np.asarray(B.sum(axis=0)).ravel()
    rank = np.empty(len(s.items), dtype=np.int64)
    rank[np.lexsort((np.arange(len(s.items)), -popularity))] = np.arange(len(s.items))
    short = 0
    for neighbours in (None, 5, 30):
        sim = rc._cosine_items(B, workers=2)
        sim = sim if neighbours is None else rc._keep_neighbours(sim, neighbours)
        for S in (sim, sim.astype(np.float64), sim * np.float32(1e-9)):  # tiny scores: the rounding decides
            for exclude_bought in (True, False):
                for k in (1, 7, 50):
                    sparse_path = rc._top_k_sparse(B, (B @ S).tocsr(), rank, k, exclude_bought)
                    kernel = top_k_scores(B.indptr, B.indices, B.data, S.indptr, S.indices, S.data, rank, k,
                                          exclude_bought)
                    np.testing.assert_array_equal(kernel, sparse_path)
                    short += int((kernel[:, -1] < 0).sum())
    assert short > 0  # some lists are shorter than k, so the padding is compared too


@pytest.mark.parametrize("method", ["itemcf", "content"])
def test_recommend_gives_the_same_lists_through_the_kernel_as_through_the_sparse_path(log, method, monkeypatch):
    """Large evidence goes to the compiled kernel, small to the sparse path: the lists do not depend on which."""
    s = rc.time_split(log, "2024-01-31")
    desc = {p: p[:2] for p in s.items}
    sparse_path = rc.recommend(s, method, k=3, descriptions=desc, neighbours=2)
    monkeypatch.setattr(rc, "KERNEL_FROM", 0)
    assert rc.recommend(s, method, k=3, descriptions=desc, neighbours=2) == sparse_path


def test_cosine_in_row_blocks_equals_one_product():
    rng = np.random.default_rng(3)
    from scipy import sparse

    X = sparse.random(400, 120, density=0.05, random_state=rng, format="csr", dtype=np.float32)
    X.data[:] = 1
    one, blocks = rc._cosine_items(X, workers=1), rc._cosine_items(X, workers=3)
    for a, b in [(one.indptr, blocks.indptr), (one.indices, blocks.indices), (one.data, blocks.data)]:
        np.testing.assert_array_equal(a, b)
    dense = X.toarray()
    unit = dense / np.maximum(np.linalg.norm(dense, axis=0), 1e-12)
    expected = unit.T @ unit
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(one.toarray(), expected, rtol=1e-5, atol=1e-6)
    for k in (1, 4, 30):  # cut to the neighbours block by block: the same as cutting the whole matrix
        whole, cut = rc._keep_neighbours(one, k), rc._cosine_items(X, workers=3, neighbours=k)
        assert np.diff(cut.indptr).max() < np.diff(one.indptr).max()
        for a, b in [(whole.indptr, cut.indptr), (whole.indices, cut.indices), (whole.data, cut.data)]:
            np.testing.assert_array_equal(a, b)


def test_the_memory_bound_cuts_more_blocks_with_the_same_neighbours(monkeypatch):
    from scipy import sparse

    X = sparse.random(400, 120, density=0.05, random_state=np.random.default_rng(4), format="csr", dtype=np.float32)
    X.data[:] = 1
    whole = rc._keep_neighbours(rc._cosine_items(X, workers=1), 5)
    sizes = []
    real = rc._keep_neighbours
    monkeypatch.setattr(rc, "_keep_neighbours", lambda sim, k: sizes.append(sim.shape[0]) or real(sim, k))
    monkeypatch.setattr(rc, "_BLOCK_BYTES", 40 * 120 * 2 * 7)  # 7 products a block with two workers
    cut = rc._cosine_items(X, workers=2, neighbours=5)
    assert len(sizes) == 18 and max(sizes) <= 7  # 120 products in blocks of at most 7, not 16 blocks
    for a, b in [(whole.indptr, cut.indptr), (whole.indices, cut.indices), (whole.data, cut.data)]:
        np.testing.assert_array_equal(a, b)


def test_neighbours_keep_each_products_most_similar(log):
    s = rc.time_split(log, "2024-01-31")
    full = rc.recommend(s, "itemcf", k=1)
    assert rc.recommend(s, "itemcf", k=1, neighbours=50) == full  # more neighbours than products: unchanged
    one = rc._keep_neighbours(rc._cosine_items((s.matrix > 0).astype(float)), 1)
    assert (np.diff(one.indptr) >= 1).all()
    dense = rc._cosine_items((s.matrix > 0).astype(float)).toarray()
    for i in range(dense.shape[0]):  # the kept value is each row's largest (ties kept)
        assert one[i].data.min() == pytest.approx(dense[i].max())
    assert rc.recommend(s, "itemcf", k=1, neighbours=1)["c31"] == ["y1"]  # x1 and x2 only reach each other
    assert rc.recommend(s, "itemcf", k=1, neighbours=2)["c31"] == ["x3"]
    with pytest.raises(ArgumentError, match="neighbours must be at least 1"):
        rc.recommend(s, "itemcf", neighbours=0)


@pytest.mark.parametrize("exclude_bought", [True, False])
def test_relevant_equals_sets_of_the_log(exclude_bought):
    rng = np.random.default_rng(9)
    n = 2000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 200, n).astype(str), "product": rng.integers(0, 80, n).astype(str),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D")})
    s = rc.time_split(tx, "2024-03-01")
    train, test = tx[tx["date"] <= "2024-03-01"], tx[tx["date"] > "2024-03-01"]
    want = {}
    for c, g in test[test["customer_id"].isin(train["customer_id"])].groupby("customer_id"):
        items = set(g["product"])
        want[c] = items - set(train.loc[train["customer_id"] == c, "product"]) if exclude_bought else items
    assert rc.relevant(s, exclude_bought=exclude_bought) == want


def test_training_matrix_counts_distinct_purchase_days_and_metrics_equal_a_loop():
    """The matrix holds the distinct purchase days of each (customer, product) before the cutoff, rows and columns
    in sorted order; the vectorised metrics equal a plain loop over customers."""
    rng = np.random.default_rng(4)
    n = 3000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 150, n).astype(str), "product": rng.integers(0, 60, n).astype(str),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100 * 24, n), unit="h")})
    s = rc.time_split(tx, "2024-03-01")
    train = tx[tx["date"].dt.normalize() <= "2024-03-01"]  # the cutoff is a whole day: its purchases train
    days = train.assign(day=train["date"].dt.normalize()).groupby(["customer_id", "product"])["day"].nunique()
    assert list(s.customers) == sorted(train["customer_id"].unique()) and list(s.items) == sorted(train["product"].unique())
    dense = pd.DataFrame(s.matrix.toarray(), index=s.customers, columns=s.items).stack()
    pd.testing.assert_series_equal(dense[dense > 0].astype(int), days.astype(int), check_names=False,
                                   check_index_type=False)
    recs = rc.recommend(s, "itemcf", k=5)
    rel = rc.relevant(s)
    got = rc.per_customer(recs, rel, 5)
    discount = 1 / np.log2(np.arange(2, 7))
    for c, r in rel.items():
        if r:
            hits = np.array([i in r for i in recs.get(c, [])[:5]], dtype=float)
            want = (float(hits.sum() > 0), hits.sum() / 5, hits.sum() / len(r),
                    (hits * discount[:len(hits)]).sum() / discount[:min(len(r), 5)].sum())
            assert tuple(got.loc[c]) == pytest.approx(want)
    assert len(got) == sum(1 for r in rel.values() if r)


@pytest.mark.parametrize("exclude_bought", [True, False])
@pytest.mark.parametrize("method", ["itemcf", "als"])
def test_metrics_on_codes_equal_the_general_path_on_dicts(method, exclude_bought):
    """recommend() and relevant() return mappings over arrays; per_customer and metrics read their codes. The
    numbers equal those of the same lists and sets as plain dicts, also for customers without a list, lists
    shorter than k, products first sold after the cutoff and a catalogue smaller than k."""
    rng = np.random.default_rng(12)
    n = 4000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 400, n).astype(str),
                       "product": np.char.add("p", rng.zipf(1.4, n).clip(max=90).astype(str)),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")})
    s = rc.time_split(tx, "2024-03-15")
    assert s.new_items > 0
    some = list(s.customers[::3]) + [s.customers[0], "nobody"]  # a repeat and an unknown customer
    recs = rc.recommend(s, method, k=6, exclude_bought=exclude_bought, customers=some)
    rel = rc.relevant(s, exclude_bought=exclude_bought)
    assert isinstance(recs, rc.RankedLists) and isinstance(rel, rc.ItemSets)
    assert list(recs) == list(dict.fromkeys(c for c in some if c in set(s.customers)))
    plain_recs, plain_rel = {c: list(v) for c, v in recs.items()}, {c: set(v) for c, v in rel.items()}
    assert recs == plain_recs and rel == plain_rel and "nobody" not in recs and recs.get("nobody") is None
    for k in (1, 6, 12):
        pd.testing.assert_frame_equal(rc.per_customer(recs, rel, k), rc.per_customer(plain_recs, plain_rel, k))
        assert rc.metrics(recs, rel, k, catalogue=len(s.items)) == rc.metrics(plain_recs, plain_rel, k,
                                                                              catalogue=len(s.items))
    tiny = rc.time_split(tx[tx["product"].isin(["p1", "p2", "p3"])], "2024-03-15")
    short = rc.recommend(tiny, method, k=5, exclude_bought=exclude_bought)
    assert all(len(v) <= 3 for v in short.values())
    assert rc.metrics(short, rc.relevant(tiny, exclude_bought=exclude_bought), 5) == \
        rc.metrics(dict(short), dict(rc.relevant(tiny, exclude_bought=exclude_bought)), 5)


def test_the_dense_top_k_kernel_equals_a_full_sort():
    """kamlib._kernels.top_k_dense (ALS lists) against numpy: every row fully sorted by score + tiebreak, higher
    first, exact ties by the lower column, bought columns left out, rows with fewer than k left padded with -1."""
    from scipy import sparse

    from kamlib._kernels import top_k_dense

    rng = np.random.default_rng(7)
    n, m, k = 200, 60, 10
    scores = rng.integers(0, 20, (n, m)).astype(np.float32) / 4  # many exact ties
    tiebreak = np.zeros(m)
    tiebreak[::7] = 1e-9
    bought = sparse.random(n, m, density=0.2, random_state=3, format="lil")
    bought[0, :] = 1  # a customer who bought everything: nothing to list
    bought[1, : m - 3] = 1  # ... or only three products
    bought = bought.tocsr()
    for exclude in (True, False):
        got = top_k_dense(scores, tiebreak, bought.indptr, bought.indices, k, exclude)
        for r in range(n):
            total = scores[r].astype(float) + tiebreak
            cols = [c for c in range(m) if not (exclude and bought[r, c])]
            want = sorted(cols, key=lambda c: (-total[c], c))[:k]
            assert got[r].tolist() == want + [-1] * (k - len(want)), (exclude, r)


def test_explain_counts_co_purchases_and_similar_customers_as_pandas_does():
    """explain's reasons against counts made directly from the training lines with pandas: for each listed
    product, the customer's own product bought by most customers together with it (first such product in code
    order on ties), how many, and how many of the customer's most similar customers (cosine on distinct products)
    bought it."""
    rng = np.random.default_rng(11)
    n = 3000
    tx = pd.DataFrame({"customer_id": rng.integers(0, 150, n).astype(str),
                       "product": (rng.zipf(1.6, n) % 40).astype(str),
                       "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")})
    split = rc.time_split(tx, "2024-08-31")
    train = split.train[["customer_id", "item"]].drop_duplicates()
    owned = train.groupby("customer_id")["item"].apply(set)
    who = "7"
    mine = sorted(owned[who], key=split.items.get_loc)
    items = [i for i in split.items if i not in owned[who]][:4]
    sim = {c: len(s & owned[who]) / np.sqrt(len(s) * len(owned[who])) for c, s in owned.items() if c != who}
    order = sorted(sim, key=lambda c: (-sim[c], split.customers.get_loc(c)))[:30]
    got = rc.explain(split, who, items, n_similar=30)
    for it, row in zip(items, got.itertuples()):
        together = [sum(1 for s in owned if m in s and it in s) for m in mine]
        best = int(np.argmax(together))
        assert (row.because_of, row.bought_together) == (mine[best], together[best])
        assert row.similar_customers_bought == sum(it in owned[c] for c in order)


def test_a_models_dict_serves_one_split_and_keeps_content_per_description():
    """recommend(..., models=d) reuses fitted models only where they fit: another split is refused in one sentence,
    and other descriptions give the content similarities of those descriptions, not the cached ones."""
    tx = pd.DataFrame({"customer_id": list("aabbcd"), "product": list("xyxwxz"),
                       "date": pd.to_datetime(["2024-01-01"] * 5 + ["2024-03-01"])})
    split = rc.time_split(tx, "2024-01-31")
    models = {}
    first = rc.recommend(split, "content", k=1, customers=["c"], models=models,
                         descriptions={"x": "red mug", "y": "red mug large", "w": "blue plate"})
    second = rc.recommend(split, "content", k=1, customers=["c"], models=models,
                          descriptions={"x": "red mug", "y": "green sofa", "w": "red mug set"})
    fresh = rc.recommend(split, "content", k=1, customers=["c"],
                         descriptions={"x": "red mug", "y": "green sofa", "w": "red mug set"})
    assert dict(second) == dict(fresh) and dict(first) != dict(second)
    with pytest.raises(ArgumentError, match="another split"):
        rc.recommend(rc.time_split(tx, "2024-02-15"), "itemcf", k=1, models=models)
