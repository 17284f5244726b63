"""The result convention of the analysis modules (statsmodels' HolderTuple, as a frozen dataclass).

A function that returns more than one table returns a small frozen dataclass with named fields;
:class:`Result` gives every such class ``as_dict()`` (its scalar fields), ``summary_frame()``
(those as a one-row table, or the class's own main table) and ``summary()`` (a text to print, as
statsmodels results have), so a notebook can put several results side by side. Nothing travels
in the metadata dict of a DataFrame.

A function that used to return a tuple returns a result that still unpacks like it (``table, sentence =
clv.sensitivity(...)``), as statsmodels' ``HolderTuple`` does: the class names the fields that unpack, in order, in
``unpack`` (a plain class attribute, not a field: ``unpack = ("table", "sentence")``).
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True)
class Result:
    """Base of the result objects: scalar fields as a dict or a one-row table; a class that lists fields in
    ``unpack`` also unpacks and indexes like the tuple of those fields."""

    unpack: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        # only a result that replaces a tuple unpacks, indexes and has a length; any other stays a scalar to pandas
        # (is_list_like False), as it was
        super().__init_subclass__(**kwargs)
        if cls.unpack:
            cls.__iter__ = _Unpacks.__iter__
            cls.__getitem__ = _Unpacks.__getitem__
            cls.__len__ = _Unpacks.__len__
            cls.__bool__ = _Unpacks.__bool__

    def as_dict(self) -> dict:
        """The scalar fields (numbers, text, booleans) by name, in field order."""
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (int, float, str, bool, np.integer, np.floating, np.bool_)) or v is None:
                out[f.name] = v
        return out

    def summary_frame(self) -> pd.DataFrame:
        """The scalar fields as a one-row table."""
        return pd.DataFrame([self.as_dict()])

    def summary(self) -> str:
        """A text to print: the class name, each scalar field on its own line, then the other tables' sizes.

        Examples
        --------
        >>> import dataclasses
        >>> import pandas as pd
        >>> from kamlib._results import Result
        >>> @dataclasses.dataclass(frozen=True)
        ... class Toy(Result):
        ...     auc: float
        ...     table: pd.DataFrame
        >>> print(Toy(0.71234, pd.DataFrame({"a": [1, 2]})).summary())
        Toy
          auc: 0.7123
          table: table of 2 rows x 1 columns
        """
        lines = [type(self).__name__]
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, (float, np.floating)):
                lines.append(f"  {f.name}: {float(v):.4g}")
            elif isinstance(v, (int, str, bool, np.integer, np.bool_)) or v is None:
                lines.append(f"  {f.name}: {v}")
            elif isinstance(v, (pd.DataFrame, pd.Series)):
                shape = f"{v.shape[0]} rows x {v.shape[1]} columns" if v.ndim == 2 else f"{len(v)} values"
                lines.append(f"  {f.name}: {'table' if v.ndim == 2 else 'series'} of {shape}")
            elif isinstance(v, dict):
                lines.append(f"  {f.name}: {len(v)} entries")
        return "\n".join(lines)


class _Unpacks:
    """The tuple protocol a :class:`Result` with ``unpack`` fields gets."""

    def __iter__(self):
        return iter(tuple(getattr(self, name) for name in self.unpack))

    def __getitem__(self, index):
        return tuple(getattr(self, name) for name in self.unpack)[index]

    def __len__(self):
        return len(self.unpack)

    def __bool__(self):
        return True  # a result is there; its length says nothing about that
