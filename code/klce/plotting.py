"""One figure style for the whole book.

Import explicitly (``import klce.plotting``); ``import klce`` does not load
matplotlib. Call :func:`use_style` once at the top of a chapter, then use
:data:`COLORS` for the roles of the curves and :data:`FIGSIZE` for the figure
sizes, so that every chapter looks the same on the website and in the PDF.
"""

from __future__ import annotations

import matplotlib as mpl
from cycler import cycler

from klce._validation import log_base

__all__ = ["COLORS", "FIGSIZE", "FIGURE_DPI", "MIN_FONT_PT", "unit_label", "use_style"]

#: Colour of each role in a figure, from the colour-blind-safe Okabe-Ito palette.
COLORS: dict[str, str] = {
    "p": "#0072B2",  # blue: the true distribution P
    "q": "#D55E00",  # vermillion: the model Q
    "kl": "#CC79A7",  # reddish purple: KL divergence
    "cross_entropy": "#E69F00",  # orange: cross-entropy
    "entropy": "#009E73",  # bluish green: entropy
    "data": "#56B4E9",  # sky blue: samples, histograms
    "fit": "#000000",  # black: fitted curves
    "neutral": "#999999",  # grey: reference lines, annotations
}

#: Figure sizes in inches, chosen to fit a PDF text width (about 6.5 in) and the website.
FIGSIZE: dict[str, tuple[float, float]] = {
    "single": (6.4, 4.0),
    "wide": (10.0, 3.8),
    "square": (5.0, 5.0),
}

#: Pixels per inch of the figures a notebook stores (matplotlib's inline backend uses
#: ``figure.dpi``). The website shows a figure at this size, or scaled down to the column if it
#: is wider.
FIGURE_DPI = 110

#: The smallest text in a figure (tick labels and legends), in points.
#: At :data:`FIGURE_DPI` it is 16.8 px in the stored image, so even a "wide" figure scaled down to
#: the 1280 px page's column (about 700 of its 1,100 px) shows it at 10 CSS px or more; no figure
#: sets a smaller size.
MIN_FONT_PT = 11

_RC = {
    "figure.figsize": FIGSIZE["single"],
    "figure.dpi": FIGURE_DPI,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 12,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "grid.alpha": 1.0,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(COLORS.values())),
    "lines.linewidth": 2.0,
    "svg.hashsalt": "klce",
}


def use_style() -> None:
    """Apply the book's figure style to matplotlib's ``rcParams``.

    Sets font sizes (12 pt text; ticks and legends at :data:`MIN_FONT_PT`),
    bold-ish axes titles, a light grid, no top or right spines, the
    :data:`COLORS` colour cycle, ``figure.dpi`` = :data:`FIGURE_DPI`,
    ``savefig.dpi = 150``, constrained layout and a fixed ``svg.hashsalt`` (so
    SVG output is reproducible). Nothing else is changed; in particular
    ``figure.max_open_warning`` keeps its value. Calling it again is harmless;
    ``matplotlib.rcdefaults()`` undoes it.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from klce.plotting import use_style
    >>> use_style()
    >>> mpl.rcParams["figure.dpi"], mpl.rcParams["axes.spines.top"]
    (110.0, False)
    >>> mpl.rcdefaults()
    """
    mpl.rcParams.update(_RC)


def unit_label(base: float | None = None) -> str:
    """Name of the information unit for a logarithm base, for axis labels.

    Parameters
    ----------
    base : float, optional
        ``None`` (natural log, the default) or ``e`` give ``"nats"``, ``2``
        gives ``"bits"``, anything else ``"log base {base} units"``.

    Returns
    -------
    str
        The unit name.

    Raises
    ------
    ValueError
        If `base` is not finite, > 0 and != 1.

    Examples
    --------
    >>> from klce.plotting import unit_label
    >>> unit_label(), unit_label(2), unit_label(10)
    ('nats', 'bits', 'log base 10 units')
    """
    lb = log_base(base)
    if lb is None or lb == 1.0:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base} units"
