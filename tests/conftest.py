"""Shared fixtures: a derandomised hypothesis profile and one build of the book per test session."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# Property tests are reproducible: the same examples on every run, no deadline on a busy CI box.
settings.register_profile("book", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("book")


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Accept addopts' nbval flags when nbval is switched off (`-p no:nbval`), and ignore them."""
    if pluginmanager.is_blocked("nbval"):
        group = parser.getgroup("nbval (switched off)")
        group.addoption("--nbval", action="store_true", help="ignored: nbval is off")
        group.addoption("--nbval-current-env", action="store_true", help="ignored: nbval is off")


@dataclass(frozen=True)
class Build:
    """The result of one `jupyter-book build`."""

    html: Path  # the folder holding index.html
    log: str  # stdout and stderr together
    returncode: int

    @property
    def warnings(self) -> list[str]:
        """The lines of the log that report a Sphinx warning or error."""
        return [
            line
            for line in self.log.splitlines()
            if "WARNING" in line or "ERROR" in line or "CRITICAL" in line
        ]


def build_book(out: Path, *extra: str) -> Build:
    """Build the book strictly (-W -n --keep-going) into ``out`` and return what happened."""
    cmd = [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"]
    cmd += ["--path-output", str(out), *extra]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=1200, check=False
    )
    return Build(out / "_build" / "html", proc.stdout + proc.stderr, proc.returncode)


@pytest.fixture(scope="session")
def book_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The instructor's (full) HTML build, made once and shared by every test that needs it."""
    return build_book(tmp_path_factory.mktemp("book"))


def _clean_make_env() -> dict[str, str]:
    """The environment for a nested `make`: without the outer make's flags (jobserver, -n ...)."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return {**env, "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="session")
def student_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The student site, built once per session by the real `make book-student` recipe.

    The output goes to a temporary STUDENT_DIR; the tools are the ones running the tests (BIN);
    `-o` keeps make from reinstalling requirements.
    """
    out = tmp_path_factory.mktemp("student")
    cmd = ["make", "--no-print-directory", "-o", ".venv/.requirements-installed", "book-student"]
    cmd += [f"BIN={BIN}", f"STUDENT_DIR={out}"]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_clean_make_env(),
        stdin=subprocess.DEVNULL,
        timeout=1200,
        check=False,
    )
    return Build(out / "html", proc.stdout + proc.stderr, proc.returncode)
