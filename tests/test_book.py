"""Tests for klce.book: values glued at the precision the reader sees."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klce.book import fmt, glue


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_fmt_is_format_of_the_float(x):
    assert fmt(x, ".4e") == format(x, ".4e")
    assert fmt(np.float64(x), ".3g") == format(x, ".3g")


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
