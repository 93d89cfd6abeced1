"""Binary cross-entropy from logits in PyTorch, with ``pos_weight``.

``BCEWithLogitsLoss`` takes logits, never sigmoid outputs, and averages
over every element. ``pos_weight`` (one weight per output) multiplies the
positive term: -[w y log σ(z) + (1 - y) log(1 - σ(z))].
"""

import torch
from torch import nn

logits = torch.tensor([[1.5, -0.3, 4.0], [-2.0, 0.8, 0.0]])  # (N, outputs)
targets = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.3]])  # 0/1 or soft

loss = nn.BCEWithLogitsLoss()(logits, targets)

# Rare positives: weight each output by (#negatives / #positives).
pos_weight = torch.tensor([3.0, 1.0, 0.5])
weighted = nn.BCEWithLogitsLoss(pos_weight=pos_weight)(logits, targets)

if __name__ == "__main__":
    print(f"BCE {loss:.4f}  with pos_weight {weighted:.4f}")
