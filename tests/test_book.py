"""Tests for klce.book: values glued at the precision the reader sees."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klce.book import fmt, glue


@given(st.floats(allow_nan=False, allow_infinity=False, width=64), st.integers(0, 6))
def test_fmt_scientific_rounds_to_the_digits_shown(x, digits):
    """The text reads back within half a unit of its last digit, and shows exactly that many."""
    text = fmt(x, f".{digits}e")
    mantissa, exponent = text.split("e")
    assert len(mantissa.lstrip("-").replace(".", "")) == digits + 1
    ulp_shown = Decimal(10) ** (int(exponent) - digits)
    assert abs(Decimal(text) - Decimal(x)) <= ulp_shown / 2  # exact: no float rounding here


@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_fmt_gives_numpy_scalars_the_text_of_their_value(x):
    # A float32 formatted through its own repr would show float32 digits ("0.1" for 0.1f);
    # fmt formats the value, so the text only depends on the number and the spec.
    assert fmt(np.float32(x), ".9e") == fmt(float(np.float32(x)), ".9e")
    assert fmt(np.float64(x), ".3g") == fmt(x, ".3g")


@given(st.floats(min_value=-1e6, max_value=1e6), st.integers(0, 8))
def test_fmt_keeps_only_the_digits_asked_for(x, digits):
    """Values one ulp apart print the same text except at a rounding boundary."""
    text = fmt(x, f".{digits}f")
    assert abs(float(text) - x) <= 0.5 * 10.0**-digits * (1 + 1e-9)


@pytest.mark.parametrize("value", [0.1, np.float64(2.5), np.float32(1.5)])
def test_fmt_refuses_floats_without_spec(value):
    with pytest.raises(ValueError, match="is a float: give a format spec"):
        fmt(value)


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_fmt_refuses_non_finite_numbers(value):
    with pytest.raises(ValueError, match="glue a word"):
        fmt(value, ".2f")


def test_fmt_exact_types_need_no_spec():
    assert fmt(np.int64(10_000), ",d") == "10,000"
    assert fmt(3) == "3"
    assert fmt("nats") == "nats"
    assert fmt(True) == "True"


def test_fmt_rejects_other_objects():
    with pytest.raises(ValueError, match="must be a number or a string, got list"):
        fmt([1, 2], ".2f")


def test_glue_stores_the_formatted_text(monkeypatch):
    stored = {}
    import myst_nb

    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display: stored.update({name: (value, display)})
    )
    assert glue("kl_pq", 0.29593831369002206, ".4f") == "0.2959"
    assert stored == {"kl_pq": ("0.2959", False)}


def test_glue_rejects_bad_names():
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        glue("kl-pq", 1)


# ----------------------------------------------------------------------------------------------
# The "Used in" rubric of the API page (code/_ext/klce_usage.py)


def test_usage_resolves_aliases_imports_and_module_aliases(tmp_path, monkeypatch):
    import json

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "code" / "_ext"))
    from klce_usage import usage

    def cell(kind, source):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        return {"cell_type": kind, "metadata": {}, "source": source, **extra}

    cells = [
        cell("markdown", "(sec-a)=\n## A"),
        cell("code", "import klce\nbern = klce.bernoulli_pmf  # an alias"),
        cell("markdown", "(sec-b)=\n## B"),
        cell("code", "p = bern(0.3)\nentropy = 1.0  # a local name, not klce.entropy"),
        cell("code", "from klce.numerics import numerical_gradient as ng\ng = apply(ng)"),
        cell("code", "%matplotlib inline\nimport klce.emulation as em\nem.kl_div(a, b)"),
        cell("code", "klce.information.kl_divergence(p, p)\nklce.plotting.COLORS['p'].upper()"),
    ]
    (tmp_path / "01_x.ipynb").write_text(json.dumps({"cells": cells}))
    used = usage(tmp_path)
    assert used["bernoulli_pmf"] == ["sec-a", "sec-b"]
    assert used["numerical_gradient"] == ["sec-b"]
    assert used["kl_div"] == ["sec-b"]
    assert used["kl_divergence"] == ["sec-b"]
    assert "entropy" not in used and "upper" not in used
