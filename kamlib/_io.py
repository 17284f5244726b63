"""Shared input helpers of the analysis modules: the DuckDB connection and reading a table.

Private: the public entry points are the loaders (:func:`kamlib.transactions.load`,
:func:`kamlib.survey_data.read`, :func:`kamlib.experiments.load_campaign`, ...), which own
reading, encoding and validation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .config import project_path
from .errors import ArgumentError, KamError


def connect():
    """A DuckDB connection with bounded memory: ``$KAM_DUCKDB_MEMORY`` (default 700MB; larger
    aggregations spill to a temporary folder instead of growing), insertion order not kept
    (results that need an order say ORDER BY)."""
    import tempfile

    import duckdb

    return duckdb.connect(config={"memory_limit": os.environ.get("KAM_DUCKDB_MEMORY", "700MB"),
                                  "preserve_insertion_order": False,
                                  "temp_directory": str(Path(tempfile.gettempdir()) / "kam-duckdb")})


def read_table(path: str | Path, *, encoding: str = "auto", argument: str = "source") -> pd.DataFrame:
    """Read a CSV (UTF-8 with or without BOM, or GBK/GB18030) or Parquet file as text columns.

    ``argument`` is the caller's argument that holds the path, named in the error when the
    file does not exist.
    """
    path = project_path(path)
    if not path.exists():
        raise ArgumentError(f"File {path} does not exist; check the path passed as {argument}.", argument=argument)
    if path.suffix.lower() in {".parquet", ".pq"}:
        return pd.read_parquet(path)
    encodings = ["utf-8-sig", "gb18030"] if encoding == "auto" else [encoding]
    for enc in encodings:
        try:
            return pd.read_csv(path, dtype=str, encoding=enc, keep_default_na=False, na_values=[""])
        except UnicodeDecodeError as exc:
            last = exc
    hint = "gbk" if encoding.startswith("utf") else "utf-8"
    raise ArgumentError(
        f"{path} is not valid {encodings[-1]} text (byte {last.start} cannot be decoded); "
        f"pass encoding='{hint}' or 'auto'.", argument="encoding")


