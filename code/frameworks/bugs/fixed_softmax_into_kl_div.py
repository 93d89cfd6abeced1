"""Distillation: train a student to match a teacher's probabilities.

The fix: ``F.kl_div`` takes the model as log-probabilities, so the student
enters through ``F.log_softmax``. The loss is now KL(teacher || student).
"""

import torch
import torch.nn.functional as F


def distillation_loss(student_logits, teacher_probs):
    """Return the batch-mean KL(teacher || student)."""
    return F.kl_div(
        F.log_softmax(student_logits, 1), teacher_probs, reduction="batchmean"
    )


student_logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 3.0]])
teacher_probs = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
loss = distillation_loss(student_logits, teacher_probs)

if __name__ == "__main__":
    print(f"distillation loss {loss:.4f}")
