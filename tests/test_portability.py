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
every IEEE-754 machine agrees on (CONTRIBUTING.md, "Portable outputs"). The chapter runs are
marked slow: `make test` runs them, `make test-fast` does not.
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
    """Under the second configuration NumPy's float64 log is not dispatched to AVX-512."""
    code = "from numpy.lib.introspect import opt_func_info as f; "
    code += "print(f(func_name='^log$', signature='float64')['log']['dd']['current'])"
    env = {**os.environ, **SECOND_CONFIGURATION}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    target = out.stdout.strip()
    assert target and "X86_V4" not in target and "AVX512" not in target, target


@pytest.mark.slow  # re-executes every notebook, which nbval has just done once
@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_reproduces_under_a_second_numeric_configuration(path):
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval"]
    cmd += ["--nbval-current-env", "-o", "addopts=", str(path.relative_to(ROOT))]
    env = {**os.environ, **SECOND_CONFIGURATION, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
