"""Keras cross-entropy on logits: pass ``from_logits=True``.

Without it Keras takes the logits for probabilities: it rescales and clips
them and returns a wrong value, with no error and no warning.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # read once, by the import

import keras
import numpy as np

y_onehot = np.array([[0.0, 1.0, 0.0]])  # true class 1
logits = np.array([[2.0, -1.0, 0.5]])  # a linear layer's raw output
y_binary = np.array([[1.0, 0.0]])
binary_logits = np.array([[2.5, -1.5]])

cce = keras.losses.CategoricalCrossentropy(from_logits=True)
bce = keras.losses.BinaryCrossentropy(from_logits=True)
loss = float(cce(y_onehot, logits))
binary_loss = float(bce(y_binary, binary_logits))

# The silent mistake: logits passed as if they were probabilities.
wrong = float(keras.losses.CategoricalCrossentropy()(y_onehot, logits))
bce_default = keras.losses.BinaryCrossentropy()
wrong_binary = float(bce_default(y_binary, binary_logits))

if __name__ == "__main__":
    print(f"categorical {loss:.4f} (no from_logits {wrong:.4f})")
    print(f"binary {binary_loss:.4f} (no from_logits {wrong_binary:.2e})")
