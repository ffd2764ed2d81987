"""The training protocol's output: one JSON event per stdout line, and the human log on stderr.

Usage::

    events = EventWriter(sys.stdout)
    events.emit("step", step=3, total_steps=100, loss=2.1, ...)
    log.info("loaded %s", path)                 # stderr, for people

Every event is one line holding one JSON object with ``event`` (its name) and ``time`` (Unix
seconds), written and flushed under a lock, so a line is never interleaved or held back.
Non-finite numbers become ``null`` (JSON has no NaN). Events, in the order a run emits them:

* ``start``: ``config`` (resolved run.json), ``parameters`` {``total``, ``trainable``},
  ``device``, ``dtype`` (of the base weights), ``precision``, ``threads``, ``total_steps``,
  ``examples`` {``train``, ``validation``}, ``rows`` (batch rows: fewer than examples when
  packed), ``max_length``, ``resumed_from`` (step or null), ``gradient_checkpointing``,
  ``torch`` (its version), ``processes`` (1, or how many train together under DDP)
* ``step``: ``step``, ``total_steps``, ``epoch`` (passes so far), ``loss`` (mean per target
  token over the steps since the last ``step`` event), ``lr``, ``grad_norm``, ``tokens``
  (not counting padding), ``tokens_per_s``, ``memory_bytes`` (CUDA max allocated, else
  process RSS; null if unknown), ``elapsed_s``
* ``eval``: ``step``, ``val_loss`` (mean per target token of the validation split),
  ``target_tokens``
* ``checkpoint``: ``step``, ``path`` (the checkpoint folder), ``adapter`` (its adapter.gguf)
* ``paused`` / ``resumed``: ``step``
* ``sample``: ``step``, ``prompt`` (the untrained start of a validation example, or of a
  training example when there is no validation split), ``output`` (the greedy continuation
  with the adapter as it is, ending before the model's eos/eot token or after
  ``sample_max_tokens``), ``reference`` (the example's trained part, or null); up to two per
  sampling, every ``sample_every`` steps and at the end of a completed run
* ``done``: ``status`` (``completed`` | ``stopped``), ``step``, ``total_steps``, ``adapter``
  {``gguf``, ``peft``}, ``checkpoint``, ``train_loss``, ``val_loss``, ``elapsed_s``
* ``error``: ``kind`` (config | unsupported_model | out_of_memory | data | internal),
  ``message`` (for a person), ``detail`` (for logs), ``problems`` (list), ``cause``
  (refines the kind, or null), ``step`` (or null)

``done`` and ``error`` are last; the exit code is 0 after ``done`` and 1 after ``error``.
With several processes (``distributed.py``) only rank 0 prints events.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import threading
import time
from typing import Any, Callable, Optional, TextIO

log = logging.getLogger("lathe.train")


def setup_human_log(stream: Optional[TextIO] = None) -> None:
    """Send the ``lathe.train`` log to stderr as timestamped lines (idempotent)."""
    if log.handlers:
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT, "%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


_LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def name_rank_in_log(rank: int) -> None:
    """Start every human log line with ``[rank N]``: with several processes their logs meet
    on one stderr."""
    for handler in log.handlers:
        handler.setFormatter(logging.Formatter(f"%(asctime)s [rank {rank}] %(levelname)s %(message)s", "%H:%M:%S"))


class EventWriter:
    """Writes protocol events to ``stream`` (the process's real stdout)."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.time) -> None:
        self.stream = stream
        self.clock = clock
        self.muted = False  # the ranks other than 0 of a multi-process run print no events
        self.error_sent = False
        self._lock = threading.Lock()

    def emit(self, event: str, **fields: Any) -> None:
        """Write one event line and flush it (nothing when muted)."""
        if self.muted:
            return
        record = {"event": event, "time": round(self.clock(), 3), **fields}
        line = json.dumps(_finite(record), allow_nan=False, ensure_ascii=False)
        with self._lock:
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (BrokenPipeError, ValueError):
                # The app went away or closed our stdout: drop the event and keep going, so
                # the run still reaches its checkpoints on disk.
                pass

    def error(self, kind: str, message: str, detail: str = "", problems: Optional[list] = None,
              cause: Optional[str] = None, step: Optional[int] = None) -> None:
        """The terminal ``error`` event (only the first: a run ends with one)."""
        if self.error_sent:
            return
        self.error_sent = True
        self.emit("error", kind=kind, message=message, detail=detail, problems=problems or [message],
                  cause=cause, step=step)


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def memory_in_use(device: Any) -> Optional[int]:
    """Bytes the run holds: the CUDA allocator's peak on a GPU, else the process's resident
    memory (Linux /proc, else getrusage's peak, else Windows' working set); None if unknown."""
    if getattr(device, "type", str(device)) == "cuda":
        import torch

        return int(torch.cuda.max_memory_allocated(device))
    try:
        with open("/proc/self/statm", "r", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return int(peak) if sys.platform == "darwin" else int(peak) * 1024  # bytes on macOS, KiB elsewhere
    except (ImportError, OSError):
        pass
    return _windows_working_set()


def _windows_working_set() -> Optional[int]:
    try:
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                        ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        process = ctypes.windll.kernel32.GetCurrentProcess()  # type: ignore[attr-defined]
        if ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):  # type: ignore[attr-defined]
            return int(counters.WorkingSetSize)
    except (ImportError, AttributeError, OSError):
        pass
    return None
