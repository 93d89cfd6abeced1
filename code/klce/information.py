"""Entropy, cross-entropy and KL divergence of discrete distributions.

All functions take probability vectors along ``axis`` (default ``-1``) and
broadcast over the leading axes like NumPy. Inputs are validated, never
renormalised: each vector must be finite, non-negative and sum to 1 within
``atol``. ``base=None`` gives nats, ``base=2`` bits.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special as sc

from klce._special import SERIES_CUTOFF
from klce._validation import (
    as_real_array,
    check_in_interval,
    check_probabilities,
    in_base,
    pair_arrays,
    probability_array,
    probability_pair,
)

__all__ = ["bernoulli_pmf", "cross_entropy", "entropy", "kl_divergence"]

_TINY = np.finfo(np.float64).tiny


def bernoulli_pmf(theta: ArrayLike) -> np.ndarray:
    """Probability vector ``[1 - theta, theta]`` of a Bernoulli(theta) coin.

    Parameters
    ----------
    theta : array_like
        Probability of the outcome 1, in ``[0, 1]``; any shape.

    Returns
    -------
    numpy.ndarray
        Shape ``theta.shape + (2,)``: outcome 0 first, on the last axis, ready
        for the other functions of this module (``axis=-1``).

    Raises
    ------
    ValueError
        If `theta` is not real or not in ``[0, 1]`` (NaN included).

    Examples
    --------
    >>> from klce import bernoulli_pmf, kl_divergence
    >>> bernoulli_pmf(0.25).tolist()
    [0.75, 0.25]
    >>> bernoulli_pmf([0.0, 0.5]).tolist()
    [[1.0, 0.0], [0.5, 0.5]]
    >>> round(float(kl_divergence(bernoulli_pmf(0.5), bernoulli_pmf(0.9))), 6)
    0.510826
    """
    t = as_real_array(theta, "theta")
    check_in_interval(t, "theta")
    return np.stack([1.0 - t, t], axis=-1)


def entropy(
    p: ArrayLike, *, axis: int = -1, base: float | None = None, atol: float = 1e-9
) -> np.ndarray | np.float64:
    r"""Shannon entropy of discrete distributions.

    Parameters
    ----------
    p : array_like
        Probability vectors along `axis`: finite, non-negative, summing to 1
        within `atol`. They are not renormalised.
    axis : int, optional
        Axis holding the distributions (default ``-1``); other axes are a batch.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits. Must be
        finite, > 0 and != 1.
    atol : float, optional
        Tolerance for ``|sum(p) - 1|`` (default ``1e-9``).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``H(P)``; a scalar for 1-D input, else an array with `axis` removed.

    Raises
    ------
    ValueError
        If `p` is not a valid array of probability vectors (the message names
        the offending index), or `base` or `atol` is invalid.

    Notes
    -----
    .. math:: H(P) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0.

    See Also
    --------
    cross_entropy, kl_divergence

    Examples
    --------
    >>> from klce import entropy
    >>> round(float(entropy([0.5, 0.5], base=2)), 6)
    1.0
    >>> round(float(entropy([0.9, 0.1, 0.0])), 6)
    0.325083
    >>> entropy([[1.0, 0.0], [0.5, 0.5]], base=2).round(6).tolist()
    [0.0, 1.0]
    """
    arr, ax = probability_array(p, "p", axis, atol)
    return in_base(np.sum(sc.entr(arr), axis=ax), base)


def cross_entropy(
    p: ArrayLike, q: ArrayLike, *, axis: int = -1, base: float | None = None, atol: float = 1e-9
) -> np.ndarray | np.float64:
    r"""Cross-entropy of a model distribution `q` relative to a true distribution `p`.

    Parameters
    ----------
    p : array_like
        True distributions along `axis` (finite, >= 0, summing to 1 within
        `atol`; not renormalised).
    q : array_like
        Model distributions, same conditions. `p` and `q` broadcast over the
        batch axes and must have the same length along `axis`.
    axis : int, optional
        Axis holding the distributions (default ``-1``).
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.
    atol : float, optional
        Tolerance for ``|sum - 1|`` (default ``1e-9``).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``H(P, Q)``; a scalar for 1-D input, else an array with `axis` removed.
        ``+inf`` if ``q_i = 0`` for some ``p_i > 0`` (the model calls an event
        impossible that happens); this is a valid result, not an error.

    Raises
    ------
    ValueError
        If `p` or `q` is not a valid array of probability vectors, their shapes
        are incompatible, or `base` or `atol` is invalid.

    Notes
    -----
    .. math:: H(P, Q) = -\sum_i p_i \log q_i = H(P) + D_{KL}(P \| Q),

    with ``0 log q = 0`` for every ``q`` (including ``q = 0``), so terms with
    ``p_i = 0`` never produce NaN.

    See Also
    --------
    entropy, kl_divergence

    Examples
    --------
    >>> from klce import cross_entropy
    >>> round(float(cross_entropy([0.5, 0.5], [0.9, 0.1])), 6)
    1.203973
    >>> round(float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2)), 6)
    1.0
    >>> float(cross_entropy([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    a, b, ax = probability_pair(p, q, axis, atol)
    return in_base(-np.sum(sc.xlogy(a, b), axis=ax), base)


# The kernel of kl_divergence. A term t = p g(r) is evaluated by one of two rules. With
# d = q - p (exact where the series is used), s = q + p and u = d / s = r / (2 + r):
#
# * series, for |u| < _U_CUT (about |r| < 0.01): t = u (d + p w P(w)), w = u^2, where
#   P(w) = -2 (1/3 + w/5 + w^2/7) is the atanh series of x_minus_log1p_series with the terms that
#   |u| < 0.005 needs (the first omitted one, 2 u^9 / 9, is below 1e-17 relative). In a chunk of
#   nearly equal elements with a smaller max(w), fewer terms do (_series_terms);
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
_P = (-2.0 / 7.0, -2.0 / 5.0, -2.0 / 3.0)
_W_TERMS = (1e-11, 1e-7)
_sum, _min, _max = np.add.reduce, np.minimum.reduce, np.maximum.reduce
# The sums of p and q come from sum(q + p) and sum(q - p): they may differ from np.sum by a few
# ulps, so a sum within this distance of the tolerance is checked again by check_probabilities.
_SUM_SLACK = 1e-12

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


def _kl_pass(
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


def _kl_sum(p: np.ndarray, q: np.ndarray, axis: int) -> np.ndarray | np.float64:
    """Sum the terms ``p_i log(p_i / q_i) - p_i + q_i >= 0`` along `axis` (no validation)."""
    return _kl_pass(p, q, axis)[0][()]


def kl_divergence(
    p: ArrayLike, q: ArrayLike, *, axis: int = -1, base: float | None = None, atol: float = 1e-9
) -> np.ndarray | np.float64:
    r"""Kullback-Leibler divergence ``KL(P || Q)`` of discrete distributions.

    Parameters
    ----------
    p : array_like
        True distributions along `axis` (finite, >= 0, summing to 1 within
        `atol`; not renormalised).
    q : array_like
        Model distributions, same conditions. `p` and `q` broadcast over the
        batch axes and must have the same length along `axis`.
    axis : int, optional
        Axis holding the distributions (default ``-1``).
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.
    atol : float, optional
        Tolerance for ``|sum - 1|`` (default ``1e-9``).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``KL(P || Q) >= 0``; a scalar for 1-D input, else an array with `axis`
        removed. ``+inf`` if ``q_i = 0`` for some ``p_i > 0`` (not an error).

    Raises
    ------
    ValueError
        If `p` or `q` is not a valid array of probability vectors, their shapes
        are incompatible, or `base` or `atol` is invalid.

    Notes
    -----
    .. math:: D_{KL}(P \| Q) = \sum_i p_i \log \frac{p_i}{q_i} = H(P, Q) - H(P).

    The divergence is *not* computed as ``cross_entropy - entropy``: when
    ``Q`` is close to ``P`` the two are nearly equal and the difference loses
    all significant digits (it can even come out negative). Nor as
    ``sum(p * log(p / q))`` (what ``scipy.special.rel_entr(p, q).sum()``
    does): the float sums of `p` and `q` differ from 1 by rounding errors of
    order ``1e-16``, and that error enters the result at first order. Instead
    it sums the generalised terms

    .. math::

       t_i = p_i \log \frac{p_i}{q_i} - p_i + q_i = p_i\, g(r_i) \ge 0,

       r_i = \frac{q_i - p_i}{p_i}, \qquad g(r) = r - \log(1 + r),


    which add up to the KL divergence for normalised inputs. With
    ``D = sum_i t_i``, ``S_p = sum p``, ``S_q = sum q`` and ``s = S_q/S_p - 1``,

    .. math:: D_{KL}(p / S_p \| q / S_q) = D / S_p - [s - \log(1 + s)],

    and the function returns ``D / S_p``: the normalisation error only enters
    at second order (``s^2 / 2``). The terms are added with NumPy's pairwise
    summation, per cache-sized chunk and then over the chunks.
    A term is evaluated as ``p_i g(r_i) = d_i - p_i log(q_i/p_i)``,
    ``d_i = q_i - p_i``, where ``|u| >= 0.005``, ``u = (q_i - p_i)/(q_i + p_i)
    = r / (2 + r)`` (about ``|r| >= 0.01``), and by the series
    ``g(r) = r u - 2(u^3/3 + u^5/5 + u^7/7)`` elsewhere, where the direct
    difference would cancel. A chunk where most elements need the logarithm
    evaluates both rules everywhere and selects arithmetically; otherwise the
    logarithm is taken only where it is needed. Either way the work depends
    on how many elements of each kind a chunk holds, not on how they are
    interleaved. Every term is non-negative, so the
    result is never negative. Terms with ``p_i = 0`` equal ``q_i``;
    ``q_i = 0 < p_i`` gives ``+inf``. The relative error is a few units of
    ``1e-16`` times a small factor, also for nearly equal distributions.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*,
       2nd ed., Wiley, 2006, section 2.3.

    See Also
    --------
    entropy, cross_entropy, scipy.special.rel_entr

    Examples
    --------
    >>> from klce import kl_divergence
    >>> round(float(kl_divergence([0.5, 0.5], [0.9, 0.1])), 6)
    0.510826
    >>> round(float(kl_divergence([0.5, 0.5], [0.9, 0.1], base=2)), 6)
    0.736966
    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> kl_divergence([[0.5, 0.5], [0.9, 0.1]], [0.9, 0.1]).round(6).tolist()
    [0.510826, 0.0]
    """
    a, b, ax, tol = pair_arrays(p, q, axis, atol)
    d, nonneg, sum_a, sum_b = _kl_pass(a, b, ax)
    # The values are checked from what the pass gathered (signs and sums); if that check
    # fails, the full check of each array decides, and finds the offending element.
    inner = tol - _SUM_SLACK
    if not (nonneg and np.all(np.abs(sum_a - 1) <= inner) and np.all(np.abs(sum_b - 1) <= inner)):
        check_probabilities(a, "p", ax, tol, axis_label=axis)
        check_probabilities(b, "q", ax, tol, axis_label=axis)
    # D / S_p removes the first-order effect of sum(p) != 1 (see Notes). Each term is >= 0,
    # so the clamp is only a guard; the tests show it is unused.
    return in_base(np.maximum(d / sum_a, 0.0)[()], base)
