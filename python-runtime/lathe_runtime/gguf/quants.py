"""Tensor data encodings of GGUF: float32 values to ggml's stored bytes and back.

Covers F32, F16, BF16, Q8_0 (here), the 32-value block types Q4_0, Q4_1, Q5_0, Q5_1
(``legacy_quants.py``) and the k-quants Q2_K–Q6_K (``k_quants.py``), in torch only (numpy
stays optional, DESIGN §4), vectorized over blocks and on whatever device the bytes are.
Data is little-endian, like every GGUF file this runtime reads or writes. Exercised by
``tests/python-runtime/test_gguf.py`` and ``test_quants.py`` (``node scripts/pytest.mjs``).

Q8_0 follows ggml's reference quantizer (``quantize_row_q8_0_ref`` in ggml-quants.c): values
in blocks of 32, each block stored as ``block_q8_0 { ggml_half d; int8_t qs[32]; }`` where
``d = max|x| / 127`` and ``qs = roundf(x / d)``. Dequantized, ``x ≈ d * qs``.
"""

from __future__ import annotations

from typing import Callable, Dict

import torch

from . import k_quants, legacy_quants
from .constants import BLOCK_SIZES, GGMLType, GGUFError, ggml_type_name

Q8_0_BLOCK = 32
Q8_0_BYTES = BLOCK_SIZES[GGMLType.Q8_0][1]

BlockCodec = Callable[[torch.Tensor], torch.Tensor]

# Block types by their (N, bytes) uint8 → (N, values) float32 dequantizer ...
BLOCK_DEQUANTIZERS: Dict[GGMLType, BlockCodec] = {
    GGMLType.Q4_0: legacy_quants.dequantize_q4_0,
    GGMLType.Q4_1: legacy_quants.dequantize_q4_1,
    GGMLType.Q5_0: legacy_quants.dequantize_q5_0,
    GGMLType.Q5_1: legacy_quants.dequantize_q5_1,
    GGMLType.Q2_K: k_quants.dequantize_q2_k,
    GGMLType.Q3_K: k_quants.dequantize_q3_k,
    GGMLType.Q4_K: k_quants.dequantize_q4_k,
    GGMLType.Q5_K: k_quants.dequantize_q5_k,
    GGMLType.Q6_K: k_quants.dequantize_q6_k,
}
# ... and their (N, values) float32 → (N, bytes) quantizer.
BLOCK_QUANTIZERS: Dict[GGMLType, BlockCodec] = {
    GGMLType.Q4_0: legacy_quants.quantize_q4_0,
    GGMLType.Q4_1: legacy_quants.quantize_q4_1,
    GGMLType.Q5_0: legacy_quants.quantize_q5_0,
    GGMLType.Q5_1: legacy_quants.quantize_q5_1,
    GGMLType.Q2_K: k_quants.quantize_q2_k,
    GGMLType.Q3_K: k_quants.quantize_q3_k,
    GGMLType.Q4_K: k_quants.quantize_q4_k,
    GGMLType.Q5_K: k_quants.quantize_q5_k,
    GGMLType.Q6_K: k_quants.quantize_q6_k,
}

# Types this runtime can write and dequantize.
SUPPORTED_TYPES = (GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0, *BLOCK_DEQUANTIZERS)
# Block types a frozen layer can keep as they are stored (dequantized per use).
QUANTIZED_TYPES = (GGMLType.Q8_0, *BLOCK_DEQUANTIZERS)


def supported_type_names() -> str:
    """The readable types, for messages: ``F32, F16, BF16, Q8_0, Q4_0, ...``."""
    return ", ".join(GGMLType(t).name for t in SUPPORTED_TYPES)


def encode(values: torch.Tensor, ggml_type: GGMLType) -> torch.Tensor:
    """Encode a float tensor as the bytes ggml stores for ``ggml_type``: a flat uint8 tensor.

    The last dimension is ggml's row (``ne[0]``); for a block type it must be a multiple of
    the block (32, or 256 for the k-quants). Conversions round to nearest even, as ggml's own
    F16/BF16 conversions do.
    """
    flat = values.detach().to("cpu").contiguous().reshape(-1)
    if ggml_type == GGMLType.F32:
        stored = flat.to(torch.float32)
    elif ggml_type == GGMLType.F16:
        stored = flat.to(torch.float16)
    elif ggml_type == GGMLType.BF16:
        stored = flat.to(torch.bfloat16)
    elif ggml_type == GGMLType.Q8_0:
        return quantize_q8_0(flat)
    elif ggml_type in BLOCK_QUANTIZERS:
        return quantize_blocks(flat, GGMLType(ggml_type))
    else:
        raise ValueError(f"cannot write {ggml_type_name(ggml_type)} tensors; supported: {supported_type_names()}")
    return stored.view(torch.uint8)


def decode(data: torch.Tensor, ggml_type: int, element_count: int, name: str) -> torch.Tensor:
    """Dequantize the stored bytes ``data`` (flat uint8) of tensor ``name`` to flat float32.

    Raises GGUFError(kind="unsupported") for a type this runtime cannot dequantize yet.
    """
    if ggml_type == GGMLType.F32:
        return data.view(torch.float32).clone()
    if ggml_type == GGMLType.F16:
        return data.view(torch.float16).to(torch.float32)
    if ggml_type == GGMLType.BF16:
        return data.view(torch.bfloat16).to(torch.float32)
    if ggml_type == GGMLType.Q8_0 or ggml_type in BLOCK_DEQUANTIZERS:
        try:
            return dequantize_blocks(data, GGMLType(ggml_type), element_count)
        except ValueError as error:
            raise GGUFError(f"tensor '{name}': {error}") from None
    raise GGUFError(
        f"tensor '{name}' is stored as {ggml_type_name(ggml_type)}; this runtime can read {supported_type_names()}",
        kind="unsupported",
    )


def quantize_blocks(values: torch.Tensor, ggml_type: GGMLType) -> torch.Tensor:
    """Quantize flat float values (a whole number of blocks) to ``ggml_type``, as flat uint8."""
    block_values = BLOCK_SIZES[ggml_type][0]
    if values.numel() % block_values != 0:
        raise ValueError(f"{ggml_type.name} needs a multiple of {block_values} values, got {values.numel()}")
    blocks = values.to(torch.float32).reshape(-1, block_values)
    if not bool(torch.isfinite(blocks).all()):
        raise ValueError(f"cannot quantize NaN or infinite values to {ggml_type.name}")
    return BLOCK_QUANTIZERS[ggml_type](blocks).reshape(-1)


def dequantize_blocks(data: torch.Tensor, ggml_type: GGMLType, element_count: int) -> torch.Tensor:
    """Dequantize flat bytes of a block type holding ``element_count`` values to flat float32.

    Raises ValueError when the bytes are not exactly the blocks those values need (a
    corrupt or cut tensor).
    """
    block_values, block_bytes = BLOCK_SIZES[ggml_type]
    if data.numel() % block_bytes != 0:
        raise ValueError(f"{data.numel()} bytes are not a whole number of {ggml_type.name} blocks ({block_bytes} bytes each)")
    count = data.numel() // block_bytes
    if count * block_values != element_count:
        raise ValueError(f"{count} {ggml_type.name} blocks hold {count * block_values} values, not {element_count}")
    blocks = data.reshape(count, block_bytes)
    if ggml_type == GGMLType.Q8_0:
        return dequantize_q8_0(data, element_count)
    return BLOCK_DEQUANTIZERS[ggml_type](blocks).reshape(-1)


def quantize_q8_0(values: torch.Tensor) -> torch.Tensor:
    """Quantize flat float values (length a multiple of 32) to Q8_0 blocks, as flat uint8."""
    if values.numel() % Q8_0_BLOCK != 0:
        raise ValueError(f"Q8_0 needs a multiple of {Q8_0_BLOCK} values, got {values.numel()}")
    blocks = values.to(torch.float32).reshape(-1, Q8_0_BLOCK)
    if not bool(torch.isfinite(blocks).all()):
        raise ValueError("cannot quantize NaN or infinite values to Q8_0")
    # The scale and its inverse are computed in float32, exactly as ggml does; only the
    # stored scale is rounded to fp16 afterwards (so q uses the unrounded scale).
    amax = blocks.abs().amax(dim=1, keepdim=True)
    scale = amax / 127.0
    inverse = torch.where(scale != 0, 1.0 / scale, torch.zeros_like(scale))
    q = round_half_away_from_zero(blocks * inverse).clamp_(-128, 127).to(torch.int8)
    out = torch.empty((blocks.shape[0], Q8_0_BYTES), dtype=torch.uint8)
    out[:, :2] = scale.to(torch.float16).view(torch.uint8)
    out[:, 2:] = q.view(torch.uint8)
    return out.reshape(-1)


def dequantize_q8_0(data: torch.Tensor, element_count: int) -> torch.Tensor:
    """Dequantize flat Q8_0 bytes holding ``element_count`` values to flat float32."""
    blocks = data.reshape(-1, Q8_0_BYTES)
    if blocks.shape[0] * Q8_0_BLOCK != element_count:
        raise ValueError(f"{blocks.shape[0]} Q8_0 blocks cannot hold {element_count} values")
    # Copy the two-byte scale column first: viewing as fp16 needs contiguous pairs.
    scale = blocks[:, :2].contiguous().view(torch.float16).to(torch.float32)
    q = blocks[:, 2:].contiguous().view(torch.int8).to(torch.float32)
    return (q * scale).reshape(-1)


def round_half_away_from_zero(x: torch.Tensor) -> torch.Tensor:
    """C's ``roundf``: halves round away from zero (torch.round rounds them to even)."""
    truncated = torch.trunc(x)
    # x - trunc(x) is exact in float32, so a tie is recognised exactly.
    tie = (x - truncated).abs() == 0.5
    return torch.where(tie, truncated + torch.sign(x), torch.round(x))
