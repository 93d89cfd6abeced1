"""NumPy mirrors of framework conventions, for the chapters' illustrations.

The chapters explain what PyTorch and other float32 frameworks compute
without importing them: each function here reproduces one framework
convention in NumPy, so that a chapter can show the convention's arithmetic
and its consequences. They are not the book's reference functions (those are
:func:`klce.kl_divergence` and friends, computed carefully in float64);
they compute what the framework computes, including its choices. The
framework tier of the tests (``make test-frameworks``) checks them against
the real libraries.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from klce._validation import as_real_array, broadcast_shapes_of, check_not_nan_or_posinf

__all__ = ["kl_div", "sigmoid_float32"]

_REDUCTIONS = ("none", "sum", "mean", "batchmean")


def kl_div(
    input: ArrayLike,  # PyTorch's argument name, though it shadows a builtin
    target: ArrayLike,
    *,
    reduction: str = "mean",
    log_target: bool = False,
) -> np.ndarray | float:
    r"""Mirror of ``torch.nn.functional.kl_div``: input in log space, target first in KL.

    Parameters
    ----------
    input : array_like
        Model log-probabilities ``log q`` (natural log), as PyTorch expects:
        the output of a log-softmax, *not* probabilities. ``-inf`` is allowed;
        NaN and ``+inf`` are not.
    target : array_like
        Target probabilities ``p`` (``log_target=False``, entries ``>= 0``),
        or target log-probabilities ``log p`` (``log_target=True``, no NaN
        or ``+inf``). Broadcasts with `input`.
    reduction : {"mean", "batchmean", "sum", "none"}, optional
        ``"none"``: the pointwise terms; ``"sum"``: their sum; ``"mean"``
        (PyTorch's default): the sum divided by the number of elements;
        ``"batchmean"``: the sum divided by ``input.shape[0]``, the batch size,
        which is the mean KL divergence per example.
    log_target : bool, optional
        Whether `target` holds log-probabilities (default ``False``).

    Returns
    -------
    numpy.ndarray or float
        The pointwise terms (an array of the broadcast shape) for
        ``reduction="none"``, otherwise a float.

    Raises
    ------
    ValueError
        If `input` or `target` is not real or holds NaN or ``+inf`` (the
        message names the index), `target` is negative with
        ``log_target=False``, the shapes do not broadcast, `reduction` is not
        one of the four, or ``"batchmean"`` is asked of a 0-d `input`.

    Notes
    -----
    The pointwise term is

    .. math:: \ell = p\,(\log p - \log q),

    with :math:`0 \log 0 = 0`: a term whose target is 0 is 0 (with
    ``log_target=True`` the target holds :math:`\log p` and
    :math:`p = e^{\log p}`). Summed over the
    classes of one example it is :math:`\mathrm{KL}(P \,\|\, Q)`, so only
    ``"batchmean"`` (and ``"sum"`` for one example) gives a KL divergence;
    ``"mean"`` divides it further by the number of classes ``K``.

    PyTorch computes ``xlogy(p, p) - p * input`` and so returns NaN where a
    target of 0 meets an input of ``-inf`` (``0 * -inf``); this mirror returns
    0 there, the value of the mathematics.

    See Also
    --------
    klce.kl_divergence : the KL divergence of two distributions, accurately.

    Examples
    --------
    >>> import numpy as np
    >>> from klce import kl_divergence, log_softmax
    >>> from klce.emulation import kl_div
    >>> p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    >>> log_q = log_softmax(np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]]))
    >>> kl_batch = kl_div(log_q, p, reduction="batchmean")
    >>> bool(np.isclose(kl_batch, kl_divergence(p, np.exp(log_q)).mean()))
    True
    >>> bool(np.isclose(kl_div(log_q, p), kl_batch / 3))  # "mean": also / K
    True
    >>> kl_div(np.log([0.5, 0.5]), [1.0, 0.0], reduction="none")
    array([0.69314718, 0.        ])
    """
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    log_q = as_real_array(input, "input")
    t = as_real_array(target, "target")
    check_not_nan_or_posinf(log_q, "input")
    check_not_nan_or_posinf(t, "target")
    shape = broadcast_shapes_of(input=log_q, target=t)
    if reduction == "batchmean" and log_q.ndim == 0:
        raise ValueError("input must have a batch axis for reduction='batchmean', got a 0-d array")
    if log_target:
        with np.errstate(invalid="ignore"):  # exp(-inf) * (-inf - input): a 0 target
            pointwise = np.where(t > -np.inf, np.exp(t) * (t - log_q), 0.0)
    else:
        if not np.all(t >= 0):
            idx = np.unravel_index(int(np.argmax(~(t >= 0))), t.shape)
            where = f"target[{', '.join(map(str, idx))}]" if idx else "target"
            raise ValueError(f"{where} is negative ({float(t[idx])!r})")
        with np.errstate(invalid="ignore"):  # 0 * -inf where a 0 target meets log q = -inf
            pointwise = np.where(t > 0, special.xlogy(t, t) - t * log_q, 0.0)
    pointwise = np.broadcast_to(pointwise, shape)
    if reduction == "none":
        return np.array(pointwise)
    total = float(np.sum(pointwise))
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / pointwise.size
    return total / log_q.shape[0]


def sigmoid_float32(z: ArrayLike) -> np.ndarray | np.float32:
    r"""Compute the logistic sigmoid in float32, as float32 frameworks do.

    Parameters
    ----------
    z : array_like
        Logits; converted to float32 first (values beyond float32's range
        become ``±inf``). NaN is not allowed.

    Returns
    -------
    numpy.ndarray or numpy.float32
        ``1 / (1 + exp(-z))`` with every operation rounded to float32, in the
        shape of `z` (a float32 scalar for scalar `z`).

    Raises
    ------
    ValueError
        If `z` is not real or holds NaN (the message names the index).

    Notes
    -----
    In float32 the spacing of numbers just below 1 is :math:`2^{-24}`, so
    :math:`1 + e^{-z}` rounds to 1 once :math:`e^{-z} \le 2^{-24}`, that is
    for :math:`z \ge 24 \log 2 \approx 16.64`: the probability of the other
    class becomes exactly 0, and a loss computed from the probability, rather
    than from the logit, is infinite for a wrong label. In the other
    direction, ``exp(-z)`` overflows to ``inf`` below about ``-88.7`` and the
    sigmoid is exactly 0 (no warning is raised).

    See Also
    --------
    klce.binary_cross_entropy_from_logits : the loss from the logit, which
        does not round.

    Examples
    --------
    >>> import numpy as np
    >>> from klce.emulation import sigmoid_float32
    >>> z_one = 24 * np.log(2)
    >>> bool(sigmoid_float32(z_one + 0.01) == 1)
    True
    >>> bool(sigmoid_float32(z_one - 0.01) < 1)
    True
    >>> sigmoid_float32([0.0, -200.0])
    array([0.5, 0. ], dtype=float32)
    """
    z64 = as_real_array(z, "z")
    if np.any(np.isnan(z64)):
        idx = np.unravel_index(int(np.argmax(np.isnan(z64))), z64.shape)
        where = f"z[{', '.join(map(str, idx))}]" if idx else "z"
        raise ValueError(f"{where} is not a number (nan)")
    with np.errstate(over="ignore"):
        z32 = z64.astype(np.float32)
        out = np.float32(1) / (np.float32(1) + np.exp(-z32))
    return out[()] if out.ndim == 0 else out
