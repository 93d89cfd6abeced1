"""Tests for klce.gaussian: NLL, KL divergence, differential entropy and MSE."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import rel_err

from klce import gaussian_entropy, gaussian_kl, gaussian_nll, mse


def mp_gaussian_kl(mp_: float, sp: float, mq: float, sq: float) -> mpmath.mpf:
    with mpmath.workdps(50):
        mp_, sp, mq, sq = (mpmath.mpf(float(v)) for v in (mp_, sp, mq, sq))
        return mpmath.log(sq / sp) + (sp**2 + (mp_ - mq) ** 2) / (2 * sq**2) - mpmath.mpf(1) / 2


def test_nll_matches_scipy_logpdf():
    rng = np.random.default_rng(5)
    y = rng.normal(size=(4, 5))
    mean = rng.normal(size=5)
    std = rng.uniform(0.1, 3.0, size=(4, 1))
    np.testing.assert_allclose(
        gaussian_nll(y, mean, std), -scipy.stats.norm.logpdf(y, mean, std), rtol=1e-14
    )
    assert type(gaussian_nll(0.0, 0.0, 1.0)) is np.float64


def test_nll_with_fixed_std_is_scaled_mse_plus_constant():
    rng = np.random.default_rng(6)
    y, y_hat = rng.normal(size=100), rng.normal(size=100)
    sigma = 0.7
    mean_nll = gaussian_nll(y, y_hat, sigma).mean()
    expected = 0.5 * math.log(2 * math.pi * sigma**2) + mse(y, y_hat) / (2 * sigma**2)
    assert mean_nll == pytest.approx(expected, rel=1e-14)


def test_entropy_matches_scipy_and_can_be_negative():
    std = np.array([0.01, 0.1, 1 / math.sqrt(2 * math.pi * math.e), 1.0, 100.0])
    np.testing.assert_allclose(
        gaussian_entropy(std), scipy.stats.norm(scale=std).entropy(), rtol=1e-14, atol=1e-15
    )
    assert gaussian_entropy(0.1) < 0
    assert gaussian_entropy(std[2]) == pytest.approx(0.0, abs=1e-15)
    assert gaussian_entropy(1.0, base=2) * math.log(2) == pytest.approx(gaussian_entropy(1.0))


@pytest.mark.parametrize(
    "params",
    [
        (0.0, 1.0, 1.0, 2.0),
        (3.0, 0.5, -1.0, 0.1),
        (0.0, 1.0, 0.0, 1.0 + 1e-9),  # nearly equal std: textbook formula cancels
        (5.0, 2.0, 5.0, 2.0 * (1 - 3e-12)),
        (1.0, 1.0, 1.0 + 1e-8, 1.0),  # nearly equal mean
        (0.0, 1e-300, 0.0, 1e300),  # std ratio below the float range
        (0.0, 1e-5, 0.0, 1.0),
        (0.0, 1.0, 0.0, 1.09),  # either side of the series cutoff
        (0.0, 1.0, 0.0, 1.0 / math.sqrt(1.1)),
    ],
)
def test_kl_matches_mpmath(params):
    ref = mp_gaussian_kl(*params)
    assert rel_err(gaussian_kl(*params), ref) <= 1e-12


def test_kl_nearly_equal_beats_textbook_formula():
    sp, sq = 1.0, 1.0 + 1e-9
    textbook = math.log(sq / sp) + sp**2 / (2 * sq**2) - 0.5
    ref = mp_gaussian_kl(0.0, sp, 0.0, sq)
    assert rel_err(textbook, ref) > 1e-3
    assert rel_err(gaussian_kl(0.0, sp, 0.0, sq), ref) <= 1e-12


def test_kl_special_values():
    assert gaussian_kl(2.0, 3.0, 2.0, 3.0) == 0.0
    assert gaussian_kl(0.0, 1e300, 0.0, 1e-300) == np.inf  # overflows, no NaN
    kl = gaussian_kl([0.0, 1.0], 1.0, 0.0, [[1.0], [2.0]])
    assert kl.shape == (2, 2)
    assert gaussian_kl(0.0, 1.0, 1.0, 2.0, base=2) * math.log(2) == pytest.approx(
        gaussian_kl(0.0, 1.0, 1.0, 2.0)
    )


finite = st.floats(-1e3, 1e3)
scale = st.floats(1e-3, 1e3)


@settings(max_examples=100)
@given(finite, scale, finite, scale)
def test_kl_properties(mp_, sp, mq, sq):
    kl = gaussian_kl(mp_, sp, mq, sq)
    assert kl >= 0
    assert gaussian_kl(mp_, sp, mp_, sp) == 0
    # KL = cross-entropy - entropy, cross-entropy = E_P[nll] = nll(mean_p) + sp^2 / (2 sq^2)
    ce = gaussian_nll(mp_, mq, sq) + sp**2 / (2 * sq**2)
    assert kl == pytest.approx(ce - gaussian_entropy(sp), abs=1e-9 * (1 + abs(ce)))


@settings(max_examples=60)
@given(scale, st.floats(-1e-6, 1e-6))
def test_kl_nearly_equal_std_matches_mpmath(sp, rel):
    sq = sp * (1 + rel)
    ref = mp_gaussian_kl(0.0, sp, 0.0, sq)
    kl = gaussian_kl(0.0, sp, 0.0, sq)
    if ref == 0:
        assert kl == 0
    else:
        assert rel_err(kl, ref) <= 1e-10


def test_mse():
    rng = np.random.default_rng(7)
    y, y_hat = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert mse(y, y_hat) == pytest.approx(np.mean((y - y_hat) ** 2), rel=1e-15)
    np.testing.assert_allclose(mse(y, y_hat, axis=0), np.mean((y - y_hat) ** 2, axis=0))
    assert type(mse(y, y_hat)) is np.float64
    assert mse([1.0, 2.0], 1.5) == 0.25


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gaussian_nll(0.0, 0.0, [1.0, 0.0]), r"^std\[1\] is not > 0 \(0\.0\)$"),
        (lambda: gaussian_nll(0.0, 0.0, -1.0), r"^std is not > 0 \(-1\.0\)$"),
        (lambda: gaussian_nll(0.0, [np.nan], 1.0), r"^mean\[0\] is not finite \(nan\)$"),
        (lambda: gaussian_nll([np.inf], 0.0, 1.0), r"^y\[0\] is not finite \(inf\)$"),
        (
            lambda: gaussian_nll([0.0, 1.0], [0.0, 1.0, 2.0], 1.0),
            r"^y, mean and std have incompatible shapes \(2,\), \(3,\) and \(\)$",
        ),
        (lambda: gaussian_kl(0.0, 1.0, 0.0, np.inf), r"^std_q is not finite \(inf\)$"),
        (lambda: gaussian_kl(0.0, [1.0, np.nan], 0.0, 1.0), r"^std_p\[1\] is not finite \(nan\)$"),
        (lambda: gaussian_kl(np.nan, 1.0, 0.0, 1.0), r"^mean_p is not finite \(nan\)$"),
        (lambda: gaussian_kl(0.0, 1.0, 0.0, 1.0, base=0), r"^base must be"),
        (lambda: gaussian_entropy([[1.0, 0.0]]), r"^std\[0, 1\] is not > 0 \(0\.0\)$"),
        (lambda: gaussian_entropy(1.0, base=1), r"^base must be"),
        (lambda: mse([], []), r"^y and y_hat are empty$"),
        (lambda: mse([1.0, np.nan], 0.0), r"^y\[1\] is not finite \(nan\)$"),
        (
            lambda: mse([1.0, 2.0], [1.0, 2.0, 3.0]),
            r"^y and y_hat have incompatible shapes \(2,\) and \(3,\)$",
        ),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
