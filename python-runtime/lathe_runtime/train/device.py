"""Where and in what precision a run computes, decided by what this torch can do.

Usage::

    device = resolve_device("auto")                        # cuda, else mps, else cpu
    precision = resolve_precision("auto", device)          # Precision(name, weights, autocast)
    with autocast(device, precision): loss = ...
    torch.set_num_threads(choose_threads(config.threads))

Every capability is found by trying it, never by comparing version strings (Debian's torch
says ``1.13.0a0``; DESIGN §4). Precisions:

* ``fp32``: float32 weights, no autocast;
* ``bf16``: bfloat16 base weights (half the memory), float32 adapter weights, bf16 autocast;
  CUDA GPUs with bf16, and CPUs where torch's autocast works;
* ``fp16``: float16 base weights, fp16 autocast and a gradient scaler; CUDA only;
* ``auto``: on CUDA bf16 where the GPU has it, else fp16; on a CPU bf16 only where the CPU
  computes it natively (AVX512-BF16 or AMX), else fp32. Without those instructions bf16 is
  emulated: measured on a 2-core AMD EPYC with AVX2 only, a training step of the 128 x 4
  demo model ran at ~2,100 tokens/s in fp32 and ~150 in bf16 (torch 1.13, 1 thread).
"""

from __future__ import annotations

import contextlib
import inspect
import os
from dataclasses import dataclass
from typing import ContextManager, Optional

import torch

from .errors import ConfigError


@dataclass(frozen=True)
class Precision:
    """``name`` (fp32 | bf16 | fp16), the dtype of the frozen base weights, and the autocast
    dtype (None: no autocast)."""

    name: str
    weights: torch.dtype
    autocast: Optional[torch.dtype]


def resolve_device(name: str) -> torch.device:
    """The device ``name`` stands for; ConfigError when this machine or torch lacks it."""
    mps = getattr(torch.backends, "mps", None)
    has_mps = bool(mps is not None and mps.is_available())
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if has_mps else torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            built = "with" if torch.version.cuda else "without"
            raise ConfigError(f"device is {name}, but torch {torch.__version__} (built {built} CUDA) sees no usable NVIDIA GPU. "
                              "Choose cpu or auto, or check the GPU driver.")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ConfigError(f"device is {name}, but there are only {torch.cuda.device_count()} CUDA devices (0 to {torch.cuda.device_count() - 1}).")
    if device.type == "mps" and not has_mps:
        raise ConfigError("device is mps, but Apple's Metal backend is not available to this torch. Choose cpu or auto.")
    return device


def resolve_precision(name: str, device: torch.device) -> Precision:
    """The precision ``name`` means on ``device``; ConfigError when the device cannot do it."""
    bf16 = Precision("bf16", torch.bfloat16, torch.bfloat16)
    fp16 = Precision("fp16", torch.float16, torch.float16)
    fp32 = Precision("fp32", torch.float32, None)
    if name == "fp32":
        return fp32
    if name == "auto":
        if device.type == "cuda":
            return bf16 if torch.cuda.is_bf16_supported() else fp16
        native = device.type == "cpu" and cpu_has_native_bf16()
        return bf16 if native and autocast_works(device, torch.bfloat16) else fp32
    if name == "fp16":
        if device.type != "cuda":
            raise ConfigError(f"precision fp16 needs a CUDA GPU; on {device.type} choose bf16, fp32 or auto.")
        return fp16
    supported = torch.cuda.is_bf16_supported() if device.type == "cuda" else autocast_works(device, torch.bfloat16)
    if not supported:
        raise ConfigError(f"precision bf16 is not available on this {device.type} with torch {torch.__version__}; "
                          "choose fp16 (CUDA), fp32 or auto.")
    return bf16


def autocast_works(device: torch.device, dtype: torch.dtype) -> bool:
    """Whether ``torch.autocast`` runs a matmul in ``dtype`` on ``device`` (tried, not assumed)."""
    try:
        with torch.autocast(device_type=device.type, dtype=dtype):
            product = torch.ones(2, 2, device=device) @ torch.ones(2, 2, device=device)
        return product.dtype == dtype
    except (RuntimeError, TypeError, AttributeError, ValueError):
        return False


def cpu_has_native_bf16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether the CPU has bf16 instructions (Linux's CPU flags ``avx512_bf16`` or
    ``amx_bf16``); False where the flags cannot be read."""
    try:
        with open(cpuinfo, "r", encoding="utf-8", errors="replace") as file:
            for line in file:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[-1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def autocast(device: torch.device, precision: Precision) -> ContextManager[object]:
    """The autocast context of ``precision`` on ``device`` (a no-op for fp32)."""
    if precision.autocast is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=precision.autocast)


def gradient_scaler(device: torch.device, precision: Precision) -> "torch.cuda.amp.GradScaler":
    """A gradient scaler, enabled for fp16 only (bf16 has fp32's exponent range)."""
    enabled = precision.name == "fp16"
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):  # torch 2.3+: the device-generic one
        return amp.GradScaler(device.type, enabled=enabled)
    return torch.cuda.amp.GradScaler(enabled=enabled)


def choose_threads(configured: Optional[int]) -> int:
    """CPU threads: the configured count (the app passes the physical cores), else the CPUs
    this process may run on. Not ``torch.get_num_threads()``: it can report 1 (DESIGN §4)."""
    if configured is not None:
        return configured
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


def non_reentrant_checkpointing() -> bool:
    """Whether ``torch.utils.checkpoint.checkpoint`` takes ``use_reentrant`` (needed with frozen
    base weights: the reentrant variant drops gradients when no input requires them)."""
    from torch.utils import checkpoint

    try:
        return "use_reentrant" in inspect.signature(checkpoint.checkpoint).parameters
    except (TypeError, ValueError):
        return False


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says the device or the machine ran out of memory."""
    if isinstance(error, MemoryError):
        return True
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()
