"""What the book states about PyTorch, scikit-learn, Keras and Stable-Baselines3, in one place.

Chapter 6's conventions table (:func:`conventions_table`) and the prose take
the library versions and constants (epsilons, clamp values, caps) from this
module, and ``make test-frameworks`` asserts every one of them against the
real libraries (``tests/frameworks/test_fw_facts.py``). When a library changes
behaviour, that tier fails and this file is where the book is corrected.

The module imports neither PyTorch nor scikit-learn nor Keras, so the book
builds and its chapters run without them: ``from klce import framework_facts``.
The framework code the book shows lives in ``code/frameworks/``.

Examples
--------
>>> from klce import framework_facts as facts
>>> caps = facts.SKLEARN_CAP
>>> round(caps["float32"], 2), round(caps["float64"], 2)
(15.94, 36.04)
>>> facts.TORCH_BCE_MAX_LOSS
100.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "HALF_LOG_2PI",
    "KERAS_BACKEND",
    "KERAS_BINARY_CAP_LABEL0_FLOAT32",
    "KERAS_CAP",
    "KERAS_EPSILON",
    "KERAS_FLOATX",
    "KERAS_REDUCTION_DEFAULT",
    "ROWS",
    "SB3_PPO_KL_STOP_FACTOR",
    "SKLEARN_CAP",
    "SKLEARN_EPS",
    "SKLEARN_EPS_BEFORE_1_3",
    "SKLEARN_PROBA_KEYWORD",
    "TORCH_BCE_LOG_CLAMP",
    "TORCH_BCE_MAX_LOSS",
    "TORCH_FLOAT32_SIGMOID_ONE_ABOVE",
    "TORCH_FLOAT32_SIGMOID_ONE_FROM",
    "TORCH_GAUSSIAN_NLL_EPS",
    "TORCH_IGNORE_INDEX",
    "TORCH_KL_DIV_MEAN_WARNS",
    "TORCH_REDUCTION_DEFAULT",
    "VERSIONS",
    "Row",
    "conventions_table",
    "versions_line",
]

# The versions the tier installs (requirements-frameworks.txt) and tested.
VERSIONS: dict[str, str] = {
    "torch": "2.13.0",
    "scikit-learn": "1.9.1",
    "keras": "3.15.1",
    "jax": "0.10.2",
    "stable-baselines3": "2.9.2",
}
KERAS_BACKEND = "jax"

# --- PyTorch --------------------------------------------------------------
TORCH_REDUCTION_DEFAULT = "mean"  # every loss in torch.nn.functional
TORCH_IGNORE_INDEX = -100  # F.cross_entropy / F.nll_loss default
# F.kl_div(reduction="mean") emits a UserWarning recommending "batchmean".
TORCH_KL_DIV_MEAN_WARNS = True
# BCELoss clamps log(p) and log(1 - p) to >= -100: each term is at most 100.
TORCH_BCE_LOG_CLAMP = -100.0
TORCH_BCE_MAX_LOSS = -TORCH_BCE_LOG_CLAMP
# The smallest integer logit whose float32 torch.sigmoid is exactly 1.0, so
# that BCE from probabilities reports the clamp (100) for label 0 while the
# logit route gives the logit itself.
TORCH_FLOAT32_SIGMOID_ONE_FROM = 17
# The exact threshold: float32 sigmoid(z) rounds to 1 once exp(-z) < 2**-24, z > 24 log 2.
TORCH_FLOAT32_SIGMOID_ONE_ABOVE = 24 * math.log(2.0)
TORCH_GAUSSIAN_NLL_EPS = 1e-6  # GaussianNLLLoss clamps var to >= eps
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)  # what full=False leaves out

# --- scikit-learn ---------------------------------------------------------
# log_loss clips probabilities to [eps, 1 - eps], eps = finfo(dtype).eps,
# so one sample costs at most -log(eps) nats: the cap depends on the dtype.
SKLEARN_EPS: dict[str, float] = {"float32": 2.0**-23, "float64": 2.0**-52}
SKLEARN_CAP: dict[str, float] = {k: -math.log(v) for k, v in SKLEARN_EPS.items()}
SKLEARN_PROBA_KEYWORD = "y_proba"  # renamed from y_pred in 1.9
# History, not checkable against the installed version: before 1.3 the
# default was a fixed eps=1e-15; 1.3 made it "auto" (the dtype's eps) and
# 1.5 removed the parameter.
SKLEARN_EPS_BEFORE_1_3 = 1e-15

# --- Keras 3 --------------------------------------------------------------
# keras.config.epsilon(): probabilities are clipped to [eps, 1 - eps] (the
# JAX, PyTorch and NumPy backends; the TensorFlow backend first recovers
# the logits when the probabilities come from a softmax/sigmoid layer).
KERAS_EPSILON = 1e-7
KERAS_CAP = -math.log(KERAS_EPSILON)  # in float64; float32 rounds it
# BinaryCrossentropy on probabilities, label 0 and p = 1: in float32, 1 - eps
# rounds to 1 - 2**-23, so the cap for that side is 23 log 2, not -log(eps).
KERAS_BINARY_CAP_LABEL0_FLOAT32 = -math.log(2.0**-23)
KERAS_REDUCTION_DEFAULT = "sum_over_batch_size"
KERAS_FLOATX = "float32"  # Keras computes its losses in this dtype

# --- Stable-Baselines3 -------------------------------------------------------
# PPO computes approx_kl = mean((r - 1) - log r) before each gradient step and stops the
# rollout's remaining updates (all remaining epochs) once it exceeds this factor
# times target_kl; the mean is over the current minibatch.
SB3_PPO_KL_STOP_FACTOR = 1.5


@dataclass(frozen=True)
class Row:
    """One row of chapter 6's conventions table.

    Attributes
    ----------
    key : str
        Identifier the tier uses to find this row's checks.
    library : str
        The library's name.
    call : str
        The function or class, as Markdown.
    takes : str
        What its arguments are (logits, probabilities, log-probabilities).
    reduction : str
        Its default reduction over a batch.
    clip : str
        Any clipping or epsilon it applies.
    dtype : str
        What changes between float32 and float64.
    """

    key: str
    library: str
    call: str
    takes: str
    reduction: str
    clip: str
    dtype: str


def _g(x: float) -> str:
    """Format a constant for the table (``1e-06``, ``36.04``)."""
    return f"{x:.0e}" if x < 1e-3 else f"{x:.2f}"


ROWS: tuple[Row, ...] = (
    Row(
        "torch_cross_entropy",
        "PyTorch",
        "`F.cross_entropy(input, target)`, `nn.CrossEntropyLoss`",
        "logits; integer labels or class probabilities",
        f"`'{TORCH_REDUCTION_DEFAULT}'` over the batch; with `weight=`, Σ w ℓ / Σ w",
        f"none; `label_smoothing` mixes in the uniform; `ignore_index={TORCH_IGNORE_INDEX}`",
        "none: computed stably in log space",
    ),
    Row(
        "torch_nll_loss",
        "PyTorch",
        "`F.nll_loss(input, target)`, `nn.NLLLoss`",
        "log-probabilities; integer labels",
        f"`'{TORCH_REDUCTION_DEFAULT}'`",
        "none",
        "none",
    ),
    Row(
        "torch_kl_div",
        "PyTorch",
        "`F.kl_div(input, target)`, `nn.KLDivLoss`",
        "model **log**-probabilities first; target probabilities "
        "(log-probabilities with `log_target=True`)",
        f"`'{TORCH_REDUCTION_DEFAULT}'` over all N K entries, with a warning; "
        "`'batchmean'` is the KL",
        "none; 0 log 0 = 0",
        "none",
    ),
    Row(
        "torch_bce",
        "PyTorch",
        "`F.binary_cross_entropy(input, target)`, `nn.BCELoss`",
        "probabilities",
        f"`'{TORCH_REDUCTION_DEFAULT}'` over all elements",
        f"log clamped at {TORCH_BCE_LOG_CLAMP:.0f}: a term is at most {TORCH_BCE_MAX_LOSS:.0f}",
        "float32: σ(z) rounds to 1 above "
        f"z = {TORCH_FLOAT32_SIGMOID_ONE_ABOVE:.2f} (24 log 2), so label 0 costs "
        f"{TORCH_BCE_MAX_LOSS:.0f}, not z",
    ),
    Row(
        "torch_bce_with_logits",
        "PyTorch",
        "`F.binary_cross_entropy_with_logits`, `nn.BCEWithLogitsLoss`",
        "logits",
        f"`'{TORCH_REDUCTION_DEFAULT}'` over all elements",
        "none; `pos_weight` multiplies the positive term",
        "none: computed stably in log space",
    ),
    Row(
        "torch_gaussian_nll",
        "PyTorch",
        "`nn.GaussianNLLLoss()(input, target, var)`",
        "mean and **variance**",
        f"`'{TORCH_REDUCTION_DEFAULT}'`",
        f"variance clamped up to eps = {_g(TORCH_GAUSSIAN_NLL_EPS)}; "
        f"`full=False` leaves out ½ log 2π = {HALF_LOG_2PI:.3f}",
        "none",
    ),
    Row(
        "torch_distributions_kl",
        "PyTorch",
        "`torch.distributions.kl_divergence(p, q)`",
        "distribution objects; KL(p ‖ q) in math order",
        "none: one value per batch element",
        "none; closed form where registered",
        "none",
    ),
    Row(
        "sklearn_log_loss",
        "scikit-learn",
        f"`log_loss(y_true, {SKLEARN_PROBA_KEYWORD})`",
        "labels; probabilities",
        "mean (`normalize=True`)",
        "clips to [c, 1 − c], c = machine epsilon of the input's dtype; "
        "warns on rows that do not sum to 1",
        f"cap per sample: {_g(SKLEARN_CAP['float64'])} nats in float64, "
        f"{_g(SKLEARN_CAP['float32'])} in float32",
    ),
    Row(
        "keras_categorical",
        "Keras",
        "`CategoricalCrossentropy`",
        "probabilities, or logits with `from_logits=True`",
        f"`'{KERAS_REDUCTION_DEFAULT}'` (batch mean)",
        "probabilities: rows rescaled to sum 1, then clipped to "
        f"[{_g(KERAS_EPSILON)}, 1 − {_g(KERAS_EPSILON)}]; logits: none",
        f"{KERAS_FLOATX}: cap {_g(KERAS_CAP)} nats; logits without "
        "`from_logits=True` "
        "give a wrong value silently",
    ),
    Row(
        "keras_binary",
        "Keras",
        "`BinaryCrossentropy`",
        "probabilities, or logits with `from_logits=True`",
        f"`'{KERAS_REDUCTION_DEFAULT}'`: mean over outputs, then batch",
        f"probabilities clipped to [{_g(KERAS_EPSILON)}, 1 − {_g(KERAS_EPSILON)}]; logits: none",
        f"{KERAS_FLOATX}: cap {_g(KERAS_CAP)} nats for label 1, "
        f"{_g(KERAS_BINARY_CAP_LABEL0_FLOAT32)} for label 0; "
        "logits without `from_logits=True` give a wrong value silently",
    ),
    Row(
        "keras_kl",
        "Keras",
        "`KLDivergence`",
        "probabilities",
        f"`'{KERAS_REDUCTION_DEFAULT}'` (batch mean)",
        f"clips **both** arguments to [{_g(KERAS_EPSILON)}, 1]",
        f"{KERAS_FLOATX}; the clipping keeps it finite",
    ),
)

_HEADER = (
    "Library",
    "Call",
    "Takes",
    "Default reduction",
    "Clip or epsilon",
    "dtype",
)


def conventions_table() -> str:
    """Render the rows of ``ROWS`` as a Markdown table.

    Returns
    -------
    str
        The header, the separator and one line per row, ending in a newline.
    """
    lines = ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    for r in ROWS:
        cells = (r.library, r.call, r.takes, r.reduction, r.clip, r.dtype)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def versions_line() -> str:
    """Return the tested versions as one sentence for the book.

    Returns
    -------
    str
        For example ``"Checked against torch 2.13.0, ... (Keras on jax)."``.
    """
    parts = ", ".join(f"{name} {v}" for name, v in VERSIONS.items())
    return f"Checked against {parts} (Keras on the {KERAS_BACKEND} backend)."
