"""Gaussian negative log-likelihood, KL divergence, entropy and MSE.

The continuous counterparts of :mod:`klce.information` for regression:
minimising the Gaussian negative log-likelihood with a fixed standard
deviation is minimising the mean squared error. All functions are
elementwise and broadcast their arguments like NumPy ufuncs.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from klce._special import x_minus_log1p
from klce._validation import (
    as_real_array,
    broadcast_shapes_of,
    check_finite,
    check_positive,
    in_base,
)

__all__ = ["gaussian_entropy", "gaussian_kl", "gaussian_nll", "mse"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_TINY = np.finfo(np.float64).tiny


def _finite(x: ArrayLike, name: str) -> np.ndarray:
    arr = as_real_array(x, name)
    check_finite(arr, name)
    return arr


def _std(x: ArrayLike, name: str) -> np.ndarray:
    arr = as_real_array(x, name)
    check_positive(arr, name)
    return arr


def gaussian_nll(y: ArrayLike, mean: ArrayLike, std: ArrayLike) -> np.ndarray | np.float64:
    r"""Negative log density of ``y`` under ``N(mean, std^2)``, elementwise (nats).

    Parameters
    ----------
    y : array_like
        Observations (finite).
    mean : array_like
        Predicted means (finite); broadcasts with `y` and `std`.
    std : array_like
        Predicted standard deviations, finite and > 0.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``-log N(y; mean, std^2)`` in nats, broadcast shape of the inputs.
        It is negative where the density exceeds 1 (small `std`).

    Raises
    ------
    ValueError
        If `y` or `mean` is not finite, `std` is not finite and > 0, or the
        shapes do not broadcast.

    Notes
    -----
    .. math::

       \begin{aligned}
       -\log \mathcal N(y; \mu, \sigma^2)
         &= \tfrac12 \log(2 \pi \sigma^2) \\
         &\quad + \frac{(y - \mu)^2}{2 \sigma^2}.
       \end{aligned}

    For fixed ``sigma`` this is ``MSE / (2 sigma^2)`` plus a constant, which
    is why least squares is maximum likelihood under Gaussian noise.

    See Also
    --------
    mse, scipy.stats.norm.logpdf

    Examples
    --------
    >>> from klce import gaussian_nll
    >>> round(float(gaussian_nll(0.0, 0.0, 1.0)), 6)
    0.918939
    >>> gaussian_nll([0.0, 1.0, 2.0], 0.0, [1.0, 1.0, 0.5]).round(6).tolist()
    [0.918939, 1.418939, 8.225791]
    """
    yy, mu, sd = _finite(y, "y"), _finite(mean, "mean"), _std(std, "std")
    broadcast_shapes_of(y=yy, mean=mu, std=sd)
    z = (yy - mu) / sd
    return _HALF_LOG_2PI + np.log(sd) + 0.5 * z * z


def gaussian_kl(
    mean_p: ArrayLike,
    std_p: ArrayLike,
    mean_q: ArrayLike,
    std_q: ArrayLike,
    *,
    base: float | None = None,
) -> np.ndarray | np.float64:
    r"""KL divergence ``KL(N(mean_p, std_p^2) || N(mean_q, std_q^2))``, elementwise.

    Parameters
    ----------
    mean_p, std_p : array_like
        Mean (finite) and standard deviation (finite, > 0) of ``P``.
    mean_q, std_q : array_like
        Mean (finite) and standard deviation (finite, > 0) of ``Q``.
        All four arguments broadcast together.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray or numpy.float64
        The divergence (``>= 0``), broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If a mean is not finite, a standard deviation is not finite and
        > 0, the shapes do not broadcast, or `base` is invalid.

    Notes
    -----
    For :math:`P = \mathcal N(\mu_p, \sigma_p^2)` and
    :math:`Q = \mathcal N(\mu_q, \sigma_q^2)`,

    .. math::

       \begin{aligned}
       \mathrm{KL}(P \,\|\, Q)
         &= \log\frac{\sigma_q}{\sigma_p} - \frac12 \\
         &\quad + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2 \sigma_q^2} \\
         &= \tfrac12 [s - \log(1 + s)] \\
         &\quad + \frac{(\mu_p - \mu_q)^2}{2 \sigma_q^2},
       \end{aligned}

    with :math:`s = (\sigma_p / \sigma_q)^2 - 1`. The textbook form cancels
    catastrophically when ``std_p ~ std_q``; here ``s`` is computed as
    ``(std_p - std_q) / std_q * (std_p / std_q + 1)`` and
    ``s - log(1 + s)`` with the same cancellation-free series as
    :func:`klce.kl_divergence`, so the result is accurate and never negative.

    See Also
    --------
    klce.kl_divergence, gaussian_entropy

    Examples
    --------
    >>> from klce import gaussian_kl
    >>> round(float(gaussian_kl(0.0, 1.0, 1.0, 2.0)), 6)
    0.443147
    >>> float(gaussian_kl(0.0, 1.0, 0.0, 1.0))
    0.0
    >>> print(f"{float(gaussian_kl(0.0, 1.0, 0.0, 1.0 + 1e-8)):.6e}")
    1.000000e-16
    """
    mp, mq = _finite(mean_p, "mean_p"), _finite(mean_q, "mean_q")
    sp, sq = _std(std_p, "std_p"), _std(std_q, "std_q")
    broadcast_shapes_of(mean_p=mp, std_p=sp, mean_q=mq, std_q=sq)
    with np.errstate(over="ignore", under="ignore"):
        ratio = sp / sq
        s = (sp - sq) / sq * (ratio + 1.0)
        normal = (ratio >= _TINY) & (ratio < np.inf)
        log_ratio = np.where(normal, np.log(np.where(normal, ratio, 1.0)), np.log(sp) - np.log(sq))
        var_part = 0.5 * x_minus_log1p(s, 2.0 * log_ratio)
        dz = (mp - mq) / sq
    return in_base(np.maximum(var_part + 0.5 * dz * dz, 0.0)[()], base)


def gaussian_entropy(std: ArrayLike, *, base: float | None = None) -> np.ndarray | np.float64:
    r"""Differential entropy of ``N(mean, std^2)``, elementwise.

    Parameters
    ----------
    std : array_like
        Standard deviations, finite and > 0.
    base : float, optional
        Logarithm base: ``None`` (default) for nats, ``2`` for bits.

    Returns
    -------
    numpy.ndarray or numpy.float64
        ``h = 0.5 log(2 pi e std^2)``, same shape as `std`. Unlike the
        entropy of a discrete distribution it can be negative (for
        ``std < 1 / sqrt(2 pi e) ~ 0.242``) and it changes with the units of
        the variable.

    Raises
    ------
    ValueError
        If `std` is not finite and > 0, or `base` is invalid.

    Notes
    -----
    .. math:: h(\mathcal N(\mu, \sigma^2)) = \tfrac12 \log(2 \pi e \sigma^2).

    See Also
    --------
    scipy.stats.norm.entropy

    Examples
    --------
    >>> from klce import gaussian_entropy
    >>> round(float(gaussian_entropy(1.0)), 6)
    1.418939
    >>> gaussian_entropy([0.1, 1.0], base=2).round(6).tolist()
    [-1.274833, 2.047096]
    """
    sd = _std(std, "std")
    return in_base(_HALF_LOG_2PI + 0.5 + np.log(sd), base)


def mse(y: ArrayLike, y_hat: ArrayLike, *, axis: int | None = None) -> np.ndarray | np.float64:
    r"""Mean squared error.

    Parameters
    ----------
    y : array_like
        Targets (finite, non-empty).
    y_hat : array_like
        Predictions (finite); broadcasts with `y`.
    axis : int, optional
        Axis to average over; ``None`` (default) averages over everything.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        :math:`\frac1n \sum_i (y_i - \hat y_i)^2`.

    Raises
    ------
    ValueError
        If an input is not finite or empty, or the shapes do not broadcast.

    See Also
    --------
    gaussian_nll

    Examples
    --------
    >>> from klce import mse
    >>> float(mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]))
    1.3333333333333333
    >>> mse([[0.0, 1.0], [2.0, 2.0]], 0.0, axis=1).tolist()
    [0.5, 4.0]
    """
    yy, yh = _finite(y, "y"), _finite(y_hat, "y_hat")
    shape = broadcast_shapes_of(y=yy, y_hat=yh)
    if math.prod(shape) == 0:
        raise ValueError("y and y_hat are empty")
    d = yy - yh
    return np.mean(d * d, axis=axis)
