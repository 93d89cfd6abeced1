"""Private special function: ``g(r) = r - log1p(r)`` without cancellation.

``g(r) >= 0`` for ``r > -1`` is the building block of every divergence in
:mod:`klce`: a KL term is ``p * g((q - p) / p)`` and the variance part of the
Gaussian KL is ``g(s) / 2``. For small ``|r|`` the difference ``r - log1p(r)``
loses about ``log10(2 / |r|)`` digits, so there a series is used, the one
series of the package (:func:`atanh_tail`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SERIES_CUTOFF", "SERIES_TERMS", "atanh_tail", "x_minus_log1p", "x_minus_log1p_series"]

#: ``|r|`` below this uses the series (where direct evaluation would cancel).
SERIES_CUTOFF = 0.01
#: Terms of :func:`atanh_tail` that make the series exact to rounding below the
#: cutoff: ``|u| < 0.005``, and the first omitted term, ``2 u^9 / 9``, is below
#: 1e-17 relative to ``g ~ 2 u^2``.
SERIES_TERMS = 3

# 2/3, 2/5, 2/7, ...: the coefficients of 2 (atanh(u) - u) / u^3 in powers of u^2.
_ATANH_COEFFS = tuple(2.0 / k for k in range(3, 17, 2))


def atanh_tail(w: np.ndarray, n_terms: int = SERIES_TERMS) -> np.ndarray:
    r"""Return ``T(w) = 2/3 + 2w/5 + 2w^2/7 + ...`` to `n_terms` terms (at most 7).

    With ``u = r / (2 + r)``, ``log1p(r) = 2 atanh(u)`` and ``r - 2u = r u``, so

    .. math:: g(r) = r - 2\,\mathrm{atanh}(u) = u\,[r - u^2\, T(u^2)],
              \qquad 2\,(\mathrm{atanh}(u) - u) = u^3\, T(u^2),

    where the bracket's second term is only about ``r / 6`` of the first: no
    cancellation. ``T`` is summed by Horner's rule in ``w = u^2``.
    """
    coeffs = _ATANH_COEFFS[:n_terms]
    acc = coeffs[-1]
    for c in coeffs[-2::-1]:
        acc = c + w * acc
    return acc


def x_minus_log1p_series(r: np.ndarray) -> np.ndarray:
    """Return ``g(r) = r - log1p(r)`` for ``|r| <= SERIES_CUTOFF`` (see :func:`atanh_tail`)."""
    u = r / (2.0 + r)
    return u * (r - u * u * atanh_tail(u * u))


def x_minus_log1p(r: np.ndarray, log1p_r: np.ndarray) -> np.ndarray:
    """Return ``g(r) = r - log1p(r)`` elementwise, accurate for all ``r >= -1``.

    ``log1p_r`` must be ``log(1 + r)`` computed accurately by the caller (for
    example ``log(q / p)`` rather than ``log1p((q - p) / p)``, which loses
    precision as ``r -> -1``). It is used where ``|r| >= SERIES_CUTOFF``; the
    series :func:`x_minus_log1p_series` is used elsewhere. ``r = inf`` gives ``inf``.
    """
    r = np.asarray(r, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = np.asarray(r - log1p_r, dtype=np.float64)
    out = np.where(r == np.inf, np.inf, out)
    small = np.abs(r) < SERIES_CUTOFF
    if np.any(small):
        out[small] = x_minus_log1p_series(r[small])
    return out
