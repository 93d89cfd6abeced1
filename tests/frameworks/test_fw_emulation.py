"""klce.emulation's NumPy mirrors against the framework they mirror.

``klce.emulation.kl_div`` mirrors ``torch.nn.functional.kl_div`` and
``klce.emulation.sigmoid_float32`` mirrors ``torch.sigmoid`` on float32; the
chapters use the mirrors to show a convention without importing PyTorch.
"""

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from klce import framework_facts
from klce.emulation import kl_div, sigmoid_float32

RNG = np.random.default_rng(21)
N, K = 5, 4
LOG_Q = F.log_softmax(torch.tensor(2 * RNG.normal(size=(N, K))), 1).numpy()
P = RNG.dirichlet(np.ones(K), size=N)
P[0, 1] = 0.0  # exact zeros in the target: 0 log 0 = 0
P[3, [0, 2]] = 0.0
P /= P.sum(axis=1, keepdims=True)


def torch_kl_div(log_q, target, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'mean' warns; tested elsewhere
        return F.kl_div(torch.tensor(log_q), torch.tensor(target), **kwargs).numpy()


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
def test_kl_div_mirror_equals_torch(reduction, log_target):
    if log_target:
        with np.errstate(divide="ignore"):
            target = np.log(np.where(P > 0, P, 1.0))  # finite log targets (no -inf)
        target[P == 0] = -50.0  # a tiny target probability, e^-50
    else:
        target = P
    got = kl_div(LOG_Q, target, reduction=reduction, log_target=log_target)
    want = torch_kl_div(LOG_Q, target, reduction=reduction, log_target=log_target)
    if reduction == "none":
        assert isinstance(got, np.ndarray) and got.shape == (N, K)
    else:
        assert isinstance(got, float)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


def test_kl_div_mirror_on_a_1d_input_divides_batchmean_by_its_length():
    log_q, p = LOG_Q[0], P[1]
    for reduction in ("sum", "mean", "batchmean"):
        assert math.isclose(
            kl_div(log_q, p, reduction=reduction),
            float(torch_kl_div(log_q, p, reduction=reduction)),
            rel_tol=1e-12,
        )


def test_kl_div_mirror_differs_from_torch_only_at_zero_target_and_minus_inf_input():
    """Documented: torch gives 0 * -inf = NaN there, the mirror the mathematical 0."""
    log_q, p = np.array([[0.0, -np.inf]]), np.array([[1.0, 0.0]])
    assert np.isnan(torch_kl_div(log_q, p, reduction="none")[0, 1])
    assert kl_div(log_q, p, reduction="none")[0, 1] == 0.0
    assert kl_div(log_q, p, reduction="sum") == 0.0


def _float32_between(lo, hi):
    """Every float32 in [lo, hi)."""
    bits = np.arange(np.float32(lo).view(np.int32), np.float32(hi).view(np.int32), dtype=np.int32)
    return bits.view(np.float32)


def test_sigmoid_float32_is_torch_bit_for_bit_around_24_log_2():
    """Every float32 logit in [16, 17.5): the same bits, so the same z where sigma becomes 1."""
    z = _float32_between(16.0, 17.5)
    ours = sigmoid_float32(z)
    theirs = torch.sigmoid(torch.from_numpy(z)).numpy()
    assert ours.dtype == np.float32 and np.array_equal(ours, theirs)
    first_one = z[np.argmax(theirs == 1.0)]
    assert np.all(theirs[z < first_one] < 1.0) and np.all(theirs[z >= first_one] == 1.0)
    threshold = framework_facts.TORCH_FLOAT32_SIGMOID_ONE_ABOVE  # 24 log 2 = 16.6355...
    assert abs(float(first_one) - threshold) < 1e-5
    assert sigmoid_float32(float(framework_facts.TORCH_FLOAT32_SIGMOID_ONE_FROM)) == 1.0


def test_sigmoid_float32_is_within_a_few_ulp_of_torch_everywhere():
    """Elsewhere torch's vectorised exp rounds differently, by at most 4 units in the last place."""
    z = np.linspace(-100, 100, 200_001).astype(np.float32)
    ours = sigmoid_float32(z).astype(np.float64)
    theirs = torch.sigmoid(torch.from_numpy(z)).numpy()
    ulp = np.spacing(theirs).astype(np.float64)  # float32 spacing, subnormals included
    assert np.all(np.abs(ours - theirs) <= 4 * ulp)
    assert np.array_equal(ours == 1.0, theirs == 1.0) and np.array_equal(ours == 0, theirs == 0)
