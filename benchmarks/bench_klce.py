"""Benchmark klce.kl_divergence against scipy: speed on 10^7 elements, accuracy on a stress set.

Run from the repository root with ``make bench`` (``.venv/bin/python -m benchmarks.bench_klce``);
the speed cases, mpmath references and stress sets are the test suite's own, from
``tests/reference.py``. The speed depends on the SIMD level NumPy dispatches to (without
AVX-512, NumPy's float64 ``log`` is the C library's, element by element), so it is printed with
the figures; ``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`` mimics a CPU without
AVX-512.
"""

from __future__ import annotations

import os
import platform

import numpy as np
import scipy
import scipy.special
import scipy.stats
from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__

import klce
from tests.reference import best_of_pair, mixed_cases, mp_kl, rel_err, speed_cases, stress_sets

N = 10**7
BATCH = (10**4, 10**3)
REPEAT = 7


def simd_level() -> str:
    """NumPy's SIMD baseline and the dispatch targets found / not found on this CPU.

    The same lists as ``np.show_runtime()`` (``simd_extensions``), from NumPy's CPU tables.
    """
    found = [f for f in __cpu_dispatch__ if __cpu_features__[f]]
    not_found = [f for f in __cpu_dispatch__ if not __cpu_features__[f]]
    return (
        f"baseline {' '.join(__cpu_baseline__)}; found {' '.join(found) or '-'}; "
        f"not found {' '.join(not_found) or '-'}"
    )


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timings(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """Best wall-clock times of klce.kl_divergence and rel_entr(p, q).sum(axis=-1), alternating."""
    return best_of_pair(
        lambda: klce.kl_divergence(p, q),
        lambda: scipy.special.rel_entr(p, q).sum(axis=-1),
        REPEAT,
    )


def speed() -> None:
    print(f"CPU: {cpu_name()}")
    print(f"NumPy {np.__version__} SIMD: {simd_level()}")
    for var in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE"):
        if var in os.environ:
            print(f"  {var}={os.environ[var]}")
    print(f"SciPy {scipy.__version__}, klce {klce.__version__}")
    print(
        f"\nspeed, wall clock, best of {REPEAT} alternating runs, n = {N:.0e} elements "
        "(klce including its input validation)"
    )
    print(f"  {'input':32s} {'klce (s)':>9s} {'scipy (s)':>10s} {'klce / scipy':>13s}")
    ratios = []
    for label, (p, q) in speed_cases(N, BATCH).items():
        t_klce, t_scipy = timings(p, q)
        ratios.append(t_klce / t_scipy)
        print(f"  {label:32s} {t_klce:9.4f} {t_scipy:10.4f} {ratios[-1]:13.3f}")
    print(f"  {'worst ratio':32s} {'':9s} {'':10s} {max(ratios):13.3f}")


def sweep() -> None:
    """The ratio over every share of nearly equal outcomes, 0 % to 100 % in steps of 10 %."""
    print(f"\nspeed over the share of nearly equal outcomes (n = {N:.0e}, best of {REPEAT})")
    ratios = []
    for percent, (p, q) in mixed_cases(N, range(0, 101, 10)).items():
        t_klce, t_scipy = timings(p, q)
        ratios.append(t_klce / t_scipy)
        print(f"  {percent:3d} % {t_klce:9.4f} s {t_scipy:9.4f} s {ratios[-1]:7.3f}")
    print(f"  worst ratio {max(ratios):.3f}")


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
    sweep()
    accuracy()
