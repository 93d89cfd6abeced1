"""ruff finds nothing to fix in the library, the tests, the benchmarks and the notebooks."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

RUFF = str(Path(sys.executable).parent / "ruff")
TARGETS = ["code", "tests", "benchmarks", "chapters"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff_is_clean(command):
    proc = subprocess.run(
        [RUFF, *command, *TARGETS], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
