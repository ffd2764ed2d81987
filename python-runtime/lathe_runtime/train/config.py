"""A training run's settings: ``run.json``, read into a typed ``RunConfig``.

Usage::

    config = load_run_config("run.json")      # or a dict; raises ConfigError listing every problem
    config.lora.rank, config.optimizer.lr, config.to_dict()

run.json (snake_case, like every JSON line this runtime prints; only the three paths are
required, everything else has the default shown)::

    {
      "base_model": "models/base.gguf",       # GGUF base model
      "data": "prepared/abc123",              # prepared dataset folder (docs/prepared-data.md)
      "output_dir": "runs/7",                 # checkpoints/, adapter.gguf, adapter-peft/
      "lora": {"rank": 16, "alpha": null, "dropout": 0.0, "rslora": false,
               "targets": ["q", "k", "v", "o", "gate", "up", "down"]},   # alpha null: 2 * rank
      "optimizer": {"lr": 0.0002, "weight_decay": 0.0, "betas": [0.9, 0.999], "eps": 1e-8},
      "schedule": {"kind": "cosine", "warmup_steps": 0},   # linear | cosine | constant
      "steps": null, "epochs": null,          # at most one; neither: 1 epoch
      "micro_batch_size": 4, "gradient_accumulation": 1, "max_grad_norm": 1.0,
      "max_length": null,                     # null: the manifest's maxLength (else the longest example)
      "seed": 0, "precision": "auto",         # fp32 | bf16 | fp16 | auto
      "gradient_checkpointing": false, "packing": false,
      "base_weights": "dequantize",           # quantized: keep a quantized base in its blocks (low memory, slower)
      "eval_every": 0, "checkpoint_every": 0, "log_every": 1,   # 0: only at the end
      "sample_every": 0,                      # greedy samples of 2 validation prompts; 0: never
      "sample_max_tokens": 64,                # longest sample (it also ends at the model's eos/eot)
      "keep_checkpoints": null,               # null: keep every checkpoint
      "threads": null,                        # CPU threads; the app passes the physical cores
      "device": "auto"                        # cpu | cuda | cuda:N | mps | auto
    }

Relative paths are taken from the folder run.json is in. Unknown keys are mistakes (a typo
would otherwise silently train with a default), and every problem is collected before one
``ConfigError`` lists them all.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .errors import ConfigError

LORA_TARGETS = ("q", "k", "v", "o", "gate", "up", "down")
SCHEDULES = ("linear", "cosine", "constant")
PRECISIONS = ("fp32", "bf16", "fp16", "auto")
# How the frozen base is held: dequantized once at load (fast steps), or kept in its GGUF
# blocks and dequantized per layer in every pass (QLoRA-class memory; see model/quantized_linear.py).
BASE_WEIGHTS = ("dequantize", "quantized")
DEVICE_PATTERN = re.compile(r"^(cpu|mps|auto|cuda(:\d+)?)$")
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class LoRASettings:
    """The adapter: rank, scaling (alpha / rank, or alpha / sqrt(rank) with rsLoRA), dropout, targets."""

    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.0
    rslora: bool = False
    targets: Tuple[str, ...] = LORA_TARGETS


@dataclass(frozen=True)
class OptimizerSettings:
    """AdamW over the adapter's parameters only."""

    lr: float = 2e-4
    weight_decay: float = 0.0
    betas: Tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8


@dataclass(frozen=True)
class ScheduleSettings:
    """Learning-rate schedule: linear warmup for ``warmup_steps``, then ``kind`` down to zero."""

    kind: str = "cosine"
    warmup_steps: int = 0


@dataclass(frozen=True)
class RunConfig:
    """Everything one training run needs; paths are absolute once loaded."""

    base_model: str
    data: str
    output_dir: str
    lora: LoRASettings = field(default_factory=LoRASettings)
    optimizer: OptimizerSettings = field(default_factory=OptimizerSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    steps: Optional[int] = None
    epochs: Optional[float] = None
    micro_batch_size: int = 4
    gradient_accumulation: int = 1
    max_grad_norm: Optional[float] = 1.0
    max_length: Optional[int] = None
    seed: int = 0
    precision: str = "auto"
    gradient_checkpointing: bool = False
    packing: bool = False
    base_weights: str = "dequantize"
    eval_every: int = 0
    checkpoint_every: int = 0
    log_every: int = 1
    sample_every: int = 0
    sample_max_tokens: int = 64
    keep_checkpoints: Optional[int] = None
    threads: Optional[int] = None
    device: str = "auto"

    def to_dict(self) -> Dict[str, Any]:
        """The resolved settings as plain JSON values (what the ``start`` event reports)."""
        data = asdict(self)
        data["lora"]["targets"] = list(self.lora.targets)
        data["optimizer"]["betas"] = list(self.optimizer.betas)
        return data


def load_run_config(source: Union[str, "os.PathLike[str]", Mapping[str, Any]], base_dir: Optional[str] = None) -> RunConfig:
    """Read and check run.json (a path) or an already parsed dict.

    Relative paths resolve against ``base_dir``, by default the folder of the file (or the
    current folder for a dict). Raises ConfigError listing every problem found.
    """
    if isinstance(source, Mapping):
        raw: Any = dict(source)
        base = base_dir or os.getcwd()
    else:
        path = os.fspath(source)
        base = base_dir or os.path.dirname(os.path.abspath(path))
        try:
            with open(path, "r", encoding="utf-8") as file:
                raw = json.load(file)
        except FileNotFoundError:
            raise ConfigError(f"The run settings file {path} does not exist.") from None
        except OSError as error:
            raise ConfigError(f"The run settings file {path} cannot be read: {error.strerror or error}.") from None
        except json.JSONDecodeError as error:
            raise ConfigError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path} is not UTF-8 text.") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"run.json must hold a JSON object, not {_json_type(raw)}.")
    return _Checker(base).run_config(raw)


class _Checker:
    """Reads one section at a time, recording problems instead of stopping at the first."""

    def __init__(self, base_dir: str) -> None:
        self.base_dir = base_dir
        self.problems: List[str] = []

    def run_config(self, raw: Dict[str, Any]) -> RunConfig:
        known = {name for name in RunConfig.__dataclass_fields__}
        self._unknown_keys(raw, known, "")
        defaults = RunConfig("", "", "")
        base_model = self.path(raw, "base_model")
        data = self.path(raw, "data")
        output_dir = self.path(raw, "output_dir")
        lora = self.lora(self.section(raw, "lora"))
        optimizer = self.optimizer(self.section(raw, "optimizer"))
        schedule = self.schedule(self.section(raw, "schedule"))
        steps = self.integer(raw, "steps", None, low=1, optional=True)
        epochs = self.number(raw, "epochs", None, low=0.0, low_open=True, optional=True)
        if steps is not None and epochs is not None:
            self.problems.append("steps and epochs are both set; give one of them, or neither for one epoch")
        config = RunConfig(
            base_model=base_model, data=data, output_dir=output_dir, lora=lora, optimizer=optimizer, schedule=schedule,
            steps=steps, epochs=epochs,
            micro_batch_size=self.integer(raw, "micro_batch_size", defaults.micro_batch_size, low=1),
            gradient_accumulation=self.integer(raw, "gradient_accumulation", defaults.gradient_accumulation, low=1),
            max_grad_norm=self.number(raw, "max_grad_norm", defaults.max_grad_norm, low=0.0, optional=True),
            max_length=self.integer(raw, "max_length", None, low=2, optional=True),
            seed=self.integer(raw, "seed", defaults.seed, low=0, high=MAX_SEED),
            precision=self.choice(raw, "precision", defaults.precision, PRECISIONS),
            gradient_checkpointing=self.boolean(raw, "gradient_checkpointing", defaults.gradient_checkpointing),
            packing=self.boolean(raw, "packing", defaults.packing),
            base_weights=self.choice(raw, "base_weights", defaults.base_weights, BASE_WEIGHTS),
            eval_every=self.integer(raw, "eval_every", defaults.eval_every, low=0),
            checkpoint_every=self.integer(raw, "checkpoint_every", defaults.checkpoint_every, low=0),
            log_every=self.integer(raw, "log_every", defaults.log_every, low=1),
            sample_every=self.integer(raw, "sample_every", defaults.sample_every, low=0),
            sample_max_tokens=self.integer(raw, "sample_max_tokens", defaults.sample_max_tokens, low=1, high=4096),
            keep_checkpoints=self.integer(raw, "keep_checkpoints", None, low=1, optional=True),
            threads=self.integer(raw, "threads", None, low=1, high=4096, optional=True),
            device=self.device(raw),
        )
        if self.problems:
            raise ConfigError.listing("The run settings", self.problems)
        return config

    def lora(self, raw: Dict[str, Any]) -> LoRASettings:
        self._unknown_keys(raw, set(LoRASettings.__dataclass_fields__), "lora.")
        rank = self.integer(raw, "rank", LoRASettings.rank, low=1, high=4096, prefix="lora.")
        alpha = self.number(raw, "alpha", None, low=0.0, low_open=True, optional=True, prefix="lora.")
        targets_raw = raw.get("targets", list(LORA_TARGETS))
        targets: Tuple[str, ...] = LORA_TARGETS
        if not isinstance(targets_raw, list) or not targets_raw or not all(isinstance(t, str) for t in targets_raw):
            self.problems.append(f"lora.targets is {_show(targets_raw)}; expected a non-empty list drawn from {', '.join(LORA_TARGETS)}")
        else:
            unknown = [t for t in targets_raw if t not in LORA_TARGETS]
            if unknown:
                self.problems.append(f"lora.targets has {', '.join(map(repr, unknown))}; the targets are {', '.join(LORA_TARGETS)}")
            elif len(set(targets_raw)) != len(targets_raw):
                self.problems.append("lora.targets names a target more than once")
            else:
                targets = tuple(t for t in LORA_TARGETS if t in targets_raw)  # the decoder's order
        return LoRASettings(
            rank=rank,
            alpha=float(alpha) if alpha is not None else 2.0 * rank,
            dropout=self.number(raw, "dropout", LoRASettings.dropout, low=0.0, high=1.0, high_open=True, prefix="lora."),
            rslora=self.boolean(raw, "rslora", LoRASettings.rslora, prefix="lora."),
            targets=targets,
        )

    def optimizer(self, raw: Dict[str, Any]) -> OptimizerSettings:
        self._unknown_keys(raw, set(OptimizerSettings.__dataclass_fields__), "optimizer.")
        betas_raw = raw.get("betas", list(OptimizerSettings.betas))
        betas = OptimizerSettings.betas
        if (not isinstance(betas_raw, list) or len(betas_raw) != 2
                or not all(_is_number(b) and 0.0 <= b < 1.0 for b in betas_raw)):
            self.problems.append(f"optimizer.betas is {_show(betas_raw)}; expected two numbers from 0 up to (not including) 1")
        else:
            betas = (float(betas_raw[0]), float(betas_raw[1]))
        return OptimizerSettings(
            lr=self.number(raw, "lr", OptimizerSettings.lr, low=0.0, low_open=True, prefix="optimizer."),
            weight_decay=self.number(raw, "weight_decay", OptimizerSettings.weight_decay, low=0.0, prefix="optimizer."),
            betas=betas,
            eps=self.number(raw, "eps", OptimizerSettings.eps, low=0.0, low_open=True, prefix="optimizer."),
        )

    def schedule(self, raw: Dict[str, Any]) -> ScheduleSettings:
        self._unknown_keys(raw, set(ScheduleSettings.__dataclass_fields__), "schedule.")
        return ScheduleSettings(
            kind=self.choice(raw, "kind", ScheduleSettings.kind, SCHEDULES, prefix="schedule."),
            warmup_steps=self.integer(raw, "warmup_steps", ScheduleSettings.warmup_steps, low=0, prefix="schedule."),
        )

    # --- one value at a time ---------------------------------------------------------------

    def section(self, raw: Dict[str, Any], key: str) -> Dict[str, Any]:
        value = raw.get(key, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"{key} is {_show(value)}; expected an object")
            return {}
        return value

    def path(self, raw: Dict[str, Any], key: str) -> str:
        value = raw.get(key)
        if value is None:
            self.problems.append(f"{key} is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{key} is {_show(value)}; expected a path")
            return ""
        return os.path.normpath(os.path.join(self.base_dir, os.path.expanduser(value)))

    def integer(self, raw: Dict[str, Any], key: str, default: Optional[int], low: int, high: Optional[int] = None,
                optional: bool = False, prefix: str = "") -> Any:
        value = raw.get(key, default)
        if value is None and optional:
            return None
        # JSON has one number type: 8.0 is accepted as 8, 8.5 is not.
        if _is_number(value) and float(value).is_integer() and math.isfinite(value):
            value = int(value)
            if value >= low and (high is None or value <= high):
                return value
        expected = f"a whole number from {low}" + (f" to {high}" if high is not None else " up") + (" or null" if optional else "")
        self.problems.append(f"{prefix}{key} is {_show(raw.get(key))}; expected {expected}")
        return default

    def number(self, raw: Dict[str, Any], key: str, default: Optional[float], low: float, high: Optional[float] = None,
               low_open: bool = False, high_open: bool = False, optional: bool = False, prefix: str = "") -> Any:
        value = raw.get(key, default)
        if value is None and optional:
            return None
        if _is_number(value) and math.isfinite(value):
            above = value > low if low_open else value >= low
            below = high is None or (value < high if high_open else value <= high)
            if above and below:
                return float(value)
        low_text = f"above {low:g}" if low_open else f"{low:g} or more"
        high_text = "" if high is None else (f" and below {high:g}" if high_open else f" and at most {high:g}")
        self.problems.append(f"{prefix}{key} is {_show(raw.get(key))}; expected a number {low_text}{high_text}" + (" or null" if optional else ""))
        return default

    def boolean(self, raw: Dict[str, Any], key: str, default: bool, prefix: str = "") -> bool:
        value = raw.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.append(f"{prefix}{key} is {_show(value)}; expected true or false")
        return default

    def choice(self, raw: Dict[str, Any], key: str, default: str, choices: Tuple[str, ...], prefix: str = "") -> str:
        value = raw.get(key, default)
        if isinstance(value, str) and value in choices:
            return value
        self.problems.append(f"{prefix}{key} is {_show(value)}; expected one of {', '.join(choices)}")
        return default

    def device(self, raw: Dict[str, Any]) -> str:
        value = raw.get("device", "auto")
        if isinstance(value, str) and DEVICE_PATTERN.match(value):
            return value
        self.problems.append(f"device is {_show(value)}; expected cpu, cuda, cuda:N, mps or auto")
        return "auto"

    def _unknown_keys(self, raw: Dict[str, Any], known: set, prefix: str) -> None:
        for key in raw:
            if key not in known:
                self.problems.append(f"{prefix}{key} is not a setting this runtime knows (a typo?)")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """A value as JSON, shortened: what the person wrote, so they can find it."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
