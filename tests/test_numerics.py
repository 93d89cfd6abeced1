"""Tests for klce.numerics: central-difference gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import klce
from klce.numerics import numerical_gradient


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=6))
def test_gradient_of_a_cubic(values):
    x = np.array(values)
    g = numerical_gradient(lambda v: np.sum(v**3 - 2 * v), x)
    assert np.allclose(g, 3 * x**2 - 2, rtol=1e-6, atol=1e-6)


def test_matrix_argument_and_the_softmax_cross_entropy_gradient():
    z = np.array([[1.5, -0.5, 0.3], [0.0, 2.0, -1.0]])
    p = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    g = numerical_gradient(lambda w: klce.cross_entropy_from_logits(p, w).sum(), z)
    assert g.shape == z.shape
    assert np.allclose(g, klce.softmax(z) - p, atol=1e-8)  # could fail for a wrong formula


@pytest.mark.parametrize("step", [0, -1e-6, float("nan"), float("inf"), "1e-6"])
def test_rejects_a_bad_step(step):
    with pytest.raises(ValueError, match="step must be a finite positive number"):
        numerical_gradient(np.sum, [1.0], step=step)


def test_rejects_complex_points():
    with pytest.raises(ValueError, match="x must contain real numbers"):
        numerical_gradient(np.sum, [1j])
