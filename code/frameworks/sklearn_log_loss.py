"""scikit-learn's ``log_loss``: true labels, then predicted PROBABILITIES.

It is the mean of -log q(y_i) in nats, after clipping the probabilities to
[eps, 1 - eps] with eps the machine epsilon of their dtype, so a sample the
model called impossible costs a capped amount, smaller in float32 than in
float64. Pass the arguments by position: the second one was renamed from
``y_pred`` to ``y_proba`` in scikit-learn 1.9.
"""

import numpy as np
from sklearn.metrics import log_loss

y_true = [0, 2, 1]
proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])

loss = log_loss(y_true, proba)  # mean of -log proba[i, y_i]

if __name__ == "__main__":
    print(f"log loss {loss:.4f}")
