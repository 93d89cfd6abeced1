"""Tests for klce.numerics: central-difference gradients and gradient descent."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import klce
from klce.numerics import gradient_descent, numerical_gradient


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


# ----------------------------------------------------------------------------------------------
# gradient_descent


@pytest.mark.parametrize("lr", [0.1, 0.25, 0.9])
def test_descent_on_a_quadratic_follows_the_closed_form(lr):
    # f(x) = |x|^2: x_k = (1 - 2 lr)^k x_0
    x0 = np.array([1.0, -3.0, 0.5])
    path = gradient_descent(lambda x: 2 * x, x0, lr=lr, n_steps=20)
    assert path.shape == (21, 3)
    expected = (1 - 2 * lr) ** np.arange(21)[:, None] * x0
    np.testing.assert_allclose(path, expected, rtol=1e-13, atol=1e-300)


def test_descent_keeps_the_shape_of_a_matrix_and_leaves_x0_alone():
    w0 = np.ones((2, 3))
    path = gradient_descent(lambda w: w - np.arange(6.0).reshape(2, 3), w0, lr=0.5, n_steps=4)
    assert path.shape == (5, 2, 3)
    assert np.array_equal(path[0], np.ones((2, 3)))
    assert np.array_equal(w0, np.ones((2, 3)))
    assert np.all(np.abs(path[-1] - np.arange(6.0).reshape(2, 3)) <= 5 / 16)  # halved 4 times


def test_descent_with_zero_steps_is_the_start():
    path = gradient_descent(lambda x: 1 / 0, [1.0, 2.0], lr=1.0, n_steps=0)  # grad not called
    assert path.shape == (1, 2)
    assert path.tolist() == [[1.0, 2.0]]


def test_descent_with_a_numerical_gradient_reaches_the_softmax_minimiser():
    p = np.array([0.6, 0.3, 0.1])
    path = gradient_descent(
        lambda z: numerical_gradient(lambda w: klce.cross_entropy_from_logits(p, w), z),
        np.zeros(3),
        lr=1.0,
        n_steps=400,
    )
    assert np.allclose(klce.softmax(path[-1]), p, atol=1e-6)
    losses = klce.cross_entropy_from_logits(p, path)
    assert np.all(np.diff(losses) <= 1e-15)  # a small enough step never increases the loss


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": 0, "n_steps": 1}, r"^lr must be a finite positive number, got 0$"),
        ({"lr": -0.1, "n_steps": 1}, r"^lr must be a finite positive number"),
        ({"lr": float("nan"), "n_steps": 1}, r"^lr must be a finite positive number"),
        ({"lr": float("inf"), "n_steps": 1}, r"^lr must be a finite positive number"),
        ({"lr": "0.1", "n_steps": 1}, r"^lr must be a finite positive number"),
        ({"lr": True, "n_steps": 1}, r"^lr must be a finite positive number"),
        ({"lr": 0.1, "n_steps": -1}, r"^n_steps must be an integer >= 0, got -1$"),
        ({"lr": 0.1, "n_steps": 2.5}, r"^n_steps must be an integer >= 0, got 2\.5$"),
        ({"lr": 0.1, "n_steps": True}, r"^n_steps must be an integer >= 0"),
    ],
)
def test_descent_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gradient_descent(lambda x: x, [1.0], **kwargs)


def test_descent_rejects_a_gradient_of_the_wrong_shape_and_a_complex_start():
    with pytest.raises(ValueError, match=r"^grad returned shape \(3,\) at step 0, expected"):
        gradient_descent(lambda x: np.zeros(3), [1.0, 2.0], lr=0.1, n_steps=2)
    with pytest.raises(ValueError, match=r"^x0 must contain real numbers"):
        gradient_descent(lambda x: x, [1j], lr=0.1, n_steps=2)
