"""Independent references shared by the tests and the benchmark.

mpmath implementations of entropy, cross-entropy and KL divergence at 50 spare digits, and the
stress sets (general, tiny probabilities, nearly equal) that `klce.information` is held to.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

# ---------------------------------------------------------------------------
# mpmath references: the float inputs are normalised exactly (in mpmath), then
# the divergence is evaluated with 50 significant digits to spare. Exactness
# of the normalisation needs extra digits when tiny probabilities are mixed in.


def mp_digits(*arrays: np.ndarray) -> int:
    positive = np.concatenate([a[a > 0] for a in arrays])
    return 50 + max(0, math.ceil(-math.log10(float(positive.min()))))


def _mp_normalised(x: np.ndarray) -> list[mpmath.mpf]:
    v = [mpmath.mpf(float(t)) for t in x]
    s = mpmath.fsum(v)
    return [t / s for t in v]


def mp_kl(p: np.ndarray, q: np.ndarray) -> mpmath.mpf:
    with mpmath.workdps(mp_digits(p, q)):
        pn, qn = _mp_normalised(p), _mp_normalised(q)
        return +mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(pn, qn, strict=True) if a > 0)


def mp_cross_entropy(p: np.ndarray, q: np.ndarray) -> mpmath.mpf:
    with mpmath.workdps(mp_digits(p, q)):
        pn, qn = _mp_normalised(p), _mp_normalised(q)
        return -mpmath.fsum(a * mpmath.log(b) for a, b in zip(pn, qn, strict=True) if a > 0)


def mp_entropy(p: np.ndarray) -> mpmath.mpf:
    with mpmath.workdps(mp_digits(p)):
        return -mpmath.fsum(a * mpmath.log(a) for a in _mp_normalised(p) if a > 0)


def rel_err(value: float, ref: mpmath.mpf) -> float:
    with mpmath.workdps(60):
        return float(abs((mpmath.mpf(float(value)) - ref) / ref))


# ---------------------------------------------------------------------------
# Stress sets (seeded): general, tiny probabilities, nearly equal.

SIZES = (2, 3, 10, 100, 1000)


def general_pairs() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20240501)
    return [
        (rng.dirichlet(np.full(n, a)), rng.dirichlet(np.full(n, a)))
        for n in SIZES
        for a in (0.2, 1.0, 10.0)
    ]


def tiny_pairs() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20240502)
    cases = []
    for n in SIZES:
        pair = []
        for _ in range(2):
            x = rng.dirichlet(np.ones(n))
            k = max(1, n // 5)
            x[rng.choice(n, k, replace=False)] = 10.0 ** -rng.uniform(10, 300, k)
            pair.append(x / x.sum())
        cases.append((pair[0], pair[1]))
    return cases


def nearly_equal_pairs() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20240503)
    cases = []
    for n in SIZES:
        for a in (0.5, 5.0):
            p = rng.dirichlet(np.full(n, a))
            q = p * (1 + 1e-9 * rng.standard_normal(n))
            cases.append((p, q / q.sum()))
    return cases


def stress_sets() -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """The three stress sets, by name."""
    return {
        "general": general_pairs(),
        "tiny probabilities": tiny_pairs(),
        "nearly equal": nearly_equal_pairs(),
    }
