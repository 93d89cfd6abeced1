"""Numerical checks the chapters use: central-difference gradients.

A chapter that states a gradient formula checks it against the loss itself,
treated as a black box: :func:`numerical_gradient` evaluates only the loss's
values, so agreement with the formula is evidence, not a restatement.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from klce._validation import as_real_array

__all__ = ["numerical_gradient"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: ArrayLike, *, step: float = 1e-6
) -> np.ndarray:
    """Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        The function, called with an array of the shape of `x`; returns a
        real scalar.
    x : array_like
        The point; any shape.
    step : float, optional
        The difference step ``h`` (default ``1e-6``), finite and positive.

    Returns
    -------
    numpy.ndarray
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every element ``i`` of
        `x`, in the shape of `x`. The error is ``O(h^2)`` from truncation plus
        about ``eps |f| / h`` from rounding: near ``1e-9`` relative for
        ``h = 1e-6`` and a smooth ``f`` of order one.

    Raises
    ------
    ValueError
        If `x` is not real, or `step` is not finite and positive.

    Examples
    --------
    >>> import numpy as np
    >>> from klce.numerics import numerical_gradient
    >>> g = numerical_gradient(lambda v: np.sum(v**3), [1.0, 2.0])
    >>> np.allclose(g, [3.0, 12.0], rtol=1e-8)
    True
    """
    if not (isinstance(step, int | float) and math.isfinite(step) and step > 0):
        raise ValueError(f"step must be a finite positive number, got {step!r}")
    point = as_real_array(x, "x")
    grad = np.empty_like(point)
    for idx in np.ndindex(point.shape):
        shift = np.zeros_like(point)
        shift[idx] = step
        grad[idx] = (f(point + shift) - f(point - shift)) / (2 * step)
    return grad
