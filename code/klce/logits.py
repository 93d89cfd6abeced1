"""Softmax, log-softmax and cross-entropy losses computed from logits.

These are the losses of classifiers: the model outputs unnormalised scores
(logits) and the loss is the cross-entropy between the target and
``softmax(logits)``. Working from logits with the log-sum-exp shift keeps
everything finite and exact for logits of any finite magnitude.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special as sc

from klce._validation import (
    as_real_array,
    broadcast_shapes_of,
    check_finite,
    check_in_interval,
    check_probabilities,
    check_unit_interval_scalar,
    distribution_axis,
    in_base,
    pair_shapes,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "cross_entropy_from_logits",
    "log_softmax",
    "softmax",
]


def _logits(logits: ArrayLike, axis: int) -> tuple[np.ndarray, int]:
    """Convert and validate logits (finite, non-empty along `axis`)."""
    x = as_real_array(logits, "logits")
    ax = distribution_axis(x, "logits", axis)
    check_finite(x, "logits")
    return x, ax


def _shifted(x: np.ndarray, axis: int) -> np.ndarray:
    """Return ``z = x - max(x)`` along `axis`: every ``exp(z) <= 1``, the largest is 1."""
    with np.errstate(over="ignore"):  # x - max can only overflow to -inf: exp gives 0
        return x - np.max(x, axis=axis, keepdims=True)


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Log-softmax of validated logits, accurate also where it is close to 0.

    With ``z = x - max(x)`` the largest term of ``sum(exp(z))`` is exactly 1, so
    ``log(sum(exp(z))) = log1p(sum of the other terms)``. Using ``log1p`` keeps
    the relative accuracy of a tiny loss such as ``-log_softmax([30, 0])[0]``
    (about 9.4e-14), which ``log(1 + 9.4e-14)`` would round to a few digits.
    """
    z = _shifted(x, axis)
    others = np.exp(z)
    np.put_along_axis(others, np.argmax(z, axis=axis, keepdims=True), 0.0, axis=axis)
    z -= np.log1p(np.sum(others, axis=axis, keepdims=True))
    return z


def log_softmax(logits: ArrayLike, *, axis: int = -1) -> np.ndarray:
    r"""Logarithm of the softmax function, computed stably.

    Parameters
    ----------
    logits : array_like
        Finite real scores; `axis` holds the classes.
    axis : int, optional
        Class axis (default ``-1``).

    Returns
    -------
    numpy.ndarray
        ``log softmax(logits)``, same shape as `logits`; each slice along
        `axis` is a vector of log-probabilities.

    Raises
    ------
    ValueError
        If `logits` is 0-d, empty along `axis` or not finite.

    Notes
    -----
    .. math::

       \begin{aligned}
       \log \mathrm{softmax}(x)_k &= (x_k - m) \\
                                  &\quad - \log \sum_j e^{x_j - m},
       \end{aligned}

    where :math:`m = \max_j x_j`. The shift by the maximum makes every
    exponent ``<= 0``, so nothing overflows and the largest term of the sum
    is exactly 1.

    See Also
    --------
    softmax, scipy.special.log_softmax

    Examples
    --------
    >>> from klce import log_softmax
    >>> log_softmax([1.0, 2.0, 3.0]).round(6).tolist()
    [-2.407606, -1.407606, -0.407606]
    >>> log_softmax([1e4, -1e4]).tolist()
    [0.0, -20000.0]
    """
    x, ax = _logits(logits, axis)
    return _log_softmax(x, ax)


def softmax(logits: ArrayLike, *, axis: int = -1) -> np.ndarray:
    r"""Softmax function: map scores to probabilities.

    Parameters
    ----------
    logits : array_like
        Finite real scores; `axis` holds the classes.
    axis : int, optional
        Class axis (default ``-1``).

    Returns
    -------
    numpy.ndarray
        ``softmax(logits)``, same shape as `logits`; non-negative and summing
        to 1 along `axis`.

    Raises
    ------
    ValueError
        If `logits` is 0-d, empty along `axis` or not finite.

    Notes
    -----
    .. math:: \mathrm{softmax}(x)_k = \frac{e^{x_k - m}}{\sum_j e^{x_j - m}},

    where :math:`m = \max_j x_j`.

    See Also
    --------
    log_softmax, scipy.special.softmax

    Examples
    --------
    >>> from klce import softmax
    >>> softmax([1.0, 2.0, 3.0]).round(6).tolist()
    [0.090031, 0.244728, 0.665241]
    >>> softmax([[0.0, 0.0], [1e4, -1e4]]).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    x, ax = _logits(logits, axis)
    z = _shifted(x, ax)
    np.exp(z, out=z)
    z /= np.sum(z, axis=ax, keepdims=True)
    return z


def _label_nll(target: np.ndarray, logp: np.ndarray, ax: int) -> np.ndarray:
    """Return ``-logp[label]`` for integer labels, validating them."""
    expected = logp.shape[:ax] + logp.shape[ax + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"target has shape {target.shape}, expected {expected} "
            f"(the logits shape {logp.shape} without the class axis)"
        )
    k = logp.shape[ax]
    bad = (target < 0) | (target >= k)
    if np.any(bad):
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), bad.shape))
        where = f"target[{', '.join(map(str, idx))}]" if idx else "target"
        raise ValueError(f"{where} is {int(target[idx])}, not a class label in [0, {k})")
    picked = np.take_along_axis(logp, np.expand_dims(target, ax), axis=ax)
    return -np.squeeze(picked, axis=ax)


def cross_entropy_from_logits(
    target: ArrayLike,
    logits: ArrayLike,
    *,
    label_smoothing: float = 0.0,
    axis: int = -1,
    base: float | None = None,
) -> np.ndarray | np.float64:
    r"""Cross-entropy between targets and ``softmax(logits)``, per example.

    Parameters
    ----------
    target : array_like
        Either integer class labels (integer dtype, shape of `logits` without
        `axis`, values in ``[0, K)``), or probability vectors (float dtype,
        broadcastable with `logits` and of length ``K`` along `axis`;
        finite, >= 0 and summing to 1 within ``1e-9``).
    logits : array_like
        Finite scores with the ``K`` classes along `axis`.
    label_smoothing : float, optional
        ``eps`` in ``[0, 1]``: the target is replaced by
        ``(1 - eps) * target + eps / K`` (the PyTorch convention). Default 0.
    axis : int, optional
        Class axis of `logits` (and of probability targets). Default ``-1``.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The loss of each example (no reduction): a scalar for a single
        example (1-D `logits`), else an array with `axis` removed.

    Raises
    ------
    ValueError
        If `logits` is not finite or empty along `axis`, an integer label is
        out of range or has the wrong shape, a probability target is invalid,
        `label_smoothing` is not in ``[0, 1]``, or `base` is invalid.

    Notes
    -----
    With ``log p = log_softmax(logits)``, the loss is
    :math:`-\sum_k t_k \log p_k`; for a label ``y`` it is ``-log p_y``, and
    with label smoothing
    :math:`-(1 - \varepsilon) \log p_y - \frac{\varepsilon}{K} \sum_k \log p_k`.
    It is finite and exact for large logits: ``logits = [1e4, -1e4]`` with
    label 1 gives exactly ``2e4`` (computing ``softmax`` first would give
    ``log(0) = -inf``).

    See Also
    --------
    log_softmax, klce.cross_entropy

    Examples
    --------
    >>> from klce import cross_entropy_from_logits
    >>> logits = [[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]]
    >>> cross_entropy_from_logits([0, 2], logits).round(6).tolist()
    [0.241311, 0.094923]
    >>> one_hot = [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    >>> cross_entropy_from_logits(one_hot, logits).round(6).tolist()
    [0.241311, 0.094923]
    >>> float(cross_entropy_from_logits(1, [1e4, -1e4]))
    20000.0
    >>> smooth = cross_entropy_from_logits(
    ...     0, logits[0], label_smoothing=0.1
    ... )
    >>> round(float(smooth), 6)
    0.391311
    """
    eps = check_unit_interval_scalar(label_smoothing, "label_smoothing")
    x, ax = _logits(logits, axis)
    k = x.shape[ax]
    t = np.asarray(target)
    if t.dtype.kind in "iu":
        logp = _log_softmax(x, ax)
        loss = _label_nll(t, logp, ax)
        if eps > 0:
            smooth = -eps * np.mean(logp, axis=ax)
            loss = smooth if eps == 1 else (1.0 - eps) * loss + smooth
        return in_base(loss, base)
    if t.dtype.kind != "f":
        raise ValueError(
            f"target must be integer class labels or float probability vectors, got dtype {t.dtype}"
        )
    t = as_real_array(t, "target")
    neg = pair_shapes(t, x, ("target", "logits"), axis)
    check_probabilities(t, "target", neg, 1e-9, axis_label=axis)
    if eps > 0:
        t = (1.0 - eps) * t + eps / k
    logp = _log_softmax(x, ax)
    with np.errstate(invalid="ignore"):
        terms = t * logp
    if not np.all(np.isfinite(logp)):  # logits ~1e308 apart: 0 * -inf must give 0
        terms = np.where(t == 0, 0.0, terms)
    return in_base(-np.sum(terms, axis=neg), base)


def binary_cross_entropy(
    y: ArrayLike, prob: ArrayLike, *, base: float | None = None
) -> np.ndarray | np.float64:
    r"""Binary cross-entropy of predicted probabilities, elementwise.

    Parameters
    ----------
    y : array_like
        Target probabilities of the positive class, in ``[0, 1]`` (hard labels
        0/1 or soft labels).
    prob : array_like
        Predicted probabilities of the positive class, in ``[0, 1]``.
        Broadcasts with `y`.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``-[y log(prob) + (1 - y) log(1 - prob)]``, broadcast shape of the
        inputs (a scalar for scalar inputs). ``+inf`` if ``prob = 0`` and
        ``y > 0`` (or ``prob = 1`` and ``y < 1``).

    Raises
    ------
    ValueError
        If `y` or `prob` is outside ``[0, 1]`` or not finite, their shapes do
        not broadcast, or `base` is invalid.

    Notes
    -----
    .. math:: \ell(y, p) = -y \log p - (1 - y) \log(1 - p),

    with :math:`0 \log 0 = 0` and ``log(1 - p)`` computed as ``log1p(-p)``.
    Prefer :func:`binary_cross_entropy_from_logits` when logits are
    available: a probability rounded to 1 loses the information about how
    small ``1 - p`` is.

    See Also
    --------
    binary_cross_entropy_from_logits

    Examples
    --------
    >>> from klce import binary_cross_entropy
    >>> y, prob = [1.0, 0.0, 0.5], [0.9, 0.9, 0.5]
    >>> binary_cross_entropy(y, prob).round(6).tolist()
    [0.105361, 2.302585, 0.693147]
    >>> float(binary_cross_entropy(1.0, 0.0))
    inf
    """
    yy = as_real_array(y, "y")
    pp = as_real_array(prob, "prob")
    broadcast_shapes_of(y=yy, prob=pp)
    check_in_interval(yy, "y")
    check_in_interval(pp, "prob")
    with np.errstate(divide="ignore"):
        loss = -(sc.xlogy(yy, pp) + sc.xlog1py(1.0 - yy, -pp))
    return in_base(loss, base)


def binary_cross_entropy_from_logits(
    y: ArrayLike, logit: ArrayLike, *, base: float | None = None
) -> np.ndarray | np.float64:
    r"""Binary cross-entropy of ``sigmoid(logit)``, elementwise and stable.

    Parameters
    ----------
    y : array_like
        Target probabilities of the positive class, in ``[0, 1]``.
    logit : array_like
        Finite log-odds ``z`` of the positive class; broadcasts with `y`.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The loss, broadcast shape of the inputs (a scalar for scalar inputs).

    Raises
    ------
    ValueError
        If `y` is outside ``[0, 1]``, `logit` is not finite, their shapes do
        not broadcast, or `base` is invalid.

    Notes
    -----
    With :math:`\sigma(z) = 1 / (1 + e^{-z})`,

    .. math::

       \begin{aligned}
       \ell(y, z) &= -y \log \sigma(z) \\
                  &\quad - (1 - y) \log(1 - \sigma(z)) \\
                  &= \max(z, 0) - z y \\
                  &\quad + \log(1 + e^{-|z|}),
       \end{aligned}

    evaluated as ``z (1 - y)`` for ``z >= 0`` and ``-z y`` for ``z < 0`` (no
    cancellation) plus ``log1p(exp(-|z|))``. No exponential overflows, so
    ``|z|`` up to ``1e4`` and beyond is fine, and tiny losses keep full
    relative precision: ``y = 1, z = 40`` gives ``log1p(exp(-40))``
    ``~ 4.25e-18``, where ``-log(sigmoid(40))`` would give ``0``.

    See Also
    --------
    binary_cross_entropy

    Examples
    --------
    >>> from klce import binary_cross_entropy_from_logits
    >>> bce = binary_cross_entropy_from_logits([1.0, 0.0], [2.0, 2.0])
    >>> bce.round(6).tolist()
    [0.126928, 2.126928]
    >>> float(binary_cross_entropy_from_logits(1.0, 40.0))
    4.248354255291589e-18
    >>> float(binary_cross_entropy_from_logits(0.0, 1e4))
    10000.0
    """
    yy = as_real_array(y, "y")
    z = as_real_array(logit, "logit")
    broadcast_shapes_of(y=yy, logit=z)
    check_in_interval(yy, "y")
    check_finite(z, "logit")
    linear = np.where(z >= 0, z * (1.0 - yy), -z * yy)
    return in_base(linear + np.log1p(np.exp(-np.abs(z))), base)
