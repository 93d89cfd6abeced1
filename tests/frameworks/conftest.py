"""The framework tier: the book's claims checked against the real libraries.

Run it with ``make test-frameworks``, which installs PyTorch, scikit-learn
and Keras (JAX backend) into ``.venv-frameworks``. Nothing here skips: if a
library is missing, the tier fails at start-up, under CI=true or not. The
versions tested are printed in the report header and in the summary.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "code" / "frameworks"
if str(SNIPPETS) not in sys.path:
    sys.path.insert(0, str(SNIPPETS))

from klce import framework_facts  # noqa: E402

# Keras reads its backend once, at import: fix it before any test imports it.
os.environ["KERAS_BACKEND"] = framework_facts.KERAS_BACKEND

# (import name, distribution name in framework_facts.VERSIONS)
LIBRARIES = (
    ("torch", "torch"),
    ("sklearn", "scikit-learn"),
    ("keras", "keras"),
    ("jax", "jax"),
    ("stable_baselines3", "stable-baselines3"),
)


def _import_all() -> dict[str, str]:
    versions, missing = {}, []
    for module, dist in LIBRARIES:
        try:
            versions[dist] = importlib.import_module(module).__version__
        except ImportError as err:
            missing.append(f"{module} ({err})")
    if missing:
        raise pytest.UsageError(
            "the framework tier needs the real libraries and does not skip: "
            f"cannot import {', '.join(missing)}. Run `make test-frameworks`, "
            "which installs requirements-frameworks.txt into .venv-frameworks."
        )
    return versions


VERSIONS = _import_all()


def _versions_text() -> str:
    import keras

    found = ", ".join(f"{dist} {v}" for dist, v in VERSIONS.items())
    return f"{found}; Keras backend: {keras.backend.backend()}"


# Which cells of chapter 6's conventions table each test checks: a test marked
# ``@pytest.mark.cell("torch_kl_div", "reduction")`` (or a parameter marked so)
# checks that cell of the row with that key. test_fw_facts.py requires a test for
# every cell that a row of framework_facts.ROWS declares checked (the table's ✓).
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cell(key, field): the test checks that cell of framework_facts.ROWS",
    )


def _cell_marks_of(module: Any) -> set[tuple[str, str]]:
    found = set()
    for name, obj in vars(module).items():
        if not (name.startswith("test_") and callable(obj)):
            continue
        for mark in getattr(obj, "pytestmark", []):
            if mark.name == "cell":
                found.add(tuple(mark.args))
            elif mark.name == "parametrize":
                for value in mark.args[1]:
                    for m in getattr(value, "marks", ()):
                        if m.name == "cell":
                            found.add(tuple(m.args))
    return found


@pytest.fixture(scope="session")
def cell_marks() -> set[tuple[str, str]]:
    """Every (row key, cell) that a test of this tier is marked as checking.

    Read from the marks of every test module here, whether or not this run
    collected it (``pytest tests/frameworks/test_fw_facts.py`` alone works).
    """
    here = Path(__file__).parent
    marks: set[tuple[str, str]] = set()
    for path in sorted(here.glob("test_*.py")):
        marks |= _cell_marks_of(importlib.import_module(path.stem))
    return marks


def pytest_report_header(config: pytest.Config) -> str:
    return f"frameworks tested: {_versions_text()}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"frameworks tested: {_versions_text()}")


@pytest.fixture
def snippet() -> Callable[..., dict[str, Any]]:
    """Run a file of code/frameworks and return its global names."""

    def run(name: str, *, as_main: bool = False) -> dict[str, Any]:
        path = SNIPPETS / f"{name}.py"
        return runpy.run_path(str(path), run_name="__main__" if as_main else name)

    return run
