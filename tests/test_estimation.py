"""Tests for klce.estimation: sampled cross-entropy and its Student-t interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from klce import (
    CrossEntropyEstimate,
    cross_entropy,
    estimate_cross_entropy,
    estimate_cross_entropy_from_counts,
)


def test_fields_and_values_match_scipy_t():
    rng = np.random.default_rng(3)
    log_q = np.log(rng.uniform(0.01, 1.0, size=50))
    res = estimate_cross_entropy(log_q, confidence=0.9)
    assert isinstance(res, CrossEntropyEstimate)
    assert res._fields == ("estimate", "stderr", "ci_low", "ci_high", "n")
    assert res.n == 50
    assert res.estimate == pytest.approx(-log_q.mean(), rel=1e-15)
    assert res.stderr == pytest.approx(log_q.std(ddof=1) / math.sqrt(50), rel=1e-15)
    low, high = scipy.stats.t.interval(0.9, df=49, loc=res.estimate, scale=res.stderr)
    assert (res.ci_low, res.ci_high) == pytest.approx((low, high), rel=1e-14)
    for value in res[:4]:
        assert type(value) is np.float64


def test_base_two():
    log_q = np.log([0.5, 0.25, 0.5, 0.125])
    nats = estimate_cross_entropy(log_q)
    bits = estimate_cross_entropy(log_q, base=2)
    assert bits.estimate == pytest.approx(1.75, rel=1e-15)
    for a, b in zip(nats[:4], bits[:4], strict=True):
        assert b * math.log(2) == pytest.approx(a, rel=1e-15)
    assert bits.n == nats.n


def test_estimate_converges_to_cross_entropy():
    rng = np.random.default_rng(4)
    p = np.array([0.5, 0.3, 0.15, 0.05])
    q = np.array([0.4, 0.3, 0.2, 0.1])
    x = rng.choice(4, size=20_000, p=p)
    res = estimate_cross_entropy(np.log(q[x]))
    true = cross_entropy(p, q)
    assert res.ci_low <= true <= res.ci_high
    assert abs(res.estimate - true) < 4 * res.stderr


def test_densities_can_give_negative_estimates():
    res = estimate_cross_entropy([2.0, 3.0, 2.5])
    assert res.estimate == pytest.approx(-2.5)
    assert res.ci_high > res.estimate > res.ci_low


def test_constant_sample_has_zero_width():
    res = estimate_cross_entropy(np.full(5, math.log(0.5)))
    assert res.stderr == 0
    assert res.ci_low == res.ci_high == res.estimate == pytest.approx(math.log(2))


def test_impossible_sample_gives_infinity():
    res = estimate_cross_entropy([math.log(0.5), -np.inf, math.log(0.25)])
    assert res[:4] == (np.inf, np.inf, np.inf, np.inf)
    assert res.n == 3


def test_no_clipping_of_tiny_probabilities():
    res = estimate_cross_entropy(np.log([1e-300, 1e-300]))
    assert res.estimate == pytest.approx(690.7755278982137, rel=1e-15)
    # scikit-learn's log_loss clips q to machine epsilon, capping each term near 36.04
    clipped = -math.log(np.finfo(np.float64).eps)
    assert clipped == pytest.approx(36.04365338911715)
    assert res.estimate > 19 * clipped


@settings(max_examples=60)
@given(
    st.lists(st.floats(-700, 10), min_size=2, max_size=40),
    st.floats(0.5, 0.99),
)
def test_interval_properties(log_q, confidence):
    res = estimate_cross_entropy(log_q, confidence=confidence)
    assert res.ci_low <= res.estimate <= res.ci_high
    wider = estimate_cross_entropy(log_q, confidence=(1 + confidence) / 2)
    assert wider.ci_high - wider.ci_low >= res.ci_high - res.ci_low


@pytest.mark.parametrize(
    ("log_q", "kwargs", "message"),
    [
        ([0.0, np.nan, -1.0], {}, r"^log_q\[1\] is not finite \(nan\)$"),
        ([0.0, -1.0, np.inf], {}, r"^log_q\[2\] is not finite \(inf\)$"),
        ([-1.0], {}, r"^log_q needs at least 2 samples for a standard error, got 1$"),
        ([], {}, r"^log_q needs at least 2 samples"),
        ([[-1.0, -2.0]], {}, r"^log_q must be 1-D, got shape \(1, 2\)$"),
        ([-1.0, -2.0], {"confidence": 1.0}, r"^confidence must be in \(0, 1\), got 1\.0$"),
        ([-1.0, -2.0], {"confidence": 0}, r"^confidence must be in \(0, 1\), got 0$"),
        ([-1.0, -2.0], {"confidence": np.nan}, r"^confidence must be in \(0, 1\)"),
        ([-1.0, -2.0], {"base": 1}, r"^base must be"),
        (["a", "b"], {}, r"^log_q must contain real numbers"),
    ],
)
def test_validation_messages(log_q, kwargs, message):
    with pytest.raises(ValueError, match=message):
        estimate_cross_entropy(log_q, **kwargs)


# ----------------------------------------------------------------------------------------------
# estimate_cross_entropy_from_counts: the oracle is estimate_cross_entropy on the samples


@settings(max_examples=80)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=5).filter(
        lambda rows: all(sum(row) >= 2 for row in rows)
    ),
    st.lists(st.floats(0, 50), min_size=4, max_size=4),
    st.floats(0.5, 0.99),
)
def test_counts_agree_with_the_expanded_samples(rows, losses, confidence):
    counts, ell = np.array(rows), np.array(losses)
    res = estimate_cross_entropy_from_counts(counts, ell, confidence=confidence)
    assert res.estimate.shape == (len(rows),)
    for i, row in enumerate(counts):
        ref = estimate_cross_entropy(-np.repeat(ell, row), confidence=confidence)
        assert res.n[i] == ref.n
        for got, want in zip(res[:4], ref[:4], strict=True):
            assert got[i] == pytest.approx(want, rel=1e-12, abs=1e-12 * (1 + ell.max()))


def test_counts_in_bits_and_in_a_batch_of_any_shape():
    rng = np.random.default_rng(8)
    losses = -np.log([0.5, 0.25, 0.125, 0.125])
    counts = rng.multinomial(40, [0.4, 0.3, 0.2, 0.1], size=(2, 3))
    nats = estimate_cross_entropy_from_counts(counts, losses, confidence=0.9)
    bits = estimate_cross_entropy_from_counts(counts, losses, confidence=0.9, base=2)
    assert isinstance(bits, CrossEntropyEstimate)
    for a, b in zip(nats[:4], bits[:4], strict=True):
        assert a.shape == b.shape == (2, 3)
        np.testing.assert_allclose(b * math.log(2), a, rtol=1e-15)
    assert bits.n.dtype == np.int64
    assert np.all(bits.n == 40)
    one = estimate_cross_entropy_from_counts(counts[1, 2], losses, confidence=0.9)
    assert one.estimate.shape == ()
    assert one.ci_high == pytest.approx(nats.ci_high[1, 2], rel=1e-15)


def test_counts_with_an_impossible_outcome():
    losses = np.array([np.log(2), np.log(2), np.inf])
    res = estimate_cross_entropy_from_counts([[3, 1, 0], [3, 1, 1]], losses)
    assert res.estimate[0] == pytest.approx(math.log(2))  # never observed: no effect
    assert res.stderr[0] == 0
    assert [f[1] for f in res[:4]] == [np.inf] * 4


def test_counts_cover_the_true_cross_entropy_at_the_stated_rate():
    rng = np.random.default_rng(9)
    p, q = np.array([0.5, 0.3, 0.2]), np.array([0.3, 0.3, 0.4])
    counts = rng.multinomial(200, p, size=4000)
    res = estimate_cross_entropy_from_counts(counts, -np.log(q), confidence=0.9)
    true = cross_entropy(p, q)
    coverage = np.mean((res.ci_low <= true) & (true <= res.ci_high))
    assert abs(coverage - 0.9) < 4 * math.sqrt(0.9 * 0.1 / 4000)


@pytest.mark.parametrize(
    ("counts", "losses", "kwargs", "message"),
    [
        ([[1, 1]], [0.1, np.nan], {}, r"^losses\[1\] must be a real number or \+inf, got nan$"),
        ([[1, 1]], [-np.inf, 0.1], {}, r"^losses\[0\] must be a real number or \+inf, got -inf$"),
        ([[1, 1]], [[0.1, 0.2]], {}, r"^losses must be 1-D, got shape \(1, 2\)$"),
        ([[1, 1, 1]], [0.1, 0.2], {}, r"^counts must have shape \(\.\.\., K\) with K = 2"),
        (3, [0.1], {}, r"^counts must have shape \(\.\.\., K\) with K = 1"),
        ([[1, -1]], [0.1, 0.2], {}, r"^counts\[0, 1\] is not a non-negative integer \(-1\.0\)$"),
        ([[1, 1.5]], [0.1, 0.2], {}, r"^counts\[0, 1\] is not a non-negative integer \(1\.5\)$"),
        ([[1, np.nan]], [0.1, 0.2], {}, r"^counts\[0, 1\] is not a non-negative integer \(nan\)"),
        (
            [[2, 0], [1, 0]],
            [0.1, 0.2],
            {},
            r"^counts need at least 2 samples a row .* got 1 \(row 1\)$",
        ),
        ([1, 0], [0.1, 0.2], {}, r"^counts need at least 2 samples a row .* got 1$"),
        ([[1, 1]], [0.1, 0.2], {"confidence": 1.0}, r"^confidence must be in \(0, 1\)"),
        ([[1, 1]], [0.1, 0.2], {"base": 1}, r"^base must be"),
        ([["a", "b"]], [0.1, 0.2], {}, r"^counts must contain real numbers"),
    ],
)
def test_counts_validation_messages(counts, losses, kwargs, message):
    with pytest.raises(ValueError, match=message):
        estimate_cross_entropy_from_counts(counts, losses, **kwargs)
