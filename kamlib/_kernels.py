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

import math

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
def top_k_dense(scores, tiebreak, b_indptr, b_indices, k, exclude_bought):
    """The ``k`` best columns per row of a dense score block (matrix factorisation): ``scores + tiebreak``, higher
    first, exact ties by the lower column; bought columns (CSR rows ``b_indptr``/``b_indices``) left out when
    ``exclude_bought``. One pass per row keeping the best ``k``, instead of numpy's partition of every row and the
    copies around it. Returns an ``(n, k)`` array of column codes, padded with -1.
    """
    n, m = scores.shape
    out = np.full((n, k), -1, dtype=np.int64)
    skip = np.zeros(m, dtype=np.bool_)
    best_score = np.empty(k, dtype=np.float64)
    best_col = np.empty(k, dtype=np.int64)
    for r in range(n):
        if exclude_bought:
            for jj in range(b_indptr[r], b_indptr[r + 1]):
                skip[b_indices[jj]] = True
        filled = 0
        for c in range(m):
            if skip[c]:
                continue
            score = np.float64(scores[r, c]) + tiebreak[c]
            if filled == k:
                if not score > best_score[k - 1]:  # a tie with the k-th keeps the lower column, already there
                    continue
                pos = k - 1
            else:
                pos = filled
                filled += 1
            while pos > 0 and score > best_score[pos - 1]:
                best_score[pos] = best_score[pos - 1]
                best_col[pos] = best_col[pos - 1]
                pos -= 1
            best_score[pos] = score
            best_col[pos] = c
        for t in range(filled):
            out[r, t] = best_col[t]
        if exclude_bought:
            for jj in range(b_indptr[r], b_indptr[r + 1]):
                skip[b_indices[jj]] = False
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


# Gauss-Kronrod 15-point rule (QUADPACK qk15): Kronrod nodes and weights for x >= 0 (the 7-point Gauss nodes are
# the odd entries) and the 7-point Gauss weights
_XGK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                 0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                 0.207784955007898467600689403773245, 0.0])
_WGK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                 0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                 0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                0.381830050505118944950369775488975, 0.417959183673469387755102040816327])


@njit(cache=True, nogil=True)
def _pnbd_ell(w, rho, lrho):
    """log(1 - rho + rho e^w) for w >= 0, without overflow."""
    if w + lrho < 0.0:
        return np.log1p(rho * np.expm1(w))
    return w + np.log(rho + (1.0 - rho) * np.exp(-w))


@njit(cache=True, nogil=True)
def _pnbd_panel(lo, hi, e1, e2, rho, lrho, lstar, xgk, wgk, wg, out):
    """Gauss-Kronrod 15 on [lo, hi] of exp(lambda(w) - lstar) and of it times log(1 - rho + rho e^w), w and the
    derivative of that log in rho, into ``out``; returns |K15 - G7| of the first."""
    c = 0.5 * (lo + hi)
    h = 0.5 * (hi - lo)
    g7 = 0.0
    for q in range(4):
        out[q] = 0.0
    for i in range(15):
        j = i if i <= 7 else 14 - i
        w = c - h * xgk[i] if i < 7 else (c if i == 7 else c + h * xgk[j])
        if w + lrho < 0.0:
            em = np.expm1(w)
            ell = np.log1p(rho * em)
            drho = em / (1.0 + rho * em)
        else:
            ew = np.exp(-w)
            den = rho + (1.0 - rho) * ew
            ell = w + np.log(den)
            drho = -np.expm1(-w) / den
        f = np.exp((1.0 - e2) * w - e1 * ell - lstar)
        k = wgk[j] * f
        out[0] += k
        out[1] += k * ell
        out[2] += k * w
        out[3] += k * drho
        if j % 2 == 1:
            g7 += wg[j // 2] * f
    for q in range(4):
        out[q] *= h
    return abs(out[0] - g7 * h)


@njit(cache=True, nogil=True)
def _pnbd_one(a1, a2, r_, out, los, his, vals, errs, tmp, total, cuts):
    """:func:`pnbd_j` for one element (``out`` its row; the other arrays are scratch)."""
    tol = 1e-8  # on |K15 - G7|, which overstates the error of K15 by orders of magnitude
    depth = 46.0
    maxp = len(los)
    c = a1 + a2
    a = c - 1.0
    z = 1.0 - r_
    series = z <= 0.9
    if not series:
        # the series still converges in a few hundred terms when e2 is large (the term ratio is z (e1 + m) / (c + m)):
        # log of the 600th term by lgamma, and the series when it is below e^-46
        m = 600.0
        series = (m * np.log(z) + math.lgamma(a1 + m) - math.lgamma(a1) + math.lgamma(c) - math.lgamma(c + m)
                  < -46.0)
    if series:
        big_k = 1.0
        dkb = 0.0
        dkc = 0.0
        dkz = 0.0
        t = 1.0
        sb = 0.0
        sc = 0.0
        m = 0
        while z > 0.0:
            sb += 1.0 / (a1 + m)
            sc += 1.0 / (c + m)
            t *= (a1 + m) / (c + m) * z
            m += 1
            big_k += t
            dkb += t * sb
            dkc -= t * sc
            dkz += m * t
            # the tail bound uses rho, not 1 - z: for rho below machine epsilon z rounds to 1, 1 - z to 0, and the
            # test could never pass (a denormal t times a ratio near 1 rounds to itself, so t never reaches 0 either)
            if t == 0.0 or t * (m + 1.0) * (1.0 + sb + sc) < 1e-17 * big_k * r_ or m >= 1_000_000:
                break
        out[0] = np.log(big_k) - np.log(a)
        out[1] = (dkb + dkc) / big_k - 1.0 / a
        out[2] = dkc / big_k - 1.0 / a
        out[3] = -(dkz / z if z > 0.0 else a1 / c) / big_k
        return
    lrho = np.log(r_)
    kink = -lrho
    wstar = 0.0  # the mode of the concave log-integrand (at 0 unless it rises first)
    if a2 < 1.0:
        v = np.log((1.0 - a2) * z / (r_ * a))
        if v > 0.0:
            wstar = v
    lstar = (1.0 - a2) * wstar - a1 * _pnbd_ell(wstar, r_, lrho)
    # the upper end: Newton from the right of the root stays right of it (the function is concave)
    w = max(kink, (a1 * kink + depth) / a, wstar + 1.0)
    for _ in range(30):
        ell = _pnbd_ell(w, r_, lrho)
        g = (1.0 - a2) * w - a1 * ell - (lstar - depth)
        if g > 0.0:
            w *= 2.0
            continue
        step = g / ((1.0 - a2) - a1 * np.exp(w + lrho - ell))
        w -= step
        if step < 1e-3 * w:
            break
    hi = w
    lo = 0.0
    if wstar > 0.0 and -a1 * _pnbd_ell(0.0, r_, lrho) < lstar - depth:
        for _ in range(30):  # the lower end, Newton from the left
            ell = _pnbd_ell(lo, r_, lrho)
            step = ((1.0 - a2) * lo - a1 * ell - (lstar - depth)) / ((1.0 - a2) - a1 * np.exp(lo + lrho - ell))
            lo -= step
            if -step < 1e-3 * max(lo, 1.0):
                break
        lo = min(lo, wstar)
    k = 1
    cuts[0] = lo
    if lo < wstar < hi:
        cuts[k] = wstar
        k += 1
    if lo < kink < hi and kink != wstar:
        cuts[k] = kink
        k += 1
    cuts[k] = hi
    if k == 3 and cuts[1] > cuts[2]:
        cuts[1], cuts[2] = cuts[2], cuts[1]
    for q in range(4):
        total[q] = 0.0
    npan = 0
    for j in range(k):
        los[npan] = cuts[j]
        his[npan] = cuts[j + 1]
        errs[npan] = _pnbd_panel(cuts[j], cuts[j + 1], a1, a2, r_, lrho, lstar, _XGK, _WGK, _WG, tmp)
        for q in range(4):
            vals[npan, q] = tmp[q]
            total[q] += tmp[q]
        npan += 1
    while npan < maxp:  # bisect the panel with the largest error until the sum is small enough
        err = 0.0
        worst = 0
        for j in range(npan):
            err += errs[j]
            if errs[j] > errs[worst]:
                worst = j
        if err <= tol * total[0]:
            break
        left, right = los[worst], his[worst]
        mid = 0.5 * (left + right)
        for q in range(4):
            total[q] -= vals[worst, q]
        errs[worst] = _pnbd_panel(left, mid, a1, a2, r_, lrho, lstar, _XGK, _WGK, _WG, tmp)
        his[worst] = mid
        for q in range(4):
            vals[worst, q] = tmp[q]
            total[q] += tmp[q]
        los[npan] = mid
        his[npan] = right
        errs[npan] = _pnbd_panel(mid, right, a1, a2, r_, lrho, lstar, _XGK, _WGK, _WG, tmp)
        for q in range(4):
            vals[npan, q] = tmp[q]
            total[q] += tmp[q]
        npan += 1
    out[0] = lstar + np.log(total[0])
    out[1] = -total[1] / total[0]
    out[2] = -total[2] / total[0]
    out[3] = -a1 * total[3] / total[0]


@njit(cache=True, nogil=True)
def pnbd_j(e1, e2, rho, out):
    """The integral of the Pareto/NBD likelihood and its derivatives, for each element.

    ``J(e1, e2, rho) = int_0^inf (1 + rho v)^-e1 (1 + v)^-e2 dv = 2F1(1, e1; e1 + e2; 1 - rho) / (e1 + e2 - 1)``
    for ``0 < rho <= 1`` and ``e1 + e2 > 1``; ``out[i]`` receives ``log J`` and its derivatives in ``e1``, ``e2``
    and ``rho``. The hypergeometric series (ratio below z = 1 - rho, derivatives term by term) where it converges
    within 600 terms (always for z up to 0.9); beyond, where it needs thousands of terms and the closed forms of the
    1 - z expansion cancel near integer parameters, adaptive Gauss-Kronrod in ``w = log(1 + v)``, over the range
    where the log-concave integrand is within e^-46 of its maximum (log J within 1e-12, derivatives about 1e-8
    relative at worst; tested against mpmath).
    """
    los = np.empty(200)
    his = np.empty(200)
    vals = np.empty((200, 4))
    errs = np.empty(200)
    tmp = np.empty(4)
    total = np.empty(4)
    cuts = np.empty(4)
    for i in range(len(e1)):
        _pnbd_one(e1[i], e2[i], rho[i], out[i], los, his, vals, errs, tmp, total, cuts)

