"""The learning rate at each optimizer step: linear warmup, then linear, cosine or constant.

Usage::

    schedule = LearningRateSchedule("cosine", base_lr=2e-4, warmup_steps=10, total_steps=100)
    for group in optimizer.param_groups:
        group["lr"] = schedule.lr(step)          # step: 0-based index of the step about to run

A pure function of the step, so a resumed run needs no scheduler object to restore: the step
alone puts it back (``state_dict`` records the shape for the checkpoint and for checks).

Warmup rises linearly and reaches the full rate at the last warmup step
(``(step + 1) / warmup_steps``). The decay then runs over the remaining steps towards zero
at ``total_steps``, a step that is never taken, so the last step still learns a little. A
decaying rate matters for memorization: DESIGN §7 found constant 1e-2 diverging where a
decaying 3e-3 converges.
"""

from __future__ import annotations

import math
from typing import Any, Dict


class LearningRateSchedule:
    """``kind`` (linear | cosine | constant) after ``warmup_steps`` of linear warmup."""

    def __init__(self, kind: str, base_lr: float, warmup_steps: int, total_steps: int) -> None:
        if kind not in ("linear", "cosine", "constant"):
            raise ValueError(f"unknown schedule {kind!r}")
        self.kind = kind
        self.base_lr = base_lr
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps

    def factor(self, step: int) -> float:
        """The multiple of the base rate at 0-based optimizer ``step``."""
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        if self.kind == "constant":
            return 1.0
        span = max(1, self.total_steps - self.warmup_steps)
        progress = min(1.0, (step - self.warmup_steps) / span)
        if self.kind == "linear":
            return 1.0 - progress
        return 0.5 * (1.0 + math.cos(math.pi * progress))

    def lr(self, step: int) -> float:
        """The learning rate at 0-based optimizer ``step``."""
        return self.base_lr * self.factor(step)

    def state_dict(self) -> Dict[str, Any]:
        """The schedule's shape (the step lives with the run)."""
        return {"kind": self.kind, "base_lr": self.base_lr, "warmup_steps": self.warmup_steps, "total_steps": self.total_steps}
