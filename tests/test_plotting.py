"""Tests for klce.plotting: the shared figure style."""

from __future__ import annotations

import math
import subprocess
import sys

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest

from klce.plotting import COLORS, FIGSIZE, FIGURE_DPI, MIN_FONT_PT, unit_label, use_style

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


@pytest.mark.parametrize("size", list(FIGSIZE))
def test_smallest_text_stays_readable_when_the_figure_is_scaled_to_the_column(size):
    # The stored image is width * FIGURE_DPI px; the page's column shows at most about 700 CSS px
    # of it (plotting.py, MIN_FONT_PT). The smallest text must keep 10 CSS px or more.
    width, height = FIGSIZE[size]
    assert width > 0 and height > 0
    scale = min(1.0, 700 / (width * FIGURE_DPI))
    assert MIN_FONT_PT * FIGURE_DPI / 72 * scale >= 10


def test_a_figure_drawn_after_use_style_has_the_stated_sizes(restore_rcparams):
    import matplotlib.pyplot as plt

    max_open = mpl.rcParams["figure.max_open_warning"]
    use_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="p")
    ax.set(xlabel="x", ylabel="y", title="t")
    legend = ax.legend()
    fig.canvas.draw()
    assert tuple(fig.get_size_inches()) == FIGSIZE["single"]
    assert fig.dpi == FIGURE_DPI
    ticks = ax.get_xticklabels() + ax.get_yticklabels()
    texts = [*ticks, *legend.get_texts(), ax.xaxis.label, ax.yaxis.label, ax.title]
    assert min(t.get_fontsize() for t in texts) >= MIN_FONT_PT  # the docstring's promise
    assert min(t.get_fontsize() for t in ticks) == MIN_FONT_PT
    assert ax.xaxis.label.get_fontsize() == 12
    assert ax.title.get_fontweight() == "bold"
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert all(line.get_visible() for line in ax.get_xgridlines())
    assert mpl.rcParams["figure.max_open_warning"] == max_open  # nothing else is changed
    plt.close(fig)


def test_svg_output_is_reproducible(restore_rcparams):
    import io

    import matplotlib.pyplot as plt

    use_style()
    svgs = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [1, 0, 2])
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        svgs.append(buf.getvalue())
        plt.close(fig)
    assert svgs[0] == svgs[1]


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
