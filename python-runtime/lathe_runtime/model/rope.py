"""Rotary position embedding computed the way llama.cpp's CPU backend computes it.

Usage::

    rope = RotaryEmbedding(config)                 # one per decoder
    cos, sin = rope.tables(positions)              # positions: (B, T) integer tensor
    q = rope.rotate(q, cos, sin)                   # q: (B, T, heads, head_dim)

What llama.cpp does (``ggml/src/ggml-cpu/ops.cpp``: ``ggml_rope_cache_init``, ``rope_yarn``,
``rotate_pairs``), and so what this module does:

* angles are built in float32, one frequency after another: ``theta_0 = p`` and
  ``theta_{i+1} = theta_i * base^(-2/n_rot)`` (a running product, not ``p * base^(-2i/n)``;
  the two differ in the last bits, which grow with the position);
* llama 3.x's ``rope_freqs.weight`` divides each angle (``theta / ff[i]``), then linear scaling
  multiplies it by ``freq_scale`` (1 / the scaling factor);
* cos and sin are multiplied by ``attn_factor``;
* NORM rope (llama) rotates adjacent pairs ``(x[2i], x[2i+1])``; NEOX rope (qwen2) rotates
  ``(x[i], x[i + n_rot/2])``; values past ``n_rot`` pass through.
"""

from __future__ import annotations

from typing import Optional, Tuple

import torch
from torch import nn

from .config import ROPE_NEOX, ROPE_NORM, DecoderConfig


class RotaryEmbedding(nn.Module):
    """Rope tables for one decoder, cached per device and grown as longer positions come.

    ``freq_factors`` is llama 3.x's ``rope_freqs.weight`` (n_rot/2 divisors) when the model
    has one; the loader fills it.
    """

    freq_factors: Optional[torch.Tensor]

    def __init__(self, config: DecoderConfig) -> None:
        super().__init__()
        self.config = config
        half = config.rotary_dim // 2
        factors = torch.ones(half) if config.rope_freq_factors else None
        self.register_buffer("freq_factors", factors, persistent=False)
        self._cache: Optional[Tuple[torch.Tensor, torch.Tensor]] = None

    def reset(self) -> None:
        """Forget cached tables (after ``freq_factors`` or the config changed)."""
        self._cache = None

    def _apply(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        # model.to(torch.bfloat16) would round the rope divisors; ggml reads them as float32,
        # so they follow the model's device but keep their dtype.
        factors = self.freq_factors
        result = super()._apply(fn, *args, **kwargs)
        if factors is not None and self.freq_factors is not None:
            self.freq_factors = factors.to(device=self.freq_factors.device, dtype=torch.float32)
        self._cache = None
        return result

    def tables(self, positions: torch.Tensor, length: Optional[int] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """cos and sin for integer ``positions`` (any shape ``S``), each of shape ``S + (n_rot/2,)``.

        ``length``, when given, bounds the positions (all below it): it saves reading their
        maximum back from the device.
        """
        if length is None:
            length = int(positions.max().item()) + 1 if positions.numel() else 1
        cache = self._cache
        if cache is None or cache[0].shape[0] < length or cache[0].device != positions.device:
            size = max(length, 2 * (cache[0].shape[0] if cache is not None else 0), 64)
            cache = self._build(size, positions.device)
            self._cache = cache
        return cache[0][positions], cache[1][positions]

    def _build(self, length: int, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
        config = self.config
        n_rot = config.rotary_dim
        f32 = torch.float32
        # powf(freq_base, -2.0f/n_dims): the float32 base to a float32 exponent.
        theta_scale = torch.pow(torch.tensor(config.rope_base, dtype=f32), torch.tensor(-2.0 / n_rot, dtype=f32)).to(device)
        theta = torch.arange(length, dtype=f32, device=device)
        columns = []
        for _ in range(n_rot // 2):
            columns.append(theta)
            theta = theta * theta_scale  # a float32 running product, as ggml's loop
        angles = torch.stack(columns, dim=-1)
        if self.freq_factors is not None:
            angles = angles / self.freq_factors.to(device=device, dtype=f32)
        freq_scale = torch.tensor(config.rope_freq_scale, dtype=f32, device=device)
        angles = freq_scale * angles
        mscale = torch.tensor(config.rope_attn_factor, dtype=f32, device=device)
        return torch.cos(angles) * mscale, torch.sin(angles) * mscale

    def rotate(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """Rotate ``x`` of shape (B, T, heads, head_dim) by tables of shape (B, T, n_rot/2),
        in float32, returning ``x``'s dtype."""
        return apply_rope(x, cos, sin, self.config.rope_style, self.config.rotary_dim)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, style: str, n_rot: int) -> torch.Tensor:
    """Rotate the first ``n_rot`` values of each head of ``x`` (B, T, heads, head_dim) in the
    pairs ``style`` names (``norm`` or ``neox``); cos/sin are (B, T, n_rot/2)."""
    dtype = x.dtype
    rotated, rest = x[..., :n_rot].float(), x[..., n_rot:]
    cos, sin = cos.unsqueeze(2), sin.unsqueeze(2)  # broadcast over heads
    if style == ROPE_NORM:
        pairs = rotated.unflatten(-1, (n_rot // 2, 2))
        x0, x1 = pairs[..., 0], pairs[..., 1]
        out = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)
    elif style == ROPE_NEOX:
        x0, x1 = rotated[..., : n_rot // 2], rotated[..., n_rot // 2 :]
        out = torch.cat((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
    else:
        raise ValueError(f"unknown rope style {style!r}; expected {ROPE_NORM!r} or {ROPE_NEOX!r}")
    out = out.to(dtype)
    return out if rest.shape[-1] == 0 else torch.cat((out, rest), dim=-1)
