"""Estimating a cross-entropy from samples, with a confidence interval.

If ``x_1, ..., x_n`` are drawn from the true distribution ``P`` and a model
assigns them probabilities (or densities) ``q(x_i)``, the average negative
log-likelihood is an unbiased estimate of the cross-entropy ``H(P, Q)``;
this is what a test loss is.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from klce._validation import (
    as_real_array,
    check_not_nan_or_posinf,
    check_unit_interval_scalar,
    log_base,
)

__all__ = ["CrossEntropyEstimate", "estimate_cross_entropy", "estimate_cross_entropy_from_counts"]


class CrossEntropyEstimate(NamedTuple):
    """Result of :func:`estimate_cross_entropy` and :func:`estimate_cross_entropy_from_counts`.

    The fields are scalars from :func:`estimate_cross_entropy`, and arrays of
    the batch shape from :func:`estimate_cross_entropy_from_counts`.

    Attributes
    ----------
    estimate : numpy.float64
        Point estimate ``-mean(log q(x_i))`` of the cross-entropy.
    stderr : numpy.float64
        Standard error of the estimate, ``std(log q, ddof=1) / sqrt(n)``.
    ci_low : numpy.float64
        Lower end of the Student-t confidence interval.
    ci_high : numpy.float64
        Upper end of the Student-t confidence interval.
    n : int
        Number of samples (an integer array for counts).
    """

    estimate: np.float64
    stderr: np.float64
    ci_low: np.float64
    ci_high: np.float64
    n: int


def estimate_cross_entropy(
    log_q: ArrayLike, *, confidence: float = 0.95, base: float | None = None
) -> CrossEntropyEstimate:
    r"""Estimate ``H(P, Q)`` from model log-probabilities of samples drawn from ``P``.

    Parameters
    ----------
    log_q : array_like
        1-D array of ``log q(x_i)`` (natural log) at samples ``x_i ~ P``, at
        least 2 of them. For densities the values can be positive. ``-inf``
        (the model calls a sample impossible) is allowed; NaN and ``+inf``
        are not.
    confidence : float, optional
        Confidence level of the interval, in ``(0, 1)`` (default 0.95).
    base : float, optional
        Logarithm base of the result: ``None`` (default) for nats, ``2`` for
        bits. `log_q` itself is always in nats.

    Returns
    -------
    CrossEntropyEstimate
        ``(estimate, stderr, ci_low, ci_high, n)``. If any entry of `log_q`
        is ``-inf``, the first four are all ``+inf``.

    Raises
    ------
    ValueError
        If `log_q` is not 1-D, has fewer than 2 entries or contains NaN or
        ``+inf`` (the message names the index), or `confidence` or `base` is
        invalid.

    Notes
    -----
    .. math:: \hat H = -\frac{1}{n} \sum_{i=1}^n \log q(x_i),

    .. math:: \mathrm{se} = \frac{s}{\sqrt{n}},

    .. math:: \hat H \pm t_{n-1, (1 + c)/2}\, \mathrm{se},

    where ``s`` is the sample standard deviation (``ddof=1``) and ``t`` the
    Student-t quantile. By the law of large numbers the estimate converges to
    :math:`H(P, Q) = -E_P[\log q(X)]`; the interval is exact for normally
    distributed ``log q`` and asymptotically valid otherwise.

    No probability is clipped: a sample with ``q = 1e-300`` contributes
    ``-log(1e-300) = 690.77...`` nats, whereas ``sklearn.metrics.log_loss``
    clips probabilities to machine epsilon and would report about ``36.04``
    (``-log(2.2e-16)``), hiding how wrong the model is.

    See Also
    --------
    klce.cross_entropy : the exact value for discrete distributions.

    Examples
    --------
    >>> import numpy as np
    >>> from klce import estimate_cross_entropy
    >>> res = estimate_cross_entropy(np.log([0.5, 0.25, 0.5, 0.125]), base=2)
    >>> round(float(res.estimate), 6), round(float(res.stderr), 6), res.n
    (1.75, 0.478714, 4)
    >>> round(float(res.ci_low), 4), round(float(res.ci_high), 4)
    (0.2265, 3.2735)
    >>> float(estimate_cross_entropy([np.log(1e-300), 0.0]).estimate)
    345.38776394910684
    """
    c = check_unit_interval_scalar(confidence, "confidence", open_=True)
    x = as_real_array(log_q, "log_q")
    if x.ndim != 1:
        raise ValueError(f"log_q must be 1-D, got shape {x.shape}")
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"log_q needs at least 2 samples for a standard error, got {n}")
    check_not_nan_or_posinf(x, "log_q")
    lb = log_base(base)
    scale = 1.0 if lb is None else lb
    if np.any(x == -np.inf):
        inf = np.float64(np.inf)
        return CrossEntropyEstimate(inf, inf, inf, inf, n)
    est = -np.mean(x) / scale
    se = np.std(x, ddof=1) / math.sqrt(n) / scale
    half = special.stdtrit(n - 1, (1.0 + c) / 2.0) * se  # Student t quantile
    return CrossEntropyEstimate(
        np.float64(est), np.float64(se), np.float64(est - half), np.float64(est + half), n
    )


def estimate_cross_entropy_from_counts(
    counts: ArrayLike,
    losses: ArrayLike,
    *,
    confidence: float = 0.95,
    base: float | None = None,
) -> CrossEntropyEstimate:
    r"""Estimate ``H(P, Q)`` from outcome counts, one estimate per row of `counts`.

    The same estimate and Student-t interval as :func:`estimate_cross_entropy`
    on the samples the counts describe, for a discrete model: a sample of
    outcome ``k`` has loss ``losses[k] = -log q_k``, and ``counts[..., k]`` is
    how many samples fell on ``k``. Many sample sets (repeated experiments)
    are estimated at once, without expanding them into samples.

    Parameters
    ----------
    counts : array_like
        Non-negative integer counts of shape ``(..., K)``: one row per set of
        samples, at least 2 samples in each. Integer-valued floats are
        accepted.
    losses : array_like
        1-D array of the ``K`` per-outcome losses ``-log q_k`` (natural log).
        ``+inf`` (the model calls outcome ``k`` impossible) is allowed; NaN
        and ``-inf`` are not.
    confidence : float, optional
        Confidence level of the intervals, in ``(0, 1)`` (default 0.95).
    base : float, optional
        Logarithm base of the result: ``None`` (default) for nats, ``2`` for
        bits. `losses` are always in nats.

    Returns
    -------
    CrossEntropyEstimate
        ``(estimate, stderr, ci_low, ci_high, n)``, each an array of shape
        ``counts.shape[:-1]`` (0-d for a single row). A row that counts an
        outcome of infinite loss has ``+inf`` in the first four fields.

    Raises
    ------
    ValueError
        If `counts` is not an array of non-negative integers with a last axis
        of length ``K`` (the message names the index), a row has fewer than 2
        samples, `losses` is not 1-D or holds NaN or ``-inf``, or
        `confidence` or `base` is invalid.

    Notes
    -----
    With :math:`n = \sum_k c_k` samples in a row,

    .. math:: \hat H = \frac{1}{n} \sum_k c_k \ell_k,

    .. math:: s^2 = \frac{1}{n - 1} \sum_k c_k (\ell_k - \hat H)^2,

    .. math:: \hat H \pm t_{n-1, (1 + c)/2}\, \frac{s}{\sqrt{n}},

    which are the sample mean, the sample variance (``ddof=1``) and the
    interval of :func:`estimate_cross_entropy`, grouped by outcome.

    See Also
    --------
    estimate_cross_entropy : the same from the samples' log-probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from klce import estimate_cross_entropy_from_counts
    >>> losses = -np.log([0.5, 0.25, 0.125, 0.125])
    >>> counts = [[2, 1, 1, 0], [4, 0, 0, 0]]
    >>> res = estimate_cross_entropy_from_counts(counts, losses, base=2)
    >>> res.estimate, res.n
    (array([1.75, 1.  ]), array([4, 4]))
    >>> round(float(res.ci_low[0]), 4), round(float(res.ci_high[0]), 4)
    (0.2265, 3.2735)
    """
    c = check_unit_interval_scalar(confidence, "confidence", open_=True)
    lb = log_base(base)
    scale = 1.0 if lb is None else lb
    ell = as_real_array(losses, "losses")
    if ell.ndim != 1:
        raise ValueError(f"losses must be 1-D, got shape {ell.shape}")
    bad = np.isnan(ell) | (ell == -np.inf)
    if np.any(bad):
        idx = int(np.argmax(bad))
        raise ValueError(f"losses[{idx}] must be a real number or +inf, got {float(ell[idx])!r}")
    cnt = as_real_array(counts, "counts")
    if cnt.ndim == 0 or cnt.shape[-1] != ell.shape[0]:
        raise ValueError(
            f"counts must have shape (..., K) with K = {ell.shape[0]} (the length of "
            f"losses), got shape {cnt.shape}"
        )
    ok = (cnt >= 0) & (cnt < np.inf) & (cnt == np.round(cnt))
    if not np.all(ok):
        idx = np.unravel_index(int(np.argmax(~ok)), cnt.shape)
        where = ", ".join(map(str, idx))
        raise ValueError(f"counts[{where}] is not a non-negative integer ({float(cnt[idx])!r})")
    n = cnt.sum(axis=-1)
    if np.any(n < 2):
        idx = np.unravel_index(int(np.argmin(n)), n.shape)
        at = f" (row {', '.join(map(str, idx))})" if idx else ""
        raise ValueError(
            f"counts need at least 2 samples a row for a standard error, got {int(n[idx])}{at}"
        )
    impossible = np.any((cnt > 0) & (ell == np.inf), axis=-1)
    finite = np.where(ell < np.inf, ell, 0.0)  # infinite losses only on rows set to inf below
    est = cnt @ finite / n
    var = np.sum(cnt * (finite - est[..., None]) ** 2, axis=-1) / (n - 1)
    se = np.sqrt(var / n)
    half = special.stdtrit(n - 1, (1.0 + c) / 2.0) * se  # Student t quantile
    fields = [est, se, est - half, est + half]
    fields = [np.where(impossible, np.inf, f) / scale for f in fields]
    return CrossEntropyEstimate(*fields, n.astype(np.int64))
