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

from klce import framework_facts as facts  # noqa: E402

# Keras reads its backend once, at import: fix it before any test imports it.
os.environ["KERAS_BACKEND"] = facts.KERAS_BACKEND

# (import name, distribution name in facts.VERSIONS)
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
