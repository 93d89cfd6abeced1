"""Every fact in klce/framework_facts.py, and every row of the table, checked."""

import importlib.metadata
import inspect
from pathlib import Path

import keras
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import log_loss
from torch import nn

from klce import framework_facts as facts


@pytest.mark.parametrize("dist", sorted(facts.VERSIONS))
def test_installed_version_is_the_one_stated(dist):
    installed = importlib.metadata.version(dist).split("+")[0]  # 2.13.0+cpu
    assert installed == facts.VERSIONS[dist]


def test_versions_line_names_every_library():
    line = facts.versions_line()
    assert all(f"{d} {v}" in line for d, v in facts.VERSIONS.items())


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def _keras_reduction(loss):
    return loss().reduction


# One check per row: the call exists and its defaults are what the row says.
ROW_CHECKS = {
    "torch_cross_entropy": lambda: (
        _default(F.cross_entropy, "reduction") == facts.TORCH_REDUCTION_DEFAULT
        and _default(F.cross_entropy, "ignore_index") == facts.TORCH_IGNORE_INDEX
        and _default(F.cross_entropy, "label_smoothing") == 0.0
        and nn.CrossEntropyLoss().reduction == facts.TORCH_REDUCTION_DEFAULT
    ),
    "torch_nll_loss": lambda: (
        _default(F.nll_loss, "reduction") == facts.TORCH_REDUCTION_DEFAULT
        and nn.NLLLoss().reduction == facts.TORCH_REDUCTION_DEFAULT
    ),
    "torch_kl_div": lambda: (
        _default(F.kl_div, "reduction") == facts.TORCH_REDUCTION_DEFAULT
        and _default(F.kl_div, "log_target") is False
        and nn.KLDivLoss().reduction == facts.TORCH_REDUCTION_DEFAULT
    ),
    "torch_bce": lambda: (
        nn.BCELoss().reduction == facts.TORCH_REDUCTION_DEFAULT
        and F.binary_cross_entropy(torch.ones(1), torch.zeros(1)).item() == facts.TORCH_BCE_MAX_LOSS
    ),
    "torch_bce_with_logits": lambda: (
        nn.BCEWithLogitsLoss().reduction == facts.TORCH_REDUCTION_DEFAULT
        and _default(F.binary_cross_entropy_with_logits, "pos_weight") is None
    ),
    "torch_gaussian_nll": lambda: (
        nn.GaussianNLLLoss().reduction == facts.TORCH_REDUCTION_DEFAULT
        and nn.GaussianNLLLoss().eps == facts.TORCH_GAUSSIAN_NLL_EPS
        and nn.GaussianNLLLoss().full is False
        and list(inspect.signature(nn.GaussianNLLLoss.forward).parameters)[1:]
        == ["input", "target", "var"]
    ),
    "torch_distributions_kl": lambda: (
        torch.distributions.kl_divergence(
            torch.distributions.Normal(torch.zeros(3), torch.ones(3)),
            torch.distributions.Normal(torch.zeros(3), torch.ones(3)),
        ).shape
        == (3,)
    ),
    "sklearn_log_loss": lambda: (
        facts.SKLEARN_PROBA_KEYWORD in inspect.signature(log_loss).parameters
        and _default(log_loss, "normalize") is True
    ),
    "keras_categorical": lambda: (
        _keras_reduction(keras.losses.CategoricalCrossentropy) == facts.KERAS_REDUCTION_DEFAULT
        and keras.config.epsilon() == facts.KERAS_EPSILON
    ),
    "keras_binary": lambda: (
        _keras_reduction(keras.losses.BinaryCrossentropy) == facts.KERAS_REDUCTION_DEFAULT
    ),
    "keras_kl": lambda: (
        _keras_reduction(keras.losses.KLDivergence) == facts.KERAS_REDUCTION_DEFAULT
    ),
}


def test_every_row_has_a_check():
    assert [r.key for r in facts.ROWS] == list(ROW_CHECKS)


@pytest.mark.parametrize("key", list(ROW_CHECKS))
def test_table_row(key):
    assert ROW_CHECKS[key]()


def test_table_renders_every_row_and_the_constants():
    table = facts.conventions_table()
    lines = table.strip().splitlines()
    assert len(lines) == 2 + len(facts.ROWS)
    assert all(line.count(" | ") == 5 for line in lines if not line.startswith("|-"))
    for text in ("36.04", "15.94", "1e-07", "1e-06", "-100", "0.919", "16.12"):
        assert text in table, text


def test_no_test_in_this_tier_skips():
    # Spelled in pieces so that this file does not match itself.
    words = ("importor" + "skip", "pytest." + "skip", "mark." + "skip", "mark." + "xfail")
    for path in Path(__file__).parent.glob("*.py"):
        source = path.read_text()
        assert not [w for w in words if w in source], path.name
