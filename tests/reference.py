"""Independent references shared by the tests and the benchmark.

mpmath implementations of entropy, cross-entropy and KL divergence at 50 spare digits, and the
stress sets (general, tiny probabilities, nearly equal) that `klce.information` is held to.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

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


def best_of(
    f: Callable[[], object], repeat: int = 5, clock: Callable[[], float] = time.perf_counter
) -> float:
    """The shortest of `repeat` timings of ``f()`` by `clock` (default wall-clock), in seconds."""
    best = math.inf
    for _ in range(repeat):
        t0 = clock()
        f()
        best = min(best, clock() - t0)
    return best


def best_of_pair(
    f: Callable[[], object],
    g: Callable[[], object],
    repeat: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[float, float]:
    """The shortest of `repeat` timings of ``f()`` and of ``g()``, run alternately.

    Alternating makes a slow spell of a busy machine hit both, so their ratio is steadier than
    that of two separate best-of series.
    """
    best_f = best_g = math.inf
    for _ in range(repeat):
        best_f = min(best_f, best_of(f, 1, clock))
        best_g = min(best_g, best_of(g, 1, clock))
    return best_f, best_g


# ---------------------------------------------------------------------------
# Speed cases: the input mixes on which kl_divergence is timed against
# scipy.special.rel_entr(p, q).sum(axis=-1) (benchmark and speed test).


def _normalised(x: np.ndarray) -> np.ndarray:
    return x / x.sum(axis=-1, keepdims=True)


def _base_pair(n: int, seed: int) -> tuple[np.random.Generator, np.ndarray, np.ndarray, np.ndarray]:
    """The generator, p and q uniform random on n outcomes, and q nearly equal to p (1e-9)."""
    rng = np.random.default_rng(seed)
    p = _normalised(rng.random(n))
    q = _normalised(rng.random(n))
    near = _normalised(p * (1 + 1e-9 * rng.standard_normal(n)))
    return rng, p, q, near


def speed_cases(
    n: int, batch: tuple[int, int], seed: int = 2024
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Pairs ``(p, q)``: n outcomes with q uniform random, nearly equal to p (relative noise
    1e-9), or nearly equal on a random 10 %, 50 % or 70 % of the outcomes and uniform random
    elsewhere; and a batch of ``batch[0]`` distributions of ``batch[1]`` outcomes (axis -1).
    """
    rng, p, q, near = _base_pair(n, seed)
    cases = {"uniform random p, q": (p, q), "nearly equal q": (p, near)}
    for percent in (10, 50, 70):
        mixed = np.where(rng.random(n) < percent / 100, near, q)
        cases[f"{percent} % nearly equal"] = (p, _normalised(mixed))
    rows, cols = batch
    cases[f"batch {rows} x {cols}, axis=-1"] = (
        _normalised(rng.random(batch)),
        _normalised(rng.random(batch)),
    )
    return cases


def mixed_cases(
    n: int, percents: Iterable[int], seed: int = 2025
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Pairs ``(p, q)`` of n outcomes, q nearly equal to p (relative noise 1e-9) on a random
    `percent` % of the outcomes and uniform random elsewhere, for each percent."""
    rng, p, q, near = _base_pair(n, seed)
    return {
        percent: (p, _normalised(np.where(rng.random(n) < percent / 100, near, q)))
        for percent in percents
    }
