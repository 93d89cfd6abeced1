"""KL divergence in PyTorch: ``nn.KLDivLoss`` with ``reduction="batchmean"``.

The first argument is the MODEL as log-probabilities, the second the
target; the result is KL(target || model). ``"batchmean"`` divides the sum
by the batch size, which gives the KL per example; the default ``"mean"``
also divides by the number of classes (and warns).
"""

import torch
import torch.nn.functional as F
from torch import nn

logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])  # model, (N, K)
target = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])  # probabilities

kl_loss = nn.KLDivLoss(reduction="batchmean")
kl = kl_loss(F.log_softmax(logits, dim=1), target)

# A target given as log-probabilities (better when it has tiny entries):
kl_log_loss = nn.KLDivLoss(reduction="batchmean", log_target=True)
kl_from_logs = kl_log_loss(F.log_softmax(logits, dim=1), target.log())

if __name__ == "__main__":
    print(f"KL {kl:.4f}  (log target) {kl_from_logs:.4f}")
