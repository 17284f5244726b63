"""User-facing errors.

Every problem a user can fix (a wrong column, a malformed date, a bad parameter)
is raised as :class:`KamError` with one sentence that names the file, key or
column and says what to do. The CLI prints that sentence without a traceback.
"""

from __future__ import annotations

__all__ = ["ArgumentError", "KamError", "require_binary", "require_columns", "rows_preview"]


class KamError(ValueError):
    """An error whose message is a complete sentence meant for the user."""


def require_columns(df, columns, *, where: str, fix: str = "") -> None:
    """Raise :class:`KamError` if any of ``columns`` is missing from ``df``.

    Parameters
    ----------
    df : DataFrame
        The data to check.
    columns : iterable of str
        Columns that must be present.
    where : str
        Names the data (a file or an argument) in the message.
    fix : str
        What the user should change (for example which argument maps the column).

    Returns
    -------
    None

    Examples
    --------
    >>> from kamlib.errors import require_columns
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"], where="x")
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, list(df.columns)[:12]))
        msg = f"{where} has no column {', '.join(repr(m) for m in missing)} (it has: {have})"
        raise KamError(msg + (f"; {fix}" if fix else ".") )


def require_binary(data, column: str, where: str) -> None:
    """Raise :class:`KamError` unless ``column`` of ``data`` holds only 0 and 1 (a treatment or conversion flag).

    Parameters
    ----------
    data : DataFrame
        The data to check.
    column : str
        The 0/1 column.
    where : str
        Names the data in the message.

    Returns
    -------
    None

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.errors import require_binary
    >>> require_binary(pd.DataFrame({"treated": [0, 1]}), "treated", "the panel")
    """
    bad = ~data[column].isin([0, 1])
    if bad.any():
        raise KamError(f"{where}: column '{column}' must be 0/1, but has {data.loc[bad, column].unique()[:3].tolist()}; "
                       "recode it (1 = treated).")


def rows_preview(index, limit: int = 5) -> str:
    """Row numbers for an error message: ``'rows 3, 7, 9 and 12 more'``.

    Parameters
    ----------
    index : sequence
        Row numbers (as a spreadsheet shows them).
    limit : int
        How many to name.

    Returns
    -------
    str

    Examples
    --------
    >>> from kamlib.errors import rows_preview
    >>> rows_preview([3, 7, 9], limit=2)
    'rows 3, 7 and 1 more'
    """
    rows = [str(i) for i in list(index)[:limit]]
    more = len(index) - len(rows)
    text = ", ".join(rows)
    return f"row{'s' if len(index) > 1 else ''} {text}" + (f" and {more} more" if more > 0 else "")


class ArgumentError(KamError):
    """A bad value of a function argument, named in ``argument``.

    The message speaks of the argument as a library user passes it (``holdout_end``,
    ``columns['customer']``). Where the value came from a study file, the workbench
    adds the study key (``clv.holdout_end``) to the sentence; see
    :func:`kamlib.workbench.notebook.study_key_sentence`.

    Parameters
    ----------
    message : str
        One sentence naming the argument, the value and the fix.
    argument : str
        The argument's name; a key of a mapping argument as ``"columns.customer"``.
    """

    def __init__(self, message: str, *, argument: str):
        super().__init__(message)
        self.argument = argument
