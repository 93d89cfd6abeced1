"""Prefix codes: the "extra bits" meaning of entropy and cross-entropy.

An optimal binary prefix code for ``P`` spends on average between ``H(P)``
and ``H(P) + 1`` bits per symbol; a code designed for the wrong distribution
``Q`` spends about ``H(P, Q) = H(P) + KL(P || Q)`` bits, i.e. ``KL(P || Q)``
extra bits.
"""

from __future__ import annotations

import heapq

import numpy as np
from numpy.typing import ArrayLike

from klce._validation import as_real_array, check_finite, probability_array

__all__ = ["expected_code_length", "huffman_code_lengths", "shannon_code_lengths"]


def _distribution(p: ArrayLike, name: str) -> np.ndarray:
    arr, _ = probability_array(p, name, -1, 1e-9)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def huffman_code_lengths(p: ArrayLike) -> np.ndarray:
    r"""Codeword lengths of a binary Huffman code for the distribution `p`.

    Parameters
    ----------
    p : array_like
        1-D probability vector (finite, >= 0, summing to 1 within ``1e-9``).

    Returns
    -------
    numpy.ndarray
        Integer codeword lengths in bits, same shape as `p`. Symbols with
        ``p_i = 0`` get length 0, meaning "no codeword". A distribution with a
        single possible symbol gets length 1 for it (a code needs at least one
        bit to be a code).

    Raises
    ------
    ValueError
        If `p` is not a 1-D probability vector.

    Notes
    -----
    Huffman's algorithm repeatedly merges the two least probable nodes; every
    merge adds one bit to the codewords of all symbols below it. Ties are
    broken deterministically by creation order (a counter in the heap key).
    The lengths satisfy Kraft's equality :math:`\sum_i 2^{-l_i} = 1` (for
    two or more symbols) and

    .. math:: H(P) \le \sum_i p_i l_i < H(P) + 1 \quad \text{bits}.

    References
    ----------
    .. [1] D. A. Huffman, "A method for the construction of minimum-redundancy
       codes", Proc. IRE 40(9), 1952.

    Examples
    --------
    >>> from klce import huffman_code_lengths
    >>> huffman_code_lengths([0.5, 0.25, 0.125, 0.125]).tolist()
    [1, 2, 3, 3]
    >>> huffman_code_lengths([0.6, 0.0, 0.4]).tolist()
    [1, 0, 1]
    """
    arr = _distribution(p, "p")
    lengths = np.zeros(arr.shape, dtype=np.int64)
    symbols = np.flatnonzero(arr > 0)
    if symbols.size == 1:
        lengths[symbols] = 1
        return lengths
    heap = [(float(arr[i]), k, [int(i)]) for k, i in enumerate(symbols)]
    heapq.heapify(heap)
    counter = len(heap)
    while len(heap) > 1:
        p1, _, s1 = heapq.heappop(heap)
        p2, _, s2 = heapq.heappop(heap)
        merged = s1 + s2
        lengths[merged] += 1
        heapq.heappush(heap, (p1 + p2, counter, merged))
        counter += 1
    return lengths


def shannon_code_lengths(q: ArrayLike) -> np.ndarray:
    r"""Shannon codeword lengths ``ceil(-log2 q_i)`` for the distribution `q`.

    Parameters
    ----------
    q : array_like
        1-D probability vector (finite, >= 0, summing to 1 within ``1e-9``).

    Returns
    -------
    numpy.ndarray
        Integer lengths in bits, same shape as `q`. Symbols with ``q_i = 0``
        get length 0, meaning "no codeword": such a code cannot encode them.
        A symbol with ``q_i = 1`` gets length 1 (as in
        :func:`huffman_code_lengths`), not ``-log2 1 = 0``.

    Raises
    ------
    ValueError
        If `q` is not a 1-D probability vector.

    Notes
    -----
    :math:`l_i = \lceil -\log_2 q_i \rceil` is the smallest integer with
    :math:`2^{-l_i} \le q_i` (checked exactly, so rounding in ``log2`` cannot
    break it), hence Kraft's inequality :math:`\sum_i 2^{-l_i} \le 1` holds
    and a prefix code with these lengths exists. Coding symbols drawn from
    ``P`` with the lengths for ``Q`` costs

    .. math:: H(P, Q) \le \sum_i p_i l_i < H(P, Q) + 1 \quad \text{bits}

    (except in the degenerate case ``q_i = 1``, where the length 1 makes the
    cost ``H(P, Q) + 1 = 1`` bit).

    See Also
    --------
    expected_code_length

    Examples
    --------
    >>> from klce import shannon_code_lengths
    >>> shannon_code_lengths([0.5, 0.25, 0.25, 0.0]).tolist()
    [1, 2, 2, 0]
    >>> shannon_code_lengths([0.4, 0.35, 0.25]).tolist()
    [2, 2, 2]
    >>> shannon_code_lengths([0.0, 1.0]).tolist()
    [0, 1]
    """
    arr = _distribution(q, "q")
    pos = arr > 0
    lengths = np.zeros(arr.shape, dtype=np.int64)
    lengths[pos] = np.ceil(-np.log2(arr[pos])).astype(np.int64)
    lengths[pos & (np.ldexp(1.0, -lengths) > arr)] += 1
    lengths[pos & (lengths == 0)] = 1  # q_i = 1: one bit, as for Huffman
    return lengths


def expected_code_length(p: ArrayLike, lengths: ArrayLike) -> np.float64:
    """Average codeword length ``sum_i p_i l_i`` in bits under the distribution `p`.

    Parameters
    ----------
    p : array_like
        1-D probability vector of the source (finite, >= 0, summing to 1
        within ``1e-9``).
    lengths : array_like
        Non-negative integer codeword lengths, same shape as `p`; 0 means the
        symbol has no codeword.

    Returns
    -------
    numpy.float64
        The expected length in bits per symbol; ``+inf`` if a symbol with
        ``p_i > 0`` has no codeword (it cannot be encoded at all).

    Raises
    ------
    ValueError
        If `p` is invalid, `lengths` is not non-negative integers, or the
        shapes differ.

    Examples
    --------
    >>> from klce import expected_code_length
    >>> float(expected_code_length([0.5, 0.25, 0.25], [1, 2, 2]))
    1.5
    >>> float(expected_code_length([0.5, 0.5], [1, 0]))
    inf
    """
    arr = _distribution(p, "p")
    ell = as_real_array(lengths, "lengths")
    if ell.shape != arr.shape:
        raise ValueError(f"p and lengths have different shapes {arr.shape} and {ell.shape}")
    check_finite(ell, "lengths")
    bad = (ell < 0) | (ell != np.round(ell))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"lengths[{i}] is not a non-negative integer ({float(ell[i])!r})")
    if np.any((arr > 0) & (ell == 0)):
        return np.float64(np.inf)
    return np.float64(np.sum(arr * ell))
