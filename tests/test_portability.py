"""The stored outputs reproduce under a second numeric configuration, not only on this machine.

nbval (run by the same `pytest` call, on `chapters/`) proves the stored outputs current under the
machine's own configuration. Here every chapter is run by nbval again, in a fresh process, under
the configuration of another machine:

- another OpenBLAS kernel (``OPENBLAS_CORETYPE=Prescott``, what an older x86 CPU would pick) on
  one thread (``OPENBLAS_NUM_THREADS=1``), so BLAS sums run in another order;
- NumPy's AVX-512 paths off (``NPY_DISABLE_CPU_FEATURES``), so ``log``, ``exp`` and reductions
  take the AVX2 or SSE kernels, which can differ in the last place.

Where the CPU lacks AVX-512 the second setting changes nothing, and the first still does. Both
runs compare against the same stored outputs: the chapters glue and print only the digits that
every IEEE-754 machine agrees on (README, "Portable outputs").
"""

import os
import subprocess
import sys

import pytest
from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

SECOND_CONFIGURATION = {
    "OPENBLAS_CORETYPE": "Prescott",
    "OPENBLAS_NUM_THREADS": "1",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
}


def test_the_second_configuration_changes_numpy():
    """NumPy starts under the second configuration and reports what it dispatches to."""
    groups = SECOND_CONFIGURATION["NPY_DISABLE_CPU_FEATURES"].split()
    code = "from numpy._core._multiarray_umath import __cpu_features__ as f; "
    code += f"print(*[f.get(g, False) for g in {groups!r}])"
    env = {**os.environ, **SECOND_CONFIGURATION}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False"] * len(groups), "AVX-512 dispatch is still on"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_reproduces_under_a_second_numeric_configuration(path):
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval"]
    cmd += ["--nbval-current-env", "-o", "addopts=", str(path.relative_to(ROOT))]
    env = {**os.environ, **SECOND_CONFIGURATION, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
