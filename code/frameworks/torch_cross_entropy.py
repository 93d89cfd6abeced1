"""Cross-entropy from logits in PyTorch: labels, soft targets, smoothing.

``F.cross_entropy`` takes raw logits (it applies ``log_softmax`` itself),
the model first and the target second, and averages over the batch.
"""

import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])  # (N, K)
labels = torch.tensor([0, 2])  # integer class indices, shape (N,)
soft = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])  # rows sum to 1

loss_labels = F.cross_entropy(logits, labels)  # mean of -log q(y)
loss_soft = F.cross_entropy(logits, soft)  # mean of H(p, q)
loss_smooth = F.cross_entropy(logits, labels, label_smoothing=0.1)
per_example = F.cross_entropy(logits, labels, reduction="none")

if __name__ == "__main__":
    print(f"labels {loss_labels:.4f}  soft {loss_soft:.4f}")
    print(f"smoothed {loss_smooth:.4f}  per example {per_example}")
