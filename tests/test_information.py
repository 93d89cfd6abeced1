"""Tests for klce.information: accuracy against mpmath, properties, validation.

Speed is measured by `make bench` (benchmarks/bench_klce.py), not here.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import scipy.special
import scipy.stats
from helpers import distributions
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import (
    general_pairs,
    mp_cross_entropy,
    mp_digits,
    mp_entropy,
    mp_kl,
    nearly_equal_pairs,
    rel_err,
    tiny_pairs,
)

from klce import bernoulli_pmf, cross_entropy, entropy, kl_divergence
from klce._kl_fast import _flatnonzero, _series_terms, kl_pass
from klce._special import SERIES_CUTOFF
from klce.information import _kl_terms

GENERAL, TINY, NEARLY_EQUAL = general_pairs(), tiny_pairs(), nearly_equal_pairs()


def _ids(cases: list[tuple[np.ndarray, np.ndarray]]) -> list[str]:
    return [f"n{len(p)}-{i}" for i, (p, _) in enumerate(cases)]


# ---------------------------------------------------------------------------
# Accuracy


@pytest.mark.parametrize(("p", "q"), GENERAL + TINY, ids=_ids(GENERAL + TINY))
def test_kl_accuracy_general_and_tiny(p, q):
    assert rel_err(kl_divergence(p, q), mp_kl(p, q)) <= 1e-12


@pytest.mark.parametrize(("p", "q"), NEARLY_EQUAL, ids=_ids(NEARLY_EQUAL))
def test_kl_accuracy_nearly_equal(p, q):
    ref = mp_kl(p, q)
    assert 0 < ref < 1e-15
    assert rel_err(kl_divergence(p, q), ref) <= 1e-10


def mp_sum_error(x: np.ndarray) -> float:
    """Exact ``sum(x) - 1`` of the float vector (its normalisation error)."""
    with mpmath.workdps(mp_digits(x)):
        return float(abs(mpmath.fsum(mpmath.mpf(float(t)) for t in x) - 1))


def within(value: float, ref: mpmath.mpf, slack: float) -> bool:
    """``|value - ref| <= 1e-12 |ref| + slack``."""
    with mpmath.workdps(60):
        return abs(mpmath.mpf(float(value)) - ref) <= 1e-12 * abs(ref) + slack


@pytest.mark.parametrize(("p", "q"), GENERAL + TINY, ids=_ids(GENERAL + TINY))
def test_cross_entropy_and_entropy_accuracy(p, q):
    """Relative error <= 1e-12, up to the first-order effect of the inputs' sums.

    Unlike the KL divergence, H(P) and H(P, Q) of a vector summing to 1 + d differ
    from those of the renormalised vector by about d (1 - H): invisible unless H is
    itself ~ d, as for p = [1e-53, 1.0] (whose exact sum is 1 + 1e-53).
    """
    dp, dq = mp_sum_error(p), mp_sum_error(q)
    ref_ce, ref_h = mp_cross_entropy(p, q), mp_entropy(p)
    assert within(cross_entropy(p, q), ref_ce, 2 * (dp * float(ref_ce) + dq))
    assert within(entropy(p), ref_h, 2 * dp * (1 + float(ref_h)))


@pytest.mark.parametrize(("p", "q"), GENERAL, ids=_ids(GENERAL))
def test_cross_entropy_and_entropy_relative_error_general(p, q):
    assert rel_err(cross_entropy(p, q), mp_cross_entropy(p, q)) <= 1e-12
    assert rel_err(entropy(p), mp_entropy(p)) <= 1e-12


@pytest.mark.parametrize(("p", "q"), NEARLY_EQUAL[::3], ids=_ids(NEARLY_EQUAL[::3]))
def test_cross_entropy_accuracy_nearly_equal(p, q):
    assert rel_err(cross_entropy(p, q), mp_cross_entropy(p, q)) <= 1e-12


def test_kl_is_not_computed_as_a_difference_of_nearly_equal_numbers():
    """The Notes' reason: H(P, Q) - H(P) loses every digit for nearly equal P and Q.

    (How far scipy's rel_entr(p, q).sum() is off on these pairs is in `make bench`'s accuracy
    table: a property of SciPy, not of klce.)
    """
    p, q = NEARLY_EQUAL[-1]
    ref = mp_kl(p, q)
    assert rel_err(kl_divergence(p, q), ref) <= 1e-10
    assert rel_err(cross_entropy(p, q) - entropy(p), ref) > 1e-2


@pytest.mark.parametrize(
    ("p", "q"), GENERAL + TINY + NEARLY_EQUAL, ids=_ids(GENERAL + TINY + NEARLY_EQUAL)
)
def test_every_term_is_nonnegative_without_a_clamp(p, q):
    # Nothing clamps the terms or the result, so a negative rounding error would show here.
    assert np.all(_kl_terms(p, q) >= 0)


# ---------------------------------------------------------------------------
# Special values


def test_kl_infinite_where_q_zero_and_p_positive():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf


def test_zero_p_terms_contribute_nothing_or_q():
    # p = 0, q = 0: 0 log 0 = 0, no NaN
    assert kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert entropy([1.0, 0.0]) == 0.0
    # p = 0 < q: KL = sum over p > 0 only
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    assert cross_entropy([0.0, 1.0], [0.25, 0.75]) == pytest.approx(-math.log(0.75), rel=1e-15)


def test_kl_of_identical_distributions_is_exactly_zero():
    p = np.array([0.1, 0.2, 0.0, 0.7])
    assert kl_divergence(p, p) == 0.0


@pytest.mark.parametrize(
    ("p", "q"),
    [
        ([1e-310, 1.0 - 1e-310], [0.5, 0.5]),  # p subnormal, q / p overflows
        ([5e-324, 1.0], [0.25, 0.75]),
        ([0.5, 0.5], [1e-320, 1.0]),  # q subnormal, q / p underflows
        ([0.5, 0.5 - 1e-300, 1e-300], [0.5, 0.5 - 1e-300, 1e-300]),
        ([1e-300, 1.0], [1e-300 * 1.5, 1.0]),  # small r between tiny numbers
    ],
)
def test_kl_extreme_magnitudes_match_mpmath(p, q):
    p, q = np.array(p), np.array(q)
    ref = mp_kl(p, q)
    got = kl_divergence(p, q)
    if ref == 0:
        assert got == 0
    else:
        assert rel_err(got, ref) <= 1e-12


def test_return_types():
    p, q = [0.2, 0.8], [0.5, 0.5]
    for value in (entropy(p), cross_entropy(p, q), kl_divergence(p, q)):
        assert type(value) is np.float64
    batch = kl_divergence([p, q], q)
    assert isinstance(batch, np.ndarray)
    assert batch.shape == (2,)


def test_atol_keyword():
    p = [0.5, 0.5 + 1e-7]
    with pytest.raises(ValueError, match="sums to"):
        entropy(p)
    assert entropy(p, atol=1e-6) == pytest.approx(math.log(2), rel=1e-6)


def test_axis_and_empty_batch():
    p = np.array([[0.2, 0.5], [0.8, 0.5]])  # distributions along axis 0
    np.testing.assert_allclose(
        kl_divergence(p, p[:, ::-1], axis=0), kl_divergence(p.T, p.T[::-1], axis=-1)
    )
    assert kl_divergence(np.empty((0, 3)), np.empty((0, 3))).shape == (0,)


# ---------------------------------------------------------------------------
# Comparison with scipy on ordinary inputs


@pytest.mark.parametrize(("p", "q"), GENERAL, ids=_ids(GENERAL))
def test_agrees_with_scipy_on_general_inputs(p, q):
    np.testing.assert_allclose(kl_divergence(p, q), scipy.special.rel_entr(p, q).sum(), rtol=1e-12)
    np.testing.assert_allclose(
        kl_divergence(p, q, base=2), scipy.stats.entropy(p, q, base=2), rtol=1e-12
    )
    np.testing.assert_allclose(entropy(p), scipy.stats.entropy(p), rtol=1e-12)


# ---------------------------------------------------------------------------
# Properties (hypothesis)


@st.composite
def pairs(draw, min_weight_q=0.0, batch=None):
    n = draw(st.integers(1, 12))
    return draw(distributions(n, batch=batch)), draw(distributions(n, min_weight_q, batch=batch))


@settings(max_examples=100, deadline=None)
@given(pairs())
def test_kl_nonnegative(pq):
    p, q = pq
    assert kl_divergence(p, q) >= 0
    with np.errstate(all="ignore"):  # as kl_divergence calls it
        assert np.all(_kl_terms(p, q) >= 0)


@settings(max_examples=60, deadline=None)
@given(distributions())
def test_kl_of_p_with_itself_is_zero(p):
    assert kl_divergence(p, p) == 0


@settings(max_examples=100, deadline=None)
@given(pairs(min_weight_q=0.01))
def test_kl_equals_cross_entropy_minus_entropy(pq):
    p, q = pq
    h_pq = cross_entropy(p, q)
    assert kl_divergence(p, q) == pytest.approx(h_pq - entropy(p), abs=1e-12 * (1 + h_pq))


@settings(max_examples=60, deadline=None)
@given(pairs(min_weight_q=0.01))
def test_nats_to_bits_is_ln2(pq):
    p, q = pq
    for f, args in ((kl_divergence, (p, q)), (cross_entropy, (p, q)), (entropy, (p,))):
        assert f(*args, base=2) * math.log(2) == pytest.approx(f(*args), rel=1e-14, abs=1e-300)
        assert f(*args, base=math.e) == pytest.approx(f(*args), rel=1e-15, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5).flatmap(lambda b: pairs(batch=b)))
def test_batch_equals_loop(pq):
    p, q = pq
    for f, args in ((kl_divergence, (p, q)), (cross_entropy, (p, q)), (entropy, (p,))):
        batch = f(*args)
        loop = [f(*(a[i] for a in args)) for i in range(p.shape[0])]
        np.testing.assert_allclose(batch, loop, rtol=1e-15, atol=0)
        # distributions along axis 0 give the same result
        np.testing.assert_allclose(f(*(a.T for a in args), axis=0), loop, rtol=1e-15, atol=0)
    # broadcasting one q against a batch of p
    np.testing.assert_allclose(
        kl_divergence(p, q[0]), [kl_divergence(row, q[0]) for row in p], rtol=1e-15
    )


def test_kl_is_asymmetric():
    p, q = [0.5, 0.5], [0.9, 0.1]
    assert kl_divergence(p, q) == pytest.approx(0.5108256237659907, rel=1e-15)
    assert kl_divergence(q, p) == pytest.approx(0.3680642071684971, rel=1e-15)


# ---------------------------------------------------------------------------
# Validation: every error names the argument, the problem and where.


@pytest.mark.parametrize(
    ("p", "q", "message"),
    [
        ([0.5, 0.5, 0.1, -0.1], [0.25] * 4, r"^p\[3\] is negative \(-0\.1\)$"),
        ([0.25] * 4, [0.6, 0.3, 0.2, -0.1], r"^q\[3\] is negative \(-0\.1\)$"),
        ([[0.5, 0.5, 0.0], [0.5, 0.5, np.nan]], [1 / 3] * 3, r"^p\[1, 2\] is not finite \(nan\)$"),
        ([[0.5, 0.5], [np.inf, 0.0]], [0.5, 0.5], r"^p\[1, 0\] is not finite \(inf\)$"),
        ([-np.inf, 1.0], [0.5, 0.5], r"^p\[0\] is not finite \(-inf\)$"),
        (
            [[0.5, 0.5], [0.6, 0.6]],
            [0.5, 0.5],
            r"^p sums to 1\.2 along axis -1 at index \(1,\), not 1 \(atol=1e-09\)$",
        ),
        ([0.5, 0.6], [0.5, 0.5], r"^p sums to 1\.1 along axis -1, not 1 \(atol=1e-09\)$"),
        ([0.5, 0.5], [0.5, 0.4], r"^q sums to 0\.9 along axis -1, not 1"),
        ([0.2, 0.3, 0.5], [0.25] * 4, r"^p and q have incompatible shapes \(3,\) and \(4,\)$"),
        ([1.0], [0.25] * 4, r"^p and q have incompatible shapes \(1,\) and \(4,\): distributions"),
        ([[1.0, 0.0]] * 3, [[1.0, 0.0]] * 2, r"incompatible shapes \(3, 2\) and \(2, 2\)"),
        (np.empty(0), np.empty(0), r"^p is empty along axis -1$"),
        (0.5, 0.5, r"at least one dimension"),
        (["a", "b"], [0.5, 0.5], r"^p must contain real numbers, got dtype <U1$"),
        ([0.5, 0.5], [0.5 + 0j, 0.5], r"^q must contain real numbers, got dtype complex128$"),
    ],
)
def test_pair_validation_messages(p, q, message):
    for f in (kl_divergence, cross_entropy):
        with pytest.raises(ValueError, match=message):
            f(p, q)


def test_kl_validation_finds_negative_pairs_and_invalid_values_in_any_chunk(monkeypatch):
    """kl_divergence checks the values from its block sums (NaN terms, the sums of p and q);
    every kind of invalid element is still reported, also with p_i = q_i < 0 (then q - p = 0)."""
    monkeypatch.setattr("klce._kl_fast._CHUNK", 8)
    good = np.full(40, 1 / 40)
    for k in (0, 13, 39):
        for value, problem in ((-0.01, "is negative"), (np.nan, "is not finite")):
            p, q = good.copy(), good.copy()
            p[k] = q[k] = value
            p[(k + 1) % 40] -= value if value == value else 0.0
            q[(k + 1) % 40] -= value if value == value else 0.0
            with pytest.raises(ValueError, match=rf"^p\[{k}\] {problem}"):
                kl_divergence(p, q)
            with pytest.raises(ValueError, match=rf"^p\[1, {k}\] {problem}"):
                kl_divergence(np.stack([good, p]), q)
    q = good.copy()
    q[5], q[6] = -1e-300, q[6] + 1e-300  # rounds away in q + p and q - p
    with pytest.raises(ValueError, match=r"^q\[5\] is negative"):
        kl_divergence(good, q)


def test_kl_sum_check_agrees_with_the_full_check_at_the_tolerance():
    p = np.array([0.25, 0.25, 0.5])
    assert kl_divergence(p, p, atol=0.0) == 0.0  # exactly normalised: accepted with atol=0
    off = p * (1 + 4e-10)
    assert kl_divergence(off, p) == pytest.approx(0.0, abs=1e-18)
    with pytest.raises(ValueError, match=r"^p sums to"):
        kl_divergence(off, p, atol=1e-10)
    with pytest.raises(ValueError, match=r"^q sums to"):
        kl_divergence(p, off, atol=1e-10)


def test_kl_removes_first_order_normalisation_error():
    """D / sum(p) is the KL divergence of the normalised inputs up to second order."""
    p, q = GENERAL[-1]
    ref = mp_kl(p, q)  # exact normalisation
    assert rel_err(kl_divergence(p * (1 + 3e-10), q * (1 - 2e-10)), ref) <= 1e-12


@pytest.mark.parametrize(
    ("p", "message"),
    [
        ([0.5, -0.5, 1.0], r"^p\[1\] is negative \(-0\.5\)$"),
        ([[0.5, 0.5], [0.5, np.nan]], r"^p\[1, 1\] is not finite \(nan\)$"),
        ([[0.5, 0.5], [0.2, 0.2]], r"^p sums to 0\.4 along axis -1 at index \(1,\), not 1"),
        (np.ones((2, 0)), r"^p is empty along axis -1$"),
        ([[0.3, 0.3], [0.7, 0.7]], r"^p sums to 0\.6 along axis -1 at index \(0,\)"),
    ],
)
def test_entropy_validation_messages(p, message):
    with pytest.raises(ValueError, match=message):
        entropy(p)


def test_sum_message_uses_given_axis():
    with pytest.raises(ValueError, match=r"^p sums to 0\.6 along axis 0 at index \(0,\)"):
        entropy([[0.3, 0.5], [0.3, 0.5]], axis=0)


def test_axis_out_of_bounds():
    with pytest.raises(ValueError, match=r"^axis 2 is out of bounds for p"):
        entropy([0.5, 0.5], axis=2)
    with pytest.raises(ValueError, match=r"^axis -3 is out of bounds for p and q"):
        kl_divergence([0.5, 0.5], [0.5, 0.5], axis=-3)


@pytest.mark.parametrize("base", [0, 1, 1.0, -2, np.inf, np.nan, "two"])
def test_invalid_base(base):
    for f, args in ((kl_divergence, ([1.0], [1.0])), (entropy, ([1.0],))):
        with pytest.raises(ValueError, match=r"^base must be"):
            f(*args, base=base)


@pytest.mark.parametrize("atol", [-1e-9, np.nan, np.inf])
def test_invalid_atol(atol):
    with pytest.raises(ValueError, match=r"^atol must be finite and >= 0"):
        kl_divergence([1.0], [1.0], atol=atol)


# ---------------------------------------------------------------------------
# The kernel: blocks, paths and the series


def test_chunking_does_not_change_results(monkeypatch):
    """Every path (all series, mostly series, mostly log, special values) at any chunk size."""
    rng = np.random.default_rng(8)
    n = 600
    p = rng.dirichlet(np.ones(n))
    q = rng.dirichlet(np.ones(n))
    near = p * (1 + 1e-9 * rng.standard_normal(n))
    mixed = np.where(np.arange(n) % 3 == 0, q, near)
    p[::97] = 0.0
    mixed[5::89] = 0.0
    p[7] = 1e-310
    mixed[11] = 1e-320
    p /= p.sum()
    cases = [(p, q / q.sum()), (p, near / near.sum()), (p, mixed / mixed.sum())]
    assert np.any((cases[2][1] == 0) & (p > 0))  # the mixed case has KL = inf ...
    finite_p = np.where(cases[2][1] == 0, 0.0, p)  # ... unless p = 0 where q = 0
    cases.append((finite_p / finite_p.sum(), cases[2][1]))
    expected = [mp_kl(a, b) for a, b in cases[:2]] + [np.inf, mp_kl(*cases[3])]
    for chunk in (5, 64, 1 << 16):
        monkeypatch.setattr("klce._kl_fast._CHUNK", chunk)
        for (a, b), ref in zip(cases, expected, strict=True):
            got = kl_divergence(a, b)
            assert got == np.inf if ref == np.inf else rel_err(got, ref) <= 1e-12
        batch = kl_divergence(np.stack([c[0] for c in cases]), np.stack([c[1] for c in cases]))
        np.testing.assert_allclose(batch, [kl_divergence(a, b) for a, b in cases], rtol=1e-13)


@pytest.mark.parametrize("noise", [1e-9, 1e-5, 3e-3])
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_every_path_of_the_kernel_matches_mpmath(monkeypatch, noise, fraction):
    """A chunk is all series (1, 2 or 3 terms), mostly logarithm or mostly series: each one,
    in long distributions (chunks along the axis) and in a batch (blocks of whole rows); the
    fast sums equal the reference terms' sums."""
    monkeypatch.setattr("klce._kl_fast._CHUNK", 96)
    rng = np.random.default_rng(int(fraction * 10) + int(-np.log10(noise)))
    p = rng.dirichlet(np.ones(64), size=12)
    q = rng.dirichlet(np.ones(64), size=12)
    near = p * (1 + noise * rng.standard_normal(p.shape))
    mixed = np.where(rng.random(p.shape) < fraction, near, q)
    mixed /= mixed.sum(axis=-1, keepdims=True)
    refs = [mp_kl(a, b) for a, b in zip(p, mixed, strict=True)]
    got = kl_divergence(p, mixed)  # blocks of one row (64 elements; 96 // 64 = 1)
    reference = _kl_terms(p, mixed).sum(axis=-1) / p.sum(axis=-1)
    np.testing.assert_allclose(got, reference, rtol=1e-13, atol=1e-300)
    long_p, long_q = p.ravel() / 12, mixed.ravel() / 12  # one distribution, 8 chunks
    for value, ref in [*zip(got, refs, strict=True), (kl_divergence(long_p, long_q), None)]:
        ref = mp_kl(long_p, long_q) if ref is None else ref
        assert rel_err(value, ref) <= (1e-10 if ref < 1e-15 else 1e-12)


@pytest.mark.parametrize("side", ["series", "logarithm"])
def test_terms_on_either_side_of_the_series_cutoff_match_mpmath(side):
    """Just below the cutoff the series is exact to rounding. Just above it the log rule's term,
    about 2 p u^2, carries the rounding error of q / p, about eps p: a relative error of about
    eps / (2 u^2) = 2.2e-12 at |u| = 0.005 (a larger cutoff would need more series terms)."""
    u_cut = SERIES_CUTOFF / 2
    rng = np.random.default_rng(3)
    p = rng.uniform(0.1, 1.0, 201)
    u0 = np.linspace(-u_cut, u_cut, 201) * 0.999 if side == "series" else 1.001 * u_cut
    u0 = np.broadcast_to(u0, p.shape) * np.sign(np.linspace(-1, 1, 201) + 1e-3)
    q = p * (1 + u0) / (1 - u0)
    t = _kl_terms(p, q)
    tol = 1e-15 if side == "series" else 4e-12
    with mpmath.workdps(50):
        for pi, qi, ti in zip(p, q, t, strict=True):
            r = (mpmath.mpf(qi) - mpmath.mpf(pi)) / mpmath.mpf(pi)
            ref = mpmath.mpf(pi) * (r - mpmath.log1p(r))
            assert ti == ref == 0 or rel_err(ti, ref) <= tol


@pytest.mark.parametrize("u_max", [3.1e-6, 3.1e-4, 0.00499])  # below each bound of _W_TERMS
def test_series_with_the_terms_it_chooses_is_exact_to_rounding(u_max):
    """The series keeps 1, 2 or 3 terms by max(w); each choice is exact to a few ulps."""
    rng = np.random.default_rng(3)
    p = rng.uniform(0.1, 1.0, 201)
    u0 = np.linspace(-u_max, u_max, 201)
    q = p * (1 + u0) / (1 - u0)
    d, s = q - p, q + p
    u = d / s
    w = u * u
    t = _series_terms(p, d, u, w, np.empty_like(p), float(w.max()))
    with mpmath.workdps(50):
        for pi, qi, ti in zip(p, q, t, strict=True):
            r = (mpmath.mpf(qi) - mpmath.mpf(pi)) / mpmath.mpf(pi)
            ref = mpmath.mpf(pi) * (r - mpmath.log1p(r))
            assert ti == ref == 0 or rel_err(ti, ref) <= 1e-15


@pytest.mark.parametrize("size", [1, 7, 100, 24576])
@pytest.mark.parametrize("density", [0.0, 0.01, 0.04, 0.05, 0.099, 0.1, 0.11, 0.5, 1.0])
def test_flatnonzero_with_padding_equals_numpy(size, density):
    rng = np.random.default_rng(size)
    mask = np.zeros(size + size // 8 + 2, dtype=bool)
    mask[size:] = rng.random(mask.size - size) < 0.5  # whatever the padding region holds
    mask[:size] = rng.random(size) < density
    expected = np.flatnonzero(mask[:size])
    np.testing.assert_array_equal(_flatnonzero(mask, size, expected.size), expected)


@pytest.mark.parametrize(
    ("p", "q"), GENERAL + TINY + NEARLY_EQUAL, ids=_ids(GENERAL + TINY + NEARLY_EQUAL)
)
def test_fast_pass_sums_the_reference_terms(p, q):
    d, nonneg, s_p, s_q = kl_pass(p, q, -1)
    assert nonneg
    assert s_p == pytest.approx(p.sum(), rel=1e-15) and s_q == pytest.approx(q.sum(), rel=1e-15)
    reference = _kl_terms(p, q).sum()
    assert d == reference == 0 or abs(d - reference) <= 1e-13 * reference + 1e-30


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4).flatmap(lambda b: pairs(batch=b)))
def test_fast_pass_agrees_with_the_reference_on_zeros_and_tiny_values(pq):
    p, q = pq
    p, q = np.where(p < 0.05, 0.0, p), np.where(q < 0.05, q * 1e-305, q)  # zeros, subnormals
    d = kl_pass(p, q, -1)[0]
    reference = _kl_terms(p, q).sum(axis=-1)
    np.testing.assert_allclose(d, reference, rtol=1e-13, atol=1e-300)


def test_result_does_not_depend_on_how_the_kinds_are_interleaved():
    rng = np.random.default_rng(11)
    n = 200_000
    p = rng.dirichlet(np.ones(n))
    near = p * (1 + 1e-9 * rng.standard_normal(n))
    q = np.where(rng.random(n) < 0.7, near, rng.dirichlet(np.ones(n)))
    q /= q.sum()
    grouped = np.argsort(np.abs(q / p - 1))  # nearly equal elements first
    shuffled = rng.permutation(n)
    value = kl_divergence(p, q)
    for order in (grouped, shuffled):
        assert rel_err(kl_divergence(p[order], q[order]), value) <= 1e-13


# ---------------------------------------------------------------------------------------------
# bernoulli_pmf
# ---------------------------------------------------------------------------------------------


@given(st.floats(0, 1))
def test_bernoulli_pmf_is_a_distribution_outcome_zero_first(theta):
    pmf = bernoulli_pmf(theta)
    assert pmf.shape == (2,) and pmf[1] == theta and pmf[0] == 1 - theta
    assert entropy(pmf) >= 0  # accepted by the module's validation


def test_bernoulli_pmf_broadcasts_on_a_new_last_axis():
    thetas = np.linspace(0, 1, 6).reshape(2, 3)
    pmf = bernoulli_pmf(thetas)
    assert pmf.shape == (2, 3, 2)
    assert np.array_equal(pmf[..., 1], thetas) and np.allclose(pmf.sum(axis=-1), 1)


@pytest.mark.parametrize(
    ("theta", "message"),
    [
        (1.5, r"theta is not in \[0, 1\]"),
        (np.nan, "theta is not finite"),
        ([0.2, -0.1], r"theta\[1\]"),
    ],
)
def test_bernoulli_pmf_rejects_what_is_not_a_probability(theta, message):
    with pytest.raises(ValueError, match=message):
        bernoulli_pmf(theta)
