"""Errors the training runtime reports in its ``error`` event, one class per ``kind``.

Usage::

    raise ConfigError.listing("run.json", ["lora.rank is 0; expected a whole number from 1 to 1024"])
    except TrainingError as error:
        error.kind       # "config" | "data" | "unsupported_model" | "out_of_memory" | "internal"
        error.problems   # every problem on its own line, for the details pane
        str(error)       # one message a person can act on

Validation collects every problem and raises once (litgpt's ``validate_args``), so a person
fixes a run.json or a prepared dataset in one go instead of one error per attempt.
"""

from __future__ import annotations

import errno
from typing import Iterable, List, Optional

# The kinds the main process branches on (the `error` event's `kind`).
ERROR_KINDS = ("config", "unsupported_model", "out_of_memory", "data", "internal")
# A write that failed for want of room: the disk (ENOSPC), the user's quota (EDQUOT, absent
# on Windows) or a file-size limit (EFBIG: what `prlimit --fsize` gives once SIGXFSZ is ignored).
DISK_FULL_ERRNOS = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name))


class TrainingError(Exception):
    """A run that cannot go on, with a machine-readable ``kind`` and the ``problems`` found.

    ``cause`` refines the kind where the app may want to tell cases apart (for a model:
    ``not_found``, ``invalid_file`` or ``unsupported``; for divergence: ``diverged``).
    """

    kind = "internal"

    def __init__(self, message: str, problems: Optional[Iterable[str]] = None, cause: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: List[str] = list(problems) if problems is not None else [message]
        self.cause = cause

    @classmethod
    def listing(cls, subject: str, problems: Iterable[str], cause: Optional[str] = None) -> "TrainingError":
        """One error naming ``subject`` and listing every problem, one a line."""
        found = list(problems)
        if len(found) == 1:
            return cls(f"{subject}: {found[0]}", found, cause)
        lines = "\n".join(f"  - {problem}" for problem in found)
        return cls(f"{subject} has {len(found)} problems:\n{lines}", found, cause)


class ConfigError(TrainingError):
    """run.json is unreadable or holds settings that cannot work (every one is listed)."""

    kind = "config"


class DataError(TrainingError):
    """The prepared dataset is missing, damaged, empty, or made for another tokenizer."""

    kind = "data"


class ModelUnusableError(TrainingError):
    """The base model cannot be trained: damaged, truncated, or using what is not supported."""

    kind = "unsupported_model"


class OutOfMemoryError(TrainingError):
    """The device (or the machine) ran out of memory; the message says what to lower."""

    kind = "out_of_memory"


class TrainingDiverged(ConfigError):
    """The loss or the gradients became NaN or infinite: the settings (most often the learning
    rate) do not let this run converge. Nothing is checkpointed after it."""

    @classmethod
    def at(cls, step: int, what: str, value: float, lr: float, checkpoint: Optional[str]) -> "TrainingDiverged":
        """The error for a non-finite ``what`` (loss or gradient norm) in 1-based ``step``."""
        kept = f" The last good checkpoint is kept: {checkpoint}." if checkpoint else " No checkpoint was written before it."
        message = (f"Training diverged: the {what} became {value} at step {step}. Lower the learning rate "
                   f"(it was {lr:g} at that step) or use a warmup, then start again.{kept}")
        return cls(message, [message], cause="diverged")


class DiskFullError(TrainingError):
    """A checkpoint or adapter could not be written for want of space. The partial files are
    gone and the checkpoints before it are intact, so the run resumes once there is room."""

    @classmethod
    def writing(cls, folder: str, error: OSError) -> "DiskFullError":
        """The error for ``error`` (a disk-full OSError) while writing into ``folder``."""
        reason = error.strerror or str(error)
        message = (f"Training stopped: there is no room left to write in {folder} ({reason}). Free some disk space, "
                   "then resume the run from its last checkpoint.")
        return cls(message, [message], cause="disk_full")


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` is an OSError saying the disk, the quota or the file-size limit is full."""
    return isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS
