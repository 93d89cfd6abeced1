"""The fast evaluation of :func:`klce.kl_divergence`'s sums (private).

It computes the terms that ``klce.information._kl_terms`` defines, ``p g((q - p) / p) >= 0``
with ``g(r) = r - log(1 + r)``, by the same two rules (the series of
:func:`klce._special.atanh_tail` near ``q = p``, the logarithm elsewhere) and the same zero
conventions, and sums them along the distribution axis; the tests hold its sums to the
reference's, and both to mpmath.

Why it exists: `make bench` holds kl_divergence to at most 1.0 times the time of
``scipy.special.rel_entr(p, q).sum()`` on every input mix with AVX-512 (1.3 without). This
module takes 0.45 to 0.9 times that time with AVX-512 and 0.6 to 1.2 without. The reference form,
with ``np.where``, in blocks of 16384 elements, took 0.92 to 2.6 times with AVX-512 and 1.4 to
3.3 without. In blocks of plain whole-array calls, with an arithmetic selection instead of
``np.where`` and the logarithm only where needed, it took 0.74 to 1.14 times with AVX-512 (over
the bar from 80 % nearly equal outcomes on) and up to 1.13 without; with a two-term series on a
narrower range (less accurate just past it), 0.62 to 0.95 on a quiet machine and up to 1.17 on a
busy one: on the bar, not under it. The speed here comes from three things, each explained where
it is done below: preallocated work buffers written with ``out=`` (no temporaries), a code path
chosen per chunk by how many elements need the logarithm, and index gathers that avoid NumPy's
branchy paths. Delete this module once a form as plain as the reference (blocks of whole-array
calls, no work buffers) meets the bar on `make bench`.
"""

from __future__ import annotations

import numpy as np

from klce._special import _ATANH_COEFFS, SERIES_CUTOFF

__all__ = ["SUM_SLACK", "kl_pass"]

_TINY = np.finfo(np.float64).tiny

# A term t = p g(r) is evaluated by one of two rules. With
# d = q - p (exact where the series is used), s = q + p and u = d / s = r / (2 + r):
#
# * series, for |u| < _U_CUT (about |r| < 0.01): t = u (d + p w P(w)), w = u^2, where
#   P(w) = -T(w) = -(2/3 + 2w/5 + 2w^2/7), klce._special.atanh_tail with the terms that
#   |u| < 0.005 needs (the first omitted one, 2 u^9 / 9, is below 1e-17 relative), evaluated in
#   place. In a chunk of nearly equal elements with a smaller max(w), fewer terms do
#   (_series_terms);
# * logarithm, elsewhere: t = d - p log(q / p).
#
# Each chunk is a cache-sized block handled by a fixed sequence of whole-array NumPy calls; which
# sequence depends only on counts, never on how the two kinds of element are interleaved:
#
# * all series (nearly equal distributions): no logarithm at all;
# * mostly logarithm: both rules on every element, the right one selected arithmetically, with no
#   gather or scatter: t = max(d - p log(x + f), f * series), f = 1.0 where the series applies,
#   else 0.0. Where f = 1, q/p is within 1 % of 1, so log(x + 1) ~ log 2 and the first argument
#   is about -0.69 p < 0 <= the series. Where f = 0 the second argument is 0 and the first is the
#   log rule (a term >= 0; the max only removes a negative rounding error). Adding f also moves
#   the discarded log arguments away from 1, out of the separate branch that libm's log takes
#   near 1: a random mix of the two branches costs branch mispredictions where log is not
#   vectorised (CPUs without AVX-512, where NumPy calls the C library's log element by element);
# * mostly series: the logarithm only where it is needed. The indices of those elements come from
#   np.flatnonzero (made to take its branch-free loop, see _flatnonzero) and the values move with
#   np.take and an integer-index assignment, also branch-free (a boolean-mask gather such as
#   x[mask] branches per element and costs several times more on a random mix than on a sorted
#   one). Where NumPy's log is scalar it is the costliest step by far, so evaluating it on fewer
#   than half the elements pays for the moves; where it is vectorised (AVX-512) the two ways
#   cost about the same.

_U_CUT = SERIES_CUTOFF / 2  # |u| < 0.005 <=> r in (-0.00995, 0.01005)
_W_CUT = _U_CUT**2
# P(w) = _P[2] + w (_P[1] + w _P[0]); the series truncated to its first k coefficients is exact to
# 1e-17 relative for w below _W_TERMS[k - 1]: the first omitted term relative to t ~ 2 p w is
# |u|^3 / 5 (k = 1) and |u|^5 / 7 (k = 2); all three coefficients serve up to _W_CUT.
_P = tuple(-c for c in _ATANH_COEFFS[2::-1])  # -2/7, -2/5, -2/3: Horner order
_W_TERMS = (1e-11, 1e-7)
_sum, _min, _max = np.add.reduce, np.minimum.reduce, np.maximum.reduce
# The sums of p and q come from sum(q + p) and sum(q - p): they may differ from np.sum by a few
# ulps, so a sum within this distance of the tolerance is checked again by check_probabilities.
SUM_SLACK = 1e-12

# Elements per chunk: the six work buffers and the chunk's inputs stay in the L2 cache, while
# the fixed cost of the ~30 NumPy calls per chunk is spread over many elements (of the sizes
# tried from 12288 to 65536, 24576 was the fastest here, with and without AVX-512).
_CHUNK = 3 << 13  # 24576
_WORK_ROWS = 6


def _series_terms(
    p: np.ndarray, d: np.ndarray, u: np.ndarray, w: np.ndarray, out: np.ndarray, w_max: float
) -> np.ndarray:
    """Write the series ``u (d + p w P(w))`` into `out`, with the terms of P that `w_max` needs.

    `w_max` must bound ``w = u^2`` wherever the result is used (NaN asks for every term).
    """
    k = 1 + sum(not w_max < bound for bound in _W_TERMS)  # 3 in a mixed chunk
    coeffs = _P[-k:]
    np.multiply(w, coeffs[0], out)  # Horner's rule in w
    for c in coeffs[1:]:
        np.add(out, c, out)
        np.multiply(out, w, out)
    np.multiply(out, p, out)
    np.add(out, d, out)
    return np.multiply(out, u, out)


def _chunk_terms(
    p: np.ndarray, q: np.ndarray, work: np.ndarray, mask: np.ndarray, sums: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Return the terms ``p g((q - p) / p) >= 0`` of one chunk, and whether it needs a second look.

    `work` holds six buffers shaped like `p` and `q`, `mask` a flat boolean one with room for
    the padding of :func:`_flatnonzero`. The sums of ``q - p`` and ``q + p`` along the last axis
    are written into `sums` (shape ``(2,) + p.shape[:-1]``). The chunk needs a second look
    (``True``) unless ``min(q + p) >= 0`` and ``max(u^2) < 1``: then every ``p_i`` and ``q_i``
    is >= 0 (a negative one makes ``|q - p| >= q + p``, an infinite or NaN one gives NaN) and
    ``q_i / p_i`` neither overflows nor underflows (that needs a zero or subnormal ``p_i`` or
    ``q_i`` and gives ``u = +-1``), so the terms are final.
    """
    d, u, w, a, b, c = work
    np.subtract(q, p, d)
    np.add(q, p, u)
    _sum(work[:2], axis=-1, out=sums)
    look = not _min(u, axis=None) >= 0
    np.divide(d, u, u)  # u = (q - p) / (q + p)
    np.square(u, w)
    w_max = _max(w, axis=None)
    look = look or not w_max < 1.0  # NaN -> True
    if w_max < _W_CUT:  # nearly equal chunk: the series everywhere, no logarithm
        return _series_terms(p, d, u, w, a, w_max), look
    # where the logarithm rule applies
    logs = np.greater_equal(w, _W_CUT, out=mask[: w.size].reshape(w.shape))
    n_log = np.count_nonzero(logs)
    if 2 * n_log > w.size:  # mostly logarithm: both rules everywhere, no gather
        _series_terms(p, d, u, w, a, w_max)
        f = np.less(w, _W_CUT, out=u, casting="unsafe")  # 1.0 where the series applies, else 0.0
        x = np.divide(q, p, w)
        np.add(x, f, x)  # see above: the log of x + 1 is discarded where f = 1
        np.log(x, x)
        np.multiply(x, p, x)
        np.subtract(d, x, x)  # d - p log(q / p), < 0 where f = 1
        np.multiply(a, f, a)
        return np.maximum(x, a, out=x), look
    # mostly series: the logarithm rule on the n_log elements that need it, moved out and back
    idx = _flatnonzero(mask, w.size, n_log)
    pl = np.take(p, idx, out=b.reshape(-1)[:n_log], mode="clip")
    ql = np.take(q, idx, out=c.reshape(-1)[:n_log], mode="clip")
    dl = np.subtract(ql, pl, out=a.reshape(-1)[:n_log])
    np.divide(ql, pl, ql)
    np.log(ql, ql)
    np.multiply(ql, pl, ql)
    tl = np.subtract(dl, ql, out=ql)  # d - p log(q / p)
    np.maximum(tl, 0.0, out=tl)  # only removes a negative rounding error
    _series_terms(p, d, u, w, a, w_max)
    a.reshape(-1)[idx] = tl
    return a, look


def _flatnonzero(mask: np.ndarray, size: int, count: int) -> np.ndarray:
    """``np.flatnonzero(mask[:size])``, which holds `count` True, avoiding NumPy's sparse path.

    For a boolean array with at most 10 % True, NumPy's nonzero jumps from one True to the next
    (memchr), a branch per True that a random pattern mispredicts (about 20 ns each); above 10 %
    it runs a branch-free loop (about 1 ns per element). From 4 % True, where the two cost the
    same, True padding after `size` tips it to the branch-free loop (only the speed depends on
    NumPy's choice). `mask` must hold ``size // 8 + 2`` elements beyond `size`.
    """
    pad = 0
    if 25 * count > size:
        pad = max(0, (size - 10 * count) // 9 + 2)  # 10 (count + pad) > size + pad
        mask[size : size + pad] = True
    return np.flatnonzero(mask[: size + pad])[:count]


def _second_look(p: np.ndarray, q: np.ndarray, t: np.ndarray) -> bool:
    """Fix the terms of a chunk flagged by :func:`_chunk_terms`; return whether p, q >= 0.

    Where ``p`` or ``q`` is 0 or subnormal, ``q / p`` can overflow or lose digits to
    underflow, and ``p = 0`` gives NaN: there the term is recomputed as
    ``p (log p - log q) - p + q``, with the limits ``q`` for ``p = 0`` and ``inf`` for
    ``q = 0 < p`` (masks are fine off the hot path).
    """
    nonneg = bool(_min(p, axis=None) >= 0 and _min(q, axis=None) >= 0)  # NaN -> False
    fix = (p < _TINY) | (q < _TINY)
    if nonneg and np.any(fix):
        pf, qf = p[fix], q[fix]
        tf = pf * (np.log(pf) - np.log(qf)) - pf + qf
        tf[pf == 0] = qf[pf == 0]
        tf[(qf == 0) & (pf > 0)] = np.inf
        t[fix] = tf
    return nonneg


def kl_pass(
    p: np.ndarray, q: np.ndarray, axis: int
) -> tuple[np.ndarray, bool, np.ndarray, np.ndarray]:
    """Sum the KL terms along `axis` in one chunked pass that also gathers the validation data.

    Returns the sums ``D`` (the batch shape), whether every element of `p` and `q` is >= 0
    (``False`` for NaN), and the sums of `p` and of `q` along `axis` (broadcast to the batch
    shape; from ``sum(q + p)`` and ``sum(q - p)``, so within a few ulps of ``np.sum``).
    """
    shape = np.broadcast_shapes(p.shape, q.shape)
    p = np.moveaxis(np.broadcast_to(p, shape), axis, -1)
    q = np.moveaxis(np.broadcast_to(q, shape), axis, -1)
    batch, n = p.shape[:-1], p.shape[-1]
    p2, q2 = p.reshape(-1, n), q.reshape(-1, n)  # views unless the layout forces a copy
    rows = p2.shape[0]
    d = np.empty(rows)
    sums = np.empty((2, rows))  # sum(q - p), sum(q + p)
    nonneg = True
    work = np.empty((_WORK_ROWS, min(_CHUNK, p2.size)))
    mask = np.empty(work.shape[1] + work.shape[1] // 8 + 2, dtype=bool)  # see _flatnonzero
    with np.errstate(all="ignore"):
        if n >= _CHUNK // 2:  # long distributions: chunks along the distribution axis
            n_chunks = -(-n // _CHUNK)
            parts = np.empty((3, n_chunks))  # per chunk: sum of t, of q - p, of q + p
            for i in range(rows):
                for j in range(n_chunks):
                    cols = slice(j * _CHUNK, (j + 1) * _CHUNK)
                    pc, qc = p2[i, cols], q2[i, cols]
                    size = pc.size
                    t, look = _chunk_terms(pc, qc, work[:, :size], mask, parts[1:, j])
                    if look:
                        nonneg = _second_look(pc, qc, t) and nonneg
                    parts[0, j] = _sum(t)
                d[i], sums[0, i], sums[1, i] = _sum(parts, axis=-1)  # pairwise over chunks
        else:  # a block of whole distributions per chunk
            k = _CHUNK // n
            for start in range(0, rows, k):
                block = slice(start, start + k)
                pc, qc = p2[block], q2[block]
                bufs = work[:, : pc.size].reshape(_WORK_ROWS, *pc.shape)
                t, look = _chunk_terms(pc, qc, bufs, mask, sums[:, block])
                if look:
                    nonneg = _second_look(pc, qc, t) and nonneg
                _sum(t, axis=-1, out=d[block])
        sum_p = (sums[1] - sums[0]) / 2
        sum_q = (sums[1] + sums[0]) / 2
    return d.reshape(batch), nonneg, sum_p.reshape(batch), sum_q.reshape(batch)
