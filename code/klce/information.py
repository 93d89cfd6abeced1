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

from klce._kl_fast import SUM_SLACK, kl_pass
from klce._special import SERIES_CUTOFF, atanh_tail
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
    .. math::

       \begin{aligned}
       H(P, Q) &= -\sum_i p_i \log q_i \\
               &= H(P) + \mathrm{KL}(P \,\|\, Q),
       \end{aligned}

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


# The algorithm of kl_divergence (its Notes give the mathematics): the terms below, summed along
# the axis and divided by sum(p). This form is the reference; klce._kl_fast computes the same
# terms and sums faster (its docstring says why it exists) and the tests hold it to this one.
_W_CUT = (SERIES_CUTOFF / 2) ** 2  # w = u^2 below this (|r| < about 0.01): the series


def _kl_terms(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Return the terms ``p g(r) >= 0``, ``r = (q - p) / p``, of KL(p || q).

    No validation: the caller has checked ``p`` and ``q``.
    """
    with np.errstate(all="ignore"):
        d = q - p
        u = d / (q + p)  # r / (2 + r)
        w = u * u
        # exact to rounding where w < _W_CUT
        series = u * (d - p * w * atanh_tail(w))
        log_rule = d - p * np.log(q / p)  # cancels where w is small
        t = np.where(w < _W_CUT, series, log_rule)
        # q / p can overflow or lose digits where p or q is 0 or subnormal
        extreme = p * (np.log(p) - np.log(q)) - p + q
        # NaN where p or q < 0
        t = np.where((p < _TINY) | (q < _TINY), extreme, t)
        # 0 log 0 = 0, and p log(p / 0) = inf
        return np.where(p == 0, q, np.where((q == 0) & (p > 0), np.inf, t))


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
    .. math::

       \begin{aligned}
       \mathrm{KL}(P \,\|\, Q) &= \sum_i p_i \log \frac{p_i}{q_i} \\
                               &= H(P, Q) - H(P).
       \end{aligned}

    The divergence is *not* computed as ``cross_entropy - entropy``: when
    ``Q`` is close to ``P`` the two are nearly equal and the difference loses
    all significant digits (it can even come out negative). Nor as
    ``sum(p * log(p / q))`` (what ``scipy.special.rel_entr(p, q).sum()``
    does): the float sums of `p` and `q` differ from 1 by rounding errors of
    order ``1e-16``, and that error enters the result at first order. Instead
    it sums the generalised terms

    .. math::

       \begin{aligned}
       t_i &= p_i \log \frac{p_i}{q_i} - p_i + q_i \\
           &= p_i\, g(r_i) \ge 0,
       \end{aligned}

    .. math:: r_i = \frac{q_i - p_i}{p_i},

    .. math:: g(r) = r - \log(1 + r),

    which add up to the KL divergence for normalised inputs. With
    ``D = sum_i t_i``, ``S_p = sum p``, ``S_q = sum q`` and ``s = S_q/S_p - 1``,

    .. math::

       \begin{aligned}
       &\mathrm{KL}(p / S_p \,\|\, q / S_q) \\
       &\quad = D / S_p - [s - \log(1 + s)],
       \end{aligned}

    and the function returns ``D / S_p``: the normalisation error only enters
    at second order (``s^2 / 2``). Where ``q_i`` is close to ``p_i`` the
    difference ``r - log(1 + r)`` cancels, and the series

    .. math:: d_i = q_i - p_i, \qquad u_i = \frac{d_i}{q_i + p_i},

    .. math:: p_i\, g(r_i) \approx u_i \big[d_i - 2 p_i u_i^2\, S(u_i^2)\big],

    .. math:: S(w) = \tfrac13 + \tfrac{w}{5} + \tfrac{w^2}{7},

    is used instead (for ``|u_i| < 0.005``, about ``|r_i| < 0.01``). Every
    term is non-negative, so the result is never negative. Terms with
    ``p_i = 0`` equal ``q_i``; ``q_i = 0 < p_i`` gives ``+inf``. A term's
    error is a few units of ``1e-16`` relative, or about ``1e-16 p_i`` just
    past the series' range, also for nearly equal distributions.

    The implementation sums the terms in cache-sized chunks, taking the
    logarithm only where the series does not apply.

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
    d, nonneg, s_p, s_q = kl_pass(a, b, ax)  # sum of the terms, min(p, q) >= 0, sum p, sum q
    # The values are checked from what the pass gathered; only if that check fails does the
    # full check of each array look for the offending element.
    inner = tol - SUM_SLACK
    if not (nonneg and np.all(abs(s_p - 1) <= inner) and np.all(abs(s_q - 1) <= inner)):
        check_probabilities(a, "p", ax, tol, axis_label=axis)
        check_probabilities(b, "q", ax, tol, axis_label=axis)
    return in_base((d / s_p)[()], base)  # D / S_p: see Notes
