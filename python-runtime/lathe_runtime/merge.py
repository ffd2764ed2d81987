"""Fold a LoRA adapter into its base model: one GGUF that runs without the adapter.

Usage::

    python -m lathe_runtime merge --base BASE.gguf --adapter ADAPTER.gguf --out OUT.gguf [--type auto]

or ``merge_adapter(base, adapter, out)``. Each adapted weight becomes W' = W + s·B·A with s the
factor llama.cpp applies when it loads the adapter (``adapter.lora.alpha / r``, 1 when the
file's alpha is 0; see ``adapters/gguf_adapter.py``) times the strength asked for.

Layout: the adapter is trained on the GGUF's own weights, so its tensors are already in the
GGUF's layout — for ``llama`` the rows of the q/k B matrices are in llama.cpp's permuted rope
order, like the rows of ``attn_q``/``attn_k`` themselves — and the fold is done there, with no
permutation (the PEFT export is where the permutation is undone; ``adapters/peft_adapter.py``).

Types: ``auto`` keeps every tensor's own type when it is F32, F16, BF16 or Q8_0 and writes F16
otherwise (a K-quant base gains precision rather than being requantized by a quantizer we do
not have); ``f32``/``f16``/``bf16``/``q8_0`` write every matrix in that type (Q8_0 only where the
row length is a multiple of 32, else F16) and vectors (norms, biases) in F32. Every metadata key
is kept; ``general.name`` gains " + LoRA" and ``general.file_type`` follows the matrices' type.
The file is written atomically (``GGUFWriter.write``), so a failed merge leaves nothing behind.
Tested by ``tests/python-runtime/test_merge.py``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

import torch

from .adapters import read_gguf_adapter
from .gguf import GGMLType, GGUFError, GGUFReader, GGUFWriter
from .gguf.constants import ALIGNMENT_KEY
from .lora import LoRAError

PathLike = Union[str, "os.PathLike[str]"]
OUTPUT_TYPES = {"f32": GGMLType.F32, "f16": GGMLType.F16, "bf16": GGMLType.BF16, "q8_0": GGMLType.Q8_0}
KEPT_TYPES = (GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0)
# llama.cpp's llama_ftype for a file whose matrices are all of one type.
FILE_TYPES = {GGMLType.F32: 0, GGMLType.F16: 1, GGMLType.Q8_0: 7, GGMLType.BF16: 32}
NAME_SUFFIX = " + LoRA"
# Torch dtypes the tensors wait in until written: the output's own precision, so a merged
# F16 model is held at 2 bytes a weight (Q8_0 is quantized from float32).
HOLDING = {GGMLType.F32: torch.float32, GGMLType.F16: torch.float16, GGMLType.BF16: torch.bfloat16, GGMLType.Q8_0: torch.float32}


class MergeError(Exception):
    """A merge that cannot be done. ``kind``: ``mismatch`` (the adapter belongs to another
    model), ``invalid_file``, ``unsupported`` or ``invalid_input``; ``problems`` lists each reason."""

    def __init__(self, message: str, kind: str, problems: Optional[List[str]] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.problems = problems or []


def merge_adapter(base: PathLike, adapter: PathLike, out: PathLike, out_type: str = "auto", scale: float = 1.0,
                  progress: Optional[Callable[[float], None]] = None) -> Dict[str, Any]:
    """Write ``out``: the model ``base`` with ``adapter`` folded in at strength ``scale``.

    Returns a summary (path, bytes, merged tensors, the adapter factor, tensor types written).
    Raises MergeError listing every reason the adapter does not fit the model before anything
    is written, and for unreadable files or a type this runtime cannot read.
    """
    if out_type != "auto" and out_type not in OUTPUT_TYPES:
        raise MergeError(f"--type must be auto, {', '.join(OUTPUT_TYPES)}; not {out_type!r}", "invalid_input")
    if not 0 <= scale <= 4:
        raise MergeError(f"the strength must be between 0 and 4, not {scale}", "invalid_input")
    if Path(out).resolve() in (Path(base).resolve(), Path(adapter).resolve()):
        raise MergeError("the merged file must not replace the base model or the adapter", "invalid_input")
    try:
        lora = read_gguf_adapter(adapter)
    except LoRAError as error:
        raise MergeError(str(error), error.kind if error.kind in ("invalid_file", "unsupported") else "invalid_file", list(error.problems)) from None
    # llama.cpp's factor: alpha / r, where a missing or zero alpha means B·A unscaled.
    rank = next(iter(lora.weights.values()))[0].shape[0]
    factor = (lora.file_alpha / rank if lora.file_alpha else 1.0) * scale
    try:
        with GGUFReader(base) as gguf:
            _check_fits(gguf, lora.architecture, lora.weights, os.fspath(base), os.fspath(adapter))
            writer = GGUFWriter(alignment=gguf.alignment)
            types: Counter = Counter()
            plan = {name: _output_type(info.ggml_type, info.dims, out_type) for name, info in gguf.tensors.items()}
            for key, field in gguf.fields.items():
                if key == ALIGNMENT_KEY:
                    continue
                value = field.value
                if key == "general.name" and isinstance(value, str):
                    value += NAME_SUFFIX
                elif key == "general.file_type":
                    value = _file_type(plan, gguf, value)
                writer.add(key, value, field.type, field.element_type)
            if "general.name" not in gguf.fields:
                writer.add("general.name", Path(base).stem + NAME_SUFFIX)
            names = list(gguf.tensors)
            done = [0]

            def merged(name: str) -> Callable[[], torch.Tensor]:
                # Made only as the writer reaches the tensor, so a 7B model is never held in
                # memory whole: one tensor is read, merged, encoded and dropped at a time.
                def make() -> torch.Tensor:
                    values = gguf.tensor(name)
                    pair = lora.weights.get(name[: -len(".weight")]) if name.endswith(".weight") else None
                    if pair is not None:
                        lora_a, lora_b = pair
                        # In float64: the update of a large matrix is a sum of r products per weight.
                        values = (values.double() + factor * (lora_b.double() @ lora_a.double())).float()
                    done[0] += 1
                    if progress is not None:
                        progress(0.95 * done[0] / len(names))
                    return values.to(HOLDING[plan[name]])
                return make

            for name in names:
                info = gguf.tensors[name]
                writer.add_lazy_tensor(name, list(info.shape), merged(name), plan[name])
                types[GGMLType(plan[name]).name] += 1
            size = writer.write(out)
    except GGUFError as error:
        raise MergeError(str(error), "unsupported" if error.kind == "unsupported" else "invalid_file") from None
    if progress is not None:
        progress(1.0)
    return {"path": os.path.abspath(out), "bytes": size, "merged": len(lora.weights), "factor": factor, "types": dict(types)}


def _check_fits(gguf: GGUFReader, architecture: str, weights: Dict[str, Any], base: str, adapter: str) -> None:
    """Every reason the adapter cannot be folded into this model, at once."""
    problems: List[str] = []
    metadata = gguf.metadata
    if metadata.get("general.type") == "adapter":
        problems.append(f"{base} is itself an adapter, not a model")
    model_arch = metadata.get("general.architecture")
    if model_arch != architecture:
        problems.append(f"the adapter was made for architecture {architecture} but the model is {model_arch}")
    for module, (lora_a, lora_b) in weights.items():
        info = gguf.tensors.get(f"{module}.weight")
        if info is None:
            problems.append(f"the model has no tensor {module}.weight")
        elif tuple(info.shape) != (lora_b.shape[0], lora_a.shape[1]):
            problems.append(f"{module}.weight is {'x'.join(map(str, info.shape))} in the model but the adapter changes "
                            f"{lora_b.shape[0]}x{lora_a.shape[1]} (a model of another size)")
        if len(problems) >= 4:
            break
    if problems:
        raise MergeError(f"The adapter {adapter} does not fit {base}: " + "; ".join(problems), "mismatch", problems)


def _output_type(stored: int, dims: Any, out_type: str) -> GGMLType:
    """The type a tensor is written in (see the module docstring)."""
    if out_type == "auto":
        return GGMLType(stored) if stored in KEPT_TYPES else GGMLType.F16
    if len(dims) < 2:
        return GGMLType.F32
    chosen = OUTPUT_TYPES[out_type]
    if chosen == GGMLType.Q8_0 and dims[0] % 32 != 0:
        return GGMLType.F16
    return chosen


def _file_type(plan: Dict[str, GGMLType], gguf: GGUFReader, stored: Any) -> Any:
    """``general.file_type`` for the matrices as written: unchanged when no matrix changed type."""
    matrices = [name for name, info in gguf.tensors.items() if len(info.dims) >= 2]
    if all(plan[name] == gguf.tensors[name].ggml_type for name in matrices):
        return stored
    kinds = Counter(plan[name] for name in matrices)
    return FILE_TYPES.get(kinds.most_common(1)[0][0], stored) if kinds else stored
