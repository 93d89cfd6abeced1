"""Chapter 6's "find the bug" exercises: each bug shows, each fix agrees with klce.

Every ``code/frameworks/bugs/bug_NAME.py`` has one mistake and a twin
``fixed_NAME.py`` that differs only where the mistake is. ``test_bug_NAME`` runs
both and asserts what the exercise's solution says: how the bug shows, and that
the fixed version computes the loss klce computes. test_fw_snippets.py checks
that every file here is tested, fits the book and runs as a script.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

import klce
from klce import framework_facts


def pair(snippet, name):
    """Run bugs/bug_NAME.py and bugs/fixed_NAME.py; return both namespaces."""
    return snippet(f"bugs/bug_{name}"), snippet(f"bugs/fixed_{name}")


def f64(tensor):
    return tensor.detach().numpy().astype(float)


def test_bug_softmax_into_kl_div(snippet):
    bug, fix = pair(snippet, "softmax_into_kl_div")
    s, p = f64(bug["student_logits"]), f64(bug["teacher_probs"])
    p = p / p.sum(axis=1, keepdims=True)
    q = klce.softmax(s)
    kl = klce.kl_divergence(p, q).mean()
    wrong = bug["loss"].item()
    # The bug: probabilities where log-probabilities are expected. F.kl_div
    # then returns mean over rows of sum p log p - sum p q, negative always.
    assert wrong < 0
    assert math.isclose(wrong, np.mean(np.sum(p * np.log(p) - p * q, axis=1)), rel_tol=1e-6)
    assert abs(wrong - kl) > 1.0
    rng = np.random.default_rng(12)
    for _ in range(20):  # negative for any student and teacher
        s_, t_ = torch.tensor(rng.normal(size=(4, 5))), torch.tensor(rng.normal(size=(4, 5)))
        assert bug["distillation_loss"](s_, F.softmax(t_, 1)).item() < 0
    # The fix is the KL, and the KL of a distribution to itself is 0.
    assert math.isclose(fix["loss"].item(), kl, rel_tol=1e-5)
    assert fix["loss"].item() >= 0
    t = torch.tensor(rng.normal(size=(4, 5)))
    assert abs(fix["distillation_loss"](t, F.softmax(t, 1)).item()) < 1e-12


def test_bug_keras_missing_from_logits(snippet):
    bug, fix = pair(snippet, "keras_missing_from_logits")
    z, y = bug["logits"], bug["y_onehot"]
    right = klce.cross_entropy_from_logits(y, z).mean()
    # The bug: Keras takes the logits for probabilities, divides each row by
    # its sum and clips to [eps, 1 - eps]; no error, no warning, wrong value.
    as_probs = np.clip(
        z / z.sum(axis=1, keepdims=True),
        framework_facts.KERAS_EPSILON,
        1 - framework_facts.KERAS_EPSILON,
    )
    emulated = -np.sum(y * np.log(as_probs), axis=1).mean()
    assert math.isclose(bug["loss"], emulated, rel_tol=1e-5)
    assert abs(bug["loss"] - right) > 1.0
    assert math.isfinite(bug["loss"])  # silent: nothing looks broken
    # The fix: from_logits=True gives the softmax cross-entropy of klce.
    assert math.isclose(fix["loss"], right, rel_tol=1e-6)


def test_bug_vae_mean_reduction(snippet):
    bug, fix = pair(snippet, "vae_mean_reduction")
    D = bug["D"]
    x, x_hat = bug["x"].double(), bug["x_hat"].double()
    mu, logvar = bug["mu"].double(), bug["logvar"].double()
    recon = np.sum((f64(x_hat) - f64(x)) ** 2, axis=1).mean()  # per image
    kl = klce.gaussian_kl(f64(mu), np.exp(0.5 * f64(logvar)), 0.0, 1.0).sum(axis=1).mean()
    zeros = torch.zeros_like(mu)

    def weights(loss_fn):
        """Return the weights of the per-image squared error and of the KL."""
        w_recon = loss_fn(x, x_hat, zeros, zeros).item() / recon  # KL is 0
        w_kl = loss_fn(x, x, mu, logvar).item() / kl  # no error to reconstruct
        return w_recon, w_kl

    # The bug: 'mean' also divides the squared error by D, so relative to
    # the reconstruction the KL weighs D times more: a hidden beta = D.
    w_recon, w_kl = weights(bug["vae_loss"])
    assert math.isclose(w_recon, 1 / D, rel_tol=1e-12)
    assert math.isclose(w_kl / w_recon, D, rel_tol=1e-12)
    # The fix ('sum' over pixels, mean over the batch) weighs both by one.
    w_recon, w_kl = weights(fix["vae_loss"])
    assert math.isclose(w_recon, 1.0, rel_tol=1e-12) and math.isclose(w_kl, 1.0, rel_tol=1e-12)
    assert math.isclose(fix["loss"].item(), recon + kl, rel_tol=1e-5)
    assert math.isclose(bug["loss"].item(), recon / D + kl, rel_tol=1e-5)


def test_bug_class_weighted_mean(snippet):
    bug, fix = pair(snippet, "class_weighted_mean")
    z, y, w = bug["z"], bug["y"], bug["w"]
    torch_weighted = F.cross_entropy(z, y, weight=w).item()
    ce = klce.cross_entropy_from_logits(y.numpy(), f64(z))
    wy = f64(w)[y.numpy()]
    weighted_mean = np.sum(wy * ce) / np.sum(wy)  # sum w l / sum w
    naive = bug["weighted_cross_entropy"](z, y, w).item()
    # The bug: .mean() divides sum w l by N, not by sum w[y]; it is off by
    # the factor mean(w[y]), which changes from batch to batch.
    assert abs(naive - torch_weighted) > 0.1
    assert math.isclose(naive, np.sum(wy * ce) / len(ce), rel_tol=1e-6)
    assert math.isclose(naive / torch_weighted, wy.mean(), rel_tol=1e-6)
    # PyTorch's weight= is sum w l / sum w, which the fix computes.
    assert math.isclose(torch_weighted, weighted_mean, rel_tol=1e-6)
    fixed = fix["weighted_cross_entropy"](z, y, w).item()
    assert math.isclose(fixed, weighted_mean, rel_tol=1e-6)
    assert math.isclose(fixed, torch_weighted, rel_tol=1e-6)


def test_bug_float32_overflow(snippet):
    bug, fix = pair(snippet, "float32_overflow")
    z, y = bug["logits"], bug["labels"]
    assert z.dtype == torch.float32
    right = klce.cross_entropy_from_logits(y.numpy(), f64(z)).mean()  # float64
    # The bug: exp overflows float32 beyond log(finfo.max), so the ratio is
    # inf / inf: the loss is nan (or inf), where F.cross_entropy is finite.
    assert z.max().item() > math.log(torch.finfo(torch.float32).max)
    assert not math.isfinite(bug["loss"].item())
    builtin = F.cross_entropy(z, y).item()
    assert math.isfinite(builtin)
    assert math.isclose(builtin, right, rel_tol=1e-6)
    # The formula itself is right: in float64 the same code does not overflow.
    in_f64 = [bug["cross_entropy"](zi, yi).item() for zi, yi in zip(z.double(), y, strict=True)]
    assert math.isclose(np.mean(in_f64), right, rel_tol=1e-12)
    # The fix (log-sum-exp) is finite in float32 and right to float32 precision.
    assert fix["loss"].dtype == torch.float32
    assert math.isclose(fix["loss"].item(), right, rel_tol=1e-6)
    assert math.isclose(fix["loss"].item(), builtin, rel_tol=1e-6)
