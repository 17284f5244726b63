"""Compiled kernels (numba) for the loops that numpy can only write as many passes over large intermediates.

Item-based scoring of a million customers against a 50,000-product neighbourhood reaches about 470 million
(customer, product) scores on a 10M-line log. As a sparse product followed by numpy's sorting and partitioning,
every score is written, copied and compared about ten times (20 s on 2 cores, docs/scale.md, "Recommendation at scale");
one pass per customer over a dense accumulator does the same work in about a tenth of the time and keeps only the
``k`` best. scipy, scikit-learn and ``implicit`` have no sparse top-``k`` of a product with a custom order (score,
then popularity), so the loop is written here; numba compiles it, caches the machine code beside this file, and
releases the GIL so that threads share the cores.

The kernel repeats the arithmetic of the sparse path exactly (float32 sums in scipy's order, numpy's rounding to
10 decimals), so both give identical lists (``tests/test_recommend.py``).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def top_k_scores(b_indptr, b_indices, b_data, s_indptr, s_indices, s_data, rank, k, exclude_bought):
    """The ``k`` best products per row of ``B @ S`` (CSR arrays): score rounded to 10 decimals, then ``rank``.

    Returns an ``(n, k)`` array of product codes, best first, padded with -1 where a row has fewer than ``k``
    products with a positive score (bought products excluded when ``exclude_bought``).
    """
    n = len(b_indptr) - 1
    out = np.full((n, k), -1, dtype=np.int64)
    acc = np.zeros(len(rank), dtype=s_data.dtype)
    touched = np.empty(len(rank), dtype=np.int64)
    best_score = np.empty(k, dtype=s_data.dtype)
    best_col = np.empty(k, dtype=np.int64)
    ten = s_data.dtype.type(1e10)
    for r in range(n):
        n_touched = 0
        for jj in range(b_indptr[r], b_indptr[r + 1]):  # the scores: scipy's order of summation
            j = b_indices[jj]
            v = b_data[jj]
            for kk in range(s_indptr[j], s_indptr[j + 1]):
                c = s_indices[kk]
                x = acc[c]
                touched[n_touched] = c  # kept only when c is new: no branch to mispredict
                n_touched += x == 0
                acc[c] = x + v * s_data[kk]
        if exclude_bought:
            for jj in range(b_indptr[r], b_indptr[r + 1]):
                acc[b_indices[jj]] = 0
        filled = 0
        cut = -np.inf
        for t in range(n_touched):
            c = touched[t]
            x = acc[c]
            acc[c] = 0
            if not x > 0:
                continue
            z = x * ten
            if z < cut:  # clearly below the k-th best after rounding (rint moves z by at most 1/2)
                continue
            score = np.rint(z) / ten  # numpy's round(x, 10)
            if filled == k:
                last = k - 1
                if score < best_score[last] or (score == best_score[last] and rank[c] > rank[best_col[last]]):
                    continue
                pos = last
            else:
                pos = filled
                filled += 1
            # insertion into the sorted list of the best so far: higher score first, then lower rank
            while pos > 0 and (score > best_score[pos - 1] or
                               (score == best_score[pos - 1] and rank[c] < rank[best_col[pos - 1]])):
                best_score[pos] = best_score[pos - 1]
                best_col[pos] = best_col[pos - 1]
                pos -= 1
            best_score[pos] = score
            best_col[pos] = c
            if filled == k:
                # a rounded value a millionth below the k-th best's divides to a strictly smaller score
                cut = best_score[k - 1] * ten * (1 - 1e-6) - 1
        for t in range(filled):
            out[r, t] = best_col[t]
    return out


@njit(cache=True, nogil=True)
def _text_hash(data, start, end):
    """FNV-1a over the bytes ``data[start:end]``, mixed by a multiplication (Fibonacci hashing)."""
    h = np.uint64(14695981039346656037)
    for j in range(start, end):
        h = (h ^ np.uint64(data[j])) * np.uint64(1099511628211)
    return h * np.uint64(11400714819323198485)


@njit(cache=True, nogil=True)
def factorize_chunk(offsets, data, first, count, table, hashes, seen_offsets, seen_data, n_seen, codes, at):
    """Code the texts ``offsets[first:first + count + 1]`` over ``data`` (one Arrow chunk) into ``codes[at:]``.

    ``table`` (a power of two, -1 empty) holds codes by hash with linear probing; the distinct texts are
    copied, in order of first appearance, into ``seen_data`` at ``seen_offsets`` with their ``hashes``. Returns
    the new number of distinct texts. The state lives in the arrays, so chunks are coded one after another.
    """
    mask = np.uint64(len(table) - 1)
    bits = 0
    while (1 << bits) < len(table):
        bits += 1
    shift = np.uint64(64 - bits)
    for r in range(count):
        s, e = offsets[first + r], offsets[first + r + 1]
        h = _text_hash(data, s, e)
        slot = h >> shift
        while True:
            c = table[slot]
            if c < 0:  # a new text: copy it
                table[slot] = n_seen
                hashes[n_seen] = h
                o = seen_offsets[n_seen]
                for j in range(e - s):
                    seen_data[o + j] = data[s + j]
                seen_offsets[n_seen + 1] = o + (e - s)
                codes[at + r] = n_seen
                n_seen += 1
                break
            if hashes[c] == h:
                o, o2 = seen_offsets[c], seen_offsets[c + 1]
                same = o2 - o == e - s
                j = 0
                while same and j < e - s:
                    same = seen_data[o + j] == data[s + j]
                    j += 1
                if same:
                    codes[at + r] = c
                    break
            slot = (slot + np.uint64(1)) & mask
    return n_seen
