"""Tests for klce.book: values glued at the precision the reader sees."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klce.book import (
    CODE_LINES_PER_MINUTE,
    EXERCISE_MINUTES,
    WORDS_PER_MINUTE,
    fmt,
    glue,
    power_of_ten,
    reading_time,
)


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


# ----------------------------------------------------------------------------------------------
# Powers of ten in the prose


@given(st.floats(min_value=1e-300, max_value=1e300), st.integers(0, 4))
def test_power_of_ten_reads_back_within_its_digits(x, digits):
    text = power_of_ten(x, digits)
    mantissa, _, power = text.rpartition(" × ")
    exponent = int(power.removeprefix("10").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
    value = Decimal(mantissa or "1") * Decimal(10) ** exponent
    assert abs(value - Decimal(x)) <= Decimal("0.5") * Decimal(10) ** (exponent - digits)
    assert mantissa != "1"  # "1 × 10ⁿ" is written "10ⁿ"


@pytest.mark.parametrize(
    ("value", "digits"), [(0.0, 0), (float("nan"), 0), (float("inf"), 0), (1.0, -1)]
)
def test_power_of_ten_refuses_what_it_cannot_write(value, digits):
    with pytest.raises(ValueError, match=r"value|digits"):
        power_of_ten(value, digits)


# ----------------------------------------------------------------------------------------------
# Reading times counted from a notebook


def _notebook(tmp_path, cells) -> Path:
    import json

    def cell(kind, source, tags=()):
        extra = {"outputs": [], "execution_count": None} if kind == "code" else {}
        return {"cell_type": kind, "metadata": {"tags": list(tags)}, "source": source, **extra}

    (tmp_path / "listing.py").write_text("a = 1\n\nb = 2\nc = 3\n")
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps({"cells": [cell(*c) for c in cells]}))
    return path


def test_reading_time_counts_what_the_reader_reads(tmp_path):
    path = _notebook(
        tmp_path,
        [
            ("markdown", "# Title\n\nOne two three $x^2 + y$ four {glue:text}`n` five."),
            ("code", "x = 1\n\ny = 2"),
            ("code", "hidden = 1", ["hide-input"]),
            ("code", "removed = 1", ["remove-cell"]),
            (
                "markdown",
                "```{literalinclude} listing.py\n```\n\n````{dropdown} More\n"
                "```{literalinclude} listing.py\n```\n````",
            ),
            ("markdown", "## Going further\n\nSix seven eight."),
            ("code", "z = 3"),
            (
                "markdown",
                "## Exercises\n\n```{exercise} A proof (hard)\n:label: ex-a\n"
                "Prove it.\n```\n\n```{exercise} A sum (easy)\nAdd.\n```",
            ),
            ("markdown", "## Summary\n\nNine ten."),
        ],
    )
    times = reading_time(path)
    # Title, One, two, three, a formula, four, a glued value, five; the heading words count too
    assert times.core_words == 8
    assert times.core_code_lines == 2 + 3  # the visible cell, the listing outside the dropdown
    assert (times.optional_words, times.optional_code_lines) == (5, 1)
    assert times.exercises == {"easy": 1, "medium": 0, "hard": 1}
    assert times.core_minutes == 8 / WORDS_PER_MINUTE + 5 / CODE_LINES_PER_MINUTE
    assert times.exercise_minutes == EXERCISE_MINUTES["easy"] + EXERCISE_MINUTES["hard"]


def test_reading_time_refuses_what_is_not_a_notebook(tmp_path):
    with pytest.raises(ValueError, match=r"path must be an existing \.ipynb file"):
        reading_time(tmp_path / "missing.ipynb")
