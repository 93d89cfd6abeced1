"""scikit-learn's log_loss and Keras's probabilistic losses against klce."""

import ast
import inspect
import math
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.metrics import log_loss

import klce
from klce import framework_facts

RNG = np.random.default_rng(6)
LOGITS = 2.0 * RNG.normal(size=(5, 3))
LABELS = RNG.integers(0, 3, size=5)
PROBA = klce.softmax(LOGITS)
ONE_HOT = np.eye(3)[LABELS]


def proba_keyword():
    """The name of log_loss's probability argument in this version."""
    params = inspect.signature(log_loss).parameters
    return "y_proba" if "y_proba" in params else "y_pred"


@pytest.mark.cell("sklearn_log_loss", "takes")
def test_log_loss_keyword_for_the_probabilities():
    assert proba_keyword() == framework_facts.SKLEARN_PROBA_KEYWORD
    kw = {proba_keyword(): PROBA}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss(LABELS, **kw)  # the current keyword: no warning


@pytest.mark.cell("sklearn_log_loss", "takes")
@pytest.mark.cell("sklearn_log_loss", "reduction")
def test_log_loss_is_mean_cross_entropy_and_sum_without_normalize():
    want = klce.cross_entropy(ONE_HOT, PROBA)
    assert math.isclose(log_loss(LABELS, PROBA), want.mean(), rel_tol=1e-12)
    total = log_loss(LABELS, PROBA, normalize=False)
    assert math.isclose(total, want.sum(), rel_tol=1e-12)


@pytest.mark.cell("sklearn_log_loss", "clip")
@pytest.mark.cell("sklearn_log_loss", "dtype")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log_loss_clips_at_the_dtype_epsilon(dtype):
    eps = float(np.finfo(dtype).eps)
    assert eps == framework_facts.SKLEARN_EPS[dtype]
    impossible = np.array([[1e-30, 1.0], [0.0, 1.0]], dtype=dtype)
    per_sample = log_loss([0, 0], impossible, labels=[0, 1], normalize=False) / 2
    assert math.isclose(per_sample, framework_facts.SKLEARN_CAP[dtype], rel_tol=1e-6)
    assert math.isclose(framework_facts.SKLEARN_CAP[dtype], -math.log(eps), rel_tol=1e-15)


@pytest.mark.cell("sklearn_log_loss", "dtype")
def test_log_loss_cap_values_the_book_states():
    assert f"{framework_facts.SKLEARN_CAP['float64']:.2f}" == "36.04"
    assert f"{framework_facts.SKLEARN_CAP['float32']:.2f}" == "15.94"
    exact = klce.cross_entropy([1.0, 0.0], [1e-300, 1.0])
    assert exact > 690 > framework_facts.SKLEARN_CAP["float64"]  # the cap understates it


@pytest.mark.cell("sklearn_log_loss", "clip")
def test_log_loss_warns_on_rows_that_do_not_sum_to_one():
    rows = np.array([[0.5, 0.6], [0.2, 0.9]])
    with pytest.warns(UserWarning, match="sum to one"):
        log_loss([0, 1], rows)


@pytest.mark.cell("keras_categorical", "dtype")
def test_keras_runs_on_the_jax_backend_with_epsilon_1e_7():
    assert keras.backend.backend() == framework_facts.KERAS_BACKEND
    assert keras.config.epsilon() == framework_facts.KERAS_EPSILON
    assert keras.backend.epsilon() == framework_facts.KERAS_EPSILON  # the chapter's spelling
    assert keras.config.floatx() == framework_facts.KERAS_FLOATX
    loss = keras.losses.CategoricalCrossentropy()(ONE_HOT, PROBA)
    assert str(loss.dtype) == framework_facts.KERAS_FLOATX  # float64 inputs, float32 loss


@pytest.mark.cell("keras_categorical", "reduction")
@pytest.mark.cell("keras_binary", "reduction")
@pytest.mark.cell("keras_kl", "reduction")
@pytest.mark.parametrize(
    "loss",
    [
        keras.losses.CategoricalCrossentropy,
        keras.losses.BinaryCrossentropy,
        keras.losses.KLDivergence,
    ],
)
def test_keras_default_reduction(loss):
    assert loss().reduction == framework_facts.KERAS_REDUCTION_DEFAULT


@pytest.mark.cell("keras_categorical", "takes")
@pytest.mark.cell("keras_categorical", "reduction")
def test_keras_categorical_from_logits_matches_klce():
    got = float(keras.losses.CategoricalCrossentropy(from_logits=True)(ONE_HOT, LOGITS))
    want = klce.cross_entropy_from_logits(LABELS, LOGITS).mean()
    assert math.isclose(got, want, rel_tol=1e-6)  # float32 inside


@pytest.mark.cell("keras_categorical", "dtype")
def test_keras_categorical_without_from_logits_is_silently_wrong():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either
        wrong = float(keras.losses.CategoricalCrossentropy()(ONE_HOT, LOGITS))
    right = klce.cross_entropy_from_logits(LABELS, LOGITS).mean()
    assert math.isfinite(wrong) and abs(wrong - right) > 1.0


@pytest.mark.cell("keras_binary", "dtype")
@pytest.mark.cell("keras_binary", "takes")
def test_keras_binary_without_from_logits_reports_a_perfect_fit():
    y, z = np.array([[1.0, 1.0]]), np.array([[2.5, 1.5]])  # confident logits > 1
    wrong = float(keras.losses.BinaryCrossentropy()(y, z))
    right = float(keras.losses.BinaryCrossentropy(from_logits=True)(y, z))
    assert wrong < 2e-7  # -log(1 - eps): "perfect"
    want = klce.binary_cross_entropy_from_logits(y, z).mean()
    assert math.isclose(right, want, rel_tol=1e-6) and right > 0.1


@pytest.mark.cell("keras_categorical", "clip")
@pytest.mark.cell("keras_categorical", "takes")
def test_keras_categorical_rescales_rows_then_clips():
    cce = keras.losses.CategoricalCrossentropy()
    assert math.isclose(float(cce(ONE_HOT, 5 * PROBA)), float(cce(ONE_HOT, PROBA)), rel_tol=1e-6)
    capped = float(cce(np.array([[1.0, 0.0]]), np.array([[1e-30, 1.0]])))
    assert math.isclose(capped, framework_facts.KERAS_CAP, rel_tol=1e-6)


@pytest.mark.cell("keras_binary", "clip")
@pytest.mark.cell("keras_binary", "dtype")
def test_keras_binary_caps_per_label_in_float32():
    bce = keras.losses.BinaryCrossentropy()
    label1 = float(bce(np.array([[1.0]]), np.array([[0.0]])))
    label0 = float(bce(np.array([[0.0]]), np.array([[1.0]])))
    assert math.isclose(label1, framework_facts.KERAS_CAP, rel_tol=1e-6)
    assert math.isclose(label0, framework_facts.KERAS_BINARY_CAP_LABEL0_FLOAT32, rel_tol=1e-6)


@pytest.mark.cell("keras_binary", "takes")
@pytest.mark.cell("keras_binary", "reduction")
def test_keras_binary_on_probabilities_matches_klce_and_averages_outputs():
    y = RNG.uniform(size=(4, 3))
    s = RNG.uniform(0.05, 0.95, size=(4, 3))
    got = float(keras.losses.BinaryCrossentropy()(y, s))
    assert math.isclose(got, klce.binary_cross_entropy(y, s).mean(), rel_tol=1e-5)


@pytest.mark.cell("keras_kl", "takes")
@pytest.mark.cell("keras_kl", "reduction")
@pytest.mark.cell("keras_kl", "clip")
def test_keras_kl_divergence_clips_both_arguments():
    eps = framework_facts.KERAS_EPSILON
    got = float(keras.losses.KLDivergence()(ONE_HOT, PROBA))
    t, q = np.clip(ONE_HOT, eps, 1), np.clip(PROBA, eps, 1)
    emulated = np.mean(np.sum(t * np.log(t / q), axis=-1))
    exact = klce.kl_divergence(ONE_HOT, PROBA).mean()
    assert math.isclose(got, emulated, rel_tol=1e-5)
    assert got != exact and abs(got - exact) < 1e-4  # zeros become eps


@pytest.mark.cell("keras_kl", "dtype")
def test_keras_kl_divergence_is_float32_and_finite_where_q_is_zero():
    loss = keras.losses.KLDivergence()(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    assert str(loss.dtype) == framework_facts.KERAS_FLOATX
    assert np.isfinite(float(loss))  # the exact KL is infinite here
    clipped = 0.5 * math.log(0.5) + 0.5 * math.log(0.5 / framework_facts.KERAS_EPSILON)
    assert math.isclose(float(loss), clipped, rel_tol=1e-5)


@pytest.mark.cell("keras_categorical", "clip")
def test_keras_on_jax_clips_even_a_softmax_output():
    z = np.array([[-40.0, 10.0, 0.0]])  # the true class 0 gets ~e^-50
    probs = keras.activations.softmax(z)
    clipped = float(keras.losses.CategoricalCrossentropy()(np.array([[1.0, 0.0, 0.0]]), probs))
    exact = klce.cross_entropy_from_logits(0, z[0])
    assert math.isclose(clipped, framework_facts.KERAS_CAP, rel_tol=1e-6) and exact > 49


def _function(tree, name):
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


def test_keras_tensorflow_backend_recovers_logits_in_its_source():
    # TensorFlow is not installed here: read the installed Keras's TF backend.
    import keras.src.backend as backends

    root = Path(backends.__file__).parent
    tf_tree = ast.parse((root / "tensorflow" / "nn.py").read_text())
    for fn in ("categorical_crossentropy", "binary_crossentropy"):
        calls = {
            n.func.id
            for n in ast.walk(_function(tf_tree, fn))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert "_get_logits" in calls, fn
    assert "_keras_logits" in ast.unparse(_function(tf_tree, "_get_logits"))
    jax_source = (root / "jax" / "nn.py").read_text()
    assert "_keras_logits" not in jax_source  # the JAX backend clips instead


# --------------------------------------------------------------------------
# scikit-learn's eps: what the installed version does, and the stated history
# --------------------------------------------------------------------------


def _version(text):
    return tuple(int(part) for part in text.split(".")[:2])


def test_log_loss_eps_history_is_ordered_and_the_installed_version_is_past_it():
    """1.2 made the default the dtype's epsilon, 1.3 deprecated eps, 1.5 removed it.

    The history is documented (framework_facts cites the pages); the tier checks
    that the constants are consistent and that the pinned version is past the removal.
    """
    auto, deprecated, removed = (
        _version(framework_facts.SKLEARN_EPS_AUTO_SINCE),
        _version(framework_facts.SKLEARN_EPS_DEPRECATED_IN),
        _version(framework_facts.SKLEARN_EPS_REMOVED_IN),
    )
    assert (
        (1, 1) < auto < deprecated < removed <= _version(framework_facts.VERSIONS["scikit-learn"])
    )
    assert framework_facts.SKLEARN_EPS_BEFORE_1_2 == 1e-15
    assert (
        framework_facts.SKLEARN_EPS_BEFORE_1_2 > framework_facts.SKLEARN_EPS["float64"]
    )  # the old clip was cruder


@pytest.mark.cell("sklearn_log_loss", "clip")
def test_log_loss_no_longer_accepts_eps():
    assert "eps" not in inspect.signature(log_loss).parameters
    with pytest.raises(TypeError, match="eps"):
        log_loss([0, 1], [[0.5, 0.5], [0.5, 0.5]], eps=framework_facts.SKLEARN_EPS_BEFORE_1_2)


@pytest.mark.cell("sklearn_log_loss", "clip")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log_loss_clips_at_the_dtype_epsilon_not_at_1e_15(dtype):
    """A probability below the dtype's epsilon is raised to it, on both sides of the clip."""
    eps = framework_facts.SKLEARN_EPS[dtype]
    tiny = np.array([[1e-20, 1.0], [1.0, 1e-20]], dtype=dtype)  # labels 0, 1: both "impossible"
    per_sample = log_loss([0, 1], tiny)
    assert math.isclose(per_sample, -math.log(eps), rel_tol=1e-6)
    # a sure, right prediction costs -log(1 - eps), not 0
    sure = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    assert math.isclose(log_loss([0, 1], sure), -math.log1p(-eps), rel_tol=1e-6)
    # the fixed eps of scikit-learn up to 1.1 would have capped at -log(1e-15) = 34.54
    old_cap = -math.log(framework_facts.SKLEARN_EPS_BEFORE_1_2)
    assert not math.isclose(per_sample, old_cap, rel_tol=1e-3)


# --------------------------------------------------------------------------
# Keras from_logits=True at extreme logits: exact, no clipping
# --------------------------------------------------------------------------


@pytest.mark.cell("keras_binary", "clip")
def test_keras_binary_from_logits_is_exact_at_extreme_logits():
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    assert float(bce(np.array([[0.0]]), np.array([[1e4]]))) == 1e4  # label 0, logit 1e4
    at_40 = float(bce(np.array([[1.0]]), np.array([[40.0]])))  # label 1, logit 40
    exact = math.log1p(math.exp(-40.0))  # 4.248e-18: far below any clip
    assert math.isclose(at_40, exact, rel_tol=1e-6)
    assert f"{at_40:.3e}" == "4.248e-18"


@pytest.mark.cell("keras_categorical", "clip")
def test_keras_categorical_from_logits_is_exact_at_extreme_logits():
    cce = keras.losses.CategoricalCrossentropy(from_logits=True)
    got = float(cce(np.array([[0.0, 1.0]]), np.array([[1e4, -1e4]])))
    assert got == 2e4  # the logit gap, not the cap of 16.12
    assert got == klce.cross_entropy_from_logits(1, np.array([1e4, -1e4]))


# --------------------------------------------------------------------------
# Keras KLDivergence on sigmoid outputs: the "yes" half, checked with jax.grad
# --------------------------------------------------------------------------


@pytest.mark.cell("keras_kl", "clip")
def test_keras_kl_divergence_on_sigmoid_outputs_has_the_books_gradient():
    """jax.grad of KLDivergence()(y, sigmoid(a)) is -max(y, eps)(1 - sigmoid(a))."""
    import jax
    import jax.numpy as jnp

    y = jnp.array([framework_facts.KERAS_KL_SIGMOID_LABELS])  # one sample of four outputs
    a = jnp.array(framework_facts.KERAS_KL_SIGMOID_LOGITS)
    loss = keras.losses.KLDivergence()

    def value(logits):
        return loss(y, jax.nn.sigmoid(logits)[None, :])

    got = np.asarray(jax.grad(value)(a), dtype=float)
    want = np.array(framework_facts.keras_kl_sigmoid_gradient())
    np.testing.assert_allclose(got, want, rtol=1e-6)  # float32 accuracy
    # the "no" labels (y = 0) get about eps (1 - sigmoid(a)) ~ 1e-8 of a push
    no = np.array(framework_facts.KERAS_KL_SIGMOID_LABELS) == 0
    assert np.all(np.abs(got[no]) < framework_facts.KERAS_EPSILON)
    assert np.all(np.abs(got[~no]) > 0.1)
    # the reduction: one sample, summed over its outputs; a batch of two copies averages
    batch = float(loss(jnp.concatenate([y, y]), jnp.tile(jax.nn.sigmoid(a), (2, 1))))
    assert math.isclose(batch, float(value(a)), rel_tol=1e-6)
