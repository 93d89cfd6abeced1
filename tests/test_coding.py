"""Tests for klce.coding: Huffman and Shannon code lengths, expected length."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import distributions
from hypothesis import given, settings
from hypothesis import strategies as st

from klce import (
    cross_entropy,
    entropy,
    expected_code_length,
    huffman_code_lengths,
    shannon_code_lengths,
)


def kraft_sum(lengths: np.ndarray) -> float:
    used = lengths[lengths > 0]
    return float(np.sum(np.ldexp(1.0, -used)))


def any_distribution():
    """A distribution of 1 to 30 outcomes, zeros allowed."""
    return st.integers(1, 30).flatmap(distributions)


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        ([0.5, 0.25, 0.125, 0.125], [1, 2, 3, 3]),
        ([0.25, 0.25, 0.25, 0.25], [2, 2, 2, 2]),
        ([0.6, 0.0, 0.4], [1, 0, 1]),
        ([1.0], [1]),
        ([0.0, 1.0, 0.0], [0, 1, 0]),
        ([0.4, 0.3, 0.2, 0.1], [1, 2, 3, 3]),
    ],
)
def test_huffman_known_codes(p, expected):
    lengths = huffman_code_lengths(p)
    assert lengths.tolist() == expected
    assert lengths.dtype.kind == "i"


def test_huffman_with_ties_is_optimal():
    # Ties allow several Huffman trees ([1, 2, 3, 4, 4] or [2, 2, 2, 3, 3]); all are optimal.
    p = [0.4, 0.2, 0.2, 0.1, 0.1]
    lengths = huffman_code_lengths(p)
    assert expected_code_length(p, lengths) == pytest.approx(2.2)
    assert kraft_sum(lengths) == 1.0


@settings(max_examples=100)
@given(any_distribution())
def test_huffman_kraft_and_entropy_bounds(p):
    lengths = huffman_code_lengths(p)
    assert np.all((lengths == 0) == (p == 0))
    n_used = int(np.count_nonzero(p))
    h = entropy(p, base=2)
    avg = expected_code_length(p, lengths)
    if n_used == 1:
        assert avg == 1.0  # one bit per symbol although H = 0
        return
    assert kraft_sum(lengths) == 1.0  # a full binary tree
    assert h - 1e-12 <= avg < h + 1


@settings(max_examples=100)
@given(any_distribution())
def test_huffman_beats_shannon(p):
    assert (
        expected_code_length(p, huffman_code_lengths(p))
        <= expected_code_length(p, shannon_code_lengths(p)) + 1e-12
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ([0.5, 0.25, 0.25, 0.0], [1, 2, 2, 0]),
        ([0.4, 0.35, 0.25], [2, 2, 2]),
        ([1.0], [1]),
        ([0.0, 1.0], [0, 1]),
        ([0.9, 0.1], [1, 4]),
    ],
)
def test_shannon_known_lengths(q, expected):
    assert shannon_code_lengths(q).tolist() == expected


@settings(max_examples=100)
@given(any_distribution())
def test_shannon_lengths_are_minimal_and_satisfy_kraft(q):
    lengths = shannon_code_lengths(q)
    pos = q > 0
    assert np.all(np.ldexp(1.0, -lengths[pos]) <= q[pos])  # 2^-l <= q
    # l is the smallest such length (but at least 1)
    assert np.all((np.ldexp(1.0, 1 - lengths[pos]) > q[pos]) | (lengths[pos] == 1))
    assert kraft_sum(lengths) <= 1.0 + 1e-12


@settings(max_examples=100)
@given(st.integers(1, 20).flatmap(lambda n: st.tuples(distributions(n), distributions(n, 1e-3))))
def test_coding_p_with_lengths_for_q_costs_cross_entropy(pq):
    p, q = pq
    avg = expected_code_length(p, shannon_code_lengths(q))
    h_pq = cross_entropy(p, q, base=2)
    if np.any(q == 1.0):  # degenerate: one bit where -log2 q = 0
        assert avg == 1.0
        return
    assert h_pq - 1e-12 <= avg < h_pq + 1
    # the extra cost over the code for P is about KL(P || Q) bits (within 1 bit)
    own = expected_code_length(p, shannon_code_lengths(p))
    assert (avg - own) == pytest.approx(h_pq - entropy(p, base=2), abs=1 + 1e-12)


def test_expected_code_length():
    assert expected_code_length([0.5, 0.25, 0.25], [1, 2, 2]) == 1.5
    assert type(expected_code_length([1.0], [1])) is np.float64
    assert expected_code_length([0.5, 0.5], [1, 0]) == np.inf
    assert expected_code_length([1.0, 0.0], [1, 0]) == 1.0
    # a symbol that never occurs needs no codeword
    p = [0.5, 0.5, 0.0]
    assert expected_code_length(p, shannon_code_lengths([0.5, 0.5, 0.0])) == 1.0
    # but a model that gives an occurring symbol q = 0 cannot code it
    assert expected_code_length([0.5, 0.25, 0.25], shannon_code_lengths([0.5, 0.5, 0.0])) == np.inf


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: huffman_code_lengths([0.5, 0.6]), r"^p sums to 1\.1 along axis -1, not 1"),
        (lambda: huffman_code_lengths([[0.5, 0.5]]), r"^p must be 1-D, got shape \(1, 2\)$"),
        (lambda: huffman_code_lengths([]), r"^p is empty along axis -1$"),
        (lambda: shannon_code_lengths([1.5, -0.5]), r"^q\[1\] is negative \(-0\.5\)$"),
        (
            lambda: expected_code_length([0.5, 0.5], [1, -1]),
            r"^lengths\[1\] is not a non-negative integer \(-1\.0\)$",
        ),
        (
            lambda: expected_code_length([0.5, 0.5], [1, 1.5]),
            r"^lengths\[1\] is not a non-negative integer \(1\.5\)$",
        ),
        (
            lambda: expected_code_length([0.5, 0.5], [1, 1, 1]),
            r"^p and lengths have different shapes \(2,\) and \(3,\)$",
        ),
        (
            lambda: expected_code_length([0.5, 0.5], [1, np.nan]),
            r"^lengths\[1\] is not finite \(nan\)$",
        ),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
