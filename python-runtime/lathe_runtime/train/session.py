"""What a run holds while it trains (``Session``), how it reads its base model's tokenizer,
how it resumes from a checkpoint, and how any failure becomes a typed ``TrainingError``.

Usage (from ``recipe.py``)::

    base = read_base_model("model.gguf")          # config, tokenizer fingerprint, pad id, name
    session = Session(...)                        # built by recipe.setup
    restore_from_checkpoint(session)              # step it resumed from, or None
    error = as_training_error(exception, session) # the kind and message the error event carries
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import torch

from ..gguf import GGUFError, GGUFReader
from ..lora import LoRAError, LoRALinear, LoRASpec, load_lora_state_dict
from ..model import DecoderConfig, ModelError, config_from_gguf
from ..model.errors import from_gguf_error
from .batching import EpochSampler, StepPlan
from .checkpoint import latest_checkpoint, load_checkpoint, restore_rng
from .config import RunConfig
from .data import PreparedDataset, tokenizer_fingerprint
from .device import Precision, is_out_of_memory
from .distributed import Team
from .errors import ConfigError, DiskFullError, ModelUnusableError, OutOfMemoryError, TrainingError, is_disk_full
from .events import log
from .samples import Vocabulary
from .schedule import LearningRateSchedule


@dataclass(frozen=True)
class BaseModel:
    """What the run needs from the base model's metadata, read before its weights."""

    path: str
    config: DecoderConfig
    fingerprint: str
    pad_id: int
    name: Optional[str]
    vocabulary: Vocabulary


@dataclass(frozen=True)
class StepResult:
    """One optimizer step: mean loss per target token, counts, gradient norm, lr, seconds."""

    loss: float
    targets: int
    tokens: int
    grad_norm: float
    lr: float
    seconds: float


@dataclass
class Session:
    """Everything ``recipe.setup`` builds, and the run's progress."""

    config: RunConfig
    device: torch.device
    precision: Precision
    threads: int
    base: BaseModel
    data: PreparedDataset
    max_length: int
    rows: List[List[int]]
    sampler: EpochSampler
    plan: StepPlan
    model: Any  # the Decoder with LoRA applied
    trainer: Any  # what a step calls: the TokenLoss around the model, wrapped in DDP with several processes
    spec: LoRASpec
    adapters: Dict[str, LoRALinear]
    parameters: List[torch.nn.Parameter]
    optimizer: torch.optim.Optimizer
    scaler: Any
    schedule: LearningRateSchedule
    team: Team
    step: int = 0
    last_train_loss: Optional[float] = None
    last_val_loss: Optional[float] = None
    last_checkpoint: Optional[str] = None
    elapsed_before: float = 0.0  # training time of earlier processes of this run
    paused_s: float = 0.0
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        """Seconds this run has spent, across resumes, not counting pauses."""
        return self.elapsed_before + time.monotonic() - self.started - self.paused_s

    def release(self) -> None:
        """Drop the references that hold the model's and optimizer's memory."""
        self.model = None
        self.trainer = None
        self.adapters = {}
        self.parameters = []
        self.optimizer = None  # type: ignore[assignment]


def read_base_model(path: str) -> BaseModel:
    """The base model's decoder config, tokenizer fingerprint, padding id and name, from its
    metadata alone; raises the typed error for a missing, damaged or unsupported file."""
    try:
        with GGUFReader(path) as gguf:
            metadata = gguf.metadata
            shapes = {name: info.shape for name, info in gguf.tensors.items()}
        config = config_from_gguf(metadata, shapes)
    except FileNotFoundError:
        raise ConfigError(f"The base model {path} does not exist. Choose the model again.", cause="not_found") from None
    except IsADirectoryError:
        raise ConfigError(f"The base model {path} is a folder, not a GGUF file.", cause="not_found") from None
    except GGUFError as error:
        raise model_error(from_gguf_error(error)) from None
    except ModelError as error:
        raise model_error(error) from None
    except OSError as error:
        raise ConfigError(f"The base model {path} cannot be opened: {error.strerror or error}.", cause="not_found") from None
    pad = metadata.get("tokenizer.ggml.padding_token_id", metadata.get("tokenizer.ggml.eos_token_id", 0))
    pad_id = pad if isinstance(pad, int) and 0 <= pad < config.vocab_size else 0
    name = metadata.get("general.name")
    return BaseModel(os.path.abspath(path), config, tokenizer_fingerprint(metadata), pad_id, name if isinstance(name, str) else None,
                     Vocabulary.from_metadata(metadata))


def model_error(error: ModelError) -> TrainingError:
    """The training error for a base model the decoder refused (its problems kept)."""
    if error.kind == "not_found":
        return ConfigError(str(error), error.problems, cause="not_found")
    return ModelUnusableError(str(error), error.problems, cause=error.kind)


def restore_from_checkpoint(session: Session) -> Optional[int]:
    """Load the run's latest checkpoint into ``session``; return its step (None when there is
    none: the run starts from step 0). Settings that would make the resumed run another run
    (model, adapter shape, data, batching) must match the checkpoint's."""
    config = session.config
    path = latest_checkpoint(config.output_dir)
    if path is None:
        log.info("no checkpoint in %s: starting from step 0", config.output_dir)
        return None
    try:
        state = load_checkpoint(path)
    except (OSError, ValueError, RuntimeError) as error:
        raise ConfigError(f"The checkpoint {path} cannot be read ({error}). Delete it to resume from the one before, "
                          "or start the run again.") from None
    saved = state["config"]
    problems = [f"{key} was {saved.get(key)!r} and is now {value!r}" for key, value in config.to_dict().items()
                if key in ("base_model", "lora", "seed", "packing", "max_length") and saved.get(key) != value]
    # What the sampler draws per micro-batch is micro_batch_size x processes: that must match;
    # how it is split between processes need not.
    saved_processes = int(state.get("world_size", 1))
    if saved.get("micro_batch_size") * saved_processes != config.micro_batch_size * session.team.size:
        problems.append(f"micro_batch_size x processes was {saved.get('micro_batch_size')} x {saved_processes} and is now "
                        f"{config.micro_batch_size} x {session.team.size}")
    if state["data"] != session.data.identity():
        problems.append("the prepared dataset is not the one the checkpoint was trained on")
    if problems:
        raise ConfigError.listing(f"The run cannot resume from {path}", problems)
    for key in ("optimizer", "schedule", "steps", "epochs", "gradient_accumulation"):
        if saved.get(key) != config.to_dict()[key]:
            log.warning("resuming with %s changed from %r to %r", key, saved.get(key), config.to_dict()[key])
    try:
        load_lora_state_dict(session.model, state["adapter"])
        session.sampler.load_state_dict(state["sampler"])
    except (LoRAError, ValueError) as error:
        raise ConfigError(f"The run cannot resume from {path}: {error}") from None
    session.optimizer.load_state_dict(state["optimizer"])
    if state.get("scaler"):
        session.scaler.load_state_dict(state["scaler"])
    session.step = int(state["step"])
    session.elapsed_before = float(state.get("elapsed_s", 0.0))
    session.last_train_loss, session.last_val_loss = state.get("train_loss"), state.get("val_loss")
    session.last_checkpoint = path
    # Each rank draws its own dropout masks: it goes on from its own random state.
    ranks = state.get("rng_ranks") or [state["rng"]]
    if len(ranks) != session.team.size:
        log.warning("the checkpoint was written by %d processes and this run has %d: the random state of rank 0 is "
                    "restored on every rank", len(ranks), session.team.size)
    restore_rng(ranks[session.team.rank] if len(ranks) == session.team.size else ranks[0])  # last: nothing may draw after it
    log.info("resumed from %s (step %d)", path, session.step)
    return session.step


def as_training_error(error: BaseException, session: Optional[Session]) -> TrainingError:
    """The typed error for anything that ended a run: ours as they are; model and LoRA errors
    by kind; out of memory with what to lower; anything else ``internal``, with the traceback."""
    if isinstance(error, TrainingError):
        return error
    if isinstance(error, ModelError):
        return model_error(error)
    if isinstance(error, LoRAError) and error.kind == "invalid_input":
        return ConfigError(str(error), error.problems)
    if is_out_of_memory(error):
        return out_of_memory(session)
    if is_disk_full(error):
        folder = session.config.output_dir if session is not None else os.path.dirname(str(getattr(error, "filename", "") or ""))
        full = DiskFullError.writing(folder or "the run's folder", error)  # type: ignore[arg-type]
        full.detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))  # type: ignore[attr-defined]
        return full
    detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if isinstance(error, OSError) and error.filename:
        internal = TrainingError(f"Training stopped: {error.filename} cannot be written or read ({error.strerror or error}). "
                                 "Check the free disk space and the folder's permissions.")
    else:
        internal = TrainingError(f"Training stopped on an unexpected error: {type(error).__name__}: {error}")
    internal.detail = detail  # type: ignore[attr-defined]
    return internal


def out_of_memory(session: Optional[Session]) -> OutOfMemoryError:
    """The out-of-memory error, saying which settings would lower the memory a step needs."""
    if session is None:
        return OutOfMemoryError("The base model does not fit in memory. Choose a smaller model, or a device with more memory.")
    config = session.config
    where = "GPU" if session.device.type == "cuda" else "machine"
    advice = [f"a smaller micro batch size (now {config.micro_batch_size}; raise gradient accumulation to keep the batch)",
              f"a shorter max length (now {session.max_length})"]
    if not session.model or not getattr(session.model, "gradient_checkpointing", False):
        advice.append("gradient checkpointing on")
    if session.precision.name == "fp32" and session.device.type == "cuda":
        advice.append("precision bf16 or fp16")
    message = f"The {where} ran out of memory at step {session.step + 1}. Try " + ", ".join(advice[:-1]) + f", or {advice[-1]}."
    return OutOfMemoryError(message, [message])
