"""Tests for klce.emulation: NumPy mirrors of framework conventions.

The framework tier (tests/frameworks) compares them with the real libraries; here they are
checked against the mathematics they stand for.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import klce
from klce.emulation import kl_div, sigmoid_float32
from klce.numerics import numerical_gradient

# ----------------------------------------------------------------------------------------------
# kl_div


def _batch(seed: int, n: int = 4, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(k), size=n)
    p[0, 1] = 0.0  # a zero target
    p[0] /= p[0].sum()
    log_q = klce.log_softmax(rng.normal(size=(n, k)))
    return p, log_q


@pytest.mark.parametrize("seed", range(5))
def test_batchmean_is_the_mean_kl_divergence_per_example(seed):
    p, log_q = _batch(seed)
    expected = klce.kl_divergence(p, np.exp(log_q)).mean()
    assert kl_div(log_q, p, reduction="batchmean") == pytest.approx(expected, rel=1e-12)


def test_the_reductions_divide_the_same_sum():
    p, log_q = _batch(7)
    pointwise = kl_div(log_q, p, reduction="none")
    assert isinstance(pointwise, np.ndarray)
    assert pointwise.shape == p.shape
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 * log 0, replaced by 0
        direct = np.where(p > 0, p * (np.log(p) - log_q), 0.0)
    np.testing.assert_allclose(pointwise, direct, rtol=1e-13, atol=1e-16)
    total = kl_div(log_q, p, reduction="sum")
    assert type(total) is float
    assert total == pytest.approx(direct.sum(), rel=1e-13)
    assert kl_div(log_q, p) == pytest.approx(total / p.size, rel=1e-15)  # "mean" by default
    assert kl_div(log_q, p, reduction="batchmean") == pytest.approx(total / 4, rel=1e-15)


def test_zero_target_gives_zero_even_against_minus_infinity():
    terms = kl_div(np.array([-np.inf, np.log(0.5)]), np.array([0.0, 1.0]), reduction="none")
    assert terms[0] == 0.0
    assert terms[1] == pytest.approx(math.log(2), rel=1e-15)
    assert kl_div([-np.inf, 0.0], [0.5, 0.5], reduction="sum") == np.inf


def test_log_target_agrees_with_probability_target():
    p, log_q = _batch(11)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)  # -inf for the zero target
    for reduction in ("none", "sum", "mean", "batchmean"):
        np.testing.assert_allclose(
            kl_div(log_q, log_p, reduction=reduction, log_target=True),
            kl_div(log_q, p, reduction=reduction),
            rtol=1e-13,
            atol=1e-16,
        )


def test_target_broadcasts_against_the_input():
    p, log_q = _batch(3)
    out = kl_div(log_q, p[0], reduction="none")
    assert out.shape == log_q.shape
    np.testing.assert_allclose(out[2], kl_div(log_q[2], p[0], reduction="none"))


def test_gradient_of_batchmean_is_softmax_minus_target_over_n():
    # The chapters' claim: d/dz batchmean KL(p || softmax(z)) = (softmax(z) - p) / N.
    p, _ = _batch(5, n=3, k=4)
    z = np.random.default_rng(6).normal(size=(3, 4))
    g = numerical_gradient(lambda w: kl_div(klce.log_softmax(w), p, reduction="batchmean"), z)
    np.testing.assert_allclose(g, (klce.softmax(z) - p) / 3, atol=1e-8)
    g_mean = numerical_gradient(lambda w: kl_div(klce.log_softmax(w), p), z)
    np.testing.assert_allclose(4 * g_mean, g, atol=1e-8)  # "mean" is K times smaller


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.0], [1.0]), {"reduction": "avg"}, r"^reduction must be one of \('none', 'sum'"),
        (([0.0], [1.0]), {"reduction": None}, r"^reduction must be one of"),
        (([np.nan, 0.0], [0.5, 0.5]), {}, r"^input\[0\] is not finite \(nan\)$"),
        (([0.0, np.inf], [0.5, 0.5]), {}, r"^input\[1\] is not finite \(inf\)$"),
        (([0.0, 0.0], [0.5, -0.5]), {}, r"^target\[1\] is negative \(-0\.5\)$"),
        (([0.0, 0.0], [0.5, np.nan]), {}, r"^target\[1\] is not finite \(nan\)$"),
        (([0.0, 0.0], [0.5, np.inf]), {"log_target": True}, r"^target\[1\] is not finite"),
        (([0.0, 0.0], [1.0, 0.0, 0.0]), {}, r"^input and target have incompatible shapes"),
        ((0.0, 1.0), {"reduction": "batchmean"}, r"^input must have a batch axis"),
        ((["a"], [1.0]), {}, r"^input must contain real numbers"),
        (([0.0], [1j]), {}, r"^target must contain real numbers"),
    ],
)
def test_kl_div_validation_messages(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        kl_div(*args, **kwargs)


# ----------------------------------------------------------------------------------------------
# sigmoid_float32


def test_sigmoid_is_exactly_one_from_24_log_2_on():
    boundary = 24 * math.log(2)
    first = np.float32(boundary)  # the nearest float32; check it is the first one above
    if first < boundary:
        first = np.nextafter(first, np.float32(np.inf))
    below = np.nextafter(first, np.float32(-np.inf))
    assert below < boundary <= first
    assert sigmoid_float32(first) == 1
    assert sigmoid_float32(below) < 1
    grid = np.float32(first) + np.arange(200, dtype=np.float32)
    assert np.all(sigmoid_float32(grid) == 1)


@settings(max_examples=80)
@given(st.floats(-80, 16))
def test_sigmoid_float32_is_the_sigmoid_to_float32_precision(z):
    out = sigmoid_float32(z)
    assert type(out) is np.float32
    exact = 1 / (1 + math.exp(-float(np.float32(z))))
    assert out == pytest.approx(exact, rel=4 * 2.0**-24, abs=1e-45)


def test_sigmoid_float32_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = sigmoid_float32([-np.inf, -1e40, -200.0, 0.0, 200.0, 1e40, np.inf])
    assert out.dtype == np.float32
    assert out.tolist() == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0]


def test_sigmoid_float32_keeps_the_shape():
    z = np.linspace(-5, 5, 12).reshape(3, 4)
    out = sigmoid_float32(z)
    assert out.shape == (3, 4)
    assert out.dtype == np.float32


@pytest.mark.parametrize(
    ("z", "message"),
    [
        ([0.0, np.nan], r"^z\[1\] is not a number \(nan\)$"),
        (np.nan, r"^z is not a number \(nan\)$"),
        ([1j], r"^z must contain real numbers"),
    ],
)
def test_sigmoid_float32_validation_messages(z, message):
    with pytest.raises(ValueError, match=message):
        sigmoid_float32(z)
