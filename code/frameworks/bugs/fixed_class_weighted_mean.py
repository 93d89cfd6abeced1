"""Class-weighted cross-entropy by hand, to log the per-example losses.

The fix: a weighted mean divides by the sum of the weights, not by N,
which is what ``F.cross_entropy(z, y, weight=w)`` does.
"""

import torch
import torch.nn.functional as F

z = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0], [1.0, 2.0, 0.0]])
y = torch.tensor([0, 2, 1])  # labels
w = torch.tensor([1.0, 5.0, 2.0])  # class weights, e.g. inverse frequency


def weighted_cross_entropy(z, y, w):
    """Return the class-weighted cross-entropy of the batch."""
    per_example = F.cross_entropy(z, y, reduction="none")
    return (w[y] * per_example).sum() / w[y].sum()


if __name__ == "__main__":
    print(f"weighted loss {weighted_cross_entropy(z, y, w):.4f}")
