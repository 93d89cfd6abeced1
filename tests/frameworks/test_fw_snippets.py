"""Every file of code/frameworks runs, and its result agrees with klce."""

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import klce
from klce import framework_facts

SNIPPETS = Path(__file__).resolve().parents[2] / "code" / "frameworks"
# Names relative to SNIPPETS without ".py": "torch_kl_div", "bugs/bug_float32_overflow".
FILES = sorted(p.relative_to(SNIPPETS).with_suffix("").as_posix() for p in SNIPPETS.rglob("*.py"))
RUNNABLE = FILES
# The "find the bug" exercises: bugs/bug_NAME.py and its fix bugs/fixed_NAME.py,
# both tested by test_bug_NAME in test_fw_bugs.py.
BUGS = [name for name in FILES if name.startswith("bugs/")]
BUG_LINES = 25  # an exercise's snippet stays short


def _test_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_snippet_is_tested_here():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(RUNNABLE) - set(BUGS) <= tested
    assert len(RUNNABLE) - len(BUGS) >= 8


def test_every_bug_has_a_fix_and_a_test():
    bugs = {name.removeprefix("bugs/bug_") for name in BUGS if name.startswith("bugs/bug_")}
    fixes = {name.removeprefix("bugs/fixed_") for name in BUGS if name.startswith("bugs/fixed_")}
    assert len(bugs) >= 5
    assert bugs == fixes, "each bugs/bug_NAME.py has a bugs/fixed_NAME.py and nothing else is there"
    assert len(BUGS) == len(bugs) + len(fixes)
    tested = _test_names(Path(__file__).with_name("test_fw_bugs.py"))
    assert {f"test_bug_{name}" for name in bugs} <= tested


@pytest.mark.parametrize("name", FILES)
def test_snippet_fits_the_book(name):
    source = (SNIPPETS / f"{name}.py").read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source)), "module docstring"
    if name in BUGS:
        assert len(source.splitlines()) <= BUG_LINES


def f64(tensor):
    return tensor.detach().numpy().astype(float)


def _ce(ns, z="logits", y="labels"):
    """Per-example softmax cross-entropy of a snippet's logits and labels, by klce."""
    return klce.cross_entropy_from_logits(
        np.asarray(ns[y]), f64(ns[z]) if hasattr(ns[z], "numpy") else ns[z]
    )


def _vae_terms(ns):
    """Per-image squared error and KL of the VAE bug snippets, by klce, in float64."""
    x, x_hat = f64(ns["x"]), f64(ns["x_hat"])
    mu, logvar = f64(ns["mu"]), f64(ns["logvar"])
    sq = np.sum((x_hat - x) ** 2, axis=1).mean()
    kl = klce.gaussian_kl(mu, np.exp(0.5 * logvar), 0.0, 1.0).sum(axis=1).mean()
    return sq, kl, x.shape[1]


def _weighted(ns):
    ce = _ce(ns, "z", "y")
    wy = f64(ns["w"])[ns["y"].numpy()]
    return ce, wy


def _teacher_student(ns):
    p = dist(ns["teacher_probs"])
    q = klce.softmax(f64(ns["student_logits"]))
    return p, q


# What each file prints when run as a script, recomputed with klce from the file's
# inputs, in the order printed. NaN where the file shows a failure (the overflow bug).
PRINTED = {
    "keras_from_logits": lambda ns: [
        klce.cross_entropy_from_logits(int(np.argmax(ns["y_onehot"][0])), ns["logits"][0]),
        -np.sum(ns["y_onehot"][0] * np.log(_keras_as_probs(ns["logits"])[0])),
        klce.binary_cross_entropy_from_logits(ns["y_binary"], ns["binary_logits"]).mean(),
        # both logits > 1 are clipped to 1 - eps, which rounds to 1 - 2**-23 in float32
        -math.log(float(np.float32(1 - framework_facts.KERAS_EPSILON))),
    ],
    "sklearn_log_loss": lambda ns: [
        klce.cross_entropy(np.eye(3)[ns["y_true"]], ns["proba"]).mean(),
    ],
    "torch_bce": lambda ns: [
        klce.binary_cross_entropy_from_logits(f64(ns["targets"]), f64(ns["logits"])).mean(),
        np.mean(
            f64(ns["pos_weight"])
            * f64(ns["targets"])
            * klce.binary_cross_entropy_from_logits(1.0, f64(ns["logits"]))
            + (1 - f64(ns["targets"]))
            * klce.binary_cross_entropy_from_logits(0.0, f64(ns["logits"]))
        ),
    ],
    "torch_cross_entropy": lambda ns: [
        _ce(ns).mean(),
        klce.cross_entropy_from_logits(dist(ns["soft"]), f64(ns["logits"])).mean(),
        klce.cross_entropy_from_logits(
            ns["labels"].numpy(), f64(ns["logits"]), label_smoothing=0.1
        ).mean(),
        *_ce(ns),
    ],
    "torch_distillation": lambda ns: [
        16.0
        * klce.kl_divergence(
            klce.softmax(np.array([[3.0, 1.0, -2.0], [0.5, -0.5, 2.0]]) / 4),
            klce.softmax(np.array([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]]) / 4),
        ).mean(),  # the inputs of its __main__ block, T = 4
    ],
    "torch_gaussian_nll": lambda ns: [
        klce.gaussian_nll(f64(ns["y"]), f64(ns["mean"]), f64(ns["std"])).mean(),
        klce.gaussian_nll(f64(ns["y"]), f64(ns["mean"]), f64(ns["std"])).mean()
        - framework_facts.HALF_LOG_2PI,
    ],
    "torch_kl_div": lambda ns: (
        [
            klce.kl_divergence(dist(ns["target"]), klce.softmax(f64(ns["logits"]))).mean(),
        ]
        * 2
    ),
    "torch_vae_kl": lambda ns: (
        [
            *klce.gaussian_kl(f64(ns["mu"]), np.exp(0.5 * f64(ns["logvar"])), 0.0, 1.0).sum(axis=1),
        ]
        * 2
    ),
    "bugs/bug_class_weighted_mean": lambda ns: [np.mean(np.prod(_weighted(ns), axis=0))],
    "bugs/fixed_class_weighted_mean": lambda ns: [
        np.sum(np.prod(_weighted(ns), axis=0)) / np.sum(_weighted(ns)[1])
    ],
    "bugs/bug_float32_overflow": lambda ns: [math.nan],
    "bugs/fixed_float32_overflow": lambda ns: [_ce(ns).mean()],
    "bugs/bug_keras_missing_from_logits": lambda ns: [
        -np.sum(ns["y_onehot"] * np.log(_keras_as_probs(ns["logits"])), axis=1).mean()
    ],
    "bugs/fixed_keras_missing_from_logits": lambda ns: [
        klce.cross_entropy_from_logits(ns["y_onehot"], ns["logits"]).mean()
    ],
    "bugs/bug_softmax_into_kl_div": lambda ns: [_softmax_into_kl_div(*_teacher_student(ns))],
    "bugs/fixed_softmax_into_kl_div": lambda ns: [klce.kl_divergence(*_teacher_student(ns)).mean()],
    "bugs/bug_vae_mean_reduction": lambda ns: [
        _vae_terms(ns)[0] / _vae_terms(ns)[2] + _vae_terms(ns)[1]
    ],
    "bugs/fixed_vae_mean_reduction": lambda ns: [_vae_terms(ns)[0] + _vae_terms(ns)[1]],
}


def _softmax_into_kl_div(p, q):
    """F.kl_div given probabilities q where it expects log q: mean of sum p log p - p q."""
    return np.mean(np.sum(p * np.log(p) - p * q, axis=1))


def _keras_as_probs(z):
    """What Keras makes of logits passed as probabilities: rows rescaled, then clipped."""
    eps = framework_facts.KERAS_EPSILON
    return np.clip(z / z.sum(axis=-1, keepdims=True), eps, 1 - eps)


NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.\d+(?:e[-+]\d+)?|nan)")


def printed_numbers(text):
    """The numbers in printed text, each with half a unit of its last printed digit."""
    found = []
    for token in NUMBER.findall(text):
        if token.endswith("nan"):
            found.append((math.nan, 0.0))
            continue
        mantissa, _, exponent = token.partition("e")
        decimals = len(mantissa.split(".")[1])
        found.append((float(token), 0.5 * 10.0 ** (int(exponent or 0) - decimals)))
    return found


def test_every_runnable_file_has_its_printed_values():
    assert set(PRINTED) == set(RUNNABLE)


@pytest.mark.parametrize("name", RUNNABLE)
def test_snippet_runs_as_a_script(name, snippet, capsys):
    """Run as a script, each file prints its results; every printed number is klce's."""
    ns = snippet(name, as_main=True)
    out = capsys.readouterr().out
    got, want = printed_numbers(out), PRINTED[name](ns)
    assert len(got) == len(want), out
    for (value, half_digit), expected in zip(got, want, strict=True):
        if math.isnan(expected):
            assert math.isnan(value), out
        else:  # agrees to the printed digits (plus float32 rounding of the file's value)
            assert abs(value - expected) <= half_digit + 1e-6 * abs(expected), (out, want)


def dist(tensor):  # float32 probabilities as float64 rows summing to 1
    rows = f64(tensor)
    return rows / rows.sum(axis=-1, keepdims=True)


def close(got, want, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=rtol)


def test_torch_cross_entropy(snippet):
    ns = snippet("torch_cross_entropy")
    logits, labels = ns["logits"].numpy(), ns["labels"].numpy()
    soft = dist(ns["soft"])
    per = klce.cross_entropy_from_logits(labels, logits)
    close(ns["per_example"], per)
    close(ns["loss_labels"], per.mean())
    close(ns["loss_soft"], klce.cross_entropy_from_logits(soft, logits).mean())
    smooth = klce.cross_entropy_from_logits(labels, logits, label_smoothing=0.1)
    close(ns["loss_smooth"], smooth.mean())


def test_torch_kl_div(snippet):
    ns = snippet("torch_kl_div")
    q = klce.softmax(ns["logits"].numpy().astype(float))
    want = klce.kl_divergence(dist(ns["target"]), q).mean()
    close(ns["kl"], want)
    close(ns["kl_from_logs"], want)


def test_torch_distillation(snippet):
    loss_fn = snippet("torch_distillation")["distillation_loss"]
    rng = np.random.default_rng(3)
    s, t = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    for temp in (1.0, 2.0, 4.0):
        got = loss_fn(torch.tensor(s), torch.tensor(t), T=temp).item()
        kl = klce.kl_divergence(klce.softmax(t / temp), klce.softmax(s / temp))
        assert math.isclose(got, temp**2 * kl.mean(), rel_tol=1e-10)
    same = loss_fn(torch.tensor(t), torch.tensor(t), T=3.0).item()
    assert abs(same) < 1e-15  # a perfect student scores zero
    # Gradient: T (softmax(s/T) - softmax(t/T)) / N for the student logits.
    st = torch.tensor(s, requires_grad=True)
    loss_fn(st, torch.tensor(t), T=4.0).backward()
    want = 4.0 * (klce.softmax(s / 4.0) - klce.softmax(t / 4.0)) / len(s)
    np.testing.assert_allclose(st.grad.numpy(), want, rtol=1e-9, atol=1e-15)


def test_torch_bce(snippet):
    ns = snippet("torch_bce")
    z, y = ns["logits"].numpy().astype(float), ns["targets"].numpy().astype(float)
    w = ns["pos_weight"].numpy().astype(float)
    close(ns["loss"], klce.binary_cross_entropy_from_logits(y, z).mean())
    pos = klce.binary_cross_entropy_from_logits(1.0, z)
    neg = klce.binary_cross_entropy_from_logits(0.0, z)
    close(ns["weighted"], np.mean(w * y * pos + (1 - y) * neg))


def test_torch_gaussian_nll(snippet):
    ns = snippet("torch_gaussian_nll")
    y, mean = ns["y"].numpy().astype(float), ns["mean"].numpy().astype(float)
    nll = klce.gaussian_nll(y, mean, ns["std"].numpy().astype(float)).mean()
    close(ns["nll"], nll)
    close(ns["nll_default"], nll - framework_facts.HALF_LOG_2PI)


def test_torch_vae_kl(snippet):
    ns = snippet("torch_vae_kl")
    mu, logvar = ns["mu"].numpy().astype(float), ns["logvar"].numpy().astype(float)
    want = klce.gaussian_kl(mu, np.exp(0.5 * logvar), 0.0, 1.0).sum(axis=1)
    close(ns["kl"], want)
    close(ns["kl_closed"], want)
    close(ns["kl_term"], want.mean())


def test_sklearn_log_loss(snippet):
    ns = snippet("sklearn_log_loss")
    proba, y = ns["proba"], np.asarray(ns["y_true"])
    want = klce.cross_entropy(np.eye(proba.shape[1])[y], proba).mean()
    close(ns["loss"], want, rtol=1e-12)


def test_keras_from_logits(snippet):
    ns = snippet("keras_from_logits")
    label = int(np.argmax(ns["y_onehot"][0]))
    right = klce.cross_entropy_from_logits(label, ns["logits"][0])
    close(ns["loss"], right)
    right_binary = klce.binary_cross_entropy_from_logits(ns["y_binary"], ns["binary_logits"]).mean()
    close(ns["binary_loss"], right_binary)
    assert abs(ns["wrong"] - right) > 1.0  # silently wrong
    assert ns["wrong_binary"] < 1e-6 < right_binary / 100  # "perfect"
