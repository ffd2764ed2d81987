"""Several training processes under PyTorch's launcher: DDP, and keeping the ranks in step.

Usage (from ``recipe.py``)::

    launch = Launch.from_environment(os.environ)    # world size, rank, local rank (1 process: 0, 0)
    team = Team.start(launch, device)               # joins the process group (gloo on CPU, nccl on CUDA)
    team.agree(checkpoint=.., pause=.., stop=..)    # every rank gets the same decision
    team.sum([loss_sum, targets])                   # float64 sums over the ranks
    team.on_main(lambda: write())                   # rank 0 works; a failure there fails every rank
    trainer = wrap_for_training(TokenLoss(model), team)   # DDP around the loss with several processes
    rank_share(rows, team.rank, team.size)          # this rank's part of a global micro-batch
    team.close()

A run is launched as::

    python -m torch.distributed.run --nproc_per_node 2 --redirects 2 --tee 2 \\
        -m lathe_runtime train --config run.json

The launcher is recognised by the variables it sets (``WORLD_SIZE``, ``RANK``,
``LOCAL_RANK``). On Python 3.11 with torch 1.13 the launcher cannot start at all without
``--redirects`` and ``--tee``: it maps their default ``0`` through ``Std.from_str``, which
looks the value up by iterating the ``IntFlag``, and Python 3.11 no longer yields the zero
member when iterating, so it gets None and fails with ``'NoneType' object has no attribute
'get'``. ``2`` (stderr) is the value that also suits the protocol: the workers' stdout stays
the launcher's stdout (rank 0's events reach the app unchanged), while stderr is teed with a
``[defaultN]:`` prefix per rank.

One rank speaks for the run: only rank 0 reads stdin, prints events, and writes checkpoints
and adapters. Every decision that changes what the ranks do next (checkpoint, pause, stop) is
agreed with one all-reduce per step, so all ranks stop at the same step and a checkpoint holds
one consistent state. A rank other than 0 that fails leaves its error in the rendezvous
store before it exits, and rank 0 reports that error (the cause) rather than the broken
connection it sees next.
"""

from __future__ import annotations

import datetime
import json
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar

import torch
import torch.nn.functional as F
from torch import nn

from .batching import IGNORE_INDEX
from .errors import ConfigError, TrainingError
from .events import log

T = TypeVar("T")
# Collectives wait this long for a slow peer (a first CUDA kernel compile, a checkpoint rank 0
# writes to a slow disk). Pauses never hold a collective open: rank 0 re-agrees every second.
COLLECTIVE_TIMEOUT = datetime.timedelta(minutes=30)
_ERROR_KEY = "error"
_ERRORS_KEY = "errors"


@dataclass(frozen=True)
class Launch:
    """How this process was started: ``world_size`` processes, this one ``rank`` (``local_rank``
    on its machine). One process alone is world size 1, rank 0."""

    world_size: int = 1
    rank: int = 0
    local_rank: int = 0
    local_world_size: int = 1
    master_addr: Optional[str] = None
    master_port: Optional[int] = None
    agent_store: bool = False  # torch.distributed.run's agent hosts the rendezvous store
    attempt: str = "0"

    @property
    def distributed(self) -> bool:
        """Whether more than one process trains together."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Whether this is rank 0, the one that speaks for the run."""
        return self.rank == 0

    @staticmethod
    def from_environment(environ: Mapping[str, str]) -> "Launch":
        """Read what ``torch.distributed.run`` (or any env:// launcher) sets; ConfigError when
        the variables contradict each other."""
        if "WORLD_SIZE" not in environ and "RANK" not in environ:
            return Launch()
        try:
            world_size = int(environ.get("WORLD_SIZE", "1"))
            rank = int(environ.get("RANK", "0"))
            local_rank = int(environ.get("LOCAL_RANK", str(rank)))
            local_world_size = int(environ.get("LOCAL_WORLD_SIZE", str(world_size)))
            port = environ.get("MASTER_PORT")
            master_port = int(port) if port else None
        except ValueError as error:
            raise ConfigError(f"The launcher's WORLD_SIZE/RANK/LOCAL_RANK/MASTER_PORT are not numbers: {error}.") from None
        if world_size < 1 or not 0 <= rank < world_size or local_rank < 0:
            raise ConfigError(f"The launcher says rank {rank} of {world_size} processes (local rank {local_rank}); "
                              "that is not a valid place in the group.")
        if world_size > 1 and (not environ.get("MASTER_ADDR") or master_port is None):
            raise ConfigError("The launcher set WORLD_SIZE but not MASTER_ADDR and MASTER_PORT; "
                              "start the run with python -m torch.distributed.run.")
        return Launch(world_size, rank, local_rank, max(1, local_world_size), environ.get("MASTER_ADDR"), master_port,
                      environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True", environ.get("TORCHELASTIC_RESTART_COUNT", "0"))

    def device_for(self, device: torch.device) -> torch.device:
        """The device this rank computes on: each rank its own GPU (``cuda:LOCAL_RANK``)."""
        if not self.distributed:
            return device
        if device.type == "cuda":
            if device.index is not None and device.index != self.local_rank:
                log.info("device %s: each process of a multi-process run uses cuda:LOCAL_RANK, here cuda:%d", device, self.local_rank)
            if self.local_rank >= torch.cuda.device_count():
                raise ConfigError(f"Process {self.rank} needs cuda:{self.local_rank}, but this machine has "
                                  f"{torch.cuda.device_count()} CUDA devices. Start as many processes per machine as it has GPUs.")
            return torch.device("cuda", self.local_rank)
        if device.type != "cpu":
            raise ConfigError(f"A multi-process run trains on CUDA GPUs or on the CPU, not on {device.type}.")
        return device


class PeerFailed(TrainingError):
    """Another rank failed: this one ends quietly (rank 0 reports the cause)."""


class Team:
    """The ranks of one run. With one process every method is a cheap local no-op."""

    def __init__(self, launch: Launch, device: torch.device, store: Any = None) -> None:
        self.launch = launch
        self.device = device
        self._store = store

    @property
    def size(self) -> int:
        """How many processes train together."""
        return self.launch.world_size

    @property
    def rank(self) -> int:
        """This process's rank."""
        return self.launch.rank

    @property
    def is_main(self) -> bool:
        """Whether this rank speaks for the run (rank 0)."""
        return self.launch.is_main

    @staticmethod
    def start(launch: Launch, device: torch.device) -> "Team":
        """Join the process group of ``launch`` (nothing to join for one process)."""
        if not launch.distributed:
            return Team(launch, device)
        import torch.distributed as dist

        if not dist.is_available():
            raise ConfigError("This torch was built without torch.distributed, so it cannot train with several processes.")
        backend = "nccl" if device.type == "cuda" else "gloo"
        if backend == "nccl" and not dist.is_nccl_available():
            raise ConfigError("This torch has no NCCL, which training on several GPUs needs (torch's Windows builds have "
                              "none). Train on one GPU here, or on Linux with a CUDA build of torch.")
        if backend == "gloo" and not dist.is_gloo_available():
            raise ConfigError("This torch has no gloo backend, which multi-process CPU training needs.")
        if device.type == "cuda":
            torch.cuda.set_device(device)
        # Our own connection to the rendezvous store (what env:// would build), so that a
        # failing rank can leave its error where rank 0 finds it.
        store = dist.TCPStore(launch.master_addr, launch.master_port, launch.world_size,
                              launch.rank == 0 and not launch.agent_store, COLLECTIVE_TIMEOUT)
        prefix = f"/lathe/attempt_{launch.attempt}/"
        dist.init_process_group(backend, store=dist.PrefixStore(prefix + "group", store), rank=launch.rank,
                                world_size=launch.world_size, timeout=COLLECTIVE_TIMEOUT)
        log.info("joined %d processes as rank %d (%s, %s)", launch.world_size, launch.rank, backend, device)
        return Team(launch, device, dist.PrefixStore(prefix + "run", store))

    # --- agreeing --------------------------------------------------------------------------

    def agree(self, checkpoint: bool, pause: bool, stop: bool) -> Tuple[bool, bool, bool]:
        """The decision every rank acts on: each request holds if any rank makes it (rank 0
        brings stdin's; any rank may bring a signal's stop)."""
        if not self.launch.distributed:
            return checkpoint, pause, stop
        import torch.distributed as dist

        flags = torch.tensor([int(checkpoint), int(pause), int(stop)], dtype=torch.int64, device=self.device)
        dist.all_reduce(flags, op=dist.ReduceOp.MAX)
        agreed = [bool(value) for value in flags.tolist()]
        return agreed[0], agreed[1], agreed[2]

    def sum(self, values: Sequence[float]) -> List[float]:
        """Each value summed over the ranks (float64, in the same order on every rank)."""
        if not self.launch.distributed:
            return [float(value) for value in values]
        import torch.distributed as dist

        tensor = torch.tensor([float(value) for value in values], dtype=torch.float64, device=self.device)
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return [float(value) for value in tensor.tolist()]

    def gather(self, value: Any) -> List[Any]:
        """Every rank's ``value`` (picklable), in rank order, on every rank."""
        if not self.launch.distributed:
            return [value]
        import torch.distributed as dist

        gathered: List[Any] = [None] * self.size
        dist.all_gather_object(gathered, value)
        return gathered

    def on_main(self, work: Callable[[], T]) -> Optional[T]:
        """Run ``work`` on rank 0 only; every rank returns once it is done. When it fails,
        rank 0 raises its error and the other ranks raise ``PeerFailed``."""
        if not self.launch.distributed:
            return work()
        result: Optional[T] = None
        failure: Optional[BaseException] = None
        if self.is_main:
            try:
                result = work()
            except Exception as error:  # noqa: BLE001 - re-raised below, once every rank knows
                failure = error
        failed = self.sum([1.0 if failure is not None else 0.0])[0] > 0
        if failure is not None:
            raise failure
        if failed:
            raise PeerFailed("rank 0 failed; it reports the error")
        return result

    # --- failures ---------------------------------------------------------------------------

    def leave_error(self, error: Dict[str, Any]) -> None:
        """On a rank other than 0: leave ``error`` (the fields of an ``error`` event) for rank 0."""
        if self._store is None or self.is_main:
            return
        try:
            self._store.set(_ERROR_KEY, json.dumps({**error, "rank": self.rank}))
            self._store.add(_ERRORS_KEY, 1)  # a counter: rank 0 can look without blocking
        except Exception as failure:  # noqa: BLE001 - the store may be gone with rank 0
            log.warning("could not pass the error on to rank 0: %s", failure)

    def peer_error(self, wait_s: float = 0.0) -> Optional[Dict[str, Any]]:
        """On rank 0: the error another rank left (waiting up to ``wait_s`` for it), else None."""
        if self._store is None:
            return None
        deadline = time.monotonic() + wait_s
        while True:
            try:
                # add(key, 0) reads a counter without waiting (torch 1.13's stores have no check()).
                if self._store.add(_ERRORS_KEY, 0) > 0:
                    return json.loads(self._store.get(_ERROR_KEY).decode("utf-8"))
            except Exception:  # noqa: BLE001 - a store that went away holds nothing for us
                return None
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.1)

    def close(self) -> None:
        """Leave the process group."""
        if not self.launch.distributed:
            return
        import torch.distributed as dist

        if dist.is_initialized():
            try:
                dist.destroy_process_group()
            except Exception as error:  # noqa: BLE001 - ending anyway
                log.warning("leaving the process group: %s", error)


class TokenLoss(nn.Module):
    """The decoder's summed cross-entropy over the target positions of a batch, as a module:
    DDP must see the forward call that builds the graph it all-reduces. Only target positions
    go through the output projection: a vocabulary of 150k makes full logits the biggest
    tensor of a step."""

    def __init__(self, decoder: nn.Module) -> None:
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids: torch.Tensor, labels: torch.Tensor, segment_ids: Optional[torch.Tensor]) -> torch.Tensor:
        hidden = self.decoder.hidden_states(input_ids, segment_ids)
        keep = labels != IGNORE_INDEX
        logits = self.decoder.head(hidden[keep])
        return F.cross_entropy(logits.float(), labels[keep], reduction="sum")


def wrap_for_training(loss: TokenLoss, team: Team) -> nn.Module:
    """``loss`` as a step calls it: itself for one process, else in DistributedDataParallel,
    which all-reduces the adapter's gradients in the last backward of each step."""
    if not team.launch.distributed:
        return loss
    from torch.nn.parallel import DistributedDataParallel

    # Every rank read the same frozen weights from the same file: DDP need not broadcast them
    # (gigabytes for a real model) nor watch them. A feature of DDP present since torch 1.8,
    # still private; without it DDP merely broadcasts what is already equal.
    ignore = getattr(DistributedDataParallel, "_set_params_and_buffers_to_ignore_for_model", None)
    if ignore is not None:
        frozen = [name for name, parameter in loss.named_parameters() if not parameter.requires_grad]
        ignore(loss, frozen + [name for name, _ in loss.named_buffers()])
    device_ids = [team.device.index] if team.device.type == "cuda" else None
    return DistributedDataParallel(loss, device_ids=device_ids, broadcast_buffers=False)


def rank_share(rows: Sequence[int], rank: int, size: int) -> List[int]:
    """Rank ``rank``'s consecutive share of a global micro-batch: equal shares, the last ones
    shorter (or empty) when the rows do not divide evenly."""
    share = math.ceil(len(rows) / size) if rows else 0
    return list(rows[rank * share:(rank + 1) * share])
