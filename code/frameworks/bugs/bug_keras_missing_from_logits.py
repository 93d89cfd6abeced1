"""Classification in Keras: the cross-entropy of one batch.

The model ends in ``keras.layers.Dense(3)`` with no activation; ``logits``
is its output for two examples, and the labels are one-hot.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # read once, by the import

import keras
import numpy as np

logits = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -0.2]])  # Dense(3) output
y_onehot = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])  # both class 1

loss_fn = keras.losses.CategoricalCrossentropy()
loss = float(loss_fn(y_onehot, logits))

if __name__ == "__main__":
    print(f"cross-entropy {loss:.4f}")
