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

__all__ = ["CrossEntropyEstimate", "estimate_cross_entropy"]


class CrossEntropyEstimate(NamedTuple):
    """Result of :func:`estimate_cross_entropy`.

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
        Number of samples.
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
    .. math:: \hat H = -\frac{1}{n} \sum_{i=1}^n \log q(x_i), \qquad
              \mathrm{se} = \frac{s}{\sqrt{n}}, \qquad
              \hat H \pm t_{n-1, (1 + c)/2}\, \mathrm{se},

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
