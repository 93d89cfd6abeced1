"""Numerical tools the chapters use: central-difference gradients, gradient descent.

A chapter that states a gradient formula checks it against the loss itself,
treated as a black box: :func:`numerical_gradient` evaluates only the loss's
values, so agreement with the formula is evidence, not a restatement.
:func:`gradient_descent` runs the plain descent the chapters draw, and keeps
the path.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from klce._validation import as_real_array

__all__ = ["gradient_descent", "numerical_gradient"]


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


def gradient_descent(
    grad: Callable[[np.ndarray], ArrayLike],
    x0: ArrayLike,
    *,
    lr: float,
    n_steps: int,
) -> np.ndarray:
    r"""Plain gradient descent with a fixed learning rate; returns the whole path.

    Parameters
    ----------
    grad : callable
        The gradient, called with an array of the shape of `x0`; returns an
        array of the same shape. For a loss without a gradient formula, pass
        ``lambda x: numerical_gradient(loss, x)``.
    x0 : array_like
        The starting point; any shape (a vector, or a weight matrix).
    lr : float
        The learning rate (step size), finite and positive.
    n_steps : int
        The number of steps, ``>= 0``.

    Returns
    -------
    numpy.ndarray
        The path, of shape ``(n_steps + 1, *x0.shape)``: ``path[0]`` is `x0`
        and ``path[s + 1] = path[s] - lr * grad(path[s])``.

    Raises
    ------
    ValueError
        If `x0` is not real, `lr` is not finite and positive, `n_steps` is not
        a non-negative integer, or `grad` returns an array of another shape
        (the message names the step).

    Notes
    -----
    .. math:: x_{s+1} = x_s - \eta\, \nabla f(x_s),

    for :math:`s = 0, \dots, n - 1`, with :math:`n` = `n_steps`. The path
    lets a chapter draw the iterates and the loss along them
    (``loss(path[s])`` for every ``s``). Nothing stops a divergent run: the
    path then grows without bound or becomes ``inf``.

    Examples
    --------
    >>> import numpy as np
    >>> from klce.numerics import gradient_descent
    >>> path = gradient_descent(lambda x: 2 * x, [1.0, -2.0], lr=0.25, n_steps=3)
    >>> path.shape
    (4, 2)
    >>> path[:, 0]  # each step halves x for f(x) = |x|^2 and lr = 1/4
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    if not (
        isinstance(lr, int | float | np.floating | np.integer)
        and not isinstance(lr, bool)
        and math.isfinite(lr)
        and lr > 0
    ):
        raise ValueError(f"lr must be a finite positive number, got {lr!r}")
    if not (
        isinstance(n_steps, int | np.integer) and not isinstance(n_steps, bool) and n_steps >= 0
    ):
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    start = as_real_array(x0, "x0")
    path = np.empty((int(n_steps) + 1, *start.shape))
    path[0] = start
    for k in range(int(n_steps)):
        g = np.asarray(grad(path[k]), dtype=np.float64)
        if g.shape != start.shape:
            raise ValueError(
                f"grad returned shape {g.shape} at step {k}, "
                f"expected the shape of x0, {start.shape}"
            )
        path[k + 1] = path[k] - lr * g
    return path
