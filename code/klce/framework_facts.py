"""What the book states about PyTorch, scikit-learn, Keras and Stable-Baselines3, in one place.

Chapter 6's conventions table (:func:`conventions_table`) and the prose take
the library versions and constants (epsilons, clamp values, caps) from this
module, and ``make test-frameworks`` asserts them against the real libraries
(``tests/frameworks/``): every cell of the conventions table, every row of
chapter 5's likelihood-to-loss table (``likelihood_loss_table``), and the
Stable-Baselines3 row of the table of PPO implementations
(``ppo_approx_kl_table``; its other rows cite the implementations' source).
When a library changes behaviour, that tier fails and this file is where the
book is corrected.

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
from typing import NamedTuple

__all__ = [
    "CELLS",
    "HALF_LOG_2PI",
    "KERAS_BACKEND",
    "KERAS_BINARY_CAP_LABEL0_FLOAT32",
    "KERAS_CAP",
    "KERAS_EPSILON",
    "KERAS_FLOATX",
    "KERAS_KL_SIGMOID_LABELS",
    "KERAS_KL_SIGMOID_LOGITS",
    "KERAS_REDUCTION_DEFAULT",
    "KL_ESTIMATORS",
    "LIKELIHOOD_LOSSES",
    "PPO_APPROX_KL",
    "ROWS",
    "SB3_PPO_KL_STOP_FACTOR",
    "SKLEARN_CAP",
    "SKLEARN_EPS",
    "SKLEARN_EPS_AUTO_SINCE",
    "SKLEARN_EPS_BEFORE_1_2",
    "SKLEARN_EPS_DEPRECATED_IN",
    "SKLEARN_EPS_REMOVED_IN",
    "SKLEARN_PROBA_KEYWORD",
    "TORCH_BCE_LOG_CLAMP",
    "TORCH_BCE_MAX_LOSS",
    "TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY",
    "TORCH_FLOAT32_SIGMOID_ONE_ABOVE",
    "TORCH_FLOAT32_SIGMOID_ONE_FROM",
    "TORCH_GAUSSIAN_NLL_EPS",
    "TORCH_IGNORE_INDEX",
    "TORCH_KL_DIV_MEAN_WARNS",
    "TORCH_REDUCTION_DEFAULT",
    "VERSIONS",
    "LikelihoodLoss",
    "PPOApproxKL",
    "Row",
    "conventions_table",
    "keras_kl_sigmoid_gradient",
    "likelihood_loss_table",
    "ppo_approx_kl_table",
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
# F.cross_entropy(z, target, weight=w, reduction="mean") divides the sum of
# the weighted per-example losses by a divisor that depends on the target's
# form (the PyTorch documentation of CrossEntropyLoss says the same):
# class indices y: sum_i w[y_i] l_i / sum_i w[y_i], a self-normalised mean
#   (so a batch of one example cancels its weight: the unweighted loss);
# class probabilities p: (1/N) sum_n l_n with l_n = -sum_c w_c p_nc log q_nc.
# "sum_w" is the sum of the weights of the examples' classes, "n" the batch size.
TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY: dict[str, str] = {
    "class indices": "sum_w",
    "probabilities": "n",
}

# --- scikit-learn ---------------------------------------------------------
# log_loss clips probabilities to [eps, 1 - eps], eps = finfo(dtype).eps,
# so one sample costs at most -log(eps) nats: the cap depends on the dtype.
SKLEARN_EPS: dict[str, float] = {"float32": 2.0**-23, "float64": 2.0**-52}
SKLEARN_CAP: dict[str, float] = {k: -math.log(v) for k, v in SKLEARN_EPS.items()}
SKLEARN_PROBA_KEYWORD = "y_proba"  # renamed from y_pred in 1.9
# History of log_loss's eps, from the library's documentation (the tier
# checks only the installed version: the clip at the dtype's epsilon and that
# eps is no longer accepted):
# - up to 1.1 the default was a fixed eps=1e-15, e.g.
#   https://scikit-learn.org/0.21/modules/generated/sklearn.metrics.log_loss.html
# - 1.2: "Changed in version 1.2: The default value changed from 1e-15 to
#   'auto'", 'auto' being np.finfo(dtype).eps;
# - 1.3: eps deprecated (PR #25299,
#   https://github.com/scikit-learn/scikit-learn/pull/25299), to be removed in
#   1.5; the 1.2 and 1.3 notes are both on
#   https://scikit-learn.org/1.4/modules/generated/sklearn.metrics.log_loss.html
# - 1.5: eps removed (PR #28851,
#   https://github.com/scikit-learn/scikit-learn/pull/28851); the clip at the
#   dtype's epsilon stays.
SKLEARN_EPS_BEFORE_1_2 = 1e-15
SKLEARN_EPS_AUTO_SINCE = "1.2"
SKLEARN_EPS_DEPRECATED_IN = "1.3"
SKLEARN_EPS_REMOVED_IN = "1.5"

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
# Keras KLDivergence on sigmoid outputs (multi-label): it clips both
# arguments to [eps, 1] and sums y log(y / s) over the outputs, the "yes"
# half of each Bernoulli KL. Its gradient in the logit a of an output is
# -max(y, eps) (1 - sigmoid(a)): about -eps (1 - sigmoid(a)) for a "no"
# label. The tier checks keras_kl_sigmoid_gradient against jax.grad of the
# real loss on these labels and logits (one sample of four outputs).
KERAS_KL_SIGMOID_LABELS = (1.0, 0.0, 1.0, 0.0)
KERAS_KL_SIGMOID_LOGITS = (0.5, 0.3, -0.2, 1.0)

# --- Stable-Baselines3 -------------------------------------------------------
# PPO computes approx_kl = mean((r - 1) - log r) (k3) on each minibatch before
# its gradient step and, once it exceeds this factor times target_kl, skips
# that step and ends the rollout's remaining updates (all remaining epochs).
# It resets its list of values at each epoch and logs the mean of the last
# epoch's values as train/approx_kl. Source (the installed 2.9.2 has the same
# lines): https://github.com/DLR-RM/stable-baselines3/blob/
# e05d2dbe6eda0acd0ef2e316e3e4065677add3eb/stable_baselines3/ppo/ppo.py#L264-L270
SB3_PPO_KL_STOP_FACTOR = 1.5


_SB3_PPO = (
    "https://github.com/DLR-RM/stable-baselines3/blob/"
    "e05d2dbe6eda0acd0ef2e316e3e4065677add3eb/stable_baselines3/ppo/ppo.py"
)
_CLEANRL_PPO = (
    "https://github.com/vwxyzjn/cleanrl/blob/"
    "fe8d8a03c41a7ef5b523e2e354bd01c363e786bb/cleanrl/ppo.py"
)
_SPINUP_PPO = (
    "https://github.com/openai/spinningup/blob/"
    "038665d62d569055401d91856abb287263096178/spinup/algos/pytorch/ppo/ppo.py"
)
_BASELINES_PPO2 = (
    "https://github.com/openai/baselines/blob/"
    "ea25b9e8b234e6ee1bca43083f8f3cf974143998/baselines/ppo2/model.py"
)

# The three sample estimators of KL(pi_old || pi_theta) from actions drawn
# from pi_old, with r = pi_theta(a) / pi_old(a) (chapter 6's notation), in TeX.
KL_ESTIMATORS: dict[str, str] = {
    "k1": r"-\log r",
    "k2": r"\tfrac12 (\log r)^2",
    "k3": r"(r - 1) - \log r",
}


class PPOApproxKL(NamedTuple):
    """What one PPO implementation logs as ``approx_kl`` and how it stops on it.

    Attributes
    ----------
    implementation : str
        The library.
    estimator : str
        Which of ``KL_ESTIMATORS`` it computes, and under what name.
    stop_factor : float or None
        The early stop fires once the estimate exceeds ``stop_factor *
        target_kl``; ``None`` if the value is only logged.
    stop_when : str
        When the estimate is compared, and what the stop ends.
    source : str
        The lines of the implementation's source that say so (a GitHub URL
        at a fixed commit).
    """

    implementation: str
    estimator: str
    stop_factor: float | None
    stop_when: str
    source: str


# Read from each implementation's source at the commit in the URL (the lines
# quoted in the comments). The framework tier trains Stable-Baselines3's PPO
# and checks its row; the others are not installed and rest on their source.
PPO_APPROX_KL: tuple[PPOApproxKL, ...] = (
    # L264: approx_kl_div = th.mean((th.exp(log_ratio) - 1) - log_ratio)
    # L267: if ... approx_kl_div > 1.5 * self.target_kl: ... break
    # (before optimizer.step at L278; continue_training = False ends the
    # epochs at L281)
    PPOApproxKL(
        "Stable-Baselines3",
        "k3",
        SB3_PPO_KL_STOP_FACTOR,
        "before each minibatch step; ends the remaining epochs",
        f"{_SB3_PPO}#L264-L270",
    ),
    # L256: old_approx_kl = (-logratio).mean()
    # L257: approx_kl = ((ratio - 1) - logratio).mean()
    # L292: if args.target_kl is not None and approx_kl > args.target_kl: break
    # (after the epoch's minibatch loop, on the last minibatch's value)
    PPOApproxKL(
        "CleanRL",
        "k3 as `approx_kl`; k1 as `old_approx_kl`",
        1.0,
        "after each epoch; ends the remaining epochs",
        f"{_CLEANRL_PPO}#L256-L257",
    ),
    # L237: approx_kl = (logp_old - logp).mean().item()
    # L269: if kl > 1.5 * target_kl: ... break   (before pi_optimizer.step, L274)
    PPOApproxKL(
        "Spinning Up",
        "k1",
        1.5,
        "before each policy step; ends the policy updates",
        f"{_SPINUP_PPO}#L237",
    ),
    # L87: approxkl = .5 * tf.reduce_mean(tf.square(neglogpac - OLDNEGLOGPAC))
    # (ppo2 has no target_kl: the value is only logged)
    PPOApproxKL(
        "OpenAI Baselines ppo2",
        "k2",
        None,
        "never: logged only",
        f"{_BASELINES_PPO2}#L87",
    ),
)


def ppo_approx_kl_table() -> str:
    """Render ``PPO_APPROX_KL`` as a Markdown table of four columns.

    Returns
    -------
    str
        A bold heading, the table, and a line on what the tier checks.

    Examples
    --------
    >>> print(ppo_approx_kl_table().splitlines()[2])
    | Implementation | `approx_kl` is | Early stop | Source |
    """
    lines = [
        "**What PPO implementations log as `approx_kl`**",
        "",
        "| Implementation | `approx_kl` is | Early stop | Source |",
        "|---|---|---|---|",
    ]
    for row in PPO_APPROX_KL:
        estimator = row.estimator
        for name in KL_ESTIMATORS:
            estimator = estimator.replace(name, f"$k_{name[1]}$")
        if row.stop_factor is None:
            stop = row.stop_when
        else:
            stop = f"above {row.stop_factor:g} × `target_kl`, {row.stop_when}"
        line = row.source.rsplit("#", 1)[-1].replace("-", "–")
        lines.append(
            f"| {row.implementation} | {estimator} | {stop} | [source, {line}]({row.source}) |"
        )
    checked = PPO_APPROX_KL[0].implementation
    lines += [
        "",
        ", ".join(f"${k[0]}_{k[1]} = {tex}$" for k, tex in KL_ESTIMATORS.items())
        + r", with $r = \pi_\theta / \pi_\mathrm{old}$. "
        f"The framework tier trains {checked}'s PPO and checks its row; "
        "the other rows are read from the linked source.",
    ]
    return "\n".join(lines) + "\n"


# --- Likelihood -> loss (chapter 5) -------------------------------------------


class LikelihoodLoss(NamedTuple):
    """One row of chapter 5's likelihood-to-loss table.

    Attributes
    ----------
    key : str
        Identifier the tier uses to find this row's check.
    likelihood : str
        The noise model, as Markdown.
    call : str
        The PyTorch loss (or call) that implements it, as Markdown.
    relation : str
        How its value relates to the mean negative log-likelihood (NLL).
    """

    key: str
    likelihood: str
    call: str
    relation: str


# Every row is checked against PyTorch, with the NLL from scipy.stats, by
# tests/frameworks/test_fw_likelihoods.py.
LIKELIHOOD_LOSSES: tuple[LikelihoodLoss, ...] = (
    LikelihoodLoss(
        "bernoulli",
        "Bernoulli, p = σ(z)",
        "`F.binary_cross_entropy_with_logits(z, y)`",
        "= NLL",
    ),
    LikelihoodLoss(
        "categorical",
        "categorical, q = softmax(z)",
        "`F.cross_entropy(z, y)`",
        "= NLL",
    ),
    LikelihoodLoss(
        "gaussian_fixed",
        "Gaussian, fixed σ",
        "`F.mse_loss(mu, y)`",
        "NLL = MSE / (2σ²) + log σ + ½ log 2π",
    ),
    LikelihoodLoss(
        "gaussian_learned",
        "Gaussian, learned variance σ²",
        "`F.gaussian_nll_loss(mu, y, var)`",
        f"NLL − ½ log 2π (`full=False`); var clamped up to {TORCH_GAUSSIAN_NLL_EPS:.0e}, "
        "the gradient still reaches it",
    ),
    LikelihoodLoss(
        "laplace",
        "Laplace, fixed scale b",
        "`F.l1_loss(mu, y)`",
        "NLL = MAE / b + log 2b",
    ),
    LikelihoodLoss(
        "poisson",
        "Poisson, rate λ",
        "`F.poisson_nll_loss(log_rate, y)`",
        "λ − y log λ = NLL − log y!",
    ),
    LikelihoodLoss(
        "student_t",
        "Student-t, ν degrees of freedom, scale s",
        "`StudentT(nu, mu, s).log_prob(y)`",
        "= −NLL per example (no loss function: negate and average)",
    ),
)


def likelihood_loss_table() -> str:
    """Render ``LIKELIHOOD_LOSSES`` as a Markdown table of three columns.

    Returns
    -------
    str
        A bold heading, the table, and a line on what the tier checks.

    Examples
    --------
    >>> print(likelihood_loss_table().splitlines()[2])
    | Noise model | PyTorch | Relation to the mean NLL |
    """
    lines = [
        "**From a likelihood to a PyTorch loss**",
        "",
        "| Noise model | PyTorch | Relation to the mean NLL |",
        "|---|---|---|",
    ]
    lines += [f"| {r.likelihood} | {r.call} | {r.relation} |" for r in LIKELIHOOD_LOSSES]
    lines += [
        "",
        "Every row is checked against PyTorch, with the NLL from `scipy.stats`, "
        "by the framework tier.",
    ]
    return "\n".join(lines) + "\n"


def keras_kl_sigmoid_gradient(
    labels: tuple[float, ...] = KERAS_KL_SIGMOID_LABELS,
    logits: tuple[float, ...] = KERAS_KL_SIGMOID_LOGITS,
) -> tuple[float, ...]:
    """Gradient of Keras ``KLDivergence()(y, sigmoid(a))`` in the logits ``a``.

    For one sample of several sigmoid outputs: ``-max(y, eps) (1 - sigmoid(a))``
    per output, with ``eps`` = ``KERAS_EPSILON``, Keras's clip.

    Parameters
    ----------
    labels : tuple of float
        The multi-label targets ``y`` in [0, 1].
    logits : tuple of float
        The logits ``a``, one per label.

    Returns
    -------
    tuple of float
        The gradient, one entry per output (float64).

    Examples
    --------
    >>> g = keras_kl_sigmoid_gradient()
    >>> [f"{x:.2e}" for x in g]
    ['-3.78e-01', '-4.26e-08', '-5.50e-01', '-2.69e-08']
    """
    return tuple(
        -max(y, KERAS_EPSILON) * (1.0 - 1.0 / (1.0 + math.exp(-a)))
        for y, a in zip(labels, logits, strict=True)
    )


# --- Chapter 6's conventions table ------------------------------------------

# The cells of a row the tier can check: it checks each one named in
# Row.checked against the library (tests/frameworks/test_fw_facts.py).
CELLS = ("call", "takes", "reduction", "clip", "dtype")


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
    checked : tuple of str
        The cells (of ``CELLS``) the framework tier checks against the
        library; all of them unless a row says otherwise.
    """

    key: str
    library: str
    call: str
    takes: str
    reduction: str
    clip: str
    dtype: str
    checked: tuple[str, ...] = CELLS


def _g(x: float) -> str:
    """Format a constant for the table (``1e-06``, ``36.04``)."""
    return f"{x:.0e}" if x < 1e-3 else f"{x:.2f}"


_MEAN = f"`'{TORCH_REDUCTION_DEFAULT}'`"
_DIVISOR_TEXT = {"sum_w": "Σ w[y]", "n": "N"}
_CE_WEIGHT = (
    "with `weight=w`: the weighted sum / "
    f"{_DIVISOR_TEXT[TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY['class indices']]} "
    "for class indices, / "
    f"{_DIVISOR_TEXT[TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY['probabilities']]} "
    "for probabilities"
)
_KERAS_CLIP = f"[{_g(KERAS_EPSILON)}, 1 − {_g(KERAS_EPSILON)}]"
_KERAS_MEAN = f"`{KERAS_REDUCTION_DEFAULT}`"

ROWS: tuple[Row, ...] = (
    Row(
        "torch_cross_entropy",
        "PyTorch",
        "`F.cross_entropy`",
        "logits; class indices or class probabilities",
        f"{_MEAN} over the batch; {_CE_WEIGHT}",
        f"none; `label_smoothing` mixes in the uniform; "
        f"`ignore_index={TORCH_IGNORE_INDEX}` drops examples",
        "none: computed in log space, exact at logits of 1e4",
    ),
    Row(
        "torch_nll_loss",
        "PyTorch",
        "`F.nll_loss`",
        "log-probabilities; class indices (probabilities: wrong value, no error)",
        _MEAN,
        "none",
        "none",
    ),
    Row(
        "torch_kl_div",
        "PyTorch",
        "`F.kl_div`",
        "model **log**-probabilities first, then target probabilities "
        "(log-probabilities with `log_target=True`)",
        f"{_MEAN} divides by N·K, with a warning; `'batchmean'` gives the KL",
        "none; 0 log 0 = 0 for the target, but a zero target that requires "
        "grad gets a NaN gradient",
        "none",
    ),
    Row(
        "torch_bce",
        "PyTorch",
        "`F.binary_cross_entropy`",
        "probabilities",
        f"{_MEAN} over all elements",
        f"log clamped at {TORCH_BCE_LOG_CLAMP:.0f}: a term is at most {TORCH_BCE_MAX_LOSS:.0f}",
        "float32: σ(z) rounds to 1 above "
        f"z = {TORCH_FLOAT32_SIGMOID_ONE_ABOVE:.2f} (24 log 2), so label 0 costs "
        f"{TORCH_BCE_MAX_LOSS:.0f}, not z",
    ),
    Row(
        "torch_bce_with_logits",
        "PyTorch",
        "`F.binary_cross_entropy_with_logits`",
        "logits",
        f"{_MEAN} over all elements",
        "none; `pos_weight` multiplies the positive term",
        "none: computed in log space, exact at logits of 1e4",
    ),
    Row(
        "torch_gaussian_nll",
        "PyTorch",
        "`F.gaussian_nll_loss`",
        "mean, target, **variance**",
        _MEAN,
        f"variance clamped up to eps = {_g(TORCH_GAUSSIAN_NLL_EPS)}, the gradient still "
        f"flows; `full=False` leaves out ½ log 2π = {HALF_LOG_2PI:.3f}",
        "none",
    ),
    Row(
        "torch_distributions_kl",
        "PyTorch",
        "`distributions.kl_divergence`",
        "distribution objects; KL(p ‖ q) in math order",
        "none: one value per batch element",
        "none; closed form where registered, else an error",
        "none",
    ),
    Row(
        "sklearn_log_loss",
        "scikit-learn",
        "`log_loss`",
        f"labels, then probabilities (`{SKLEARN_PROBA_KEYWORD}`)",
        "mean (`normalize=True`)",
        "to [c, 1 − c], c = the dtype's machine epsilon; warns on rows that do not sum to 1",
        f"cap per sample: {_g(SKLEARN_CAP['float64'])} nats in float64, "
        f"{_g(SKLEARN_CAP['float32'])} in float32",
    ),
    Row(
        "keras_categorical",
        "Keras",
        "`CategoricalCrossentropy`",
        "probabilities; logits with `from_logits=True`",
        f"{_KERAS_MEAN}: the batch mean",
        f"probabilities: rows rescaled to sum 1, then clipped to {_KERAS_CLIP}; logits: none",
        f"{KERAS_FLOATX}: cap {_g(KERAS_CAP)} nats; logits without "
        "`from_logits=True` give a wrong value silently",
    ),
    Row(
        "keras_binary",
        "Keras",
        "`BinaryCrossentropy`",
        "probabilities; logits with `from_logits=True`",
        f"{_KERAS_MEAN}: mean over outputs, then over the batch",
        f"probabilities clipped to {_KERAS_CLIP}; logits: none",
        f"{KERAS_FLOATX}: cap {_g(KERAS_CAP)} nats for label 1, "
        f"{_g(KERAS_BINARY_CAP_LABEL0_FLOAT32)} for label 0; "
        "logits without `from_logits=True` give a wrong value silently",
    ),
    Row(
        "keras_kl",
        "Keras",
        "`KLDivergence`",
        "probabilities, target first",
        f"{_KERAS_MEAN}: sum over the last axis, then the batch mean",
        f"clips **both** arguments to [{_g(KERAS_EPSILON)}, 1]",
        f"{KERAS_FLOATX}; the clipping keeps it finite",
    ),
)

_TABLES = (
    (
        "What each loss takes and how it averages",
        ("takes", "reduction"),
        ("Takes", "Default reduction"),
    ),
    ("Clipping and precision", ("clip", "dtype"), ("Clip or epsilon", "dtype")),
)


def conventions_table() -> str:
    r"""Render ``ROWS`` as two Markdown tables of four columns each.

    The first says what each call takes and how it reduces, the second what
    it clips and what changes with the dtype. The last column, ✓, marks a
    row whose cells in that table the framework tier checks against the
    library.

    Returns
    -------
    str
        Each table after a one-line bold heading, the two separated by a
        blank line, and a last line explaining ✓.

    Examples
    --------
    >>> lines = conventions_table().splitlines()
    >>> [line for line in lines if line.startswith("**")]
    ['**What each loss takes and how it averages**', '**Clipping and precision**']
    >>> lines[2]
    '| Call | Takes | Default reduction | ✓ |'
    """
    blocks = []
    for title, fields, names in _TABLES:
        lines = [
            f"**{title}**",
            "",
            "| Call | " + " | ".join(names) + " | ✓ |",
            "|---|---|---|---|",
        ]
        for r in ROWS:
            cells = [getattr(r, f) for f in fields]
            mark = "✓" if {"call", *fields} <= set(r.checked) else ""
            lines.append(f"| {r.call} ({r.library}) | " + " | ".join(cells) + f" | {mark} |")
        blocks.append("\n".join(lines))
    blocks.append(
        "✓: the framework tier checks every cell of the row in this table against "
        "the library (`make test-frameworks`)."
    )
    return "\n\n".join(blocks) + "\n"


def versions_line() -> str:
    """Return the tested versions as one sentence for the book.

    Returns
    -------
    str
        For example ``"Checked against torch 2.13.0, ... (Keras on jax)."``.
    """
    parts = ", ".join(f"{name} {v}" for name, v in VERSIONS.items())
    return f"Checked against {parts} (Keras on the {KERAS_BACKEND} backend)."
