"""Chapter 5's likelihood-to-loss table, row by row, against PyTorch.

Each row of ``framework_facts.LIKELIHOOD_LOSSES`` names a PyTorch loss and how
its value relates to the mean negative log-likelihood (NLL) of a noise model.
Here the NLL comes from ``scipy.stats`` (``logpmf``/``logpdf``), the loss from
PyTorch in float64, and the stated relation is asserted.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats
from torch.distributions import StudentT

from klce import framework_facts

RNG = np.random.default_rng(55)
N = 12
MU = RNG.normal(size=N)  # the model's predicted location, one per example
Y = MU + RNG.normal(size=N)  # observations
ROWS = {r.key: r for r in framework_facts.LIKELIHOOD_LOSSES}
CHECKED = []


def checks(key):
    """Register a test as the check of one row of the table."""

    def register(fn):
        CHECKED.append(key)
        return fn

    return register


def tt(x):
    return torch.tensor(np.asarray(x, dtype=float))


@checks("bernoulli")
def test_bernoulli_bce_with_logits_is_the_nll():
    z, y = 3 * RNG.normal(size=N), RNG.integers(0, 2, size=N)
    nll = -stats.bernoulli.logpmf(y, 1 / (1 + np.exp(-z))).mean()
    loss = F.binary_cross_entropy_with_logits(tt(z), tt(y)).item()
    assert math.isclose(loss, nll, rel_tol=1e-12)


@checks("categorical")
def test_categorical_cross_entropy_is_the_nll():
    k = 5
    z, y = 2 * RNG.normal(size=(N, k)), RNG.integers(0, k, size=N)
    q = np.exp(z - z.max(axis=1, keepdims=True))
    q /= q.sum(axis=1, keepdims=True)
    one_hot = np.eye(k)[y]
    nll = -np.mean([stats.multinomial.logpmf(e, 1, q_i) for e, q_i in zip(one_hot, q, strict=True)])
    loss = F.cross_entropy(tt(z), torch.tensor(y)).item()
    assert math.isclose(loss, nll, rel_tol=1e-12)


@checks("gaussian_fixed")
@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.5])
def test_gaussian_fixed_sigma_mse(sigma):
    nll = -stats.norm.logpdf(Y, MU, sigma).mean()
    mse = F.mse_loss(tt(MU), tt(Y)).item()
    relation = mse / (2 * sigma**2) + math.log(sigma) + framework_facts.HALF_LOG_2PI
    assert math.isclose(relation, nll, rel_tol=1e-12)


@checks("gaussian_learned")
def test_gaussian_learned_variance_is_the_nll_without_half_log_2pi():
    var = np.exp(RNG.normal(size=N))
    nll = -stats.norm.logpdf(Y, MU, np.sqrt(var)).mean()
    loss = F.gaussian_nll_loss(tt(MU), tt(Y), tt(var)).item()  # full=False
    assert math.isclose(loss, nll - framework_facts.HALF_LOG_2PI, rel_tol=1e-12)
    full = F.gaussian_nll_loss(tt(MU), tt(Y), tt(var), full=True).item()
    assert math.isclose(full, nll, rel_tol=1e-12)


@checks("gaussian_learned")
def test_gaussian_learned_variance_clamp_at_eps_keeps_the_gradient():
    """Below eps the value is the NLL at var = eps, and the gradient still reaches var."""
    eps = framework_facts.TORCH_GAUSSIAN_NLL_EPS
    mu, y = tt([0.0]), tt([0.5])
    var = tt([1e-8]).requires_grad_(True)  # below eps
    loss = F.gaussian_nll_loss(mu, y, var)
    nll_at_eps = -stats.norm.logpdf(0.5, 0.0, math.sqrt(eps)) - framework_facts.HALF_LOG_2PI
    assert math.isclose(loss.item(), nll_at_eps, rel_tol=1e-12)
    loss.backward()
    # d/dvar of (log var + (y - mu)^2 / var) / 2, evaluated at the clamped var = eps
    assert math.isclose(var.grad.item(), 0.5 * (1 / eps - 0.5**2 / eps**2), rel_tol=1e-12)
    assert var.grad.item() != 0.0


@checks("laplace")
@pytest.mark.parametrize("b", [0.5, 2.0])
def test_laplace_fixed_scale_l1(b):
    nll = -stats.laplace.logpdf(Y, MU, b).mean()
    mae = F.l1_loss(tt(MU), tt(Y)).item()
    assert math.isclose(mae / b + math.log(2 * b), nll, rel_tol=1e-12)


@checks("poisson")
def test_poisson_nll_loss_drops_log_y_factorial():
    rate = np.exp(RNG.normal(size=N))
    y = RNG.poisson(3.0, size=N)
    nll = -stats.poisson.logpmf(y, rate)
    loss = F.poisson_nll_loss(tt(np.log(rate)), tt(y), log_input=True, full=False).item()
    assert math.isclose(loss, np.mean(rate - y * np.log(rate)), rel_tol=1e-12)
    log_y_factorial = np.array([math.lgamma(k + 1) for k in y])
    assert math.isclose(loss, np.mean(nll - log_y_factorial), rel_tol=1e-12)
    default = F.poisson_nll_loss(tt(np.log(rate)), tt(y)).item()  # the defaults are these
    assert default == loss


@checks("student_t")
@pytest.mark.parametrize("nu", [1.0, 3.0, 30.0])
def test_student_t_log_prob_is_scipys(nu):
    s = 0.7
    got = StudentT(tt(nu), tt(MU), tt(s)).log_prob(tt(Y)).numpy()
    np.testing.assert_allclose(got, stats.t.logpdf(Y, nu, MU, s), rtol=1e-12)
    assert math.isclose(-got.mean(), -stats.t.logpdf(Y, nu, MU, s).mean(), rel_tol=1e-12)


def test_every_row_has_a_check_and_the_table_renders_it():
    assert set(CHECKED) == set(ROWS)
    table = framework_facts.likelihood_loss_table()
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(ROWS)
    assert all(line.count(" | ") == 2 for line in lines if not line.startswith("|-"))
    for row in ROWS.values():
        assert row.call in table and row.relation in table
