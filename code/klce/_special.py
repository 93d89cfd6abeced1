"""Private special function: ``g(r) = r - log1p(r)`` without cancellation.

``g(r) >= 0`` for ``r > -1`` is the building block of every divergence in
:mod:`klce`: a KL term is ``p * g((q - p) / p)`` and the variance part of the
Gaussian KL is ``g(s) / 2``. For small ``|r|`` the difference ``r - log1p(r)``
loses about ``log10(2 / |r|)`` digits, so there a series is used.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SERIES_CUTOFF", "x_minus_log1p", "x_minus_log1p_series"]

#: ``|r|`` below this uses the series (where direct evaluation would cancel).
SERIES_CUTOFF = 0.01

# -2/3, -2/5, ..., -2/15 in Horner order (highest first). Seven terms suffice for
# |u| <= 1/19 (|r| <= 0.1): the first omitted one, 2 u^17 / 17, is below 1e-21
# relative to g(r) ~ 2 u^2. Below the cutoff (|r| < 0.01, |u| < 1/199) three do.
_SERIES_COEFFS = tuple(-2.0 / k for k in range(15, 2, -2))


def _n_terms(u_max: float) -> int:
    """Return how many series terms make the first omitted one < 1e-17 relative."""
    for n in range(1, len(_SERIES_COEFFS)):
        # first omitted term 2 u^(2n+3)/(2n+3), relative to g ~ 2 u^2
        if u_max ** (2 * n + 1) / (2 * n + 3) < 1e-17:
            return n
    return len(_SERIES_COEFFS)


def x_minus_log1p_series(
    r: np.ndarray, *, r_max: float | None = None, overwrite: bool = False
) -> np.ndarray:
    """Return ``g(r) = r - log1p(r)`` for ``|r| <= SERIES_CUTOFF``.

    ``r_max``, if given, must bound ``|r|`` (it saves a pass over `r`); with
    ``overwrite=True`` the result is written into `r`, else into a new array.

    Notes
    -----
    With ``u = r / (2 + r)``, ``log1p(r) = 2 atanh(u)`` and ``r - 2u = r u``, so

    .. math:: g(r) = r u - 2 u^3 (1/3 + u^2/5 + u^4/7 + ...)
              = u [r - 2 u^2 (1/3 + u^2/5 + ...)],

    where the second term is only about ``r / 6`` of the first: no cancellation.
    The series is summed by Horner's rule in ``u^2``, with as many terms (at most
    7) as the largest ``|u|`` needs.
    """
    if r.size == 0:
        return r if overwrite else r.copy()
    if r_max is None:
        r_max = max(float(r.max()), -float(r.min()))
    u = np.add(r, 2.0)
    np.divide(r, u, out=u)
    # |u| is largest at r = -r_max; min() guards r_max >= 2 from a bad bound
    coeffs = _SERIES_COEFFS[-_n_terms(min(r_max / (2.0 - min(r_max, 1.0)), 1.0)) :]
    # acc = -2 u^2 S(u^2) by Horner, then g = u (r + acc)
    acc = u * u
    if len(coeffs) > 1:
        w, acc = acc, acc * coeffs[0]
        for c in coeffs[1:]:
            acc += c
            acc *= w
    else:
        acc *= coeffs[0]
    if overwrite:
        acc, r = r, acc
    acc += r
    acc *= u
    return acc


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
