"""Knowledge distillation in PyTorch: KL(teacher || student) at temperature T.

Both sides are softened by ``T``; the teacher enters as log-probabilities
(``log_target=True``), and the T² factor keeps the gradient's scale
roughly independent of ``T`` (exactly so only at high ``T``). The value is
0 when the student matches the teacher.
"""

import torch
import torch.nn.functional as F


def distillation_loss(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, T: float = 2.0
) -> torch.Tensor:
    """Return the batch-mean KL(teacher || student) at temperature T, × T²."""
    return (
        F.kl_div(
            F.log_softmax(student_logits / T, dim=1),
            F.log_softmax(teacher_logits / T, dim=1),
            log_target=True,
            reduction="batchmean",
        )
        * T
        * T
    )


if __name__ == "__main__":
    student = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])
    teacher = torch.tensor([[3.0, 1.0, -2.0], [0.5, -0.5, 2.0]])
    loss = distillation_loss(student, teacher, T=4.0)
    print(f"distillation loss {loss:.4f}")
