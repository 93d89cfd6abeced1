"""Gaussian negative log-likelihood in PyTorch: ``nn.GaussianNLLLoss``.

It takes the VARIANCE, not the standard deviation. The default
``full=False`` leaves out the constant ½ log 2π, and variances below
``eps`` are clamped up to it; ``full=True`` gives the exact -log density.
"""

import torch
from torch import nn

mean = torch.tensor([0.0, 1.0, 2.0])  # the model's predicted means
std = torch.tensor([1.0, 0.5, 2.0])  # ... and standard deviations
y = torch.tensor([0.3, 0.9, -1.0])  # observations

gaussian_nll = nn.GaussianNLLLoss(full=True)
nll = gaussian_nll(mean, y, std**2)  # (input, target, var): pass std**2
nll_default = nn.GaussianNLLLoss()(mean, y, std**2)  # no ½ log 2π

if __name__ == "__main__":
    print(f"NLL {nll:.4f}  (full=False) {nll_default:.4f}")
