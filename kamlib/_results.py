"""The result convention of the analysis modules (statsmodels' HolderTuple, as a frozen dataclass).

A function that returns more than one table returns a small frozen dataclass with named fields;
:class:`Result` gives every such class ``as_dict()`` (its scalar fields) and ``summary_frame()``
(those as a one-row table), so a notebook can put several results side by side. Nothing travels
in the metadata dict of a DataFrame.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True)
class Result:
    """Base of the result objects: scalar fields as a dict or a one-row table."""

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
