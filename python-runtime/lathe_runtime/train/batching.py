"""From a prepared split to training batches: rows, packing, epochs, and a resumable sampler.

Usage::

    rows = plan_rows(dataset.train, max_length=512, packing=True, seed=0)   # examples per row
    sampler = EpochSampler(len(rows), batch_size=4, seed=0)
    batch = make_batch(dataset.train, [rows[i] for i in sampler.next_rows()], 512, pad_id=256)
    batch.input_ids, batch.labels, batch.segment_ids                        # (B, T) each

Labels are the next token where the mask covers it (position ``j`` predicts token ``j + 1``)
and ``IGNORE_INDEX`` elsewhere: under the mask's 0s, across the end of an example, and on
padding. Rows are right-padded with ``pad_id`` to the longest row of their batch; causal
attention never lets a real token see the padding after it.

Packing puts several examples into one row of at most ``max_length`` tokens (next-fit over a
seeded shuffle, once per run, so the number of rows, and with it the number of steps, is
known up front). Each example gets its own segment id; the decoder keeps attention inside a
segment and restarts positions there, so a packed row computes what its examples compute alone.

Epochs visit the rows in a fresh order drawn from the seed and the epoch number, so the
sampler's whole state is two integers and a resumed run draws exactly the batches the
uninterrupted run would have.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch

from .data import PreparedSplit

IGNORE_INDEX = -100  # torch's cross_entropy default ignore_index
_EPOCH_SEED_STRIDE = 0x9E3779B97F4A7C15  # decorrelates the seeds of consecutive epochs


@dataclass
class Batch:
    """Model inputs and loss targets for one micro-batch, with its real token counts."""

    input_ids: torch.Tensor
    labels: torch.Tensor
    segment_ids: Optional[torch.Tensor]
    tokens: int  # tokens that are not padding
    targets: int  # positions the loss covers

    def to(self, device: torch.device) -> "Batch":
        """The same batch on ``device``."""
        segments = self.segment_ids.to(device) if self.segment_ids is not None else None
        return Batch(self.input_ids.to(device), self.labels.to(device), segments, self.tokens, self.targets)


def example_labels(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per position, the next token when the mask covers it, else IGNORE_INDEX (the last
    position predicts nothing: the next token belongs to no example)."""
    labels = torch.full_like(ids, IGNORE_INDEX)
    if ids.numel() > 1:
        labels[:-1] = torch.where(mask[1:].bool(), ids[1:], torch.full_like(ids[1:], IGNORE_INDEX))
    return labels


def plan_rows(split: PreparedSplit, max_length: int, packing: bool, seed: int) -> List[List[int]]:
    """Which examples go into each row: one per row, or packed (next-fit over a seeded shuffle)
    into rows of at most ``max_length`` tokens. Examples longer than that are truncated."""
    if not packing:
        return [[index] for index in range(split.examples)]
    lengths = split.lengths().clamp(max=max_length).tolist()
    order = torch.randperm(split.examples, generator=torch.Generator().manual_seed(seed)).tolist()
    rows: List[List[int]] = []
    current: List[int] = []
    used = 0
    for index in order:
        if current and used + lengths[index] > max_length:
            rows.append(current)
            current, used = [], 0
        current.append(index)
        used += lengths[index]
    if current:
        rows.append(current)
    return rows


def make_batch(split: PreparedSplit, rows: Sequence[Sequence[int]], max_length: int, pad_id: int,
               with_segments: Optional[bool] = None) -> Batch:
    """Collate ``rows`` (lists of example indices) into one right-padded batch. Segment ids are
    made when any row holds more than one example (or when ``with_segments`` says so)."""
    pieces: List[List[Tuple[torch.Tensor, torch.Tensor]]] = []
    for row in rows:
        parts: List[Tuple[torch.Tensor, torch.Tensor]] = []
        for index in row:
            ids, mask = split.example(index)
            ids, mask = ids[:max_length], mask[:max_length]
            parts.append((ids, example_labels(ids, mask)))
        pieces.append(parts)
    segmented = with_segments if with_segments is not None else any(len(row) > 1 for row in rows)
    width = max(sum(int(ids.numel()) for ids, _ in parts) for parts in pieces)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.int64)
    labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.int64)
    segment_ids = torch.zeros((len(rows), width), dtype=torch.int64) if segmented else None
    tokens = 0
    for r, parts in enumerate(pieces):
        at = 0
        for segment, (ids, example) in enumerate(parts, start=1):
            n = int(ids.numel())
            input_ids[r, at:at + n] = ids
            labels[r, at:at + n] = example
            if segment_ids is not None:
                segment_ids[r, at:at + n] = segment  # padding keeps 0: a run of its own
            at += n
        tokens += at
    return Batch(input_ids, labels, segment_ids, tokens, int((labels != IGNORE_INDEX).sum()))


def evaluation_batches(split: PreparedSplit, batch_size: int, max_length: int, pad_id: int) -> Iterator[Batch]:
    """The whole split in order, one example per row, ``batch_size`` rows at a time."""
    for start in range(0, split.examples, batch_size):
        rows = [[index] for index in range(start, min(start + batch_size, split.examples))]
        yield make_batch(split, rows, max_length, pad_id)


class EpochSampler:
    """Micro-batches of row indices, epoch after epoch, each epoch in a seeded random order.

    The last micro-batch of an epoch may be smaller (no row is dropped). State: the epoch,
    the position in it, and how many micro-batches were drawn in all.
    """

    def __init__(self, row_count: int, batch_size: int, seed: int) -> None:
        if row_count < 1:
            raise ValueError("nothing to sample: no rows")
        self.row_count = row_count
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0
        self.position = 0
        self.drawn = 0
        self._order: Optional[List[int]] = None

    @property
    def batches_per_epoch(self) -> int:
        """Micro-batches in one pass over the rows."""
        return math.ceil(self.row_count / self.batch_size)

    @property
    def epochs_done(self) -> float:
        """Passes over the data so far, fractional."""
        return self.epoch + self.position / self.row_count

    def next_rows(self) -> List[int]:
        """The row indices of the next micro-batch."""
        if self.position >= self.row_count:
            self.epoch, self.position, self._order = self.epoch + 1, 0, None
        if self._order is None:
            seed = (self.seed + self.epoch * _EPOCH_SEED_STRIDE) % (2**63)
            self._order = torch.randperm(self.row_count, generator=torch.Generator().manual_seed(seed)).tolist()
        rows = self._order[self.position:self.position + self.batch_size]
        self.position += len(rows)
        self.drawn += 1
        return rows

    def state_dict(self) -> Dict[str, int]:
        """Everything needed to continue exactly where this sampler is."""
        return {"epoch": self.epoch, "position": self.position, "drawn": self.drawn,
                "row_count": self.row_count, "batch_size": self.batch_size, "seed": self.seed}

    def load_state_dict(self, state: Dict[str, int]) -> None:
        """Continue from ``state_dict()``'s output, made with the same rows, batch size and seed."""
        made_for = (state["row_count"], state["batch_size"], state["seed"])
        if made_for != (self.row_count, self.batch_size, self.seed):
            raise ValueError(f"the saved sampler was made for (rows, batch size, seed) {made_for}, "
                             f"not {(self.row_count, self.batch_size, self.seed)}")
        self.epoch, self.position, self.drawn, self._order = state["epoch"], state["position"], state["drawn"], None


@dataclass(frozen=True)
class StepPlan:
    """How many optimizer steps the run takes and how many micro-batches each one uses.

    With ``epochs``, the run stops after exactly that many micro-batches, so its last step
    may accumulate fewer; with ``steps``, every step accumulates the full count.
    """

    total_steps: int
    accumulation: int
    total_micro_batches: Optional[int] = None

    @staticmethod
    def make(steps: Optional[int], epochs: Optional[float], batches_per_epoch: int, accumulation: int) -> "StepPlan":
        """The plan for a run of ``steps`` optimizer steps, or of ``epochs`` (default 1) passes."""
        if steps is not None:
            return StepPlan(steps, accumulation)
        micro = max(1, math.ceil((epochs if epochs is not None else 1.0) * batches_per_epoch))
        return StepPlan(math.ceil(micro / accumulation), accumulation, micro)

    def micro_batches(self, drawn: int) -> int:
        """Micro-batches of the next step, ``drawn`` having been used already."""
        if self.total_micro_batches is None:
            return self.accumulation
        return max(1, min(self.accumulation, self.total_micro_batches - drawn))
