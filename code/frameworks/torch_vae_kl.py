"""The VAE's KL term in PyTorch: KL(q(z|x) || N(0, I)) per example.

The encoder gives a mean and a log-variance per latent dimension. The KL
is summed over the latent dimensions and averaged over the batch, like the
reconstruction NLL it is added to. Two equal ways to compute it:
``torch.distributions`` and the closed form.
"""

import torch
from torch.distributions import Normal, kl_divergence

mu = torch.tensor([[0.5, -1.0], [0.0, 0.2]])  # encoder output, (N, D)
logvar = torch.tensor([[0.0, -0.7], [0.3, -2.0]])  # log sigma², (N, D)

q = Normal(mu, torch.exp(0.5 * logvar))  # scale = standard deviation
prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
kl = kl_divergence(q, prior).sum(dim=1)  # (N,)

kl_closed = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp(), dim=1)
kl_term = kl.mean()  # batch mean, added to the reconstruction NLL

if __name__ == "__main__":
    print(f"KL per example {kl}  closed form {kl_closed}")
