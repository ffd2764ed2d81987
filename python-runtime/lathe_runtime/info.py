"""What this interpreter can do for training: Python, platform and torch's capabilities.

Run it as ``python -m lathe_runtime info``: it prints exactly one JSON line on stdout and
exits 0, also when torch is missing or broken (then ``torch`` is null and ``torch_error``
says why). Lathe's main process runs it on every candidate interpreter to choose one.

Capabilities are found by feature, never by comparing version strings: Debian's torch
reports ``1.13.0a0`` and users run 2.x builds with their own suffixes (DESIGN §4).
"""

from __future__ import annotations

import contextlib
import json
import platform
import sys
from types import ModuleType
from typing import Any, Dict, List, Optional, Tuple

from . import __version__


def collect_info() -> Dict[str, Any]:
    """Describe this interpreter and its torch; never raises because torch is unusable."""
    torch, torch_error = import_torch()
    return {
        "lathe_runtime": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "release": platform.release(),
        },
        "torch": describe_torch(torch) if torch is not None else None,
        "torch_error": torch_error,
    }


def import_torch() -> Tuple[Optional[ModuleType], Optional[str]]:
    """Import torch, returning it or the reason it cannot be used.

    Any exception counts, not only ImportError: a torch wheel whose shared libraries are
    missing fails with OSError, and a broken CUDA install can fail with RuntimeError.
    """
    try:
        import torch
    except Exception as error:  # noqa: BLE001 - every failure is a report, not a crash
        return None, f"{type(error).__name__}: {error}"
    return torch, None


def describe_torch(torch: ModuleType) -> Dict[str, Any]:
    """Report the capabilities of an imported torch that training depends on."""
    cuda_available = bool(torch.cuda.is_available())
    devices: List[str] = []
    bf16 = False
    cuda_error: Optional[str] = None
    if cuda_available:
        # A driver can pass is_available() and still fail on first real use; report that
        # instead of crashing, so the person learns what is wrong with their GPU setup.
        try:
            devices = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            bf16 = bool(torch.cuda.is_bf16_supported())
        except Exception as error:  # noqa: BLE001
            cuda_error = f"{type(error).__name__}: {error}"
    return {
        "version": str(torch.__version__),
        "cuda_available": cuda_available,
        "cuda_version": torch.version.cuda,
        "cuda_devices": devices,
        "cuda_bf16": bf16,
        "cuda_error": cuda_error,
        "mps_available": mps_available(torch),
        "num_threads": torch.get_num_threads(),
        "sdpa": hasattr(torch.nn.functional, "scaled_dot_product_attention"),
    }


def mps_available(torch: ModuleType) -> bool:
    """Whether Apple's Metal backend is usable; builds without it lack ``torch.backends.mps``."""
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def print_info() -> int:
    """Print the report as one JSON line on stdout and return the exit code (always 0)."""
    # Whatever torch or a CUDA library prints while loading must not break the one-line
    # protocol on stdout: send it to stderr, the human log.
    with contextlib.redirect_stdout(sys.stderr):
        info = collect_info()
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()
    return 0
