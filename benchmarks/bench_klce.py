"""Benchmark klce.kl_divergence against scipy: speed on 10^7 elements, accuracy on a stress set.

Run from the repository root with ``make bench`` (``.venv/bin/python -m benchmarks.bench_klce``);
the mpmath references and stress sets are the test suite's own, from ``tests/reference.py``.
"""

from __future__ import annotations

import numpy as np
import scipy.special
import scipy.stats

import klce
from tests.reference import best_of, mp_kl, rel_err, stress_sets

N = 10**7
REPEAT = 5


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
        t_klce = best_of(lambda qq=qq: klce.kl_divergence(p, qq), REPEAT)
        t_scipy = best_of(lambda qq=qq: scipy.special.rel_entr(p, qq).sum(), REPEAT)
        print(f"  {label}:")
        print(f"    klce.kl_divergence          {t_klce:8.4f} s")
        print(f"    scipy rel_entr(p, q).sum()  {t_scipy:8.4f} s")
        print(f"    ratio klce / scipy          {t_klce / t_scipy:8.3f}")


def accuracy() -> None:
    methods = {
        "klce.kl_divergence": klce.kl_divergence,
        "scipy rel_entr(p, q).sum()": lambda p, q: scipy.special.rel_entr(p, q).sum(),
        "scipy.stats.entropy(p, q)": scipy.stats.entropy,
    }
    print("\nmax relative error against mpmath (exact normalisation, 50 digits)")
    for name, cases in stress_sets().items():
        refs = [mp_kl(p, q) for p, q in cases]
        print(f"  {name} ({len(cases)} pairs, sizes 2..1000):")
        for label, f in methods.items():
            err = max(rel_err(f(p, q), r) for (p, q), r in zip(cases, refs, strict=True))
            print(f"    {label:28s} {err:10.2e}")


if __name__ == "__main__":
    speed()
    accuracy()
