"""Tests for klce.estimation: sampled cross-entropy with a Student-t interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from klce import CrossEntropyEstimate, cross_entropy, estimate_cross_entropy


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
