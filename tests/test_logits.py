"""Tests for klce.logits: softmax family and cross-entropy losses from logits."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference import rel_err

from klce import (
    binary_cross_entropy,
    binary_cross_entropy_from_logits,
    cross_entropy_from_logits,
    log_softmax,
    softmax,
)

RNG = np.random.default_rng(11)
LOGITS = RNG.normal(scale=5.0, size=(6, 5))
LABELS = RNG.integers(0, 5, size=6)


def mp_ce_from_logits(label: int, logits: np.ndarray) -> mpmath.mpf:
    with mpmath.workdps(50):
        x = [mpmath.mpf(float(v)) for v in logits]
        return mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x)) - x[label]


def mp_bce_from_logit(y: float, z: float) -> mpmath.mpf:
    with mpmath.workdps(50):
        y, z = mpmath.mpf(y), mpmath.mpf(z)
        return y * mpmath.log1p(mpmath.exp(-z)) + (1 - y) * mpmath.log1p(mpmath.exp(z))


# ---------------------------------------------------------------------------
# softmax / log_softmax


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_matches_scipy(axis):
    # scipy's log_softmax uses log(sum) and loses ~1e-13 relative near 0; ours uses log1p.
    np.testing.assert_allclose(
        log_softmax(LOGITS, axis=axis), scipy.special.log_softmax(LOGITS, axis=axis), rtol=1e-12
    )
    np.testing.assert_allclose(
        softmax(LOGITS, axis=axis), scipy.special.softmax(LOGITS, axis=axis), rtol=1e-14
    )


@settings(max_examples=80)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
        elements=st.floats(-1e4, 1e4),
    )
)
def test_softmax_family_properties(x):
    s = softmax(x)
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-13)
    lp = log_softmax(x)
    assert np.all(lp <= 0)
    np.testing.assert_allclose(lp, scipy.special.log_softmax(x, axis=-1), rtol=1e-13, atol=1e-12)
    # invariant under shifts
    np.testing.assert_allclose(softmax(x + 3.0), s, rtol=1e-12, atol=1e-300)


def test_softmax_family_large_logits():
    assert log_softmax([1e4, -1e4]).tolist() == [0.0, -2e4]
    assert softmax([1e4, -1e4]).tolist() == [1.0, 0.0]
    assert log_softmax([1e300, 0.0]).tolist() == [0.0, -1e300]


# ---------------------------------------------------------------------------
# cross_entropy_from_logits


def test_integer_labels_match_mpmath():
    loss = cross_entropy_from_logits(LABELS, LOGITS)
    assert loss.shape == (6,)
    for i in range(6):
        assert rel_err(loss[i], mp_ce_from_logits(int(LABELS[i]), LOGITS[i])) <= 1e-13


def test_one_hot_float_targets_equal_integer_labels():
    one_hot = np.eye(5)[LABELS]
    np.testing.assert_allclose(
        cross_entropy_from_logits(one_hot, LOGITS),
        cross_entropy_from_logits(LABELS, LOGITS),
        rtol=1e-15,
    )
    # classes along axis 0
    np.testing.assert_allclose(
        cross_entropy_from_logits(one_hot.T, LOGITS.T, axis=0),
        cross_entropy_from_logits(LABELS, LOGITS.T, axis=0),
        rtol=1e-15,
    )


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
def test_label_smoothing_matches_direct_formula(eps):
    k = LOGITS.shape[1]
    target = (1 - eps) * np.eye(k)[LABELS] + eps / k
    expected = -np.sum(target * scipy.special.log_softmax(LOGITS, axis=-1), axis=-1)
    np.testing.assert_allclose(
        cross_entropy_from_logits(LABELS, LOGITS, label_smoothing=eps), expected, rtol=1e-13
    )
    soft = RNG.dirichlet(np.ones(k), size=6)
    expected_soft = -np.sum(
        ((1 - eps) * soft + eps / k) * scipy.special.log_softmax(LOGITS, axis=-1), axis=-1
    )
    np.testing.assert_allclose(
        cross_entropy_from_logits(soft, LOGITS, label_smoothing=eps), expected_soft, rtol=1e-13
    )


def test_large_logits_are_exact():
    assert cross_entropy_from_logits(1, [1e4, -1e4]) == 2e4
    assert cross_entropy_from_logits(0, [1e4, -1e4]) == 0.0
    assert cross_entropy_from_logits([0.0, 1.0], [1e4, -1e4]) == 2e4
    assert cross_entropy_from_logits(1, [1e300, 0.0]) == 1e300
    assert cross_entropy_from_logits(np.array([1, 0]), [[1e4, -1e4], [3e5, 1.0]]).tolist() == [
        2e4,
        0.0,
    ]
    # a zero-probability class under extreme logits still gives no NaN
    assert cross_entropy_from_logits([1.0, 0.0], [1e308, -1e308]) == 0.0


def test_return_types_and_base():
    one = cross_entropy_from_logits(2, [0.0, 0.0, 0.0, 0.0])
    assert type(one) is np.float64
    assert one == pytest.approx(math.log(4), rel=1e-15)
    assert cross_entropy_from_logits(2, [0.0, 0.0, 0.0, 0.0], base=2) == pytest.approx(2.0)


@settings(max_examples=60)
@given(
    st.lists(st.floats(-50, 50), min_size=2, max_size=8).flatmap(
        lambda x: st.tuples(st.just(x), st.integers(0, len(x) - 1))
    )
)
def test_label_loss_is_logsumexp_minus_logit(case):
    x, y = case
    got = cross_entropy_from_logits(y, x)
    assert got >= 0
    assert got == pytest.approx(scipy.special.logsumexp(x) - x[y], rel=1e-12, abs=1e-14)


# ---------------------------------------------------------------------------
# binary cross-entropy


def test_binary_cross_entropy_formula_and_special_values():
    y = np.array([0.0, 1.0, 0.3, 1.0, 0.0])
    p = np.array([0.2, 0.2, 0.7, 1.0, 0.0])
    expected = [-math.log(0.8), -math.log(0.2), -(0.3 * math.log(0.7) + 0.7 * math.log(0.3)), 0, 0]
    np.testing.assert_allclose(binary_cross_entropy(y, p), expected, rtol=1e-15)
    assert binary_cross_entropy(1.0, 0.0) == np.inf
    assert binary_cross_entropy(0.0, 1.0) == np.inf
    assert binary_cross_entropy(0.5, 0.0) == np.inf
    assert type(binary_cross_entropy(1.0, 0.5)) is np.float64
    assert binary_cross_entropy(1.0, 0.5, base=2) == pytest.approx(1.0)


@pytest.mark.parametrize("z", [-1e4, -745.0, -40.0, -1.0, 0.0, 1e-8, 3.0, 40.0, 700.0, 1e4])
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_binary_from_logits_matches_mpmath(y, z):
    got = binary_cross_entropy_from_logits(y, z)
    ref = mp_bce_from_logit(y, z)
    if ref < 1e-300:  # below the float range: must not be negative or NaN
        assert got >= 0 and got <= 1e-300
    else:
        assert rel_err(got, ref) <= 1e-14


def test_binary_from_logits_tiny_loss_full_precision():
    assert binary_cross_entropy_from_logits(1.0, 40.0) == pytest.approx(
        4.248354255291589e-18, rel=1e-15
    )
    assert binary_cross_entropy_from_logits(1.0, 1e4) == 0.0
    assert binary_cross_entropy_from_logits(0.0, 1e4) == 1e4


@settings(max_examples=80)
@given(st.floats(0, 1), st.floats(-1e4, 1e4))
def test_binary_from_logits_is_two_class_cross_entropy(y, z):
    got = binary_cross_entropy_from_logits(y, z)
    assert got >= 0
    assert got == pytest.approx(
        cross_entropy_from_logits([1 - y, y], [0.0, z]), rel=1e-12, abs=1e-15
    )


@settings(max_examples=60)
@given(st.floats(0, 1), st.floats(-10, 10))
def test_binary_from_logits_matches_probability_version(y, z):
    prob = scipy.special.expit(z)
    assert binary_cross_entropy_from_logits(y, z) == pytest.approx(
        binary_cross_entropy(y, prob), rel=1e-9, abs=1e-12
    )


def test_binary_broadcasting():
    out = binary_cross_entropy_from_logits([[0.0], [1.0]], [-1.0, 0.0, 1.0])
    assert out.shape == (2, 3)
    np.testing.assert_allclose(
        out[1], binary_cross_entropy(1.0, scipy.special.expit([-1.0, 0.0, 1.0]))
    )


# ---------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: log_softmax([[0.0, np.inf]]), r"^logits\[0, 1\] is not finite \(inf\)$"),
        (lambda: softmax([np.nan, 0.0]), r"^logits\[0\] is not finite \(nan\)$"),
        (lambda: softmax(1.0), r"^logits must have at least one dimension"),
        (lambda: log_softmax(np.ones((3, 0))), r"^logits is empty along axis -1$"),
        (
            lambda: cross_entropy_from_logits([0, 3], np.zeros((2, 3))),
            r"^target\[1\] is 3, not a class label in \[0, 3\)$",
        ),
        (
            lambda: cross_entropy_from_logits([[0, -1]], np.zeros((1, 2, 4))),
            r"^target\[0, 1\] is -1, not a class label in \[0, 4\)$",
        ),
        (
            lambda: cross_entropy_from_logits(5, np.zeros(3)),
            r"^target is 5, not a class label in \[0, 3\)$",
        ),
        (
            lambda: cross_entropy_from_logits([0, 1, 2], np.zeros((2, 3))),
            r"^target has shape \(3,\), expected \(2,\)",
        ),
        (
            lambda: cross_entropy_from_logits([[0.5, 0.6]], np.zeros((1, 2))),
            r"^target sums to 1\.1 along axis -1 at index \(0,\), not 1",
        ),
        (
            lambda: cross_entropy_from_logits([[0.5, 0.5]], np.zeros((1, 3))),
            r"^target and logits have incompatible shapes \(1, 2\) and \(1, 3\)",
        ),
        (
            lambda: cross_entropy_from_logits([1.5, -0.5], np.zeros(2)),
            r"^target\[1\] is negative \(-0\.5\)$",
        ),
        (
            lambda: cross_entropy_from_logits([True, False], np.zeros(2)),
            r"^target must be integer class labels or float probability vectors, got dtype bool",
        ),
        (
            lambda: cross_entropy_from_logits(0, [0.0, np.nan]),
            r"^logits\[1\] is not finite \(nan\)$",
        ),
        (
            lambda: cross_entropy_from_logits(0, [0.0, 1.0], label_smoothing=1.5),
            r"^label_smoothing must be in \[0, 1\], got 1\.5$",
        ),
        (
            lambda: cross_entropy_from_logits(0, [0.0, 1.0], label_smoothing=-0.1),
            r"^label_smoothing must be in \[0, 1\]",
        ),
        (lambda: cross_entropy_from_logits(0, [0.0, 1.0], base=1), r"^base must be"),
        (lambda: binary_cross_entropy([0.0, 1.5], 0.5), r"^y\[1\] is not in \[0, 1\] \(1\.5\)$"),
        (lambda: binary_cross_entropy(1.0, [np.nan]), r"^prob\[0\] is not finite \(nan\)$"),
        (lambda: binary_cross_entropy(1.0, -0.1), r"^prob is not in \[0, 1\] \(-0\.1\)$"),
        (
            lambda: binary_cross_entropy([0.0, 1.0], [0.5, 0.5, 0.5]),
            r"^y and prob have incompatible shapes \(2,\) and \(3,\)$",
        ),
        (
            lambda: binary_cross_entropy_from_logits(0.5, [0.0, -np.inf]),
            r"^logit\[1\] is not finite \(-inf\)$",
        ),
        (
            lambda: binary_cross_entropy_from_logits(-1.0, 0.0),
            r"^y is not in \[0, 1\] \(-1\.0\)$",
        ),
        (lambda: binary_cross_entropy_from_logits(1.0, 0.0, base=-1), r"^base must be"),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("gap", [1.0, 30.0, 40.0, 700.0])
def test_tiny_losses_keep_their_relative_accuracy(gap):
    # -log softmax([gap, 0])[0] = log1p(exp(-gap)); a log(1 + tiny) would lose the digits.
    exact = float(mpmath.log1p(mpmath.exp(-gap)))
    ours = float(cross_entropy_from_logits(0, [gap, 0.0]))
    assert ours == pytest.approx(exact, rel=1e-14)
    assert float(-log_softmax([gap, 0.0, -gap])[0]) == pytest.approx(
        float(mpmath.log1p(mpmath.exp(-gap) + mpmath.exp(-2 * gap))), rel=1e-14
    )


def _mp_log_softmax(x: np.ndarray) -> np.ndarray:
    with mpmath.workdps(50):
        rows = []
        for row in x.reshape(-1, x.shape[-1]):
            lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in row))
            rows.append([float(mpmath.mpf(float(v)) - lse) for v in row])
    return np.array(rows).reshape(x.shape)


@pytest.mark.parametrize("axis", [0, -1])
def test_log_softmax_is_correctly_rounded_against_mpmath(axis):
    exact = np.moveaxis(_mp_log_softmax(np.moveaxis(LOGITS, axis, -1)), -1, axis)
    np.testing.assert_allclose(log_softmax(LOGITS, axis=axis), exact, rtol=1e-15)
