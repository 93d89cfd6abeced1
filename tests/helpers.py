"""Helpers shared by the test files (import them: ``from helpers import toc_files``).

The mpmath references and ``rel_err`` live in ``reference.py``, which the benchmark uses too.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml
from hypothesis import assume
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    """The pages of ``_toc.yml`` in book order: the root, then every part's chapters."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


@st.composite
def distributions(draw, n=None, min_weight=0.0, batch=None):
    """Probability vectors of ``n`` outcomes (1 to 12 if not given), normalised in float.

    Each weight is drawn from ``[min_weight, 1]``; ``batch`` rows stack along axis 0.
    """
    if n is None:
        n = draw(st.integers(1, 12))
    shape = (n,) if batch is None else (batch, n)
    size = math.prod(shape)
    w = np.array(draw(st.lists(st.floats(min_weight, 1.0), min_size=size, max_size=size)))
    w = w.reshape(shape)
    s = w.sum(axis=-1, keepdims=True)
    assume(np.all(s > 0))
    return w / s
