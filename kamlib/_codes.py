"""Shared helpers of the analysis modules for integer-coded data (ids factorised to 64-bit keys).

numpy 2.4's hashed ``unique`` and ``isin`` take seconds on millions of 64-bit keys, and pandas' ``isin`` on text
goes through Python objects; one sort and a binary search do the same work in a fraction of the time (measured on
a 10M-line log, docs/scale.md, "Recommendation at scale").
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of ``keys`` by one sort."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def member(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Whether each value is in ``pool`` (sorted): a binary search, in place of :func:`numpy.isin`."""
    if not len(pool):
        return np.zeros(len(values), dtype=bool)
    return pool[np.minimum(np.searchsorted(pool, values), len(pool) - 1)] == values


def first(keys: np.ndarray) -> np.ndarray:
    """Whether each key is the first of its duplicates, in the keys' order (as ``drop_duplicates`` keeps)."""
    return ~pd.Series(keys).duplicated().to_numpy()


#: Lines from which :func:`factorize` codes Arrow text with the compiled kernel (below it pandas is as fast and
#: the kernel's start, about a second to import numba and load its machine code, would dominate).
FACTORIZE_KERNEL_FROM = 2_000_000


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """:func:`pandas.factorize` (codes in order of first appearance and the distinct values), with less memory
    for millions of distinct texts.

    pandas codes Arrow text through Arrow's hash table, which holds about 90 bytes per distinct value: 880 MB
    for the 9.1 million order ids of a 10M-line log. From :data:`FACTORIZE_KERNEL_FROM` lines of Arrow text
    without missing values, :func:`kamlib._kernels.factorize_chunk` codes the same chunks with about 35 bytes per
    distinct value and gives the same codes and values; anything else goes to pandas.
    """
    import pyarrow as pa

    if (len(values) < FACTORIZE_KERNEL_FROM or not isinstance(values.dtype, pd.StringDtype)
            or values.dtype.storage != "pyarrow" or values.hasnans):
        return pd.factorize(values)
    chunks = values.array.__arrow_array__().chunks
    if not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        return pd.factorize(values)
    from ._kernels import factorize_chunk

    parts = []
    for c in chunks:
        _, off, data = c.buffers()
        off = np.frombuffer(off, dtype=np.int64 if pa.types.is_large_string(c.type) else np.int32)
        data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
        parts.append((off, data, c.offset, len(c)))
    n = len(values)
    size = sum(int(off[o + m] - off[o]) for off, _, o, m in parts)
    table = np.full(1 << max(4, int(2 * n - 1).bit_length()), -1, dtype=np.int32 if n < 2 ** 31 else np.int64)
    hashes = np.empty(n, dtype=np.uint64)
    seen_offsets = np.empty(n + 1, dtype=np.int64)
    seen_offsets[0] = 0
    seen_data = np.empty(max(size, 1), dtype=np.uint8)  # the worst case; pages never written take no memory
    codes = np.empty(n, dtype=np.intp)
    n_seen, at = 0, 0
    for off, data, o, m in parts:
        n_seen = factorize_chunk(off, data, o, m, table, hashes, seen_offsets, seen_data, n_seen, codes, at)
        at += m
    del table, hashes
    uniques = pa.LargeStringArray.from_buffers(n_seen, pa.py_buffer(seen_offsets[:n_seen + 1]),
                                               pa.py_buffer(seen_data[:seen_offsets[n_seen]]))
    return codes, pd.Index(pd.array(uniques, dtype=values.dtype), name=None)
