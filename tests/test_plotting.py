"""Tests for klce.plotting: the shared figure style."""

from __future__ import annotations

import math
import subprocess
import sys

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest

from klce.plotting import COLORS, FIGSIZE, unit_label, use_style

ROLES = {"p", "q", "kl", "cross_entropy", "entropy", "data", "fit", "neutral"}


@pytest.fixture
def restore_rcparams():
    saved = mpl.rcParams.copy()
    yield
    mpl.rcParams.update(saved)


def test_colors_cover_roles_and_are_distinct_valid_colours():
    assert set(COLORS) == ROLES
    rgb = [mcolors.to_rgb(c) for c in COLORS.values()]  # raises if invalid
    assert len(set(rgb)) == len(rgb)


def test_figsize():
    assert FIGSIZE == {"single": (6.4, 4.0), "wide": (10.0, 3.8), "square": (5.0, 5.0)}


def test_use_style_sets_rcparams(restore_rcparams):
    max_open = mpl.rcParams["figure.max_open_warning"]
    use_style()
    rc = mpl.rcParams
    assert rc["figure.dpi"] == 110
    assert rc["savefig.dpi"] == 150
    assert rc["font.size"] == 11
    assert rc["figure.constrained_layout.use"] is True
    assert rc["axes.grid"] is True
    assert rc["axes.spines.top"] is False
    assert rc["axes.spines.right"] is False
    assert rc["svg.hashsalt"] == "klce"
    assert rc["figure.figsize"] == list(FIGSIZE["single"])
    assert rc["axes.prop_cycle"].by_key()["color"] == list(COLORS.values())
    assert rc["figure.max_open_warning"] == max_open


def test_use_style_is_idempotent(restore_rcparams):
    use_style()
    first = dict(mpl.rcParams)
    use_style()
    assert dict(mpl.rcParams) == first


def test_figure_uses_style(restore_rcparams):
    import matplotlib.pyplot as plt

    use_style()
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1])
    assert mcolors.same_color(line.get_color(), COLORS["p"])
    assert fig.get_layout_engine() is not None
    plt.close(fig)


@pytest.mark.parametrize(
    ("base", "label"),
    [(None, "nats"), (math.e, "nats"), (2, "bits"), (2.0, "bits"), (10, "log base 10 units")],
)
def test_unit_label(base, label):
    assert unit_label(base) == label


@pytest.mark.parametrize("base", [1, 0, -2, math.inf])
def test_unit_label_rejects_invalid_base(base):
    with pytest.raises(ValueError, match=r"^base must be"):
        unit_label(base)


def test_import_klce_does_not_import_matplotlib():
    code = "import sys, klce; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
