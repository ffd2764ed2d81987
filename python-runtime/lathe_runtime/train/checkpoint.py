"""Checkpoints: everything a run needs to go on exactly where it was, written atomically.

Usage::

    path = save_checkpoint(run_dir, step, state, config_dict, write_adapter, summary)
    latest = latest_checkpoint(run_dir)                  # folder of the highest step, or None
    state = load_checkpoint(latest)                      # the dict given to save_checkpoint

A checkpoint is a folder ``<run_dir>/checkpoints/step-00000120/`` holding

* ``state.pt``: the adapter weights, optimizer, schedule and gradient-scaler states, the
  step, the sampler's position, the random states (Python, torch CPU, CUDA when present)
  and the data it was trained on (``torch.save`` of plain values and tensors only, so torch
  2.x loads it with ``weights_only=True``);
* ``adapter.gguf``: the adapter as llama.cpp loads it, to try a checkpoint in the chat;
* ``run.json``: the resolved settings; ``checkpoint.json``: step, time and losses, readable
  without torch.

The folder is written under a temporary name and renamed into place (DESIGN §4), so a
crash leaves either a whole checkpoint or none; ``latest_checkpoint`` ignores and
``remove_unfinished`` deletes the half-written ones.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import re
import secrets
import shutil
from typing import Any, Callable, Dict, List, Optional

import torch

from .events import log

CHECKPOINTS = "checkpoints"
STATE_FILE = "state.pt"
ADAPTER_FILE = "adapter.gguf"
CONFIG_FILE = "run.json"
SUMMARY_FILE = "checkpoint.json"
FORMAT = "lathe-checkpoint"
VERSION = 1
_FINISHED = re.compile(r"^step-(\d{8,})$")
_UNFINISHED_PREFIX = ".partial-"


def checkpoint_path(run_dir: str, step: int) -> str:
    """Where the checkpoint of ``step`` lives (or would live)."""
    return os.path.join(run_dir, CHECKPOINTS, f"step-{step:08d}")


def list_checkpoints(run_dir: str) -> List[str]:
    """Every finished checkpoint of the run, oldest step first."""
    folder = os.path.join(run_dir, CHECKPOINTS)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        match = _FINISHED.match(name)
        if match and os.path.isfile(os.path.join(folder, name, STATE_FILE)):
            found.append((int(match.group(1)), os.path.join(folder, name)))
    return [path for _, path in sorted(found)]


def latest_checkpoint(run_dir: str) -> Optional[str]:
    """The folder of the run's most advanced finished checkpoint, or None."""
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def save_checkpoint(run_dir: str, step: int, state: Dict[str, Any], config: Dict[str, Any],
                    write_adapter: Callable[[str], None], summary: Dict[str, Any]) -> str:
    """Write the checkpoint of ``step`` and return its folder. One already there for this step
    is kept as it is: nothing changes between two requests at the same step."""
    final = checkpoint_path(run_dir, step)
    if os.path.isfile(os.path.join(final, STATE_FILE)):
        return final
    parent = os.path.dirname(final)
    os.makedirs(parent, exist_ok=True)
    partial = os.path.join(parent, f"{_UNFINISHED_PREFIX}{os.path.basename(final)}-{secrets.token_hex(4)}")
    os.makedirs(partial)
    try:
        # Serialized in memory first (adapter and optimizer state: small), then written by
        # Python: a full disk then surfaces as an OSError with its errno, not as torch's
        # RuntimeError from inside its zip writer.
        buffer = io.BytesIO()
        torch.save({"format": FORMAT, "version": VERSION, "step": step, **state}, buffer)
        with open(os.path.join(partial, STATE_FILE), "wb") as file:
            file.write(buffer.getbuffer())
            file.flush()
            os.fsync(file.fileno())
        write_adapter(os.path.join(partial, ADAPTER_FILE))
        _write_json(os.path.join(partial, CONFIG_FILE), config)
        _write_json(os.path.join(partial, SUMMARY_FILE), {"step": step, **summary})
        if os.path.exists(final):  # a leftover without state.pt: not a checkpoint
            shutil.rmtree(final)
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def load_checkpoint(path: str) -> Dict[str, Any]:
    """The state saved in the checkpoint folder ``path``. Raises ValueError for a file that is
    not one of ours (or from a newer runtime)."""
    state_path = os.path.join(path, STATE_FILE)
    try:
        state = torch.load(state_path, map_location="cpu", weights_only=True)
    except (TypeError, pickle.UnpicklingError):
        # torch 1.13's weights-only unpickler cannot read a float (pickle's BINFLOAT), and
        # older ones lack the argument. The file is this run's own, written by this code.
        state = torch.load(state_path, map_location="cpu")
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(f"{state_path} is not a Lathe checkpoint")
    if state.get("version") != VERSION:
        raise ValueError(f"{state_path} has checkpoint version {state.get('version')!r}; this runtime reads {VERSION}")
    return state


def prune_checkpoints(run_dir: str, keep: Optional[int]) -> None:
    """Delete all but the ``keep`` most advanced checkpoints (None keeps them all)."""
    if keep is None:
        return
    for path in list_checkpoints(run_dir)[:-keep]:
        shutil.rmtree(path, ignore_errors=True)
        log.info("removed old checkpoint %s", path)


def remove_unfinished(run_dir: str) -> None:
    """Delete checkpoint folders a crash left half-written."""
    folder = os.path.join(run_dir, CHECKPOINTS)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(_UNFINISHED_PREFIX):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)
            log.info("removed an unfinished checkpoint: %s", name)


def capture_rng() -> Dict[str, Any]:
    """The random states a step consumes: Python's, torch's on the CPU, and CUDA's when in use."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    return {"python": random.getstate(), "torch": torch.get_rng_state(), "cuda": cuda}


def restore_rng(state: Dict[str, Any]) -> None:
    """Put back what ``capture_rng`` returned."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    torch.set_rng_state(state["torch"])
    if state.get("cuda") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _write_json(path: str, value: Dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, indent=2)
        file.write("\n")
