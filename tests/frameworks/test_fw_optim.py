"""Chapter 2's "where the loss value matters": the relative tolerances of real optimisers."""

import inspect

import numpy as np
import torch
from scipy import optimize


def test_reduce_lr_on_plateau_defaults_to_a_relative_threshold():
    params = inspect.signature(torch.optim.lr_scheduler.ReduceLROnPlateau).parameters
    assert params["threshold_mode"].default == "rel"
    assert params["threshold"].default == 1e-4


def test_reduce_lr_on_plateau_counts_only_relative_improvements():
    """The same absolute fall, 5e-4 a step, is a plateau near 10 but progress near 1e-3."""
    for level, expect_cut in ((10.0, True), (1e-3, False)):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
        for step in range(2):
            sched.step(level - 5e-4 * step)
        cut = opt.param_groups[0]["lr"] < 1.0
        assert cut == expect_cut, (level, opt.param_groups[0]["lr"])


def test_lbfgsb_ftol_is_relative_above_one_nat():
    """scipy's L-BFGS-B stops when (f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= ftol.

    Adding a constant to the loss (as KL + H(P) = CE does) changes where it stops.
    """

    def error(shift: float) -> float:
        res = optimize.minimize(
            lambda x: shift + optimize.rosen(x),
            np.zeros(4),
            jac=optimize.rosen_der,
            method="L-BFGS-B",
            options={"ftol": 1e-9, "gtol": 0.0},
        )
        assert "RELATIVE REDUCTION OF F" in res.message
        return float(np.abs(res.x - 1.0).max())

    assert error(1e6) > 1000 * error(0.0)
