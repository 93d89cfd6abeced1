"""Tests for klce._validation: shared checks and their error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from klce import _validation as v


def test_as_real_array_converts_without_copying_float64():
    x = np.array([0.5, 0.5])
    assert v.as_real_array(x, "p") is x
    assert v.as_real_array([1, 0], "p").dtype == np.float64
    assert v.as_real_array([True, False], "p").dtype == np.float64
    with pytest.raises(ValueError, match=r"^p could not be converted to an array"):
        v.as_real_array([[1.0], [1.0, 2.0]], "p")


def test_probability_check_locates_first_offender_in_3d():
    p = np.full((2, 3, 2), 0.5)
    v.check_probabilities(p, "p", 2, 1e-9)  # happy path: no error
    p[1, 2, 0] = -0.25
    p[1, 2, 1] = 1.25
    with pytest.raises(ValueError, match=r"^p\[1, 2, 0\] is negative \(-0\.25\)$"):
        v.check_probabilities(p, "p", 2, 1e-9)
    p[1, 2] = [0.5, 0.75]
    with pytest.raises(ValueError, match=r"^p sums to 1\.25 along axis -1 at index \(1, 2\),"):
        v.check_probabilities(p, "p", 2, 1e-9, axis_label=-1)


def test_broadcast_shapes_of_names_all_arguments():
    a, b, c = np.zeros(2), np.zeros(3), np.zeros((4, 1))
    assert v.broadcast_shapes_of(a=a, c=c) == (4, 2)
    with pytest.raises(ValueError, match=r"^a, b and c have incompatible shapes \(2,\), \(3,\)"):
        v.broadcast_shapes_of(a=a, b=b, c=c)


@pytest.mark.parametrize(("base", "expected"), [(None, None), (2, math.log(2)), (math.e, 1.0)])
def test_log_base(base, expected):
    assert v.log_base(base) == expected


def test_in_base():
    assert v.in_base(np.float64(math.log(8)), 2) == pytest.approx(3.0)
    assert v.in_base(np.float64(1.5), None) == 1.5


def test_scalar_checks():
    assert v.check_unit_interval_scalar(0, "eps") == 0.0
    with pytest.raises(ValueError, match=r"^eps must be a real number, got 'x'$"):
        v.check_unit_interval_scalar("x", "eps")
    with pytest.raises(ValueError, match=r"^c must be in \(0, 1\), got 0\.0$"):
        v.check_unit_interval_scalar(0.0, "c", open_=True)


def test_check_positive_and_in_interval_report_non_finite_first():
    with pytest.raises(ValueError, match=r"^s\[1\] is not finite \(inf\)$"):
        v.check_positive(np.array([1.0, np.inf]), "s")
    with pytest.raises(ValueError, match=r"^y\[0\] is not finite \(nan\)$"):
        v.check_in_interval(np.array([np.nan, 2.0]), "y")
