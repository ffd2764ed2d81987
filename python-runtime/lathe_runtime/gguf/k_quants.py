"""ggml's k-quants Q2_K, Q3_K, Q4_K, Q5_K and Q6_K: dequantizers and quantizers in torch.

A k-quant block ("super-block") holds 256 values in sub-blocks of 16 or 32, each with its own
small integer scale (and min), and one or two fp16 factors for the whole block. Layouts, as
in ggml's ``ggml-common.h`` (byte order of the fields as listed):

* ``block_q2_K { uint8 scales[16]; uint8 qs[64]; half d; half dmin; }`` (84 bytes): 16
  sub-blocks of 16, a 4-bit scale (low nibble) and 4-bit min (high nibble) each;
  ``x = d·sc·q − dmin·m`` with 2-bit q.
* ``block_q3_K { uint8 hmask[32]; uint8 qs[64]; uint8 scales[12]; half d; }`` (110): 16
  sub-blocks of 16 with 6-bit signed scales (stored + 32); ``x = d·(sc − 32)·(q − 4)`` with a
  3-bit q whose top bit lives in ``hmask``.
* ``block_q4_K { half d; half dmin; uint8 scales[12]; uint8 qs[128]; }`` (144): 8
  sub-blocks of 32 with 6-bit scales and mins packed as ``get_scale_min_k4`` reads them;
  ``x = d·sc·q − dmin·m`` with 4-bit q.
* ``block_q5_K { half d; half dmin; uint8 scales[12]; uint8 qh[32]; uint8 qs[128]; }``
  (176): Q4_K plus a fifth bit per value in ``qh``.
* ``block_q6_K { uint8 ql[128]; uint8 qh[64]; int8 scales[16]; half d; }`` (210): 16
  sub-blocks of 16 with int8 scales; ``x = d·sc·(q − 32)`` with 6-bit q.

Where each value's bits sit: Q2_K/Q3_K/Q6_K walk the block in two halves of 128 (``n``),
each as four runs of 32 (``j``): value ``128n + 32j + l`` takes bits ``2j`` of byte ``32n + l``
of ``qs`` (Q6_K: the nibble ``j // 2`` of ``ql[64n + 32(j % 2) + l]`` and bits ``2j`` of
``qh[32n + l]``); Q3_K's top bit is bit ``4n + j`` of ``hmask[l]``. Q4_K/Q5_K walk four runs
of 64 (``j``), each two runs of 32 (``h``): value ``64j + 32h + l`` is nibble ``h`` of
``qs[32j + l]``, with Q5_K's fifth bit at bit ``2j + h`` of ``qh[l]``. In every type the
sub-block of a value is simply its index divided by the sub-block size.

Dequantizers take (N, bytes) uint8 and return (N, 256) float32 on the same device, with no
Python loop over blocks. The quantizers pick scales from each sub-block's range (simpler
than ggml's search for the best scale, so a little less accurate); what they write is a
valid block that llama.cpp reads exactly as the dequantizers here do. Tested by
``tests/python-runtime/test_quants.py`` and, against llama.cpp, ``test_model_parity.py``.
"""

from __future__ import annotations

from typing import Tuple

import torch

from .legacy_quants import half_at, put_half

QK_K = 256


def _shifts(shape: Tuple[int, ...], values: torch.Tensor, device: torch.device) -> torch.Tensor:
    return values.to(device=device, dtype=torch.int32).reshape(shape)


def _safe_divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.where(b != 0, a / torch.where(b != 0, b, torch.ones_like(b)), torch.zeros_like(a))


def _per_value(scales: torch.Tensor, size: int) -> torch.Tensor:
    """(N, ...) per-sub-block numbers → repeated for each of the ``size`` values they cover."""
    return scales.repeat_interleave(size, dim=-1)


# --- the packed 6-bit scales ---------------------------------------------------------------


def unpack_scale_min_k4(packed: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Q4_K/Q5_K's 12 bytes → 8 scales and 8 mins (each (N, 8), 0–63), as ggml's
    ``get_scale_min_k4``: sub-blocks 0–3 in the low 6 bits of bytes 0–3 (scales) and 4–7
    (mins); sub-blocks 4–7 as a nibble of bytes 8–11 plus the top 2 bits of bytes 0–7."""
    q = packed.to(torch.int32)
    scales = torch.cat((q[:, 0:4] & 63, (q[:, 8:12] & 0x0F) | ((q[:, 0:4] >> 6) << 4)), dim=1)
    mins = torch.cat((q[:, 4:8] & 63, (q[:, 8:12] >> 4) | ((q[:, 4:8] >> 6) << 4)), dim=1)
    return scales, mins


def pack_scale_min_k4(scales: torch.Tensor, mins: torch.Tensor) -> torch.Tensor:
    """The inverse of ``unpack_scale_min_k4``: (N, 8) scales and mins 0–63 → (N, 12) bytes."""
    s, m = scales.to(torch.int32), mins.to(torch.int32)
    first = s[:, 0:4] | ((s[:, 4:8] >> 4) << 6)
    second = m[:, 0:4] | ((m[:, 4:8] >> 4) << 6)
    third = (s[:, 4:8] & 0x0F) | ((m[:, 4:8] & 0x0F) << 4)
    return torch.cat((first, second, third), dim=1).to(torch.uint8)


def unpack_q3_k_scales(packed: torch.Tensor) -> torch.Tensor:
    """Q3_K's 12 bytes → 16 scales (N, 16), 0–63: the low nibbles of scale ``i`` are nibble
    ``i // 8`` of byte ``i % 8``, its top 2 bits are bits ``2(i // 4)`` of byte ``8 + i % 4``."""
    q = packed.to(torch.int32)
    low = torch.cat((q[:, 0:8] & 0x0F, q[:, 0:8] >> 4), dim=1)
    shifts = _shifts((1, 4, 1), torch.arange(0, 8, 2), packed.device)
    high = ((q[:, None, 8:12] >> shifts) & 3).reshape(-1, 16)  # index 4·(i // 4) + i % 4 = i
    return low | (high << 4)


def pack_q3_k_scales(scales: torch.Tensor) -> torch.Tensor:
    """The inverse of ``unpack_q3_k_scales``: (N, 16) values 0–63 → (N, 12) bytes."""
    s = scales.to(torch.int32)
    low = (s[:, 0:8] & 0x0F) | ((s[:, 8:16] & 0x0F) << 4)
    shifts = _shifts((1, 4, 1), torch.arange(0, 8, 2), scales.device)
    high = (((s >> 4) & 3).reshape(-1, 4, 4) << shifts).sum(dim=1)
    return torch.cat((low, high), dim=1).to(torch.uint8)


# --- dequantizers ------------------------------------------------------------------------


def _two_bit_runs(qs: torch.Tensor) -> torch.Tensor:
    """(N, 64) bytes → (N, 2, 4, 32) 2-bit codes: [n, j, l] = bits 2j of byte 32n + l."""
    shifts = _shifts((1, 1, 4, 1), torch.arange(0, 8, 2), qs.device)
    return (qs.to(torch.int32).reshape(-1, 2, 1, 32) >> shifts) & 3


def dequantize_q2_k(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 84) Q2_K blocks → (N, 256) float32."""
    sc = blocks[:, 0:16].to(torch.int32)
    q = _two_bit_runs(blocks[:, 16:80]).reshape(-1, QK_K).to(torch.float32)
    d, dmin = half_at(blocks, 80), half_at(blocks, 82)
    scale = _per_value(d * (sc & 0x0F).to(torch.float32), 16)
    low = _per_value(dmin * (sc >> 4).to(torch.float32), 16)
    return scale * q - low


def dequantize_q3_k(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 110) Q3_K blocks → (N, 256) float32."""
    low = _two_bit_runs(blocks[:, 32:96])
    shifts = _shifts((1, 2, 4, 1), torch.arange(8), blocks.device)  # bit 4n + j
    high = (blocks[:, 0:32].to(torch.int32).reshape(-1, 1, 1, 32) >> shifts) & 1
    q = (low + 4 * high - 4).reshape(-1, QK_K).to(torch.float32)
    scales = (unpack_q3_k_scales(blocks[:, 96:108]) - 32).to(torch.float32)
    return _per_value(half_at(blocks, 108) * scales, 16) * q


def _nibble_runs(qs: torch.Tensor) -> torch.Tensor:
    """(N, 128) bytes → (N, 4, 2, 32) 4-bit codes: [j, h, l] = nibble h of byte 32j + l."""
    shifts = _shifts((1, 1, 2, 1), torch.tensor([0, 4]), qs.device)
    return (qs.to(torch.int32).reshape(-1, 4, 1, 32) >> shifts) & 0x0F


def _scale_min_dequantize(blocks: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    d, dmin = half_at(blocks, 0), half_at(blocks, 2)
    scales, mins = unpack_scale_min_k4(blocks[:, 4:16])
    scale = _per_value(d * scales.to(torch.float32), 32)
    low = _per_value(dmin * mins.to(torch.float32), 32)
    return scale * q.reshape(-1, QK_K).to(torch.float32) - low


def dequantize_q4_k(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 144) Q4_K blocks → (N, 256) float32."""
    return _scale_min_dequantize(blocks, _nibble_runs(blocks[:, 16:144]))


def _fifth_bit_runs(qh: torch.Tensor) -> torch.Tensor:
    """(N, 32) bytes → (N, 4, 2, 32) bits: [j, h, l] = bit 2j + h of byte l."""
    shifts = _shifts((1, 4, 2, 1), torch.arange(8), qh.device)
    return (qh.to(torch.int32).reshape(-1, 1, 1, 32) >> shifts) & 1


def dequantize_q5_k(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 176) Q5_K blocks → (N, 256) float32."""
    q = _nibble_runs(blocks[:, 48:176]) | (_fifth_bit_runs(blocks[:, 16:48]) << 4)
    return _scale_min_dequantize(blocks, q)


def _q6_k_codes(ql: torch.Tensor, qh: torch.Tensor) -> torch.Tensor:
    """(N, 128) ql and (N, 64) qh → (N, 2, 4, 32) 6-bit codes [n, j, l]."""
    lows = ql.to(torch.int32).reshape(-1, 2, 1, 2, 32)  # [n, ·, j % 2, l]
    nibble = _shifts((1, 1, 2, 1, 1), torch.tensor([0, 4]), ql.device)  # j // 2
    low = ((lows >> nibble) & 0x0F).reshape(-1, 2, 4, 32)
    shifts = _shifts((1, 1, 4, 1), torch.arange(0, 8, 2), qh.device)
    high = (qh.to(torch.int32).reshape(-1, 2, 1, 32) >> shifts) & 3
    return low | (high << 4)


def dequantize_q6_k(blocks: torch.Tensor) -> torch.Tensor:
    """(N, 210) Q6_K blocks → (N, 256) float32."""
    q = (_q6_k_codes(blocks[:, 0:128], blocks[:, 128:192]) - 32).reshape(-1, QK_K).to(torch.float32)
    scales = blocks[:, 192:208].contiguous().view(torch.int8).to(torch.float32)
    return _per_value(half_at(blocks, 208) * scales, 16) * q


# --- quantizers -------------------------------------------------------------------------


def _affine_sub_blocks(values: torch.Tensor, size: int, levels: int, scale_bits: int,
                       out: torch.Tensor, d_at: int, dmin_at: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Scales, mins (integers 0..2^bits−1) and codes 0..levels for ``x ≈ d·sc·q − dmin·m``.

    Each sub-block spans its range, with the min clamped to ≤ 0 as ggml does (so m ≥ 0); the
    super-block factors d and dmin are stored (fp16) at ``d_at`` / ``dmin_at`` of ``out``.
    """
    top = (1 << scale_bits) - 1
    sub = values.reshape(values.shape[0], -1, size)
    low = sub.amin(dim=2).clamp(max=0.0)
    scale = (sub.amax(dim=2) - low) / levels
    d = put_half(out, d_at, scale.amax(dim=1, keepdim=True) / top)
    dmin = put_half(out, dmin_at, (-low).amax(dim=1, keepdim=True) / top)
    sc = torch.round(_safe_divide(scale, d)).clamp_(0, top)
    m = torch.round(_safe_divide(-low, dmin)).clamp_(0, top)
    step, offset = _per_value(d * sc, size), _per_value(dmin * m, size)
    q = torch.round(_safe_divide(values + offset, step)).clamp_(0, levels)
    return sc.to(torch.int32), m.to(torch.int32), q.to(torch.int32)


def _symmetric_sub_blocks(values: torch.Tensor, half: int, scale_top: int,
                          out: torch.Tensor, d_at: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Signed scales (−scale_top−1..scale_top) and codes −half..half−1 for ``x ≈ d·sc·q``
    over sub-blocks of 16: the value of largest magnitude maps to −half, as ggml's quantizers."""
    sub = values.reshape(values.shape[0], -1, 16)
    extreme = sub.gather(2, sub.abs().argmax(dim=2, keepdim=True)).squeeze(2)
    scale = extreme / -half
    d = put_half(out, d_at, scale.abs().amax(dim=1, keepdim=True) / scale_top)
    sc = torch.round(_safe_divide(scale, d)).clamp_(-scale_top - 1, scale_top)
    q = torch.round(_safe_divide(values, _per_value(d * sc, 16))).clamp_(-half, half - 1)
    return sc.to(torch.int32), q.to(torch.int32)


def _pack_two_bit_runs(q: torch.Tensor) -> torch.Tensor:
    """The inverse of ``_two_bit_runs``: (N, 256) codes 0–3 → (N, 64) bytes."""
    shifts = _shifts((1, 1, 4, 1), torch.arange(0, 8, 2), q.device)
    return (q.reshape(-1, 2, 4, 32) << shifts).sum(dim=2).reshape(-1, 64).to(torch.uint8)


def _pack_nibble_runs(q: torch.Tensor) -> torch.Tensor:
    """The inverse of ``_nibble_runs``: (N, 256) codes 0–15 → (N, 128) bytes."""
    runs = q.reshape(-1, 4, 2, 32)
    return (runs[:, :, 0] | (runs[:, :, 1] << 4)).reshape(-1, 128).to(torch.uint8)


def quantize_q2_k(values: torch.Tensor) -> torch.Tensor:
    """(N, 256) float → (N, 84) Q2_K blocks."""
    out = torch.zeros((values.shape[0], 84), dtype=torch.uint8, device=values.device)
    sc, m, q = _affine_sub_blocks(values, 16, 3, 4, out, 80, 82)
    out[:, 0:16] = (sc | (m << 4)).to(torch.uint8)
    out[:, 16:80] = _pack_two_bit_runs(q)
    return out


def quantize_q3_k(values: torch.Tensor) -> torch.Tensor:
    """(N, 256) float → (N, 110) Q3_K blocks."""
    out = torch.zeros((values.shape[0], 110), dtype=torch.uint8, device=values.device)
    sc, q = _symmetric_sub_blocks(values, 4, 31, out, 108)
    u = q + 4  # 0..7
    shifts = _shifts((1, 2, 4, 1), torch.arange(8), values.device)
    out[:, 0:32] = ((u >> 2).reshape(-1, 2, 4, 32) << shifts).sum(dim=(1, 2)).to(torch.uint8)
    out[:, 32:96] = _pack_two_bit_runs(u & 3)
    out[:, 96:108] = pack_q3_k_scales(sc + 32)
    return out


def quantize_q4_k(values: torch.Tensor) -> torch.Tensor:
    """(N, 256) float → (N, 144) Q4_K blocks."""
    out = torch.zeros((values.shape[0], 144), dtype=torch.uint8, device=values.device)
    sc, m, q = _affine_sub_blocks(values, 32, 15, 6, out, 0, 2)
    out[:, 4:16] = pack_scale_min_k4(sc, m)
    out[:, 16:144] = _pack_nibble_runs(q)
    return out


def quantize_q5_k(values: torch.Tensor) -> torch.Tensor:
    """(N, 256) float → (N, 176) Q5_K blocks."""
    out = torch.zeros((values.shape[0], 176), dtype=torch.uint8, device=values.device)
    sc, m, q = _affine_sub_blocks(values, 32, 31, 6, out, 0, 2)
    out[:, 4:16] = pack_scale_min_k4(sc, m)
    shifts = _shifts((1, 4, 2, 1), torch.arange(8), values.device)
    out[:, 16:48] = ((q >> 4).reshape(-1, 4, 2, 32) << shifts).sum(dim=(1, 2)).to(torch.uint8)
    out[:, 48:176] = _pack_nibble_runs(q & 0x0F)
    return out


def quantize_q6_k(values: torch.Tensor) -> torch.Tensor:
    """(N, 256) float → (N, 210) Q6_K blocks."""
    out = torch.zeros((values.shape[0], 210), dtype=torch.uint8, device=values.device)
    sc, q = _symmetric_sub_blocks(values, 32, 127, out, 208)
    u = (q + 32).reshape(-1, 2, 2, 2, 32)  # [n, j // 2, j % 2, l]
    out[:, 0:128] = ((u[:, :, 0] & 0x0F) | ((u[:, :, 1] & 0x0F) << 4)).reshape(-1, 128).to(torch.uint8)
    shifts = _shifts((1, 1, 4, 1), torch.arange(0, 8, 2), values.device)
    out[:, 128:192] = (((q + 32) >> 4).reshape(-1, 2, 4, 32) << shifts).sum(dim=2).reshape(-1, 64).to(torch.uint8)
    out[:, 192:208] = sc.to(torch.int8).view(torch.uint8)
    return out
