"""ggml's 32-value block types Q4_0, Q4_1, Q5_0 and Q5_1: dequantizers and quantizers in torch.

Every function works on a 2-D view of whole blocks, one block a row, on any device, with no
Python loop over blocks. Block layouts (ggml's ``ggml-common.h``; all little-endian):

* ``block_q4_0 { half d; uint8 qs[16]; }``: ``x = d * (q - 8)``
* ``block_q4_1 { half d; half m; uint8 qs[16]; }``: ``x = d * q + m``
* ``block_q5_0 { half d; uint8 qh[4]; uint8 qs[16]; }``: ``x = d * (q - 16)``
* ``block_q5_1 { half d; half m; uint8 qh[4]; uint8 qs[16]; }``: ``x = d * q + m``

Value ``j`` of a block (0–15) is the low nibble of ``qs[j]``, value ``j + 16`` its high nibble.
In the 5-bit types, bit ``i`` of the little-endian uint32 ``qh`` is the fifth bit of value
``i``. The quantizers follow the reference ones in spirit (one scale from the block's range);
any byte pattern they write is read identically by llama.cpp. Tested by
``tests/python-runtime/test_quants.py``.
"""

from __future__ import annotations

import torch

BLOCK = 32


def half_at(blocks: torch.Tensor, offset: int) -> torch.Tensor:
    """The fp16 stored at byte ``offset`` of every block, as a float32 column (N, 1)."""
    return blocks[:, offset : offset + 2].contiguous().view(torch.float16).to(torch.float32)


def put_half(out: torch.Tensor, offset: int, values: torch.Tensor) -> torch.Tensor:
    """Store the float column ``values`` (N, 1) as fp16 at byte ``offset``; return it rounded."""
    stored = values.to(torch.float16)
    out[:, offset : offset + 2] = stored.view(torch.uint8).reshape(-1, 2)
    return stored.to(torch.float32)


def nibbles(qs: torch.Tensor) -> torch.Tensor:
    """(N, 16) packed bytes → (N, 32) values 0–15: low nibbles first, then high nibbles."""
    q = qs.to(torch.int32)
    return torch.cat((q & 0x0F, q >> 4), dim=1)


def pack_nibbles(q: torch.Tensor) -> torch.Tensor:
    """The inverse of ``nibbles``: (N, 32) values 0–15 → (N, 16) bytes."""
    q = q.to(torch.int32)
    return (q[:, :16] | (q[:, 16:] << 4)).to(torch.uint8)


def fifth_bits(qh: torch.Tensor) -> torch.Tensor:
    """(N, 4) bytes of a little-endian uint32 → (N, 32) bits, bit ``i`` for value ``i``."""
    shifts = torch.arange(8, device=qh.device, dtype=torch.int32)
    bits = (qh.to(torch.int32)[:, :, None] >> shifts) & 1  # (N, byte, bit)
    return bits.reshape(-1, 32)


def pack_fifth_bits(bits: torch.Tensor) -> torch.Tensor:
    """The inverse of ``fifth_bits``: (N, 32) bits → (N, 4) bytes."""
    weights = 1 << torch.arange(8, device=bits.device, dtype=torch.int32)
    return (bits.to(torch.int32).reshape(-1, 4, 8) * weights).sum(dim=2).to(torch.uint8)


def dequantize_q4_0(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 18) Q4_0 blocks → (N, 32) float32."""
    return half_at(blocks, 0) * (nibbles(blocks[:, 2:18]) - 8).to(torch.float32)


def dequantize_q4_1(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 20) Q4_1 blocks → (N, 32) float32."""
    return half_at(blocks, 0) * nibbles(blocks[:, 4:20]).to(torch.float32) + half_at(blocks, 2)


def dequantize_q5_0(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 22) Q5_0 blocks → (N, 32) float32."""
    q = nibbles(blocks[:, 6:22]) | (fifth_bits(blocks[:, 2:6]) << 4)
    return half_at(blocks, 0) * (q - 16).to(torch.float32)


def dequantize_q5_1(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 24) Q5_1 blocks → (N, 32) float32."""
    q = nibbles(blocks[:, 8:24]) | (fifth_bits(blocks[:, 4:8]) << 4)
    return half_at(blocks, 0) * q.to(torch.float32) + half_at(blocks, 2)


def _quantize_symmetric(values: torch.Tensor, levels: int, out: torch.Tensor) -> torch.Tensor:
    """Codes 0..levels-1 with ``x ≈ d * (q - levels/2)``; d is stored at byte 0.

    As ggml's reference quantizer: the value of largest magnitude maps to the code-0 end
    (d = max / -(levels/2)), so the one extra negative level is used.
    """
    half = levels // 2
    extreme = values.gather(1, values.abs().argmax(dim=1, keepdim=True))
    d = put_half(out, 0, extreme / -half)
    inverse = torch.where(d != 0, 1.0 / d, torch.zeros_like(d))
    return (torch.round(values * inverse) + half).clamp_(0, levels - 1).to(torch.int32)


def _quantize_affine(values: torch.Tensor, levels: int, out: torch.Tensor) -> torch.Tensor:
    """Codes 0..levels-1 with ``x ≈ d * q + m`` over the block's range; d, m at bytes 0, 2."""
    low = values.amin(dim=1, keepdim=True)
    high = values.amax(dim=1, keepdim=True)
    d = put_half(out, 0, (high - low) / (levels - 1))
    m = put_half(out, 2, low)
    inverse = torch.where(d != 0, 1.0 / d, torch.zeros_like(d))
    return torch.round((values - m) * inverse).clamp_(0, levels - 1).to(torch.int32)


def quantize_q4_0(values: torch.Tensor) -> torch.Tensor:
    """(N, 32) float → (N, 18) Q4_0 blocks."""
    out = torch.zeros((values.shape[0], 18), dtype=torch.uint8, device=values.device)
    out[:, 2:18] = pack_nibbles(_quantize_symmetric(values, 16, out))
    return out


def quantize_q4_1(values: torch.Tensor) -> torch.Tensor:
    """(N, 32) float → (N, 20) Q4_1 blocks."""
    out = torch.zeros((values.shape[0], 20), dtype=torch.uint8, device=values.device)
    out[:, 4:20] = pack_nibbles(_quantize_affine(values, 16, out))
    return out


def quantize_q5_0(values: torch.Tensor) -> torch.Tensor:
    """(N, 32) float → (N, 22) Q5_0 blocks."""
    out = torch.zeros((values.shape[0], 22), dtype=torch.uint8, device=values.device)
    q = _quantize_symmetric(values, 32, out)
    out[:, 2:6] = pack_fifth_bits(q >> 4)
    out[:, 6:22] = pack_nibbles(q & 0x0F)
    return out


def quantize_q5_1(values: torch.Tensor) -> torch.Tensor:
    """(N, 32) float → (N, 24) Q5_1 blocks."""
    out = torch.zeros((values.shape[0], 24), dtype=torch.uint8, device=values.device)
    q = _quantize_affine(values, 32, out)
    out[:, 4:8] = pack_fifth_bits(q >> 4)
    out[:, 8:24] = pack_nibbles(q & 0x0F)
    return out
