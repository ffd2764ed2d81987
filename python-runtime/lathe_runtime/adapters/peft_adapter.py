"""Export a LoRA adapter in PEFT's layout, for people taking it to Hugging Face tools.

Usage::

    export_peft_adapter("out/peft", adapters, config, spec, base_model_name="Llama 3.2 1B")
    # out/peft/adapter_model.safetensors, out/peft/adapter_config.json

Tensor names are PEFT's for a causal LM (``base_model.model.model.layers.N.self_attn.q_proj
.lora_A.weight``, ``…lora_B.weight``; ``self_attn.{q,k,v,o}_proj``, ``mlp.{gate,up,down}_proj``)
with A of shape (r, in) and B of shape (out, r), as PEFT's ``nn.Linear`` layers hold them.
The safetensors file is written here, with no package: an 8-byte little-endian header size,
a JSON header (``dtype``, ``shape``, ``data_offsets`` relative to the data, which are
contiguous; ``__metadata__`` with ``format: pt``, which transformers asks for) padded with
spaces to a multiple of 8 bytes, then the raw little-endian tensor bytes.

Why the q/k rows are un-permuted for ``llama``: llama.cpp's converter
(``convert_hf_to_gguf.py``, ``LlamaModel.permute``) reorders the rows of each Q and K head so
that llama.cpp can rotate adjacent pairs (its NORM rope), where Hugging Face rotates the two
halves of a head (``rotate_half``). The runtime computes in the GGUF layout, so its q/k LoRA
updates B·A are in that row order too. A row permutation P acts on B alone (P(W + B·A) =
P·W + (P·B)·A), which is exactly what ``convert_lora_to_gguf.py`` does to a PEFT adapter;
exporting applies the inverse to the rows of the q and k ``lora_B`` (q per attention head, k
per key/value head) and leaves A alone. ``qwen2`` keeps Hugging Face's layout (llama.cpp uses
NEOX rope for it), so nothing is permuted. Other architectures are refused until their layout
is known.

rsLoRA: PEFT knows it (``use_rslora``), so the spec's own alpha is written, unlike the GGUF
adapter's alpha·sqrt(r).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import struct
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import torch

from ..lora import TARGET_NAMES, LoRAError, LoRALinear, LoRASpec
from ..model.config import DecoderConfig
from ..model.decoder import TARGETS

PathLike = Union[str, "os.PathLike[str]"]
SAFETENSORS_FILE = "adapter_model.safetensors"
CONFIG_FILE = "adapter_config.json"
# Architectures whose GGUF q/k rows llama.cpp's converter permuted (True) or left alone.
PERMUTED_QK: Dict[str, bool] = {"llama": True, "qwen2": False}
HF_MODULES: Dict[str, str] = {
    "q": "self_attn.q_proj",
    "k": "self_attn.k_proj",
    "v": "self_attn.v_proj",
    "o": "self_attn.o_proj",
    "gate": "mlp.gate_proj",
    "up": "mlp.up_proj",
    "down": "mlp.down_proj",
}
SAFETENSORS_DTYPES: Dict[torch.dtype, str] = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
_TORCH_DTYPES = {name: dtype for dtype, name in SAFETENSORS_DTYPES.items()}
_GGUF_TARGETS = {gguf: target for target, gguf in TARGETS.items()}
MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit


def permute_rows(weight: torch.Tensor, head_count: int) -> torch.Tensor:
    """Hugging Face → GGUF row order of a q or k projection (``LlamaModel.permute`` in
    llama.cpp's converter): in each head, row ``s·d/2 + j`` moves to ``2j + s``."""
    rows = weight.shape[0]
    _check_heads(rows, head_count)
    return weight.reshape(head_count, 2, rows // head_count // 2, *weight.shape[1:]).transpose(1, 2).reshape(weight.shape)


def unpermute_rows(weight: torch.Tensor, head_count: int) -> torch.Tensor:
    """GGUF → Hugging Face row order: the inverse of ``permute_rows``."""
    rows = weight.shape[0]
    _check_heads(rows, head_count)
    return weight.reshape(head_count, rows // head_count // 2, 2, *weight.shape[1:]).transpose(1, 2).reshape(weight.shape)


def _check_heads(rows: int, head_count: int) -> None:
    if head_count < 1 or rows % head_count or (rows // head_count) % 2:
        raise ValueError(f"{rows} rows cannot be split into {head_count} heads of an even size")


def peft_tensors(lora_modules: Mapping[str, LoRALinear], config: DecoderConfig) -> Dict[str, torch.Tensor]:
    """The adapter's float32 tensors under PEFT's names, q/k B rows in Hugging Face order."""
    if config.architecture not in PERMUTED_QK:
        raise LoRAError(f"Exporting a PEFT adapter for {config.architecture} models is not supported yet "
                        f"({', '.join(PERMUTED_QK)} are).", kind="unsupported")
    permuted = PERMUTED_QK[config.architecture]
    heads = {"q": config.head_count, "k": config.head_count_kv}
    tensors: Dict[str, torch.Tensor] = {}
    problems: List[str] = []
    for name in sorted(lora_modules, key=_module_order):
        parts = name.split(".")
        if len(parts) != 3 or parts[0] != "blk" or not parts[1].isdigit() or parts[2] not in _GGUF_TARGETS:
            problems.append(f"{name!r} is not a block projection (blk.N.attn_q, …, ffn_down)")
            continue
        target = _GGUF_TARGETS[parts[2]]
        module = lora_modules[name]
        lora_a = module.lora_a.detach().float().cpu().contiguous()
        lora_b = module.lora_b.detach().float().cpu()
        if permuted and target in heads:
            lora_b = unpermute_rows(lora_b, heads[target])
        prefix = f"base_model.model.model.layers.{parts[1]}.{HF_MODULES[target]}"
        tensors[f"{prefix}.lora_A.weight"] = lora_a
        tensors[f"{prefix}.lora_B.weight"] = lora_b.contiguous()
    if problems:
        raise LoRAError.listing("The LoRA adapter cannot be exported", problems)
    return tensors


def peft_config(spec: LoRASpec, base_model_name: Optional[str] = None) -> Dict[str, Any]:
    """``adapter_config.json`` for ``spec``, as PEFT writes it for a LoRA on a causal LM."""
    return {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": base_model_name,
        "r": spec.rank,
        "lora_alpha": spec.alpha,
        "lora_dropout": spec.dropout,
        "use_rslora": spec.rslora,
        "target_modules": [HF_MODULES[target].split(".")[1] for target in TARGET_NAMES if target in spec.targets],
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "modules_to_save": None,
        "use_dora": False,
    }


def export_peft_adapter(folder: PathLike, lora_modules: Mapping[str, LoRALinear], config: DecoderConfig,
                        spec: LoRASpec, base_model_name: Optional[str] = None) -> Dict[str, Path]:
    """Write ``adapter_model.safetensors`` and ``adapter_config.json`` into ``folder``
    (created if needed), each atomically; return their paths by file name.

    ``base_model_name`` is the base model's ``general.name`` (None when it has none).
    """
    tensors = peft_tensors(lora_modules, config)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    weights_path, config_path = target / SAFETENSORS_FILE, target / CONFIG_FILE
    write_safetensors(weights_path, tensors)
    text = json.dumps(peft_config(spec, base_model_name), indent=2) + "\n"
    _write_atomically(config_path, text.encode("utf-8"))
    return {SAFETENSORS_FILE: weights_path, CONFIG_FILE: config_path}


def write_safetensors(path: PathLike, tensors: Mapping[str, torch.Tensor], metadata: Optional[Mapping[str, str]] = None) -> int:
    """Write ``tensors`` (F32, F16 or BF16) as a safetensors file, atomically; return its size.

    Tensors are stored in the order given, back to back.
    """
    if sys.byteorder != "little":
        raise RuntimeError("safetensors files are little-endian; this machine is big-endian")
    header: Dict[str, Any] = {"__metadata__": {"format": "pt", **(metadata or {})}}
    blobs: List[bytes] = []
    offset = 0
    for name, values in tensors.items():
        if values.dtype not in SAFETENSORS_DTYPES:
            raise ValueError(f"tensor {name} is {values.dtype}; F32, F16 and BF16 can be written")
        flat = values.detach().cpu().contiguous().reshape(-1)
        data = _tensor_bytes(flat)
        header[name] = {"dtype": SAFETENSORS_DTYPES[values.dtype], "shape": list(values.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-(8 + len(encoded)) % 8)  # tensor data starts 8-byte aligned
    return _write_atomically(Path(path), struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def read_safetensors(path: PathLike) -> Tuple[Dict[str, torch.Tensor], Dict[str, Any]]:
    """The tensors and the full JSON header of a safetensors file, checking every offset.

    Raises LoRAError(kind ``invalid_file``) for a truncated or malformed file.
    """
    data = Path(path).read_bytes()
    problems: List[str] = []
    if len(data) < 8:
        raise LoRAError(f"{path} is too short to be a safetensors file", kind="invalid_file")
    (size,) = struct.unpack("<Q", data[:8])
    if size > min(MAX_HEADER_BYTES, len(data) - 8):
        raise LoRAError(f"{path}: the header size {size} runs past the end of the file", kind="invalid_file")
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LoRAError(f"{path}: the header is not JSON ({error})", kind="invalid_file") from None
    if not isinstance(header, dict):
        raise LoRAError(f"{path}: the header is not a JSON object", kind="invalid_file")
    body = data[8 + size :]
    tensors: Dict[str, torch.Tensor] = {}
    spans: List[Tuple[int, int, str]] = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _TORCH_DTYPES.get(info.get("dtype")) if isinstance(info, dict) else None
        shape, offsets = (info.get("shape"), info.get("data_offsets")) if isinstance(info, dict) else (None, None)
        if dtype is None or not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2:
            problems.append(f"{name}: needs dtype (F32, F16 or BF16), shape and data_offsets")
            continue
        start, end = offsets
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in (start, end, *shape)):
            problems.append(f"{name}: shape and data_offsets must be whole numbers")
            continue
        count = 1
        for dim in shape:
            count *= dim
        if not 0 <= start <= end <= len(body) or end - start != count * torch.empty(0, dtype=dtype).element_size():
            problems.append(f"{name}: data_offsets {offsets} do not fit its shape {shape} inside {len(body)} bytes")
            continue
        spans.append((start, end, name))
        raw = torch.frombuffer(bytearray(body[start:end]), dtype=torch.uint8) if end > start else torch.empty(0, dtype=torch.uint8)
        tensors[name] = raw.view(dtype).reshape(shape)
    position = 0
    for start, end, name in sorted(spans):
        if start != position:
            problems.append(f"{name} starts at {start}, not where the previous tensor ended ({position})")
        position = end
    if position != len(body) and not problems:
        problems.append(f"{len(body) - position} bytes after the last tensor")
    if problems:
        raise LoRAError.listing(f"The safetensors file {path}", problems, "invalid_file")
    return tensors, header


def _tensor_bytes(flat: torch.Tensor) -> bytes:
    """The bytes of a flat CPU tensor without numpy (DESIGN §4: torch only)."""
    raw = flat.view(torch.uint8)
    buffer = bytearray(raw.numel())
    if buffer:
        torch.frombuffer(buffer, dtype=torch.uint8).copy_(raw)
    return bytes(buffer)


def _write_atomically(path: Path, content: bytes) -> int:
    """Write ``content`` to a temp file beside ``path``, then rename it into place."""
    temp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return len(content)


def _module_order(name: str) -> Tuple[int, int, str]:
    parts = name.split(".")
    if len(parts) == 3 and parts[1].isdigit() and parts[2] in _GGUF_TARGETS:
        return (int(parts[1]), TARGET_NAMES.index(_GGUF_TARGETS[parts[2]]), name)
    return (1 << 30, 0, name)
