"""Benchmark klce.kl_divergence against SciPy: speed on 10^7 elements, accuracy on a stress set.

Run from the repository root with ``make bench``. Speed lives here, not in the test suite: the
ratio to ``scipy.special.rel_entr(p, q).sum(axis=-1)`` depends on the CPU's SIMD level (with
AVX-512 NumPy's float64 ``log`` is vectorised; without it, it is the C library's, element by
element), so the bar depends on it too: at most 1.0 times SciPy's time on every input mix with
AVX-512, 1.3 without. ``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL AVX512_SPR"`` mimics a CPU
without AVX-512. The script exits with status 1 if a ratio is over the bar.

Times are CPU times of this process (``time.process_time``; every call is single-threaded),
the best of REPEAT runs of each function taken alternately, so that a busy machine slows both.
The accuracy table uses the test suite's mpmath references (``tests/reference.py``).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import scipy
import scipy.special
import scipy.stats
from numpy.lib.introspect import opt_func_info

import klce

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from reference import mp_kl, rel_err, stress_sets  # the tests' mpmath oracle

N = 10**7
BATCH = (10**4, 10**3)
REPEAT = 7


# ---------------------------------------------------------------------------------------------
# The input mixes


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


# ---------------------------------------------------------------------------------------------
# Timing


def best_of_pair(f: Callable[[], object], g: Callable[[], object]) -> tuple[float, float]:
    """The shortest of REPEAT CPU times of ``f()`` and of ``g()``, run alternately."""
    best = [float("inf"), float("inf")]
    for _ in range(REPEAT):
        for k, fn in enumerate((f, g)):
            t0 = time.process_time()
            fn()
            best[k] = min(best[k], time.process_time() - t0)
    return best[0], best[1]


def ratio(p: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """CPU times of kl_divergence and of SciPy's rel_entr(p, q).sum(axis=-1)."""
    return best_of_pair(
        lambda: klce.kl_divergence(p, q), lambda: scipy.special.rel_entr(p, q).sum(axis=-1)
    )


def log_target() -> str:
    """The SIMD target of NumPy's float64 log on this CPU (public API, NumPy >= 2.0)."""
    return opt_func_info(func_name="^log$", signature="float64")["log"]["dd"]["current"]


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def speed(bar: float) -> float:
    print(f"\nspeed, CPU time, best of {REPEAT} alternating runs, n = {N:.0e} elements")
    print("(klce including its input validation)")
    print(f"  {'input':32s} {'klce (s)':>9s} {'scipy (s)':>10s} {'klce / scipy':>13s}")
    cases = speed_cases(N, BATCH)
    cases |= {
        f"{k:3d} % nearly equal (sweep)": pq for k, pq in mixed_cases(N, range(0, 101, 10)).items()
    }
    worst = 0.0
    for label, (p, q) in cases.items():
        t_klce, t_scipy = ratio(p, q)
        worst = max(worst, t_klce / t_scipy)
        print(f"  {label:32s} {t_klce:9.4f} {t_scipy:10.4f} {t_klce / t_scipy:13.3f}")
    verdict = "within" if worst <= bar else "OVER"
    print(f"  {'worst ratio':32s} {'':9s} {'':10s} {worst:13.3f}  ({verdict} the bar, {bar})")
    return worst


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


def main() -> int:
    target = log_target()
    avx512 = "X86_V4" in target or "AVX512" in target
    bar = 1.0 if avx512 else 1.3
    print(f"CPU: {cpu_name()}")
    print(f"NumPy {np.__version__}, float64 log dispatched to {target}; SciPy {scipy.__version__}")
    for var in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE"):
        if var in os.environ:
            print(f"  {var}={os.environ[var]}")
    worst = speed(bar)
    accuracy()
    return 0 if worst <= bar else 1


if __name__ == "__main__":
    sys.exit(main())
