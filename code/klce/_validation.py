"""Input validation shared by all :mod:`klce` modules (private).

Every check is cheap on the happy path (one vectorised pass per array); only
when a check fails is the first offending element located, so that the
``ValueError`` message can name the argument, the problem and the index.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
from numpy.typing import ArrayLike

__all__ = [
    "as_real_array",
    "broadcast_shapes_of",
    "check_atol",
    "check_finite",
    "check_in_interval",
    "check_not_nan_or_posinf",
    "check_positive",
    "check_probabilities",
    "check_unit_interval_scalar",
    "distribution_axis",
    "in_base",
    "log_base",
    "pair_arrays",
    "pair_shapes",
    "probability_array",
    "probability_pair",
]


def _fmt(value: object) -> str:
    """Format a number for an error message (``-0.1``, ``nan``, ``inf``)."""
    return repr(float(value))  # type: ignore[arg-type]


def _where(name: str, index: tuple[int, ...]) -> str:
    """Return ``name[i, j]`` for an element index (``name`` for a 0-d array)."""
    if not index:
        return name
    return f"{name}[{', '.join(str(int(i)) for i in index)}]"


def _first(mask: np.ndarray) -> tuple[int, ...]:
    """Return the index of the first ``True`` element of ``mask`` in C order."""
    flat = int(np.argmax(mask.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, mask.shape))


def as_real_array(x: ArrayLike, name: str) -> np.ndarray:
    """Convert ``x`` to a float64 array, rejecting non-numeric and complex input."""
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must contain real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def log_base(base: float | None) -> float | None:
    """Return ``log(base)``, or ``None`` for natural-log units (``base=None``).

    Raises
    ------
    ValueError
        If ``base`` is not a finite real number > 0 and != 1.
    """
    if base is None:
        return None
    try:
        b = float(base)
    except (TypeError, ValueError):
        raise ValueError(f"base must be a real number or None, got {base!r}") from None
    if not (math.isfinite(b) and b > 0 and b != 1):
        raise ValueError(f"base must be finite, > 0 and != 1, got {base!r}")
    return math.log(b)


def in_base(value: np.ndarray | np.float64, base: float | None) -> np.ndarray | np.float64:
    """Convert a value in nats to units of ``log(base)`` (validating `base`)."""
    lb = log_base(base)
    return value if lb is None else value / lb


def broadcast_shapes_of(**arrays: np.ndarray) -> tuple[int, ...]:
    """Return the broadcast shape of the named arrays, or raise naming them."""
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        names = list(arrays)
        shapes = [a.shape for a in arrays.values()]
        joined = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
        shape_text = " and ".join([", ".join(map(str, shapes[:-1])), str(shapes[-1])])
        raise ValueError(f"{joined} have incompatible shapes {shape_text}") from None


def check_atol(atol: float) -> float:
    """Validate the normalisation tolerance ``atol`` (finite and >= 0)."""
    a = float(atol)
    if not (math.isfinite(a) and a >= 0):
        raise ValueError(f"atol must be finite and >= 0, got {atol!r}")
    return a


def check_unit_interval_scalar(value: float, name: str, *, open_: bool = False) -> float:
    """Validate a scalar in [0, 1] (or (0, 1) when ``open_``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    ok = 0 < v < 1 if open_ else 0 <= v <= 1
    if not ok:
        interval = "(0, 1)" if open_ else "[0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return v


def distribution_axis(arr: np.ndarray, name: str, axis: int) -> int:
    """Normalise ``axis`` for ``arr`` and check the axis is present and non-empty."""
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the distribution axis)")
    try:
        ax = normalize_axis_index(axis, arr.ndim)
    except np.exceptions.AxisError:
        raise ValueError(
            f"axis {axis} is out of bounds for {name} with {arr.ndim} dimension(s)"
        ) from None
    if arr.shape[ax] == 0:
        raise ValueError(f"{name} is empty along axis {axis}")
    return ax


def pair_shapes(p: np.ndarray, q: np.ndarray, names: tuple[str, str], axis: int) -> int:
    """Check that ``p`` and ``q`` broadcast and agree along the distribution axis.

    Broadcasting is allowed over the leading (batch) axes only: both arrays must
    have the distribution axis with the same length. Returns the axis as a
    negative index, valid for both arrays.
    """
    a, b = names
    problem = f"{a} and {b} have incompatible shapes {p.shape} and {q.shape}"
    try:
        shape = np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(problem) from None
    if not shape:
        raise ValueError(f"{a} and {b} must have at least one dimension (the distribution axis)")
    try:
        neg = normalize_axis_index(axis, len(shape)) - len(shape)
    except np.exceptions.AxisError:
        raise ValueError(
            f"axis {axis} is out of bounds for {a} and {b} with shapes {p.shape} and {q.shape}"
        ) from None
    for arr in (p, q):
        if arr.ndim < -neg or arr.shape[neg] != shape[neg]:
            raise ValueError(
                f"{problem}: distributions along axis {axis} must have the same length"
            )
    return neg


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise if any element of ``arr`` is NaN or infinite."""
    if not np.all(np.isfinite(arr)):
        idx = _first(~np.isfinite(arr))
        raise ValueError(f"{_where(name, idx)} is not finite ({_fmt(arr[idx])})")


def check_not_nan_or_posinf(arr: np.ndarray, name: str) -> None:
    """Raise if any element of ``arr`` is NaN or +inf (``-inf`` is allowed)."""
    if not np.all(arr < np.inf):
        idx = _first(~(arr < np.inf))
        raise ValueError(f"{_where(name, idx)} is not finite ({_fmt(arr[idx])})")


def check_positive(arr: np.ndarray, name: str) -> None:
    """Raise unless every element of ``arr`` is finite and > 0."""
    if np.all(arr > 0) and np.all(arr < np.inf):
        return
    check_finite(arr, name)
    idx = _first(~(arr > 0))
    raise ValueError(f"{_where(name, idx)} is not > 0 ({_fmt(arr[idx])})")


def check_in_interval(arr: np.ndarray, name: str, low: float = 0.0, high: float = 1.0) -> None:
    """Raise unless every element of ``arr`` lies in the closed interval [low, high]."""
    if np.all(arr >= low) and np.all(arr <= high):
        return
    check_finite(arr, name)
    idx = _first(~((arr >= low) & (arr <= high)))
    raise ValueError(f"{_where(name, idx)} is not in [{low:g}, {high:g}] ({_fmt(arr[idx])})")


def check_probabilities(
    arr: np.ndarray, name: str, axis: int, atol: float, *, axis_label: int | None = None
) -> None:
    """Raise unless ``arr`` holds probability vectors along ``axis``.

    Each vector must be finite, non-negative and sum to 1 within ``atol``.
    ``axis`` must already be normalised; ``axis_label`` is the axis as the
    user wrote it (used in messages).

    Notes
    -----
    ``np.all(arr >= 0)`` rejects NaN, -inf and negatives in one pass; a +inf
    entry makes its sum infinite, so the sum test catches it.
    """
    label = axis if axis_label is None else axis_label
    if not np.all(arr >= 0):
        bad = ~(arr >= 0)
        idx = _first(bad)
        value = arr[idx]
        problem = "is not finite" if not np.isfinite(value) else "is negative"
        raise ValueError(f"{_where(name, idx)} {problem} ({_fmt(value)})")
    sums = np.sum(arr, axis=axis)
    if np.all(np.abs(sums - 1.0) <= atol):
        return
    if not np.all(np.isfinite(arr)):
        idx = _first(~np.isfinite(arr))
        raise ValueError(f"{_where(name, idx)} is not finite ({_fmt(arr[idx])})")
    sums = np.asarray(sums)
    row = _first(~(np.abs(sums - 1.0) <= atol))
    at = f" at index {row}" if row else ""
    raise ValueError(
        f"{name} sums to {_fmt(sums[row])} along axis {label}{at}, not 1 (atol={atol!r})"
    )


def probability_array(p: ArrayLike, name: str, axis: int, atol: float) -> tuple[np.ndarray, int]:
    """Convert and validate one array of probability vectors; return it and the axis."""
    tol = check_atol(atol)
    arr = as_real_array(p, name)
    ax = distribution_axis(arr, name, axis)
    check_probabilities(arr, name, ax, tol, axis_label=axis)
    return arr, ax


def pair_arrays(
    p: ArrayLike, q: ArrayLike, axis: int, atol: float, names: tuple[str, str] = ("p", "q")
) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Convert two arrays used together and check everything but their values.

    Checks `atol`, the dtypes, the shapes and that the distribution axis is not
    empty: the cheap part of :func:`probability_pair`. Returns both arrays (not
    broadcast), the distribution axis as a negative index valid for both, and
    the tolerance. A caller that checks the values itself, fused into its own
    pass, calls :func:`check_probabilities` on both arrays when its check
    fails, so that the error is the same.
    """
    tol = check_atol(atol)
    a = as_real_array(p, names[0])
    b = as_real_array(q, names[1])
    neg = pair_shapes(a, b, names, axis)
    for arr, name in ((a, names[0]), (b, names[1])):
        if arr.shape[neg] == 0:
            raise ValueError(f"{name} is empty along axis {axis}")
    return a, b, neg, tol


def probability_pair(
    p: ArrayLike, q: ArrayLike, axis: int, atol: float, names: tuple[str, str] = ("p", "q")
) -> tuple[np.ndarray, np.ndarray, int]:
    """Convert and validate two arrays of probability vectors that are used together.

    Returns both arrays (not broadcast) and the distribution axis as a negative
    index valid for both.
    """
    a, b, neg, tol = pair_arrays(p, q, axis, atol, names)
    for arr, name in ((a, names[0]), (b, names[1])):
        check_probabilities(arr, name, neg, tol, axis_label=axis)
    return a, b, neg
