"""Chapter 4's ways to break a KL loss, reproduced with the real PyTorch.

Each test calls ``F.kl_div``, ``F.cross_entropy`` or autograd itself, where the
chapter uses a NumPy emulation.
"""

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import klce

RNG = np.random.default_rng(4)
N, K = 8, 4
LOGITS = torch.tensor(RNG.normal(size=(N, K)))
LABELS = torch.tensor(RNG.integers(0, K, size=N))
ONE_HOT = F.one_hot(LABELS, K).double()
CE = klce.cross_entropy_from_logits(LABELS.numpy(), LOGITS.numpy())


def test_kl_div_with_one_hot_targets_equals_cross_entropy():
    kl = F.kl_div(F.log_softmax(LOGITS, 1), ONE_HOT, reduction="batchmean")
    assert math.isclose(kl.item(), CE.mean(), rel_tol=1e-12)
    assert math.isclose(kl.item(), F.cross_entropy(LOGITS, LABELS).item(), rel_tol=1e-12)


def test_error1_probabilities_as_input_give_a_negative_kl():
    q = F.softmax(LOGITS, 1)
    wrong = F.kl_div(q, ONE_HOT, reduction="batchmean").item()  # forgot the log
    q_y = q[torch.arange(N), LABELS]
    assert wrong < 0 and math.isclose(wrong, -q_y.mean().item(), rel_tol=1e-12)


def test_error1_with_soft_targets_prefers_a_point_mass():
    p = torch.tensor([[0.6, 0.3, 0.1]], dtype=torch.float64)
    at_target = F.kl_div(p, p, reduction="batchmean").item()
    point_mass = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    at_point_mass = F.kl_div(point_mass, p, reduction="batchmean").item()
    assert at_point_mass < at_target


def test_error1_gradient_vanishes_when_confidently_wrong():
    z = torch.tensor([[-12.0, 6.0, 6.0]], dtype=torch.float64, requires_grad=True)
    target = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    F.kl_div(F.softmax(z, 1), target, reduction="batchmean").backward()
    wrong_grad = z.grad.norm().item()
    z.grad = None
    F.kl_div(F.log_softmax(z, 1), target, reduction="batchmean").backward()
    assert wrong_grad < 1e-6 and z.grad.norm().item() > 1


def test_kl_div_handles_0_log_0_with_finite_value_and_gradient():
    z = LOGITS.clone().requires_grad_(True)
    loss = F.kl_div(F.log_softmax(z, 1), ONE_HOT, reduction="batchmean")
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all()
    want = (F.softmax(LOGITS, 1) - ONE_HOT) / N  # (q - e_y) / N
    torch.testing.assert_close(z.grad, want, rtol=1e-12, atol=1e-15)


def test_error2_handwritten_p_log_p_over_q_is_nan_value_and_gradient():
    z = LOGITS.clone().requires_grad_(True)
    q = F.softmax(z, 1)
    naive = (ONE_HOT * torch.log(ONE_HOT / q)).sum(1)
    assert torch.isnan(naive).all()  # every one-hot row has zeros
    naive.mean().backward()
    assert torch.isnan(z.grad).all()
    fixed = torch.xlogy(ONE_HOT, ONE_HOT / F.softmax(LOGITS, 1)).sum(1)
    np.testing.assert_allclose(fixed.numpy(), CE, rtol=1e-12)


@pytest.mark.parametrize("form", ["xlogy", "where"])
def test_error2_fixes_give_nan_gradient_when_it_flows_into_p(form):
    # An entropy term of a MODEL distribution (p requires grad) with a zero.
    p = torch.tensor([0.0, 0.25, 0.75], dtype=torch.float64, requires_grad=True)
    if form == "xlogy":
        value = torch.xlogy(p, p).sum()
    else:
        value = torch.where(p > 0, p * torch.log(p), torch.zeros_like(p)).sum()
    assert torch.isfinite(value)
    value.backward()
    assert torch.isnan(p.grad[0]) and torch.isfinite(p.grad[1:]).all()
    # The double-where form keeps the gradient finite.
    p.grad = None
    safe = torch.where(p > 0, p, torch.ones_like(p))
    torch.where(p > 0, p * torch.log(safe), torch.zeros_like(p)).sum().backward()
    assert torch.isfinite(p.grad).all()


def test_error3_mean_reduction_is_k_times_smaller_value_and_gradient():
    z = LOGITS.clone().requires_grad_(True)
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(F.log_softmax(z, 1), ONE_HOT, reduction="mean").backward()
    grad_mean = z.grad.clone()
    z.grad = None
    F.kl_div(F.log_softmax(z, 1), ONE_HOT, reduction="batchmean").backward()
    torch.testing.assert_close(z.grad, K * grad_mean, rtol=1e-12, atol=1e-15)


def test_error4_count_targets_are_accepted_silently():
    counts = torch.tensor([[3.0, 1.0, 0.0]], dtype=torch.float64)
    s = counts.sum().item()
    z = torch.tensor([[0.3, -0.2, 0.5]], dtype=torch.float64, requires_grad=True)
    F.kl_div(F.log_softmax(z, 1), counts, reduction="sum").backward()  # no error
    q = F.softmax(z.detach(), 1)
    torch.testing.assert_close(z.grad, s * q - counts, rtol=1e-12, atol=1e-15)
    z.grad = None
    F.cross_entropy(z, counts, reduction="sum").backward()  # no error either
    torch.testing.assert_close(z.grad, s * q - counts, rtol=1e-12, atol=1e-15)
    positive = counts[:, :2]  # log(0 / s) = -inf would make the value NaN
    at_min = F.kl_div((positive / s).log(), positive, reduction="sum").item()
    assert math.isclose(at_min, s * math.log(s), rel_tol=1e-12)  # not 0


def test_kl_div_is_nan_where_the_model_log_probability_is_minus_inf():
    # 0 log 0 is handled for the target, not for input = -inf: 0 * inf = NaN.
    log_q = torch.tensor([[0.0, -math.inf]], dtype=torch.float64)
    target = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    assert torch.isnan(F.kl_div(log_q, target, reduction="sum"))


def test_error4_subnormalised_target_gives_a_negative_kl():
    sub = torch.tensor([[0.3, 0.2, 0.1]], dtype=torch.float64)
    value = F.kl_div((sub / sub.sum()).log(), sub, reduction="sum").item()
    assert value < 0


def test_error4_logit_targets_nan_in_kl_div_and_unbounded_cross_entropy():
    logit_target = torch.tensor([[2.0, -1.0, 0.5]], dtype=torch.float64)
    log_q = F.log_softmax(torch.zeros(1, 3, dtype=torch.float64), 1)
    assert torch.isnan(F.kl_div(log_q, logit_target, reduction="sum"))
    losses = [
        F.cross_entropy(torch.tensor([[0.0, -c, 0.0]], dtype=torch.float64), logit_target)
        for c in (0.0, 10.0, 100.0, 1000.0)
    ]
    assert all(b < a - 5 for a, b in itertools.pairwise(losses))
    assert losses[-1].item() < -900  # no minimiser: it decreases without limit


def test_kl_div_on_sigmoid_outputs_is_only_the_yes_half():
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.3], dtype=torch.float64)
    z = torch.tensor(RNG.normal(size=5), requires_grad=True)
    half = F.kl_div(F.logsigmoid(z), y, reduction="sum")
    want = (torch.xlogy(y, y) - y * F.logsigmoid(z.detach())).sum()
    assert math.isclose(half.item(), want.item(), rel_tol=1e-12)
    half.backward()
    assert (z.grad[y == 0] == 0).all()  # nothing pushes a "no" down
    bce = F.binary_cross_entropy_with_logits(z.detach(), y, reduction="sum").item()
    bern_y = torch.stack([y, 1 - y], 1).numpy()
    s = torch.sigmoid(z.detach()).numpy()
    bern_s = np.stack([s, 1 - s], 1)
    true_kl = klce.kl_divergence(bern_y, bern_s).sum()
    assert math.isclose(bce - klce.entropy(bern_y).sum(), true_kl, rel_tol=1e-10)
