"""A VAE's loss: reconstruction + beta * KL(q(z|x) || N(0, I)), beta = 1.

Each term is per image (over its D pixels or L latents), batch-averaged.
"""

import torch
import torch.nn.functional as F

torch.manual_seed(0)
N, D, L = 16, 784, 8  # batch, pixels, latent dimensions
x, x_hat = torch.rand(N, D), torch.rand(N, D)  # images, reconstructions
mu, logvar = torch.randn(N, L), torch.randn(N, L)  # the encoder's output
beta = 1.0


def vae_loss(x, x_hat, mu, logvar):
    """Return the batch mean of reconstruction + beta * KL."""
    recon = F.mse_loss(x_hat, x)
    kl = -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp(), dim=1)
    return recon + beta * kl.mean()


loss = vae_loss(x, x_hat, mu, logvar)
if __name__ == "__main__":
    print(f"VAE loss {loss:.4f}")
