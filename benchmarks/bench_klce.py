"""Benchmark klce.kl_divergence against scipy: speed on 10^7 elements, accuracy on a stress set.

Run with ``.venv/bin/python benchmarks/bench_klce.py``.
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np
import scipy.special
import scipy.stats

import klce

N = 10**7
REPEAT = 5


def best_of(f, repeat=REPEAT):
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def speed() -> None:
    rng = np.random.default_rng(2024)
    p = rng.random(N)
    q = rng.random(N)
    p /= p.sum()
    q /= q.sum()
    near = p * (1 + 1e-9 * rng.standard_normal(N))
    near /= near.sum()
    mixed = np.where(rng.random(N) < 0.7, near, q)  # 70 % of the terms nearly equal
    mixed /= mixed.sum()
    print(f"speed, best of {REPEAT}, n = {N:.0e} (including klce's input validation)")
    cases = (("uniform random p, q", q), ("nearly equal q", near), ("70 % nearly equal", mixed))
    for label, qq in cases:
        t_klce = best_of(lambda qq=qq: klce.kl_divergence(p, qq))
        t_scipy = best_of(lambda qq=qq: scipy.special.rel_entr(p, qq).sum())
        print(f"  {label}:")
        print(f"    klce.kl_divergence          {t_klce:8.4f} s")
        print(f"    scipy rel_entr(p, q).sum()  {t_scipy:8.4f} s")
        print(f"    ratio klce / scipy          {t_klce / t_scipy:8.3f}")


def mp_kl(p: np.ndarray, q: np.ndarray) -> mpmath.mpf:
    """KL of the exactly normalised float inputs, 50 digits beyond the smallest scale."""
    smallest = min(float(p[p > 0].min()), float(q[q > 0].min()))
    with mpmath.workdps(50 + max(0, math.ceil(-math.log10(smallest)))):
        pm = [mpmath.mpf(float(x)) for x in p]
        qm = [mpmath.mpf(float(x)) for x in q]
        sp, sq = mpmath.fsum(pm), mpmath.fsum(qm)
        return +mpmath.fsum(
            (a / sp) * mpmath.log((a / sp) / (b / sq)) for a, b in zip(pm, qm, strict=True) if a > 0
        )


def stress_sets(rng: np.random.Generator) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    sizes = (2, 3, 10, 100, 1000)
    general = [
        (rng.dirichlet(np.full(n, a)), rng.dirichlet(np.full(n, a)))
        for n in sizes
        for a in (0.2, 1.0, 10.0)
    ]
    tiny = []
    for n in sizes:
        pair = []
        for _ in range(2):
            x = rng.dirichlet(np.ones(n))
            k = max(1, n // 5)
            x[rng.choice(n, k, replace=False)] = 10.0 ** -rng.uniform(10, 300, k)
            pair.append(x / x.sum())
        tiny.append((pair[0], pair[1]))
    near = []
    for n in sizes:
        for a in (0.5, 5.0):
            p = rng.dirichlet(np.full(n, a))
            q = p * (1 + 1e-9 * rng.standard_normal(n))
            near.append((p, q / q.sum()))
    return {"general": general, "tiny probabilities": tiny, "nearly equal": near}


def accuracy() -> None:
    methods = {
        "klce.kl_divergence": klce.kl_divergence,
        "scipy rel_entr(p, q).sum()": lambda p, q: scipy.special.rel_entr(p, q).sum(),
        "scipy.stats.entropy(p, q)": scipy.stats.entropy,
    }
    print("\nmax relative error against mpmath (exact normalisation, 50 digits)")
    for name, cases in stress_sets(np.random.default_rng(7)).items():
        refs = [mp_kl(p, q) for p, q in cases]
        print(f"  {name} ({len(cases)} pairs, sizes 2..1000):")
        for label, f in methods.items():
            with mpmath.workdps(60):
                err = max(
                    float(abs((mpmath.mpf(float(f(p, q))) - r) / r))
                    for (p, q), r in zip(cases, refs, strict=True)
                )
            print(f"    {label:28s} {err:10.2e}")


if __name__ == "__main__":
    speed()
    accuracy()
