"""Shared input helpers of the analysis modules: the DuckDB connection and reading a table.

Private: the public entry points are the loaders (:func:`kamlib.transactions.load`,
:func:`kamlib.survey.responses.read`, :func:`kamlib.experiments.load_campaign`, ...), which own
reading, encoding and validation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .config import project_path
from .errors import ArgumentError, KamError


_DATABASE = {}  # one DuckDB instance per process and memory limit: its threads and caches are warm from the second call


def memory_limit() -> tuple[str, float]:
    """DuckDB's memory limit as text and in bytes: ``$KAM_DUCKDB_MEMORY`` (e.g. ``6GB``), default 700MB.

    700MB keeps a 20M-row RFM summary under half of Polars's peak memory; a larger log, which would need more than
    two passes at this limit, gets one pass with a raised limit unless the variable is set
    (:func:`kamlib.rfm._one_pass_memory`; docs/scale.md, "How it is fast")."""
    text = os.environ.get("KAM_DUCKDB_MEMORY", "").strip() or "700MB"
    upper = text.upper()
    for suffix, factor in (("GIB", 2 ** 30), ("MIB", 2 ** 20), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if upper.endswith(suffix):
            return text, float(upper[: -len(suffix)]) * factor
    return text, float(upper)


def connect():
    """A DuckDB connection with bounded memory: :func:`memory_limit` (larger aggregations spill to a temporary
    folder instead of growing), insertion order not kept (results that need an order say ORDER BY).

    Connections share one in-memory database per process (a cursor each: views registered on one are not seen by
    another), so a small log does not pay for starting a database on every call."""
    import tempfile

    import duckdb

    limit = memory_limit()[0]
    key = (limit, os.getpid())
    if key not in _DATABASE:
        _DATABASE[key] = duckdb.connect(config={"memory_limit": limit, "preserve_insertion_order": False,
                                                "temp_directory": str(Path(tempfile.gettempdir()) / "kam-duckdb")})
    return _DATABASE[key].cursor()


def as_text(values: pd.Series) -> pd.Series:
    """Ids as text; a column that already holds text is kept as it is (no copy of millions of strings)."""
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype(str)


def from_spark(frame) -> pd.DataFrame:
    """A Spark DataFrame on the driver through Arrow (pyspark >= 4; its own pandas conversion does not support
    pandas 3 yet)."""
    return frame.toArrow().to_pandas() if hasattr(frame, "toArrow") else frame.toPandas()


EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _excel(path: Path, sheet) -> pd.DataFrame:
    """The first sheet (or ``sheet``) of a workbook, read by calamine (text cells stay text)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise ArgumentError(f"{path} cannot be read as an Excel workbook ({str(exc).splitlines()[0][:120]}); "
                            "open it in Excel and save it again as .xlsx, or export it as CSV.", argument="source") from None
    names = book.sheet_names
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and not 0 <= sheet < len(names) or isinstance(sheet, str) and sheet not in names:
        raise ArgumentError(f"{path} has no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}.",
                            argument="sheet")
    rows = book.get_sheet_by_name(sheet if isinstance(sheet, str) else names[sheet]).to_python(skip_empty_area=True)
    if not rows:
        raise ArgumentError(f"{path}: sheet {sheet!r} is empty; export the data again or name the sheet that holds it.",
                            argument="sheet")
    import datetime as dt

    header = [str(h).strip() for h in rows[0]]
    df = pd.DataFrame(rows[1:], columns=header).replace("", None)
    for col in df.columns[df.dtypes == object]:
        values = df[col].dropna()
        if len(values) and values.map(lambda v: isinstance(v, (dt.date, dt.datetime))).all():
            df[col] = pd.to_datetime(df[col])
    return df


def _separator(path: Path, encoding: str) -> str:
    """The field separator of a text file, from its header line: the most frequent of , ; tab |."""
    with open(path, encoding=encoding, errors="replace") as f:
        header = f.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_table(path: str | Path, *, encoding: str = "auto", argument: str = "source", sheet=None) -> pd.DataFrame:
    """Read a CSV/TSV (UTF-8 with or without BOM, or GBK/GB18030), Excel or Parquet file.

    Text files are read as text columns; their separator (comma, semicolon, tab or bar) is
    taken from the header line. Excel workbooks (``.xlsx``, ``.xls``, ``.ods``) are read with
    python-calamine: the first sheet, or ``sheet`` (a name or a 0-based position); number and
    date cells keep their types. ``argument`` is the caller's argument that holds the path,
    named in the error when the file does not exist. An empty file, or one with a header and
    no rows, is an error.
    """
    path = project_path(path)
    if not path.exists():
        raise ArgumentError(f"File {path} does not exist; check the path passed as {argument}.", argument=argument)
    if path.is_dir():
        raise ArgumentError(f"{path} is a folder; pass the path of a data file in it as {argument}.", argument=argument)
    if path.stat().st_size == 0:
        raise ArgumentError(f"{path} is empty (0 bytes): no data rows; export the data again.", argument=argument)
    suffix = path.suffix.lower()
    with open(path, "rb") as f:
        magic = f.read(8)
    if suffix in {".parquet", ".pq"}:
        df = pd.read_parquet(path)
    elif suffix in EXCEL or magic.startswith(b"PK\x03\x04") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        df = _excel(path, sheet)
    else:
        encodings = ["utf-8-sig", "gb18030"] if encoding == "auto" else [encoding]
        df = None
        for enc in encodings:
            try:
                df = pd.read_csv(path, dtype=str, encoding=enc, keep_default_na=False, na_values=[""],
                                 sep=_separator(path, enc))
                break
            except UnicodeDecodeError as exc:
                last = exc
            except pd.errors.EmptyDataError:
                raise ArgumentError(f"{path} has no header and no data rows; export the data again.",
                                    argument=argument) from None
            except pd.errors.ParserError as exc:
                raise ArgumentError(f"{path} is not a regular table ({str(exc).strip()}); check that every row has "
                                    "as many fields as the header, and quote fields that contain the separator.",
                                    argument=argument) from None
        if df is None:
            hint = "gbk" if encoding.startswith("utf") else "utf-8"
            raise ArgumentError(
                f"{path} is not valid {encodings[-1]} text (byte {last.start} cannot be decoded); "
                f"pass encoding='{hint}' or 'auto'.", argument="encoding")
    if df.empty:
        raise ArgumentError(f"{path} has a header ({', '.join(map(str, df.columns[:6]))}) but no data rows; "
                            "export the data again.", argument=argument)
    return df


def map_roles(raw: pd.DataFrame, columns: dict, roles: dict, required: set, where: str) -> pd.DataFrame:
    """The columns of a user's file renamed to the analysis's names by their roles (``columns``: role -> file
    column, None for a role the file lacks; ``roles``: role -> analysis column); a one-sentence
    :class:`~kamlib.errors.ArgumentError` names an unknown role, a missing required one or a file column that is not
    there, with the columns the file has."""
    out = {}
    for role, name in columns.items():
        if role not in roles:
            raise ArgumentError(f"columns[{role!r}] is not a column role; use {', '.join(roles)}.",
                                argument=f"columns.{role}")
    for role in roles:
        name = columns.get(role)
        if not name:
            if role in required:
                raise ArgumentError(f"columns[{role!r}] must name the column of your file that holds the {role}.",
                                    argument=f"columns.{role}")
            continue
        if name not in raw.columns:
            have = ", ".join(map(str, list(raw.columns)[:12]))
            raise ArgumentError(f"{where} has no column '{name}' for the {role}; set columns[{role!r}] "
                                f"to one of: {have}" + ("" if role in required else f", or to None if the file has no {role}")
                                + ".", argument=f"columns.{role}")
        out[roles[role]] = raw[name]
    return pd.DataFrame(out, index=raw.index)
