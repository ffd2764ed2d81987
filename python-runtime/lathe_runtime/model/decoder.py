"""One config-driven decoder for every supported family (llama, qwen2), computing what
llama.cpp computes (its graphs: ``src/models/llama.cpp``, ``src/models/qwen2.cpp``).

Usage::

    model, config = load_decoder("model.gguf")          # see load.py; weights frozen
    logits = model(tokens)                              # tokens: (B, T) int64 -> (B, T, vocab)
    logits = model(tokens, segment_ids=segments)        # packed examples, see below
    for block in model.named_targets():                 # what LoRA wraps, per block
        block["q"], block["down"]

A block is ``x + attn(attn_norm(x))`` then ``h + ffn(ffn_norm(h))``: RMS norms, q/k/v/o
projections (q/k/v biases per switch), rope in the family's layout, causal attention with
grouped-query heads (query head ``h`` reads key/value head ``h // (heads / kv_heads)``, ggml's
broadcast), and a SwiGLU feed-forward ``down(silu(gate(x)) * up(x))``. The output projection
is ``output.weight``, or the token embedding when the file has none (tied).

Module names map one to one to GGUF tensor names (``blocks.3.attn_q.weight`` is
``blk.3.attn_q.weight``; see ``gguf_tensor_name``), and every projection is a plain
``nn.Linear`` called as a module, so a LoRA wrapper can replace it (``TARGETS``).

Packing: ``segment_ids`` (B, T) marks which example each token belongs to. Each contiguous run
of equal ids is one example: tokens attend only to earlier tokens of their own run, and
positions restart at 0 in each run, so a packed row computes exactly what each example
computes alone.

Attention uses ``torch.nn.functional.scaled_dot_product_attention`` where torch has it (2.x),
else an exact float32 fallback; ``Decoder.attention`` picks ("auto", "sdpa", "math").
"""

from __future__ import annotations

import contextlib
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .config import DecoderConfig
from .rope import RotaryEmbedding

# LoRA target names (as PEFT and the app call them) → the block's attribute / GGUF name.
TARGETS: Dict[str, str] = {
    "q": "attn_q",
    "k": "attn_k",
    "v": "attn_v",
    "o": "attn_output",
    "gate": "ffn_gate",
    "up": "ffn_up",
    "down": "ffn_down",
}
ATTENTION_IMPLEMENTATIONS = ("auto", "sdpa", "math")


def has_sdpa() -> bool:
    """Whether this torch has fused attention (torch 2.x); checked by feature, not version."""
    return hasattr(F, "scaled_dot_product_attention")


def gguf_tensor_name(parameter_name: str) -> str:
    """The GGUF tensor name of a decoder parameter: ``blocks.3.attn_q.weight`` → ``blk.3.attn_q.weight``."""
    return "blk." + parameter_name[len("blocks.") :] if parameter_name.startswith("blocks.") else parameter_name


def parameter_name(tensor_name: str) -> str:
    """The decoder parameter of a GGUF tensor name (the inverse of ``gguf_tensor_name``)."""
    return "blocks." + tensor_name[len("blk.") :] if tensor_name.startswith("blk.") else tensor_name


class RMSNorm(nn.Module):
    """``x / sqrt(mean(x²) + eps) * weight``, computed in float32 as ggml's ``rms_norm``."""

    def __init__(self, dim: int, eps: float, device: Optional[torch.device] = None, dtype: Optional[torch.dtype] = None) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim, device=device, dtype=dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (normed * self.weight.float()).to(x.dtype)


class Block(nn.Module):
    """One transformer block; attribute names are llama.cpp's tensor names."""

    def __init__(self, config: DecoderConfig, device: Optional[torch.device] = None, dtype: Optional[torch.dtype] = None) -> None:
        super().__init__()
        self.config = config
        kw = {"device": device, "dtype": dtype}
        dim, bias = config.embedding_dim, config.qkv_bias
        self.attn_norm = RMSNorm(dim, config.rms_norm_eps, **kw)
        self.attn_q = nn.Linear(dim, config.q_dim, bias=bias, **kw)
        self.attn_k = nn.Linear(dim, config.kv_dim, bias=bias, **kw)
        self.attn_v = nn.Linear(dim, config.kv_dim, bias=bias, **kw)
        self.attn_output = nn.Linear(config.q_dim, dim, bias=False, **kw)
        self.ffn_norm = RMSNorm(dim, config.rms_norm_eps, **kw)
        self.ffn_gate = nn.Linear(dim, config.ffn_dim, bias=False, **kw)
        self.ffn_up = nn.Linear(dim, config.ffn_dim, bias=False, **kw)
        self.ffn_down = nn.Linear(config.ffn_dim, dim, bias=False, **kw)

    def named_targets(self) -> Dict[str, nn.Module]:
        """The block's projections by LoRA target name (``TARGETS``)."""
        return {target: getattr(self, attribute) for target, attribute in TARGETS.items()}

    def forward(self, x: torch.Tensor, rope: RotaryEmbedding, cos: torch.Tensor, sin: torch.Tensor,
                mask: Optional[torch.Tensor], attention: str) -> torch.Tensor:
        config = self.config
        batch, length, _ = x.shape
        h = self.attn_norm(x)
        q = self.attn_q(h).view(batch, length, config.head_count, config.head_dim)
        k = self.attn_k(h).view(batch, length, config.head_count_kv, config.head_dim)
        v = self.attn_v(h).view(batch, length, config.head_count_kv, config.head_dim)
        q, k = rope.rotate(q, cos, sin), rope.rotate(k, cos, sin)
        # (B, T, heads, d) → (B, heads, T, d); key/value heads repeated for grouped queries.
        q, k, v = q.transpose(1, 2), repeat_kv(k.transpose(1, 2), config), repeat_kv(v.transpose(1, 2), config)
        attended = causal_attention(q, k, v, mask, config.softmax_scale, attention)
        x = x + self.attn_output(attended.transpose(1, 2).reshape(batch, length, config.q_dim))
        h = self.ffn_norm(x)
        return x + self.ffn_down(F.silu(self.ffn_gate(h)) * self.ffn_up(h))


def repeat_kv(x: torch.Tensor, config: DecoderConfig) -> torch.Tensor:
    """(B, kv_heads, T, d) → (B, heads, T, d): query head ``h`` gets kv head ``h // group``."""
    group = config.head_count // config.head_count_kv
    if group == 1:
        return x
    batch, kv_heads, length, dim = x.shape
    return x[:, :, None].expand(batch, kv_heads, group, length, dim).reshape(batch, kv_heads * group, length, dim)


def causal_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: Optional[torch.Tensor],
                     scale: float, attention: str = "auto") -> torch.Tensor:
    """softmax(q·kᵀ·scale + causal/segment mask)·v for (B, heads, T, d) inputs.

    ``mask`` is None for plain causal attention, else a bool (B, 1, T, T) tensor, True where a
    query may attend to a key. ``attention``: "sdpa" (torch 2.x), "math" (float32 matmul +
    mask + softmax), or "auto" (sdpa when present).
    """
    if attention not in ATTENTION_IMPLEMENTATIONS:
        raise ValueError(f"unknown attention {attention!r}; choose from {', '.join(ATTENTION_IMPLEMENTATIONS)}")
    use_sdpa = attention == "sdpa" or (attention == "auto" and has_sdpa())
    if use_sdpa:
        if not has_sdpa():
            raise RuntimeError("this torch has no scaled_dot_product_attention (it came with torch 2.0); use attention='math'")
        # SDPA's default scale is 1/sqrt(d); a model with another scale gets it folded into q
        # (the `scale` argument only exists from torch 2.1).
        default = q.shape[-1] ** -0.5
        if abs(scale - default) > 1e-12 * default:
            q = q * (scale / default)
        if mask is None:
            return F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    length = q.shape[-2]
    # Autocast would cast these float32 matmuls back down to bf16/fp16 (matmul is on its
    # lower-precision list), so the fallback is switched out of it to stay exact.
    with _autocast_off(q.device.type):
        scores = torch.matmul(q.float(), k.float().transpose(-2, -1)) * scale
        if mask is None:
            mask = torch.ones(length, length, dtype=torch.bool, device=q.device).tril()
        scores = scores.masked_fill(~mask, float("-inf"))
        attended = torch.matmul(torch.softmax(scores, dim=-1), v.float())
    return attended.to(q.dtype)


def _autocast_off(device_type: str) -> contextlib.AbstractContextManager:
    """A context with autocast disabled for ``device_type`` (older torch knows only cpu and cuda)."""
    if device_type in ("cpu", "cuda"):
        return torch.autocast(device_type=device_type, enabled=False)
    return contextlib.nullcontext()


def segment_layout(segment_ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Positions (B, T) restarting at 0 in each run of equal ids, and the (B, 1, T, T) bool
    mask letting each token see itself and earlier tokens of its own run."""
    batch, length = segment_ids.shape
    index = torch.arange(length, device=segment_ids.device).expand(batch, length)
    starts = torch.ones_like(segment_ids, dtype=torch.bool)
    starts[:, 1:] = segment_ids[:, 1:] != segment_ids[:, :-1]
    run = starts.long().cumsum(dim=1)  # run number of each token
    run_start = torch.where(starts, index, torch.zeros_like(index)).cummax(dim=1).values
    causal = torch.ones(length, length, dtype=torch.bool, device=segment_ids.device).tril()
    mask = (run[:, :, None] == run[:, None, :]) & causal
    return index - run_start, mask[:, None]


class Decoder(nn.Module):
    """The decoder: ``token_embd`` → ``blocks`` → ``output_norm`` → ``output`` (or tied).

    ``attention`` picks the attention implementation ("auto", "sdpa", "math");
    ``gradient_checkpointing`` recomputes each block in the backward pass (non-reentrant, as
    frozen base weights need).
    """

    def __init__(self, config: DecoderConfig, device: Optional[torch.device] = None, dtype: Optional[torch.dtype] = None) -> None:
        super().__init__()
        self.config = config
        self.attention = "auto"
        self.gradient_checkpointing = False
        kw = {"device": device, "dtype": dtype}
        self.token_embd = nn.Embedding(config.vocab_size, config.embedding_dim, **kw)
        self.rope = RotaryEmbedding(config)
        self.blocks = nn.ModuleList(Block(config, **kw) for _ in range(config.block_count))
        self.output_norm = RMSNorm(config.embedding_dim, config.rms_norm_eps, **kw)
        self.output: Optional[nn.Linear] = None
        if not config.tied_output:
            self.output = nn.Linear(config.embedding_dim, config.vocab_size, bias=False, **kw)

    def named_targets(self) -> List[Dict[str, nn.Module]]:
        """Per block, its projections by LoRA target name (q, k, v, o, gate, up, down)."""
        return [block.named_targets() for block in self.blocks]

    def forward(self, tokens: torch.Tensor, segment_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits (B, T, vocab) in the weights' dtype for token ids (B, T)."""
        return self.head(self.hidden_states(tokens, segment_ids))

    def hidden_states(self, tokens: torch.Tensor, segment_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The output-normed hidden states (B, T, dim): ``forward`` without the output
        projection, for losses computed a chunk of positions at a time."""
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be (batch, length); got shape {tuple(tokens.shape)}")
        if segment_ids is None:
            positions = torch.arange(tokens.shape[1], device=tokens.device).expand(tokens.shape)
            mask = None
        else:
            if segment_ids.shape != tokens.shape:
                raise ValueError(f"segment_ids {tuple(segment_ids.shape)} must have the shape of tokens {tuple(tokens.shape)}")
            positions, mask = segment_layout(segment_ids.to(tokens.device))
        cos, sin = self.rope.tables(positions, length=tokens.shape[1])  # positions restart, never exceed T
        x = self.token_embd(tokens)
        for block in self.blocks:
            if self.gradient_checkpointing and self.training and torch.is_grad_enabled():
                x = checkpoint(block, x, self.rope, cos, sin, mask, self.attention, use_reentrant=False)
            else:
                x = block(x, self.rope, cos, sin, mask, self.attention)
        return self.output_norm(x)

    def head(self, hidden: torch.Tensor) -> torch.Tensor:
        """Logits from ``hidden_states``: ``output.weight``, or the token embedding when tied."""
        if self.output is not None:
            return self.output(hidden)
        return F.linear(hidden, self.token_embd.weight)
