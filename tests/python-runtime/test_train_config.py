"""run.json: defaults, path resolution, and validation that lists every problem at once.

Run with ``node scripts/pytest.mjs``. Source: ``lathe_runtime/train/config.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import torch

from lathe_runtime.train.config import LORA_TARGETS, RunConfig, load_run_config
from lathe_runtime.train.device import choose_threads, cpu_has_native_bf16, resolve_device, resolve_precision
from lathe_runtime.train.errors import ConfigError

PATHS = {"base_model": "/models/base.gguf", "data": "/data/prepared", "output_dir": "/runs/1"}


def test_only_the_paths_are_required_and_defaults_are_filled_in() -> None:
    config = load_run_config(PATHS)
    assert isinstance(config, RunConfig)
    assert config.lora.rank == 16 and config.lora.alpha == 32.0  # alpha defaults to 2 * rank
    assert config.lora.targets == LORA_TARGETS
    assert (config.optimizer.lr, config.optimizer.betas, config.schedule.kind) == (2e-4, (0.9, 0.999), "cosine")
    assert (config.steps, config.epochs, config.precision, config.device) == (None, None, "auto", "auto")
    assert (config.sample_every, config.sample_max_tokens) == (0, 64)  # no samples unless asked for
    as_json = json.loads(json.dumps(config.to_dict()))
    assert as_json["lora"]["targets"] == list(LORA_TARGETS) and as_json["optimizer"]["betas"] == [0.9, 0.999]
    assert load_run_config(as_json) == config  # the start event's config reads back the same


def test_values_are_read_and_targets_kept_in_the_decoders_order() -> None:
    config = load_run_config({**PATHS, "lora": {"rank": 8, "alpha": 4, "dropout": 0.1, "rslora": True, "targets": ["down", "q"]},
                              "optimizer": {"lr": 1e-3, "betas": [0.8, 0.95]}, "schedule": {"kind": "linear", "warmup_steps": 5},
                              "steps": 100.0, "micro_batch_size": 2, "gradient_accumulation": 4, "max_grad_norm": None,
                              "precision": "bf16", "packing": True, "threads": 2, "device": "cuda:1"})
    assert config.lora.targets == ("q", "down") and config.lora.alpha == 4.0 and config.lora.rslora
    assert config.steps == 100 and isinstance(config.steps, int)
    assert config.max_grad_norm is None and config.device == "cuda:1" and config.packing


def test_relative_paths_resolve_against_the_run_json_folder(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"base_model": "m.gguf", "data": "../d", "output_dir": "~/out"}), encoding="utf-8")
    config = load_run_config(path)
    assert config.base_model == str(tmp_path / "m.gguf")
    assert config.data == os.path.normpath(str(tmp_path / ".." / "d"))
    assert config.output_dir == os.path.expanduser("~/out")


def test_every_problem_is_listed_in_one_error() -> None:
    raw = {
        "data": 3,                                                    # not a path; base_model missing
        "output_dir": "",
        "lora": {"rank": 0, "alpha": -1, "dropout": 1.0, "targets": ["q", "qq"], "rank_typo": 1},
        "optimizer": {"lr": 0, "betas": [0.9], "eps": "small"},
        "schedule": {"kind": "step", "warmup_steps": -1},
        "steps": 10, "epochs": 2,
        "micro_batch_size": 1.5, "gradient_accumulation": True, "max_grad_norm": -1,
        "seed": -3, "precision": "fp8", "gradient_checkpointing": "yes", "packing": 1,
        "eval_every": -1, "log_every": 0, "threads": 0, "device": "tpu", "learning_rate": 1,
        "sample_every": -2, "sample_max_tokens": 0,
    }
    with pytest.raises(ConfigError) as caught:
        load_run_config(raw)
    error = caught.value
    assert error.kind == "config"
    named = ["base_model is missing", "data is 3", "output_dir is \"\"", "lora.rank is 0", "lora.alpha is -1",
             "lora.dropout is 1.0", "'qq'", "lora.rank_typo is not a setting", "optimizer.lr is 0", "optimizer.betas",
             "optimizer.eps is \"small\"", "schedule.kind is \"step\"", "schedule.warmup_steps is -1",
             "steps and epochs are both set", "micro_batch_size is 1.5", "gradient_accumulation is true",
             "max_grad_norm is -1", "seed is -3", "precision is \"fp8\"", "gradient_checkpointing is \"yes\"",
             "packing is 1", "eval_every is -1", "log_every is 0", "threads is 0", "device is \"tpu\"",
             "learning_rate is not a setting", "sample_every is -2", "sample_max_tokens is 0"]
    for fragment in named:
        assert any(fragment in problem for problem in error.problems), f"{fragment!r} not in {error.problems}"
    assert len(error.problems) == len(named)
    assert f"has {len(named)} problems" in str(error)


def test_a_file_that_is_not_a_json_object_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "run.json"
    broken.write_text('{"base_model": "m.gguf",', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON.*line 1"):
        load_run_config(broken)
    broken.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="JSON object, not an array"):
        load_run_config(broken)
    with pytest.raises(ConfigError, match="does not exist"):
        load_run_config(tmp_path / "missing.json")


# --- what the settings resolve to on this machine --------------------------------------------


def test_precision_and_device_follow_what_the_hardware_can_do(tmp_path: Path) -> None:
    cpu = torch.device("cpu")
    assert resolve_precision("fp32", cpu).autocast is None
    assert resolve_precision("bf16", cpu).weights == torch.bfloat16  # torch's CPU autocast runs bf16
    with pytest.raises(ConfigError, match="fp16 needs a CUDA GPU"):
        resolve_precision("fp16", cpu)
    # auto picks bf16 on a CPU only where it has bf16 instructions: emulated bf16 is far slower.
    assert resolve_precision("auto", cpu).name == ("bf16" if cpu_has_native_bf16() else "fp32")
    flags = tmp_path / "cpuinfo"
    flags.write_text("processor : 0\nflags\t\t: fpu avx2 avx512f\n", encoding="utf-8")
    assert not cpu_has_native_bf16(str(flags))
    flags.write_text("processor : 0\nflags\t\t: fpu avx2 avx512_bf16 amx_tile\n", encoding="utf-8")
    assert cpu_has_native_bf16(str(flags))
    assert resolve_device("cpu") == cpu and choose_threads(3) == 3 and choose_threads(None) >= 1
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="sees no usable NVIDIA GPU"):
            resolve_device("cuda")
        assert resolve_device("auto").type in ("cpu", "mps")
