"""klce: KL divergence, cross-entropy and friends, computed carefully.

Helper library for the book *KL Divergence vs. Cross-Entropy in Practice*.

Modules
-------
information
    :func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence` of discrete
    distributions (validated, never renormalised, accurate for nearly equal
    distributions); :func:`bernoulli_pmf` for a coin.
logits
    :func:`log_softmax`, :func:`softmax`, :func:`cross_entropy_from_logits`
    (integer labels or probability targets, label smoothing),
    :func:`binary_cross_entropy`, :func:`binary_cross_entropy_from_logits`.
estimation
    :func:`estimate_cross_entropy` from samples, with a Student-t confidence
    interval (:class:`CrossEntropyEstimate`), and
    :func:`estimate_cross_entropy_from_counts` for many sets of outcome
    counts at once.
gaussian
    :func:`gaussian_nll`, :func:`gaussian_kl`, :func:`gaussian_entropy`,
    :func:`mse`.
coding
    :func:`huffman_code_lengths`, :func:`shannon_code_lengths`,
    :func:`expected_code_length`.
numerics
    :func:`~klce.numerics.numerical_gradient`, central differences used to
    check gradient formulas against the loss values, and
    :func:`~klce.numerics.gradient_descent`, which returns the path.
emulation
    NumPy mirrors of framework conventions for the chapters' illustrations:
    :func:`~klce.emulation.kl_div` (PyTorch's ``F.kl_div``) and
    :func:`~klce.emulation.sigmoid_float32`.
plotting
    Shared figure style (``COLORS``, ``FIGSIZE``, ``use_style``,
    ``unit_label``); import it explicitly as ``klce.plotting`` (it needs
    matplotlib, which ``import klce`` does not load).
framework_facts
    What the book states about PyTorch, scikit-learn, Keras and SB3, as
    constants the framework tier checks (import it explicitly).
book
    :func:`~klce.book.glue` and the reading-time count for the chapters
    (import it explicitly).

Conventions: ``axis=-1`` is the distribution axis and leading axes broadcast;
``base=None`` gives nats, ``base=2`` bits; invalid input raises ``ValueError``
naming the argument and the offending index.
"""

from klce import emulation, numerics
from klce.coding import expected_code_length, huffman_code_lengths, shannon_code_lengths
from klce.estimation import (
    CrossEntropyEstimate,
    estimate_cross_entropy,
    estimate_cross_entropy_from_counts,
)
from klce.gaussian import gaussian_entropy, gaussian_kl, gaussian_nll, mse
from klce.information import bernoulli_pmf, cross_entropy, entropy, kl_divergence
from klce.logits import (
    binary_cross_entropy,
    binary_cross_entropy_from_logits,
    cross_entropy_from_logits,
    log_softmax,
    softmax,
)

__version__ = "0.1.0"

__all__ = [
    "CrossEntropyEstimate",
    "__version__",
    "bernoulli_pmf",
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "cross_entropy",
    "cross_entropy_from_logits",
    "emulation",
    "entropy",
    "estimate_cross_entropy",
    "estimate_cross_entropy_from_counts",
    "expected_code_length",
    "gaussian_entropy",
    "gaussian_kl",
    "gaussian_nll",
    "huffman_code_lengths",
    "kl_divergence",
    "log_softmax",
    "mse",
    "numerics",
    "shannon_code_lengths",
    "softmax",
]
