"""Every fact in klce/framework_facts.py, and every cell of chapter 6's tables, checked.

A cell of the conventions table is checked by the tests marked
``@pytest.mark.cell(key, field)`` across this tier (the behaviour: values,
gradients, warnings); ``test_every_checked_cell_has_a_test`` requires one for
every cell that a row declares checked, which is what its ✓ says.
"""

import importlib
import importlib.metadata
import inspect
import math
import re

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn import metrics
from torch import nn

import klce
from klce import framework_facts

ROW_KEYS = [r.key for r in framework_facts.ROWS]
TORCH_KEYS = [k for k in ROW_KEYS if k.startswith("torch_")]


@pytest.mark.parametrize("dist", sorted(framework_facts.VERSIONS))
def test_installed_version_is_the_one_stated(dist):
    installed = importlib.metadata.version(dist).split("+")[0]  # 2.13.0+cpu
    assert installed == framework_facts.VERSIONS[dist]


def test_versions_line_names_every_library():
    line = framework_facts.versions_line()
    assert all(f"{d} {v}" in line for d, v in framework_facts.VERSIONS.items())


# --------------------------------------------------------------------------
# The conventions table: which cells are checked, and the "call" cells
# --------------------------------------------------------------------------


def test_every_checked_cell_has_a_test(cell_marks):
    declared = {(r.key, field) for r in framework_facts.ROWS for field in r.checked}
    missing = sorted(declared - cell_marks)
    assert not missing, f"cells marked ✓ in the table but checked by no test: {missing}"


def test_every_cell_mark_names_a_row_and_a_cell(cell_marks):
    unknown = sorted(
        (k, f) for k, f in cell_marks if k not in ROW_KEYS or f not in framework_facts.CELLS
    )
    assert not unknown, unknown


def test_every_row_is_fully_checked():
    """The book says the tier checks the whole table: every row declares every cell."""
    assert all(set(r.checked) == set(framework_facts.CELLS) for r in framework_facts.ROWS)


# The object each row's call names, and its nn.Module form where PyTorch has one.
CALLS = {
    "torch_cross_entropy": (F.cross_entropy, nn.CrossEntropyLoss),
    "torch_nll_loss": (F.nll_loss, nn.NLLLoss),
    "torch_kl_div": (F.kl_div, nn.KLDivLoss),
    "torch_bce": (F.binary_cross_entropy, nn.BCELoss),
    "torch_bce_with_logits": (F.binary_cross_entropy_with_logits, nn.BCEWithLogitsLoss),
    "torch_gaussian_nll": (F.gaussian_nll_loss, nn.GaussianNLLLoss),
    "torch_distributions_kl": (torch.distributions.kl_divergence, None),
    "sklearn_log_loss": (metrics.log_loss, None),
    "keras_categorical": (keras.losses.CategoricalCrossentropy, None),
    "keras_binary": (keras.losses.BinaryCrossentropy, None),
    "keras_kl": (keras.losses.KLDivergence, None),
}


@pytest.mark.parametrize(
    "key", [pytest.param(k, marks=pytest.mark.cell(k, "call")) for k in ROW_KEYS]
)
def test_call_cell_names_the_library_object(key):
    """The call in the cell exists under that name, with the module-form twin agreeing."""
    row = next(r for r in framework_facts.ROWS if r.key == key)
    function, module_form = CALLS[key]
    name = re.fullmatch(r"`([\w.]+)`", row.call).group(1)
    assert name.split(".")[-1] == function.__name__
    if module_form is not None:  # nn.XLoss() has the functional form's default reduction
        default = inspect.signature(function).parameters["reduction"].default
        assert module_form().reduction == default == framework_facts.TORCH_REDUCTION_DEFAULT


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(k, marks=pytest.mark.cell(k, "dtype"))
        for k in ("torch_nll_loss", "torch_kl_div", "torch_gaussian_nll", "torch_distributions_kl")
    ],
)
def test_dtype_cell_none_means_float32_agrees_with_float64(key):
    """Where the table says "none", float32 gives the float64 value to float32 precision."""
    rng = np.random.default_rng(8)
    z, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    p = klce.softmax(rng.normal(size=(5, 4)))
    row = next(r for r in framework_facts.ROWS if r.key == key)
    assert row.dtype == "none"

    def value(dtype):
        t = lambda x: torch.tensor(x, dtype=dtype)  # noqa: E731
        log_q = F.log_softmax(t(z), 1)
        if key == "torch_nll_loss":
            return F.nll_loss(log_q, torch.tensor(labels))
        if key == "torch_kl_div":
            return F.kl_div(log_q, t(p), reduction="batchmean")
        if key == "torch_gaussian_nll":
            return F.gaussian_nll_loss(t(z[:, 0]), t(z[:, 1]), t(np.exp(z[:, 2])))
        dist = torch.distributions.Categorical
        return torch.distributions.kl_divergence(dist(probs=t(p)), dist(logits=t(z))).sum()

    v32, v64 = value(torch.float32), value(torch.float64)
    assert v32.dtype == torch.float32
    assert math.isclose(v32.item(), v64.item(), rel_tol=1e-6)


@pytest.mark.cell("torch_nll_loss", "reduction")
@pytest.mark.cell("torch_nll_loss", "clip")
def test_nll_loss_averages_and_does_not_clip():
    log_q = torch.tensor([[-1e4, 0.0], [-0.5, -0.9], [-math.inf, 0.0]], dtype=torch.float64)
    labels = torch.tensor([0, 1, 1])
    per = F.nll_loss(log_q, labels, reduction="none")
    assert per.tolist() == [1e4, 0.9, -0.0]  # -log q(y) itself: no clamp at 1e4
    assert F.nll_loss(log_q, labels).item() == per.mean().item()  # the default 'mean'
    assert F.nll_loss(log_q[2:], torch.tensor([0])).item() == math.inf  # not clipped


@pytest.mark.cell("torch_bce", "takes")
@pytest.mark.cell("torch_bce", "reduction")
def test_bce_takes_probabilities_and_averages_every_element():
    rng = np.random.default_rng(9)
    s, y = rng.uniform(0.05, 0.95, size=(4, 3)), rng.uniform(size=(4, 3))
    got = F.binary_cross_entropy(torch.tensor(s), torch.tensor(y)).item()
    assert math.isclose(got, klce.binary_cross_entropy(y, s).mean(), rel_tol=1e-12)
    total = F.binary_cross_entropy(torch.tensor(s), torch.tensor(y), reduction="sum").item()
    assert math.isclose(got, total / s.size, rel_tol=1e-12)  # over all N x K elements


@pytest.mark.cell("torch_gaussian_nll", "reduction")
def test_gaussian_nll_averages_over_the_batch():
    mean, y, var = torch.zeros(4), torch.tensor([0.5, -1.0, 2.0, 0.1]), torch.ones(4)
    per = F.gaussian_nll_loss(mean, y, var, reduction="none")
    assert per.shape == (4,)
    assert math.isclose(F.gaussian_nll_loss(mean, y, var).item(), per.mean().item(), rel_tol=1e-7)


@pytest.mark.cell("torch_distributions_kl", "reduction")
@pytest.mark.cell("torch_distributions_kl", "clip")
def test_distributions_kl_is_per_element_and_closed_form_or_an_error():
    dist = torch.distributions
    normal = dist.Normal(torch.zeros(3), torch.ones(3))
    assert dist.kl_divergence(normal, normal).shape == (3,)  # no reduction
    with pytest.raises(NotImplementedError):  # no closed form registered: an error
        dist.kl_divergence(dist.Normal(0.0, 1.0), dist.StudentT(3.0))


# --------------------------------------------------------------------------
# The rendered tables
# --------------------------------------------------------------------------


def _table_rows(markdown):
    return [line for line in markdown.splitlines() if line.startswith("|")]


def _columns(line):
    return line.strip().strip("|").count(" | ") + 1


def test_conventions_table_is_two_tables_of_four_columns():
    text = framework_facts.conventions_table()
    headings = [line for line in text.splitlines() if line.startswith("**")]
    assert len(headings) == 2
    lines = _table_rows(text)
    assert len(lines) == 2 * (2 + len(framework_facts.ROWS))
    assert all(_columns(line) == 4 for line in lines if not line.startswith("|-"))
    marked = [line for line in lines if line.startswith("| `") and line.endswith("| ✓ |")]
    assert len(marked) == 2 * len(framework_facts.ROWS)  # every row checked in both tables
    for text_ in ("36.04", "15.94", "1e-07", "1e-06", "-100", "0.919", "16.12", "Σ w[y]"):
        assert text_ in text, text_


def test_conventions_table_states_the_weight_rule_of_the_facts():
    cell = next(r for r in framework_facts.ROWS if r.key == "torch_cross_entropy").reduction
    rule = framework_facts.TORCH_CE_WEIGHTED_MEAN_DIVIDES_BY
    word = {"sum_w": "Σ w[y]", "n": "N"}
    assert f"/ {word[rule['class indices']]} for class indices" in cell
    assert f"/ {word[rule['probabilities']]} for probabilities" in cell


def test_a_row_not_fully_checked_loses_its_mark(monkeypatch):
    rows = list(framework_facts.ROWS)
    rows[0] = framework_facts.Row(**{**rows[0].__dict__, "checked": ("call", "takes", "reduction")})
    monkeypatch.setattr(framework_facts, "ROWS", tuple(rows))
    lines = _table_rows(framework_facts.conventions_table())
    first = [line for line in lines if line.startswith(f"| {rows[0].call}")]
    assert first[0].endswith("| ✓ |") and first[1].endswith("|  |")


def test_ppo_table_has_four_columns_and_every_implementation():
    text = framework_facts.ppo_approx_kl_table()
    lines = _table_rows(text)
    assert all(_columns(line) == 4 for line in lines if not line.startswith("|-"))
    assert len(lines) == 2 + len(framework_facts.PPO_APPROX_KL)
    for row in framework_facts.PPO_APPROX_KL:
        assert row.implementation in text and row.source in text


def test_ppo_rows_as_read_from_their_source():
    """What each implementation does, as its source (linked in the row) says.

    Only Stable-Baselines3 is installed; test_fw_sb3.py checks its row by training.
    """
    rows = {r.implementation: r for r in framework_facts.PPO_APPROX_KL}
    assert list(rows) == ["Stable-Baselines3", "CleanRL", "Spinning Up", "OpenAI Baselines ppo2"]
    assert (rows["Stable-Baselines3"].estimator, rows["Stable-Baselines3"].stop_factor) == (
        "k3",
        framework_facts.SB3_PPO_KL_STOP_FACTOR,
    )
    assert rows["CleanRL"].stop_factor == 1.0 and "after each epoch" in rows["CleanRL"].stop_when
    assert rows["Spinning Up"][1:3] == ("k1", 1.5)
    assert rows["OpenAI Baselines ppo2"][1:3] == ("k2", None)
    for row in rows.values():
        assert re.fullmatch(
            r"https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+#L\d+(-L\d+)?", row.source
        )


def test_kl_estimators_are_k1_k2_k3():
    """The footnote's TeX evaluated at r = 1.3: -log r, (log r)^2 / 2 and r - 1 - log r."""
    r = 1.3
    tex = framework_facts.KL_ESTIMATORS
    as_python = {
        k: eval(  # our own constant strings
            v.replace(r"\tfrac12 ", "0.5 * ").replace(r"\log r", "math.log(r)").replace("^", "**"),
            {"math": math, "r": r},
        )
        for k, v in tex.items()
    }
    assert as_python == pytest.approx(
        {"k1": -math.log(r), "k2": 0.5 * math.log(r) ** 2, "k3": r - 1 - math.log(r)}
    )


def test_no_test_in_this_tier_skips():
    # Spelled in pieces so that this file does not match itself.
    from pathlib import Path

    words = ("importor" + "skip", "pytest." + "skip", "mark." + "skip", "mark." + "xfail")
    for path in Path(__file__).parent.glob("*.py"):
        source = path.read_text()
        assert not [w for w in words if w in source], path.name


def test_facts_import_no_framework():
    """The book imports framework_facts without the libraries: it must import none."""
    source = inspect.getsource(importlib.import_module("klce.framework_facts"))
    imported = re.findall(r"^(?:from|import) (\w+)", source, flags=re.M)
    assert set(imported) <= {"__future__", "math", "dataclasses", "typing"}, imported
