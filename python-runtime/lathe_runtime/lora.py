"""LoRA for the decoder, by protocol (torchtune's ``modules/peft/lora.py``).

Usage::

    model, config = load_decoder("model.gguf")
    spec = LoRASpec(rank=8, alpha=16.0, dropout=0.05, targets=("q", "k", "v", "o", "gate", "up", "down"))
    adapters = apply_lora(model, spec)          # {"blk.0.attn_q": LoRALinear, ...}
    mark_only_lora_trainable(model)             # exactly lora_a / lora_b require grad
    ...train...
    state = lora_state_dict(model)              # {"blocks.0.attn_q.lora_a": tensor, ...}
    load_lora_state_dict(model, state)          # checks every expected weight, all at once

``LoRALinear`` computes ``x·Wᵀ + b + scaling·scale·(dropout(x)·Aᵀ)·Bᵀ`` with A of shape
(rank, in) and B of shape (out, rank): PEFT's layout and llama.cpp's (``blk.N.<name>.weight
.lora_a`` / ``.lora_b``; ``llama_adapter_lora_weight`` and ``build_lora_mm`` in llama.cpp's
``src/llama-adapter.*`` and ``src/llama-graph.cpp``). ``scaling`` is alpha/rank, or
alpha/sqrt(rank) with rsLoRA; ``scale`` is the adapter strength a person picks at inference,
which llama.cpp multiplies in the same place. A starts Kaiming-uniform (PEFT's
``init_lora_weights=True``) and B at zero, so a fresh adapter leaves the model unchanged.

The wrapper keeps the base projection's ``weight`` and ``bias`` as its own (frozen) parameters,
so ``blocks.3.attn_q.weight`` keeps its name and still maps to GGUF ``blk.3.attn_q.weight``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .model.decoder import TARGETS, gguf_tensor_name

TARGET_NAMES: Tuple[str, ...] = tuple(TARGETS)  # q, k, v, o, gate, up, down
ADAPTER_PARAMETERS = ("lora_a", "lora_b")


class LoRAError(ValueError):
    """A LoRA setting, state or adapter file that cannot be used.

    ``kind`` is one of the app's error kinds (``invalid_input`` for settings and states,
    ``invalid_file`` / ``unsupported`` for adapter files); ``problems`` lists each problem.
    """

    def __init__(self, message: str, problems: Optional[Iterable[str]] = None, kind: str = "invalid_input") -> None:
        self.kind = kind
        self.problems: List[str] = list(problems) if problems is not None else [message]
        super().__init__(message)

    @classmethod
    def listing(cls, subject: str, problems: Iterable[str], kind: str = "invalid_input") -> "LoRAError":
        """One error naming ``subject`` and listing every problem, one a line."""
        found = list(problems)
        if len(found) == 1:
            return cls(f"{subject}: {found[0]}", found, kind)
        lines = "\n".join(f"  - {problem}" for problem in found)
        return cls(f"{subject} has {len(found)} problems:\n{lines}", found, kind)


def lora_scaling(rank: int, alpha: float, rslora: bool) -> float:
    """The factor on B·A: alpha/rank, or alpha/sqrt(rank) with rsLoRA (Kalajdzievski 2023)."""
    return alpha / math.sqrt(rank) if rslora else alpha / rank


@dataclass(frozen=True)
class LoRASpec:
    """What to adapt and how: rank, alpha, dropout on the LoRA path, rsLoRA, target projections.

    Raises LoRAError listing every problem when a value is out of range.
    """

    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.0
    rslora: bool = False
    targets: Tuple[str, ...] = TARGET_NAMES

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(self.targets))
        problems: List[str] = []
        if isinstance(self.rank, bool) or not isinstance(self.rank, int) or self.rank < 1:
            problems.append(f"rank is {self.rank!r}; it must be a whole number of at least 1")
        # llama.cpp reads alpha 0 as "no alpha" and applies B·A unscaled: refuse it here.
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, (int, float)) or not math.isfinite(self.alpha) or self.alpha <= 0:
            problems.append(f"alpha is {self.alpha!r}; it must be a positive number")
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) or not 0.0 <= self.dropout < 1.0:
            problems.append(f"dropout is {self.dropout!r}; it must be at least 0 and below 1")
        if not isinstance(self.rslora, bool):
            problems.append(f"rslora is {self.rslora!r}; it must be true or false")
        unknown = [target for target in self.targets if target not in TARGET_NAMES]
        if unknown:
            problems.append(f"unknown targets {', '.join(map(repr, unknown))}; choose from {', '.join(TARGET_NAMES)}")
        if not self.targets:
            problems.append("targets is empty; choose at least one of " + ", ".join(TARGET_NAMES))
        if len(set(self.targets)) != len(self.targets):
            problems.append("targets names a projection more than once")
        if problems:
            raise LoRAError.listing("The LoRA settings", problems)

    @property
    def scaling(self) -> float:
        """The factor on B·A at strength 1."""
        return lora_scaling(self.rank, float(self.alpha), self.rslora)

    @property
    def gguf_alpha(self) -> float:
        """The alpha to write into a GGUF adapter. llama.cpp only knows alpha/rank, so an rsLoRA
        adapter is written with alpha·sqrt(rank), which gives it the same alpha/sqrt(rank)."""
        return float(self.alpha) * math.sqrt(self.rank) if self.rslora else float(self.alpha)


class LoRALinear(nn.Module):
    """A frozen linear projection plus a trainable low-rank update B·A.

    ``lora_a`` is (rank, in), ``lora_b`` is (out, rank). The adapter weights are float32 when
    the base is float16/bfloat16 (as PEFT's ``autocast_adapter_dtype``), else the base dtype.
    """

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.0, rslora: bool = False) -> None:
        super().__init__()
        if not isinstance(base, nn.Linear):
            raise TypeError(f"LoRALinear wraps an nn.Linear, not {type(base).__name__}")
        self.in_features, self.out_features = base.in_features, base.out_features
        self.rank, self.alpha, self.rslora = rank, float(alpha), rslora
        # The base's own parameters (not copies): frozen by the loader, and whatever already
        # refers to them (an optimizer, a checkpoint mapping) keeps working.
        self.weight = base.weight
        self.bias = base.bias
        for parameter in (self.weight, self.bias):
            if parameter is not None:
                parameter.requires_grad_(False)
        dtype = base.weight.dtype
        adapter_dtype = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
        kw = {"device": base.weight.device, "dtype": adapter_dtype}
        self.lora_a = nn.Parameter(torch.empty(rank, self.in_features, **kw))
        self.lora_b = nn.Parameter(torch.empty(self.out_features, rank, **kw))
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.scale = 1.0
        self.reset_adapter()

    @property
    def scaling(self) -> float:
        """The factor on B·A at strength 1: alpha/rank, or alpha/sqrt(rank) with rsLoRA."""
        return lora_scaling(self.rank, self.alpha, self.rslora)

    def reset_adapter(self) -> None:
        """A Kaiming-uniform (a=sqrt(5), as nn.Linear and PEFT), B zero: the update starts at 0."""
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        nn.init.zeros_(self.lora_b)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.linear(x, self.weight, self.bias)
        factor = self.scaling * self.scale
        if factor == 0.0:
            return out
        update = F.linear(F.linear(self.dropout(x).to(self.lora_a.dtype), self.lora_a), self.lora_b)
        return out + (update * factor).to(out.dtype)

    def merged_weight(self) -> torch.Tensor:
        """W + scaling·scale·B·A in the base weight's dtype (computed in float32): what a merged
        model would hold. Detached: merging is not trained through."""
        with torch.no_grad():
            delta = self.lora_b.float() @ self.lora_a.float()
            return (self.weight.float() + delta * (self.scaling * self.scale)).to(self.weight.dtype)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, rank={self.rank}, "
                f"alpha={self.alpha}, rslora={self.rslora}, bias={self.bias is not None}")


def apply_lora(decoder: nn.Module, spec: LoRASpec) -> Dict[str, LoRALinear]:
    """Wrap ``spec.targets`` of every block of ``decoder`` (a ``Decoder``: ``blocks`` and
    ``named_targets()``) in ``LoRALinear``; return them keyed by GGUF name (``blk.3.attn_q``).

    Base weights are not copied: each wrapper holds the projection's own tensors.
    """
    if lora_modules(decoder):
        raise LoRAError("This model already has LoRA adapters; apply LoRA once per model.")
    added: Dict[str, LoRALinear] = {}
    for index, projections in enumerate(decoder.named_targets()):
        block = decoder.blocks[index]
        for target in spec.targets:
            attribute = TARGETS[target]
            base = projections[target]
            if getattr(block, attribute) is not base:
                raise RuntimeError(f"block {index}'s {target} projection is not its attribute {attribute}")
            wrapper = LoRALinear(base, spec.rank, spec.alpha, spec.dropout, spec.rslora)
            wrapper.train(block.training)  # a new module starts in training mode: dropout would be on in eval
            setattr(block, attribute, wrapper)
            added[gguf_tensor_name(f"blocks.{index}.{attribute}")] = wrapper
    return added


def lora_modules(module: nn.Module) -> Dict[str, LoRALinear]:
    """Every ``LoRALinear`` inside ``module``, keyed by GGUF name (``blk.3.attn_q``)."""
    return {gguf_tensor_name(name): child for name, child in module.named_modules() if isinstance(child, LoRALinear)}


def set_adapter_scale(module: nn.Module, scale: float) -> None:
    """Set the adapter strength of every ``LoRALinear`` in ``module`` (1 = as trained, 0 = off)."""
    for child in lora_modules(module).values():
        child.scale = float(scale)


def adapter_parameter_names(module: nn.Module) -> List[str]:
    """Names (as in ``module.named_parameters()``) of every adapter weight in ``module``."""
    names: List[str] = []
    for name, child in module.named_modules():
        if isinstance(child, LoRALinear):
            names += [f"{name}.{parameter}" if name else parameter for parameter in ADAPTER_PARAMETERS]
    return names


def mark_only_lora_trainable(module: nn.Module) -> None:
    """Make exactly the adapter weights trainable and freeze every other parameter."""
    adapter = set(adapter_parameter_names(module))
    for name, parameter in module.named_parameters():
        parameter.requires_grad_(name in adapter)


def lora_state_dict(module: nn.Module) -> Dict[str, torch.Tensor]:
    """The adapter weights of ``module`` by parameter name (``blocks.0.attn_q.lora_a``).

    Detached tensors sharing storage with the model, as ``state_dict`` gives: save or clone
    them before training on.
    """
    parameters = dict(module.named_parameters())
    return {name: parameters[name].detach() for name in adapter_parameter_names(module)}


def load_lora_state_dict(module: nn.Module, state: Mapping[str, torch.Tensor]) -> None:
    """Copy ``state`` into the adapter weights of ``module``.

    Every expected adapter weight must be present with the right shape, and nothing else may
    be there; otherwise LoRAError lists every problem and no weight is changed.
    """
    parameters = dict(module.named_parameters())
    expected = adapter_parameter_names(module)
    problems: List[str] = []
    if not expected:
        problems.append("the model has no LoRA adapters to load into (apply_lora first)")
    missing = [name for name in expected if name not in state]
    if missing:
        problems.append(f"missing: {_names(missing)}")
    unexpected = [name for name in state if name not in parameters or name not in expected]
    if unexpected:
        problems.append(f"unexpected: {_names(unexpected)}")
    for name in expected:
        values = state.get(name)
        if values is None:
            continue
        if not isinstance(values, torch.Tensor) or not values.is_floating_point():
            problems.append(f"{name} is not a floating-point tensor")
        elif tuple(values.shape) != tuple(parameters[name].shape):
            problems.append(f"{name} has shape {list(values.shape)}; the model needs {list(parameters[name].shape)}")
    if problems:
        raise LoRAError.listing("The LoRA weights do not fit this model", problems)
    with torch.no_grad():
        for name in expected:
            parameters[name].copy_(state[name])


def _names(names: List[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
