"""A user's own campaign and programme files (CSV or Parquet, any column names) read into the shapes the
simulators produce, with one-sentence errors naming the file, column and rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._results import Result
from .._io import map_roles
from ..errors import ArgumentError, KamError, rows_preview

__all__ = ["CAMPAIGN_ROLES", "PROGRAMME_ROLES", "Programme", "load_campaign", "load_programme"]


CAMPAIGN_ROLES = {"customer": "customer_id", "treatment": "treatment", "converted": "converted", "revenue": "revenue",
                  "pre_spend": "pre_spend", "tier": "tier", "segment": "segment"}


PROGRAMME_ROLES = {"account": "account", "period": "period", "outcome": "revenue", "treated": "treated"}


def _numeric(df: pd.DataFrame, col: str, where: str, name: str, *, binary: bool = False, nonnegative: bool = False):
    text = df[col].astype("string").str.strip().str.replace(r"[,¥￥$]", "", regex=True)  # 1,234 / ¥12 / ￥12
    if binary:
        text = text.str.lower().replace({"true": "1", "false": "0", "yes": "1", "no": "0", "是": "1", "否": "0"})
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna()
    if binary:
        bad |= ~values.isin([0, 1])
    if nonnegative:
        bad |= values < 0
    if bad.any():
        want = "0 or 1" if binary else ("a number of at least 0" if nonnegative else "a number")
        shown = ", ".join(repr(v) for v in pd.unique(df.loc[bad, col].astype("string").fillna("<empty>"))[:3])
        raise KamError(f"{where}: column '{name}' must be {want}, but has {shown} in {rows_preview(df.index[bad])}; "
                       "correct those rows.")
    return values.astype(int if binary else float)


def load_campaign(source, *, columns: dict | None = None, treated_value="1", encoding: str = "auto") -> pd.DataFrame:
    """A randomised campaign from a CSV or Parquet file, one row per customer.

    Parameters
    ----------
    source : str or Path
        The file (CSV in UTF-8 or GBK, or Parquet).
    columns : dict, optional
        File column of each role: ``treatment`` and ``revenue`` (required), ``converted``, ``customer``,
        ``pre_spend`` (for CUPED), ``tier``, ``segment`` (for heterogeneous effects); None leaves a role out.
    treated_value : str or int
        Label of the treated arm in the treatment column.
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.

    Returns
    -------
    DataFrame
        In the shape of :func:`simulate_campaign`'s data: ``treatment`` (1 = the arm labelled
        ``treated_value``), ``converted`` (0/1; revenue > 0 when not mapped), ``revenue`` and the mapped
        optional columns.

    References
    ----------
    Kohavi, R., Tang, D. & Xu, Y. (2020). *Trustworthy Online Controlled Experiments*. Cambridge UP.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from kamlib.experiments import load_campaign
    >>> path = Path(tempfile.mkdtemp()) / "campaign.csv"
    >>> arms = pd.DataFrame({"arm": ["A", "B"] * 10, "revenue": [0, 12.5, 8, 0] * 5})
    >>> _ = arms.to_csv(path, index=False)
    >>> camp = load_campaign(path, columns={"treatment": "arm"}, treated_value="B")
    >>> camp.groupby("treatment")["converted"].mean().to_dict()
    {0: 0.5, 1: 0.5}
    """
    from .._io import read_table

    cols = {"treatment": "treatment", "revenue": "revenue", **(columns or {})}
    raw = read_table(source, encoding=encoding)
    raw.index = raw.index + 2  # rows as a spreadsheet shows them
    where = str(source)
    df = map_roles(raw, cols, CAMPAIGN_ROLES, {"treatment", "revenue"}, where)
    arm = df["treatment"].astype("string").str.strip()
    labels = sorted(pd.unique(arm.dropna()))
    if arm.isna().any():
        raise KamError(f"{where}: column '{cols['treatment']}' is empty in {rows_preview(df.index[arm.isna()])}; "
                       "every customer needs an arm.")
    if len(labels) != 2 or str(treated_value) not in labels:
        raise ArgumentError(f"{where}: column '{cols['treatment']}' must hold two arms, one of them labelled "
                            f"{str(treated_value)!r}, but holds {labels[:5]}; pass the treated arm's label as "
                            "treated_value.", argument="treated_value")
    df["treatment"] = (arm == str(treated_value)).astype(int)
    df["revenue"] = _numeric(df, "revenue", where, cols["revenue"], nonnegative=True)
    if "converted" in df:
        df["converted"] = _numeric(df, "converted", where, cols["converted"], binary=True)
    else:
        df["converted"] = (df["revenue"] > 0).astype(int)
    if "pre_spend" in df:
        df["pre_spend"] = _numeric(df, "pre_spend", where, cols["pre_spend"], nonnegative=True)
    for c in ("tier", "segment"):
        if c in df:
            df[c] = df[c].astype("string").fillna("(missing)")
    if df.groupby("treatment").size().min() < 10:
        raise KamError(f"{where}: each arm needs at least 10 customers, but the arms have "
                       f"{df['treatment'].value_counts().to_dict()}.")
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class Programme(Result):
    """A programme panel read from a file, in the shape of :func:`simulate_programme`'s data.

    Attributes
    ----------
    data : DataFrame
        ``account``, ``period`` (1, 2, ... in time order), ``revenue``, ``treated``, ``post``,
        ``treated_post``, ``first_treated``.
    start : int
        The programme's first period, as a number of ``data["period"]``.
    periods : tuple of str
        The file's period labels, in order (``periods[start - 1]`` is the first programme period).
    """

    data: pd.DataFrame
    start: int
    periods: tuple

    def summary_frame(self) -> pd.DataFrame:
        """The panel's periods with their labels and whether the programme ran."""
        return pd.DataFrame({"period": range(1, len(self.periods) + 1), "label": list(self.periods),
                             "post": [int(i + 1 >= self.start) for i in range(len(self.periods))]})


def load_programme(source, *, start, columns: dict | None = None, encoding: str = "auto") -> Programme:
    """A programme panel from a CSV or Parquet file, one row per account and period.

    Parameters
    ----------
    source : str or Path
        The file (CSV in UTF-8 or GBK, or Parquet).
    start : int, str or date
        The programme's first period: a number, or a date if the period column holds dates (``2024-07``).
        Staggered starts need a heterogeneity-robust estimator and are refused.
    columns : dict, optional
        File column of each role: ``account``, ``period``, ``outcome``, ``treated`` (1 for accounts in the
        programme, constant per account).
    encoding : str
        ``"auto"`` (UTF-8, then GB18030) or a codec name.

    Returns
    -------
    Programme
        The panel in the shape of :func:`simulate_programme`'s data, the start and the period labels.

    References
    ----------
    Wooldridge, J. M. *Introductory Econometrics*, ch. 13.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from kamlib.experiments import load_programme, simulate_programme
    >>> path = Path(tempfile.mkdtemp()) / "panel.csv"
    >>> _ = simulate_programme(40, seed=1).data.to_csv(path, index=False)
    >>> prog = load_programme(path, start=13, columns={"outcome": "revenue"})
    >>> prog.start, len(prog.periods)
    (13, 24)
    """
    from .._io import read_table

    cols = {**PROGRAMME_ROLES, **(columns or {})}
    raw = read_table(source, encoding=encoding)
    raw.index = raw.index + 2
    where = str(source)
    df = map_roles(raw, cols, PROGRAMME_ROLES, set(PROGRAMME_ROLES), where)
    df["revenue"] = _numeric(df, "revenue", where, cols["outcome"])
    df["treated"] = _numeric(df, "treated", where, cols["treated"], binary=True)
    df["account"] = df["account"].astype("string").str.strip()
    if df["account"].isna().any():
        raise KamError(f"{where}: column '{cols['account']}' is empty in {rows_preview(df.index[df['account'].isna()])}.")
    mixed = df.groupby("account")["treated"].nunique()
    if (mixed > 1).any():
        raise KamError(f"{where}: column '{cols['treated']}' must mark the accounts of the programme group, the same in "
                       f"every period, but changes within account {mixed[mixed > 1].index[0]!r}; set it to 1 in every "
                       "period of a programme account (the start is the argument start).")
    if set(df["treated"]) != {0, 1}:
        raise KamError(f"{where}: column '{cols['treated']}' needs programme accounts (1) and comparison accounts (0).")
    text = df["period"].astype("string").str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        period, start_value = numeric, pd.to_numeric(pd.Series([str(start)]), errors="coerce").iloc[0]
    else:
        period = pd.to_datetime(text, errors="coerce")
        if period.isna().any():
            raise KamError(f"{where}: column '{cols['period']}' must hold numbers or dates, but has "
                           f"{text[period.isna()].iloc[0]!r} in {rows_preview(df.index[period.isna()])}.")
        start_value = pd.to_datetime(pd.Series([str(start)]), errors="coerce").iloc[0]
    order = period.drop_duplicates().sort_values().tolist()
    if start is None or pd.isna(start_value) or start_value not in set(order):
        raise ArgumentError(f"{where}: start must be one of the periods in column '{cols['period']}' "
                            f"(from {order[0]} to {order[-1]}), not {start!r}; pass the first period of the programme.",
                            argument="start")
    rank = {v: i + 1 for i, v in enumerate(order)}
    df["period"] = period.map(rank).astype(int)
    s = rank[start_value]
    if s < 3 or s > len(order):
        raise KamError(f"{where}: the programme starts in period {s} of {len(order)}; the pre-trend check needs at "
                       "least two periods before the start.")
    if df.duplicated(["account", "period"]).any():
        dup = df.index[df.duplicated(["account", "period"])]
        raise KamError(f"{where}: an account appears twice in one period ({rows_preview(dup)}); sum or remove those rows.")
    df["post"] = (df["period"] >= s).astype(int)
    df["treated_post"] = df["treated"] * df["post"]
    df["first_treated"] = np.where(df["treated"] == 1, float(s), np.nan)
    periods = tuple(v.date().isoformat() if isinstance(v, pd.Timestamp) else f"{v:g}" for v in order)
    return Programme(df.sort_values(["account", "period"]).reset_index(drop=True), s, periods)
