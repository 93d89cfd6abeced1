"""Softmax cross-entropy written out by hand, in float32.

One example's loss is -log of the softmax probability of its label;
the batch loss is the mean over the examples.
"""

import torch


def cross_entropy(z, y):
    """Return -log softmax(z)[y] for one example's logits z, label y."""
    return -torch.log(torch.exp(z[y]) / torch.exp(z).sum())


logits = torch.tensor([[100.0, 98.0, 95.0], [101.0, 99.5, 97.0]])
labels = torch.tensor([0, 1])
losses = [cross_entropy(z, y) for z, y in zip(logits, labels, strict=True)]
loss = torch.stack(losses).mean()

if __name__ == "__main__":
    print(f"cross-entropy {loss:.4f}")
