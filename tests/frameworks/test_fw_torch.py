"""PyTorch's losses against klce: reductions, weights, clamps, epsilons, dtypes."""

import inspect
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Categorical, Normal, kl_divergence

import klce
from klce import framework_facts

RNG = np.random.default_rng(11)
N, K = 6, 5
LOGITS = 2.0 * RNG.normal(size=(N, K))
LABELS = RNG.integers(0, K, size=N)
SOFT = klce.softmax(RNG.normal(size=(N, K)))
CE = klce.cross_entropy_from_logits(LABELS, LOGITS)  # per example
KL = klce.kl_divergence(SOFT, klce.softmax(LOGITS))  # per example


def tt(x):  # float64 in, float64 tensor out
    return torch.tensor(np.asarray(x))


def reduce_(values, reduction):
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](values)


@pytest.mark.cell("torch_cross_entropy", "takes")
@pytest.mark.cell("torch_cross_entropy", "reduction")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_labels_each_reduction(reduction):
    got = F.cross_entropy(tt(LOGITS), tt(LABELS), reduction=reduction)
    np.testing.assert_allclose(got.numpy(), reduce_(CE, reduction), rtol=1e-12)


@pytest.mark.cell("torch_cross_entropy", "reduction")
@pytest.mark.cell("torch_nll_loss", "reduction")
@pytest.mark.cell("torch_kl_div", "reduction")
@pytest.mark.cell("torch_bce", "reduction")
@pytest.mark.cell("torch_bce_with_logits", "reduction")
@pytest.mark.cell("torch_gaussian_nll", "reduction")
def test_default_reductions_are_mean():
    for fn in (
        F.cross_entropy,
        F.nll_loss,
        F.kl_div,
        F.binary_cross_entropy,
        F.binary_cross_entropy_with_logits,
        F.gaussian_nll_loss,
        F.mse_loss,
    ):
        default = inspect.signature(fn).parameters["reduction"].default
        assert default == framework_facts.TORCH_REDUCTION_DEFAULT, fn.__name__


def test_mse_loss_mean_is_over_every_element():
    """Chapter 5's hidden beta: the default 'mean' divides by the number of pixels too."""
    x, x_hat = torch.zeros(4, 12), torch.ones(4, 12)
    assert F.mse_loss(x_hat, x).item() == 1.0
    assert F.mse_loss(x_hat, x, reduction="sum").item() == 48.0


@pytest.mark.cell("torch_cross_entropy", "takes")
def test_cross_entropy_soft_targets():
    got = F.cross_entropy(tt(LOGITS), tt(SOFT))
    want = klce.cross_entropy_from_logits(SOFT, LOGITS).mean()
    assert math.isclose(got.item(), want, rel_tol=1e-12)


@pytest.mark.cell("torch_cross_entropy", "clip")
@pytest.mark.parametrize("eps", [0.1, 0.35])
@pytest.mark.parametrize("kind", ["labels", "soft"])
def test_label_smoothing_equals_klce(eps, kind):
    target = LABELS if kind == "labels" else SOFT
    got = F.cross_entropy(tt(LOGITS), tt(target), label_smoothing=eps)
    want = klce.cross_entropy_from_logits(target, LOGITS, label_smoothing=eps)
    assert math.isclose(got.item(), want.mean(), rel_tol=1e-12)


W = np.array([0.5, 3.0, 1.0, 0.2, 2.0])  # class weights


def weighted_mean_divisor(form, n, w_y):
    """The divisor framework_facts.TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY states for a target form."""
    return {"sum_w": np.sum(w_y), "n": n}[framework_facts.TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY[form]]


@pytest.mark.cell("torch_cross_entropy", "reduction")
def test_cross_entropy_weight_with_class_indices():
    """'mean' with weight=: sum_i w[y_i] l_i / sum_i w[y_i] (a self-normalised mean)."""
    got = F.cross_entropy(tt(LOGITS), tt(LABELS), weight=tt(W)).item()
    wy = W[LABELS]
    want = np.sum(wy * CE) / weighted_mean_divisor("class indices", N, wy)
    assert math.isclose(got, want, rel_tol=1e-12)
    assert not math.isclose(got, np.mean(wy * CE), rel_tol=1e-3)  # not the plain mean
    summed = F.cross_entropy(tt(LOGITS), tt(LABELS), weight=tt(W), reduction="sum")
    assert math.isclose(summed.item(), np.sum(wy * CE), rel_tol=1e-12)


@pytest.mark.cell("torch_cross_entropy", "reduction")
def test_cross_entropy_weight_with_probability_targets():
    """'mean' with weight= and probabilities: mean over n of -sum_c w_c p_nc log q_nc."""
    got = F.cross_entropy(tt(LOGITS), tt(SOFT), weight=tt(W)).item()
    per = -np.sum(W * SOFT * klce.log_softmax(LOGITS), axis=1)  # weighted per example
    want = np.sum(per) / weighted_mean_divisor("probabilities", N, SOFT @ W)
    assert math.isclose(got, want, rel_tol=1e-12)
    assert math.isclose(got, per.mean(), rel_tol=1e-12)
    # not divided by the (expected) weight of the examples, the index rule's analogue
    assert not math.isclose(got, per.sum() / np.sum(SOFT @ W), rel_tol=1e-3)
    # one-hot probabilities are weighted like their class indices but divided by N
    one_hot = np.eye(K)[LABELS]
    as_probs = F.cross_entropy(tt(LOGITS), tt(one_hot), weight=tt(W)).item()
    as_index = F.cross_entropy(tt(LOGITS), tt(LABELS), weight=tt(W)).item()
    assert math.isclose(as_probs, as_index * np.sum(W[LABELS]) / N, rel_tol=1e-12)


@pytest.mark.cell("torch_cross_entropy", "reduction")
def test_cross_entropy_weight_cancels_in_a_batch_of_one():
    """With class indices, one example's weight divides out: the unweighted loss."""
    for i in range(N):
        z, y = tt(LOGITS[i : i + 1]), tt(LABELS[i : i + 1])
        weighted = F.cross_entropy(z, y, weight=tt(W)).item()
        assert math.isclose(weighted, CE[i], rel_tol=1e-12)
        assert math.isclose(weighted, F.cross_entropy(z, y).item(), rel_tol=1e-12)
        # with reduction="sum" the weight stays
        summed = F.cross_entropy(z, y, weight=tt(W), reduction="sum").item()
        assert math.isclose(summed, W[LABELS[i]] * CE[i], rel_tol=1e-12)


@pytest.mark.cell("torch_cross_entropy", "clip")
def test_ignore_index_drops_examples_from_the_mean():
    default = inspect.signature(F.cross_entropy).parameters["ignore_index"]
    assert default.default == framework_facts.TORCH_IGNORE_INDEX
    labels = LABELS.copy()
    labels[[1, 4]] = framework_facts.TORCH_IGNORE_INDEX
    got = F.cross_entropy(tt(LOGITS), tt(labels)).item()
    keep = labels != framework_facts.TORCH_IGNORE_INDEX
    assert math.isclose(got, CE[keep].mean(), rel_tol=1e-12)  # mean over kept
    custom = F.cross_entropy(tt(LOGITS), tt(LABELS), ignore_index=int(LABELS[0]))
    kept = LABELS != LABELS[0]
    assert math.isclose(custom.item(), CE[kept].mean(), rel_tol=1e-12)


@pytest.mark.cell("torch_nll_loss", "takes")
def test_nll_loss_takes_log_probabilities():
    log_q = F.log_softmax(tt(LOGITS), dim=1)
    assert math.isclose(F.nll_loss(log_q, tt(LABELS)).item(), CE.mean(), rel_tol=1e-12)
    wrong = F.nll_loss(log_q.exp(), tt(LABELS)).item()  # probabilities: no error
    q_y = klce.softmax(LOGITS)[np.arange(N), LABELS]
    assert math.isclose(wrong, -q_y.mean(), rel_tol=1e-12) and wrong < 0


@pytest.mark.cell("torch_kl_div", "reduction")
def test_kl_div_batchmean_and_sum_are_the_kl():
    log_q = F.log_softmax(tt(LOGITS), dim=1)
    batchmean = F.kl_div(log_q, tt(SOFT), reduction="batchmean").item()
    assert math.isclose(batchmean, KL.mean(), rel_tol=1e-10)
    total = F.kl_div(log_q, tt(SOFT), reduction="sum").item()
    assert math.isclose(total, KL.sum(), rel_tol=1e-10)
    pointwise = F.kl_div(log_q, tt(SOFT), reduction="none").numpy()
    assert pointwise.shape == (N, K)
    want = SOFT * (np.log(SOFT) - log_q.numpy())
    np.testing.assert_allclose(pointwise, want, rtol=1e-12, atol=1e-15)


@pytest.mark.cell("torch_kl_div", "reduction")
def test_kl_div_mean_divides_by_n_times_k_and_warns():
    log_q = F.log_softmax(tt(LOGITS), dim=1)
    assert framework_facts.TORCH_KL_DIV_MEAN_WARNS
    with pytest.warns(UserWarning, match="batchmean"):
        mean = F.kl_div(log_q, tt(SOFT)).item()  # the default reduction
    assert math.isclose(mean, KL.mean() / K, rel_tol=1e-10)
    with pytest.warns(UserWarning, match="batchmean"):
        nn.KLDivLoss()(log_q, tt(SOFT))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(log_q, tt(SOFT), reduction="batchmean")  # no warning


@pytest.mark.cell("torch_kl_div", "takes")
def test_kl_div_log_target():
    log_q = F.log_softmax(tt(LOGITS), dim=1)
    got = F.kl_div(log_q, tt(np.log(SOFT)), reduction="batchmean", log_target=True)
    assert math.isclose(got.item(), KL.mean(), rel_tol=1e-10)


@pytest.mark.cell("torch_kl_div", "clip")
def test_kl_div_target_gradient_is_nan_at_an_exact_zero():
    """0 log 0 = 0 for the value, but the target's own gradient there is NaN."""
    log_q = torch.log(tt([[0.2, 0.3, 0.5]]))
    p = tt([[0.0, 0.4, 0.6]]).requires_grad_(True)
    value = F.kl_div(log_q, p, reduction="sum")
    assert torch.isfinite(value)
    value.backward()
    assert torch.isnan(p.grad[0, 0]) and torch.isfinite(p.grad[0, 1:]).all()
    # d/dp [p log p - p log q] = log p + 1 - log q where p > 0
    want = np.log([0.4, 0.6]) + 1 - np.log([0.3, 0.5])
    np.testing.assert_allclose(p.grad[0, 1:].numpy(), want, rtol=1e-12)


@pytest.mark.cell("torch_kl_div", "clip")
def test_kl_div_target_from_a_softmax_that_underflows_poisons_every_logit():
    """A float32 softmax target with an exact 0 (a logit gap of 110): all gradients NaN."""
    log_q = F.log_softmax(torch.zeros(1, 3), 1)
    u = torch.tensor([[0.0, -110.0, 1.0]], requires_grad=True)
    p = F.softmax(u, 1)
    assert p[0, 1].item() == 0.0
    F.kl_div(log_q, p, reduction="sum").backward()
    assert torch.isnan(u.grad).all()


@pytest.mark.cell("torch_kl_div", "clip")
def test_kl_div_log_target_from_log_softmax_has_a_finite_gradient():
    """The remedy: log_target=True with a log_softmax target, never log(softmax)."""
    log_q = F.log_softmax(torch.zeros(1, 3), 1)
    u = torch.tensor([[0.0, -110.0, 1.0]], requires_grad=True)
    value = F.kl_div(log_q, F.log_softmax(u, 1), reduction="sum", log_target=True)
    value.backward()
    assert torch.isfinite(value) and torch.isfinite(u.grad).all()
    # gradient of KL(softmax(u) || q) in u: p * (log p - log q - KL)
    p = klce.softmax(u.detach().double().numpy()[0])
    with np.errstate(divide="ignore"):
        log_ratio = np.where(p > 0, np.log(np.where(p > 0, p, 1.0)) - np.log(1 / 3), 0.0)
    want = p * (log_ratio - np.sum(p * log_ratio))
    np.testing.assert_allclose(u.grad.numpy()[0], want, rtol=1e-5, atol=1e-7)
    # the same target through log(softmax(u)) holds -inf: the value itself is NaN
    log_of_softmax = torch.log(F.softmax(u, 1))
    assert log_of_softmax[0, 1].item() == -math.inf
    assert torch.isnan(F.kl_div(log_q, log_of_softmax, reduction="sum", log_target=True))


@pytest.mark.cell("torch_kl_div", "takes")
def test_kl_div_in_math_order_is_the_reverse_kl():
    q = klce.softmax(LOGITS)
    swapped = F.kl_div(tt(np.log(SOFT)), tt(q), reduction="batchmean").item()
    reverse = klce.kl_divergence(q, SOFT).mean()
    assert math.isclose(swapped, reverse, rel_tol=1e-10)
    assert not math.isclose(swapped, KL.mean(), rel_tol=1e-3)


@pytest.mark.cell("torch_bce", "clip")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_clamps_the_log_at_minus_100(dtype):
    one, zero = torch.tensor([1.0], dtype=dtype), torch.tensor([0.0], dtype=dtype)
    assert F.binary_cross_entropy(one, zero).item() == framework_facts.TORCH_BCE_MAX_LOSS
    assert F.binary_cross_entropy(zero, one).item() == framework_facts.TORCH_BCE_MAX_LOSS
    assert framework_facts.TORCH_BCE_MAX_LOSS == -framework_facts.TORCH_BCE_LOG_CLAMP
    assert nn.BCELoss()(one, zero).item() == framework_facts.TORCH_BCE_MAX_LOSS


@pytest.mark.cell("torch_bce", "dtype")
def test_float32_sigmoid_is_one_exactly_above_24_log_2():
    z = framework_facts.TORCH_FLOAT32_SIGMOID_ONE_ABOVE
    below = torch.tensor([z - 0.02], dtype=torch.float32)
    above = torch.tensor([z + 0.02], dtype=torch.float32)
    assert torch.sigmoid(below).item() < 1.0 == torch.sigmoid(above).item()
    assert (
        math.floor(z) + 1 == framework_facts.TORCH_FLOAT32_SIGMOID_ONE_FROM
    )  # the first integer past
    # BCE from probabilities then reports the clamp, not the logit
    assert F.binary_cross_entropy(torch.sigmoid(above), torch.zeros(1)).item() == 100.0


@pytest.mark.cell("torch_bce", "dtype")
def test_float32_sigmoid_rounds_to_one_so_bce_reports_the_clamp():
    z0 = framework_facts.TORCH_FLOAT32_SIGMOID_ONE_FROM
    z = torch.tensor([z0 - 1.0, float(z0)], dtype=torch.float32)
    assert torch.sigmoid(z).tolist() == [pytest.approx(1 - 1.2e-7, abs=1e-8), 1.0]
    y0 = torch.zeros(1)
    from_prob = F.binary_cross_entropy(torch.sigmoid(z[1:]), y0).item()
    from_logit = F.binary_cross_entropy_with_logits(z[1:], y0).item()
    assert from_prob == framework_facts.TORCH_BCE_MAX_LOSS
    assert math.isclose(from_logit, z0, rel_tol=1e-6)
    # float64 keeps sigmoid(17) < 1: both routes agree with klce there.
    z64 = torch.tensor([float(z0)], dtype=torch.float64)
    assert torch.sigmoid(z64).item() < 1.0
    want = klce.binary_cross_entropy_from_logits(0.0, float(z0))
    got = F.binary_cross_entropy(torch.sigmoid(z64), torch.zeros(1, dtype=torch.float64))
    assert math.isclose(got.item(), want, rel_tol=1e-8)


@pytest.mark.cell("torch_cross_entropy", "dtype")
@pytest.mark.cell("torch_bce_with_logits", "dtype")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_logit_routes_are_exact_in_both_dtypes(dtype):
    z = torch.tensor([[1e4, -1e4]], dtype=dtype)
    assert F.cross_entropy(z, torch.tensor([1])).item() == 2e4
    assert F.softmax(z, 1)[0, 1].item() == 0.0  # the probability route: -log 0
    big = torch.tensor([1e4], dtype=dtype)
    bce = F.binary_cross_entropy_with_logits(big, torch.zeros(1, dtype=dtype))
    assert bce.item() == 1e4


@pytest.mark.cell("torch_bce_with_logits", "takes")
@pytest.mark.cell("torch_bce_with_logits", "reduction")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_matches_klce(reduction):
    z = 3.0 * RNG.normal(size=(4, 3))
    y = RNG.uniform(size=(4, 3))
    got = F.binary_cross_entropy_with_logits(tt(z), tt(y), reduction=reduction)
    want = reduce_(klce.binary_cross_entropy_from_logits(y, z), reduction)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


@pytest.mark.cell("torch_bce_with_logits", "clip")
def test_bce_with_logits_pos_weight_multiplies_the_positive_term():
    z = 3.0 * RNG.normal(size=(4, 3))
    y = RNG.uniform(size=(4, 3))
    w = np.array([3.0, 1.0, 0.25])
    got = nn.BCEWithLogitsLoss(pos_weight=tt(w))(tt(z), tt(y)).item()
    pos = klce.binary_cross_entropy_from_logits(1.0, z)  # -log sigma(z)
    neg = klce.binary_cross_entropy_from_logits(0.0, z)  # -log(1 - sigma(z))
    assert math.isclose(got, np.mean(w * y * pos + (1 - y) * neg), rel_tol=1e-12)


@pytest.mark.cell("torch_bce_with_logits", "clip")
def test_bce_with_logits_stays_exact_where_probabilities_saturate():
    z = tt([40.0, 1e4])
    got = F.binary_cross_entropy_with_logits(z, tt([1.0, 0.0]), reduction="none")
    want = klce.binary_cross_entropy_from_logits([1.0, 0.0], [40.0, 1e4])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


Y_G = np.array([0.3, 0.9, -1.0, 2.5])
MEAN_G = np.array([0.0, 1.0, 2.0, 2.0])
STD_G = np.array([1.0, 0.5, 2.0, 0.1])


@pytest.mark.cell("torch_gaussian_nll", "takes")
def test_gaussian_nll_takes_the_variance():
    full = nn.GaussianNLLLoss(full=True)(tt(MEAN_G), tt(Y_G), tt(STD_G**2)).item()
    want = klce.gaussian_nll(Y_G, MEAN_G, STD_G).mean()
    assert math.isclose(full, want, rel_tol=1e-12)
    given_std = nn.GaussianNLLLoss(full=True)(tt(MEAN_G), tt(Y_G), tt(STD_G)).item()
    assert not math.isclose(given_std, want, rel_tol=1e-2)  # std is the wrong input


@pytest.mark.cell("torch_gaussian_nll", "clip")
def test_gaussian_nll_full_false_leaves_out_half_log_2pi():
    default = inspect.signature(nn.GaussianNLLLoss).parameters["full"].default
    assert default is False
    short = nn.GaussianNLLLoss()(tt(MEAN_G), tt(Y_G), tt(STD_G**2)).item()
    full = nn.GaussianNLLLoss(full=True)(tt(MEAN_G), tt(Y_G), tt(STD_G**2)).item()
    assert math.isclose(full - short, framework_facts.HALF_LOG_2PI, rel_tol=1e-12)
    assert math.isclose(framework_facts.HALF_LOG_2PI, 0.5 * math.log(2 * math.pi), rel_tol=1e-15)


@pytest.mark.cell("torch_gaussian_nll", "clip")
def test_gaussian_nll_eps_clamps_the_variance():
    eps = inspect.signature(nn.GaussianNLLLoss).parameters["eps"].default
    assert eps == framework_facts.TORCH_GAUSSIAN_NLL_EPS
    mean, y = tt([0.0]), tt([1e-3])
    at_eps = F.gaussian_nll_loss(mean, y, tt([eps])).item()
    for var in (0.0, 1e-9, 1e-7):  # all below eps: clamped up to eps
        assert F.gaussian_nll_loss(mean, y, tt([var])).item() == at_eps
    want = 0.5 * (math.log(eps) + 1e-6 / eps)
    assert math.isclose(at_eps, want, rel_tol=1e-12)
    assert F.gaussian_nll_loss(mean, y, tt([2 * eps])).item() != at_eps


@pytest.mark.cell("torch_gaussian_nll", "clip")
@pytest.mark.parametrize("var", [0.0, 1e-9, 5e-7])
def test_gaussian_nll_clamp_does_not_stop_the_gradient(var):
    """The clamp runs under no_grad: a variance below eps still gets the gradient at eps."""
    eps = framework_facts.TORCH_GAUSSIAN_NLL_EPS
    mean, y = tt([0.0]), tt([0.5])
    v = tt([var]).requires_grad_(True)
    F.gaussian_nll_loss(mean, y, v).backward()
    at_eps = 0.5 * (1 / eps - 0.5**2 / eps**2)  # d/dv of (log v + (y - mu)^2 / v) / 2 at eps
    assert v.grad.item() != 0.0
    assert math.isclose(v.grad.item(), at_eps, rel_tol=1e-12)


@pytest.mark.cell("torch_distributions_kl", "clip")
def test_distributions_normal_kl_matches_klce_gaussian_kl():
    mp, mq = RNG.normal(size=5), RNG.normal(size=5)
    sp, sq = np.exp(RNG.normal(size=5)), np.exp(RNG.normal(size=5))
    got = kl_divergence(Normal(tt(mp), tt(sp)), Normal(tt(mq), tt(sq))).numpy()
    np.testing.assert_allclose(got, klce.gaussian_kl(mp, sp, mq, sq), rtol=1e-10)


@pytest.mark.cell("torch_distributions_kl", "takes")
def test_distributions_categorical_kl_matches_klce():
    q = klce.softmax(LOGITS)
    got = kl_divergence(Categorical(probs=tt(SOFT)), Categorical(logits=tt(LOGITS)))
    np.testing.assert_allclose(got.numpy(), klce.kl_divergence(SOFT, q), rtol=1e-10)
