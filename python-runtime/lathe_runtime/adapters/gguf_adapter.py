"""LoRA adapters as GGUF files that llama.cpp loads directly (DESIGN §2).

Usage::

    adapters = apply_lora(model, spec)                       # see lora.py
    write_gguf_adapter("run/adapter.gguf", adapters, config.architecture, spec)
    adapter = read_gguf_adapter("run/adapter.gguf")          # for resume and merge
    load_lora_state_dict(model, adapter.state_dict())

What llama.cpp expects (its ``src/llama-adapter.cpp``, ``llama_adapter_lora_init_impl``, and
``convert_lora_to_gguf.py``, as shipped with node-llama-cpp 3.22.1):

* ``general.type`` = "adapter", ``adapter.type`` = "lora", and ``general.architecture`` equal
  to the base model's ("model arch and LoRA arch mismatch" otherwise);
* ``adapter.lora.alpha`` as FLOAT32: llama.cpp reads it with ``gguf_get_val_f32``, which
  *aborts the process* on any other type. Absent or 0 means B·A is added unscaled;
* tensors ``blk.N.<name>.weight.lora_a`` of ggml shape {in, r} (torch (r, in)) and ``.lora_b``
  of {r, out} (torch (out, r)); any other suffix is refused except ``*_norm.weight``; both
  halves of a pair must be there and ``<name>.weight`` must exist in the base model;
* the update is ``scale · alpha / r · B·(A·x)`` with r = B's ``ne[0]`` (``get_scale`` in
  ``llama-adapter.h``, ``build_lora_mm`` in ``llama-graph.cpp``), where ``scale`` is the
  strength the person gives when loading (node-llama-cpp ``lora.adapters[].scale``);
* no tensor type is checked: F16 works as well as F32 (ggml's matmul converts), but F32 is
  what ``convert_lora_to_gguf.py`` writes by default and what we write unless asked.

rsLoRA (scaling alpha/sqrt(r)) does not exist in llama.cpp, so such an adapter is written with
``adapter.lora.alpha`` = alpha·sqrt(r), which gives the same factor (llama.cpp's own converter
ignores ``use_rslora``; its adapters come out too weak). The spec as trained is kept in
``lathe.lora.*`` keys, which llama.cpp ignores and ``read_gguf_adapter`` reads back.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import torch

from ..gguf import GGMLType, GGUFError, GGUFReader, GGUFValueType, GGUFWriter
from ..lora import TARGET_NAMES, LoRAError, LoRALinear, LoRASpec
from ..model.decoder import TARGETS, parameter_name

PathLike = Union[str, "os.PathLike[str]"]
WRITABLE_TYPES = (GGMLType.F32, GGMLType.F16)
# The projection a GGUF tensor name belongs to: "blk.3.attn_q" → block 3, target "q".
_GGUF_TARGETS = {gguf: target for target, gguf in TARGETS.items()}
_MODULE_NAME = re.compile(r"^blk\.(\d+)\.(" + "|".join(_GGUF_TARGETS) + r")$")
_TENSOR_NAME = re.compile(r"^(blk\.\d+\.[a-z_]+)\.weight\.lora_([ab])$")

KEY_ALPHA = "adapter.lora.alpha"
LATHE_RANK, LATHE_ALPHA, LATHE_RSLORA = "lathe.lora.rank", "lathe.lora.alpha", "lathe.lora.rslora"
LATHE_DROPOUT, LATHE_TARGETS = "lathe.lora.dropout", "lathe.lora.targets"


@dataclass(frozen=True)
class GGUFAdapter:
    """A LoRA adapter read from a GGUF file.

    ``spec`` is the adapter as trained (the ``lathe.lora.*`` keys, else what the tensors and
    ``adapter.lora.alpha`` say); ``file_alpha`` is the alpha llama.cpp uses; ``weights`` maps
    ``blk.N.attn_q`` to float32 (A, B) of shapes (r, in) and (out, r).
    """

    architecture: str
    spec: LoRASpec
    file_alpha: float
    weights: Dict[str, Tuple[torch.Tensor, torch.Tensor]]
    metadata: Dict[str, Any]

    def state_dict(self) -> Dict[str, torch.Tensor]:
        """The weights under the decoder's parameter names, for ``load_lora_state_dict``."""
        state: Dict[str, torch.Tensor] = {}
        for name, (lora_a, lora_b) in self.weights.items():
            module = parameter_name(name)
            state[f"{module}.lora_a"], state[f"{module}.lora_b"] = lora_a, lora_b
        return state


def write_gguf_adapter(path: PathLike, lora_modules: Mapping[str, LoRALinear], base_architecture: str,
                       spec: LoRASpec, ggml_type: GGMLType = GGMLType.F32, name: Optional[str] = None) -> int:
    """Write ``lora_modules`` (GGUF name → LoRALinear, as ``apply_lora`` returns) as a GGUF
    adapter for a ``base_architecture`` model, atomically; return the file size.

    The adapter strength (``LoRALinear.scale``) is not written: llama.cpp takes it at load.
    Raises LoRAError listing every problem (modules that do not match ``spec``, unknown
    names, non-finite weights) before anything is written.
    """
    problems: List[str] = []
    if not isinstance(base_architecture, str) or not base_architecture:
        problems.append("the base model's architecture is empty")
    if ggml_type not in WRITABLE_TYPES:
        problems.append(f"adapter tensors are written as F32 or F16, not {GGMLType(ggml_type).name}")
    if not lora_modules:
        problems.append("there are no LoRA modules to write")
    found_targets = set()
    for module_name, module in lora_modules.items():
        match = _MODULE_NAME.match(module_name)
        if match is None:
            problems.append(f"{module_name!r} is not a projection llama.cpp can adapt (blk.N.attn_q, …, ffn_down)")
        else:
            found_targets.add(_GGUF_TARGETS[match.group(2)])
        if (module.rank, module.alpha, module.rslora) != (spec.rank, float(spec.alpha), spec.rslora):
            problems.append(f"{module_name} has rank {module.rank}, alpha {module.alpha}, rslora {module.rslora}; "
                            f"the spec says {spec.rank}, {float(spec.alpha)}, {spec.rslora}")
        if not (torch.isfinite(module.lora_a).all() and torch.isfinite(module.lora_b).all()):
            problems.append(f"{module_name} holds NaN or infinite weights (did training diverge?)")
    if lora_modules and found_targets != set(spec.targets):
        problems.append(f"the modules adapt {_ordered(found_targets)}; the spec says {_ordered(spec.targets)}")
    if problems:
        raise LoRAError.listing("The LoRA adapter cannot be written", problems)

    writer = GGUFWriter()
    writer.add("general.architecture", base_architecture)
    writer.add("general.type", "adapter")
    if name:
        writer.add("general.name", name)
    writer.add("adapter.type", "lora")
    writer.add(KEY_ALPHA, spec.gguf_alpha, GGUFValueType.FLOAT32)
    writer.add(LATHE_RANK, spec.rank, GGUFValueType.UINT32)
    writer.add(LATHE_ALPHA, float(spec.alpha), GGUFValueType.FLOAT64)  # exact round trip
    writer.add(LATHE_RSLORA, spec.rslora, GGUFValueType.BOOL)
    writer.add(LATHE_DROPOUT, float(spec.dropout), GGUFValueType.FLOAT64)
    writer.add(LATHE_TARGETS, list(spec.targets), element_type=GGUFValueType.STRING)
    for module_name in sorted(lora_modules, key=_module_order):
        module = lora_modules[module_name]
        writer.add_tensor(f"{module_name}.weight.lora_a", module.lora_a.detach().float().cpu(), ggml_type)
        writer.add_tensor(f"{module_name}.weight.lora_b", module.lora_b.detach().float().cpu(), ggml_type)
    return writer.write(path)


def read_gguf_adapter(path: PathLike) -> GGUFAdapter:
    """Read a GGUF LoRA adapter (ours, or one ``convert_lora_to_gguf.py`` wrote).

    Raises LoRAError (kind ``invalid_file`` for a damaged or inconsistent file, ``unsupported``
    for an adapter of tensors this runtime does not train, such as embeddings or norms),
    listing every problem; FileNotFoundError when there is no file.
    """
    try:
        with GGUFReader(path) as gguf:
            fields = gguf.fields
            metadata = gguf.metadata
            infos = dict(gguf.tensors)
            tensors = {name: gguf.tensor(name).clone() for name in infos if _TENSOR_NAME.match(name)}
    except GGUFError as error:
        kind = "unsupported" if error.kind == "unsupported" else "invalid_file"
        raise LoRAError(f"This is not a readable GGUF adapter: {error}", kind=kind) from None
    invalid: List[str] = []
    unsupported: List[str] = []
    if metadata.get("general.type") != "adapter":
        invalid.append(f"general.type is {metadata.get('general.type')!r}, not 'adapter' (is this a base model?)")
    if metadata.get("adapter.type") != "lora":
        unsupported.append(f"adapter.type is {metadata.get('adapter.type')!r}; only 'lora' adapters are read")
    architecture = metadata.get("general.architecture")
    if not isinstance(architecture, str) or not architecture:
        invalid.append("general.architecture is missing")
    alpha_field = fields.get(KEY_ALPHA)
    if alpha_field is not None and alpha_field.type != GGUFValueType.FLOAT32:
        invalid.append(f"{KEY_ALPHA} is {alpha_field.type.name}; llama.cpp needs FLOAT32 (it aborts otherwise)")

    halves: Dict[str, Dict[str, torch.Tensor]] = {}
    for tensor_name in infos:
        match = _TENSOR_NAME.match(tensor_name)
        if match is None:
            unsupported.append(f"tensor {tensor_name} is not a LoRA weight of a block projection")
            continue
        module_name, half = match.groups()
        if _MODULE_NAME.match(module_name) is None:
            unsupported.append(f"tensor {tensor_name} adapts {module_name}, which this runtime does not train")
            continue
        halves.setdefault(module_name, {})[half] = tensors[tensor_name]
    weights: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}
    ranks = set()
    for module_name in sorted(halves, key=_module_order):
        pair = halves[module_name]
        if set(pair) != {"a", "b"}:
            invalid.append(f"{module_name} has lora_{'a' if 'a' in pair else 'b'} but not its other half")
            continue
        lora_a, lora_b = pair["a"], pair["b"]
        if lora_a.dim() != 2 or lora_b.dim() != 2 or lora_a.shape[0] != lora_b.shape[1]:
            invalid.append(f"{module_name}: lora_a {list(lora_a.shape)} and lora_b {list(lora_b.shape)} "
                           "are not (rank, in) and (out, rank)")
            continue
        ranks.add(lora_a.shape[0])
        weights[module_name] = (lora_a, lora_b)
    if not weights and not invalid and not unsupported:
        invalid.append("the file holds no LoRA weights")
    if len(ranks) > 1:
        unsupported.append(f"the projections have different ranks ({', '.join(map(str, sorted(ranks)))}); one rank is supported")
    if invalid or unsupported:
        kind = "invalid_file" if invalid else "unsupported"
        raise LoRAError.listing(f"The adapter {os.fspath(path)}", invalid + unsupported, kind)

    rank = ranks.pop()
    file_alpha = float(metadata.get(KEY_ALPHA, 0.0))
    spec = _spec_from_metadata(metadata, rank, file_alpha, weights, os.fspath(path))
    return GGUFAdapter(str(architecture), spec, file_alpha, weights, metadata)


def _spec_from_metadata(metadata: Mapping[str, Any], rank: int, file_alpha: float,
                        weights: Mapping[str, Any], path: str) -> LoRASpec:
    """The spec as trained: from the ``lathe.lora.*`` keys when the file has them, else the
    one that gives llama.cpp's factor (alpha 0 in the file means alpha = rank: factor 1)."""
    found = {_GGUF_TARGETS[_MODULE_NAME.match(name).group(2)] for name in weights}  # type: ignore[union-attr]
    targets = tuple(target for target in TARGET_NAMES if target in found)
    if LATHE_RANK not in metadata:
        return LoRASpec(rank=rank, alpha=file_alpha or float(rank), targets=targets)
    problems: List[str] = []
    spec: Optional[LoRASpec] = None
    try:
        spec = LoRASpec(rank=metadata[LATHE_RANK], alpha=metadata.get(LATHE_ALPHA), dropout=metadata.get(LATHE_DROPOUT, 0.0),
                        rslora=metadata.get(LATHE_RSLORA, False), targets=tuple(metadata.get(LATHE_TARGETS, targets)))
    except LoRAError as error:
        problems += error.problems
    if spec is not None:
        if spec.rank != rank:
            problems.append(f"{LATHE_RANK} is {spec.rank} but the tensors have rank {rank}")
        if not math.isclose(spec.gguf_alpha, file_alpha, rel_tol=1e-6):
            problems.append(f"{KEY_ALPHA} is {file_alpha}; the settings in {LATHE_ALPHA} give {spec.gguf_alpha}")
        if set(spec.targets) != found:
            problems.append(f"{LATHE_TARGETS} says {_ordered(spec.targets)}; the tensors adapt {_ordered(found)}")
    if problems or spec is None:
        raise LoRAError.listing(f"The adapter {path}", problems, "invalid_file")
    return spec


def _module_order(name: str) -> Tuple[int, int, str]:
    """Sort key: block number, then q, k, v, o, gate, up, down."""
    match = _MODULE_NAME.match(name)
    if match is None:
        return (1 << 30, 0, name)
    return (int(match.group(1)), TARGET_NAMES.index(_GGUF_TARGETS[match.group(2)]), name)


def _ordered(targets: Any) -> str:
    chosen = set(targets)
    return ", ".join(target for target in TARGET_NAMES if target in chosen) or "nothing"
