"""Classification in Keras: the cross-entropy of one batch.

The fix: the outputs are logits, so the loss is told with
``from_logits=True``; it then applies the softmax itself.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # read once, by the import

import keras
import numpy as np

logits = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -0.2]])  # Dense(3) output
y_onehot = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])  # both class 1

loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
loss = float(loss_fn(y_onehot, logits))

if __name__ == "__main__":
    print(f"cross-entropy {loss:.4f}")
