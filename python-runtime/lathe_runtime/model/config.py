"""The decoder's configuration, read from a GGUF file's metadata the way llama.cpp reads it.

Usage::

    with GGUFReader("model.gguf") as gguf:
        shapes = {name: info.shape for name, info in gguf.tensors.items()}
        config = config_from_gguf(gguf.metadata, shapes)
    config.head_dim, config.rope_style, config.tied_output

One dataclass describes every supported family; what differs between families is data (the
``FAMILIES`` table of per-family switches), not a class per model (litgpt's model-as-data).
Each default below is llama.cpp's (``src/llama-model.cpp``, ``load_hparams``), because the
runtime must compute exactly what llama.cpp computes on the same file. Every problem with the
metadata is collected and reported in one error (``InvalidModelError`` or
``UnsupportedModelError``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .errors import InvalidModelError, UnsupportedModelError

ROPE_NORM = "norm"  # llama.cpp's LLAMA_ROPE_TYPE_NORM: rotates adjacent pairs (x[2i], x[2i+1])
ROPE_NEOX = "neox"  # LLAMA_ROPE_TYPE_NEOX: rotates the halves (x[i], x[i + n_rot/2])


@dataclass(frozen=True)
class Family:
    """What one GGUF architecture switches on (from llama.cpp's ``src/models/<arch>.cpp``)."""

    rope_style: str
    # Used when the tensor list is not given; otherwise the file decides (llama.cpp loads
    # q/k/v biases whenever they are present, for both families).
    qkv_bias: bool
    # llama 3.x files carry per-frequency rope divisors as ``rope_freqs.weight``; llama.cpp's
    # qwen2 graph never reads them (and refuses a file that has them: an unused tensor).
    rope_freq_factors: bool


FAMILIES: Dict[str, Family] = {
    # Llama 2/3.x, Mistral, SmolLM, TinyLlama. llama.cpp's converter permutes Q/K rows so that
    # the rotated pairs are adjacent, hence NORM rope.
    "llama": Family(rope_style=ROPE_NORM, qkv_bias=False, rope_freq_factors=True),
    # Qwen 2/2.5: HF layout kept, so NEOX rope (halves); q/k/v have biases.
    "qwen2": Family(rope_style=ROPE_NEOX, qkv_bias=True, rope_freq_factors=False),
}

# rope.scaling.type values llama.cpp knows (LLAMA_ROPE_SCALING_TYPES); we compute two of them.
ROPE_SCALING_SUPPORTED = ("none", "linear")
ROPE_SCALING_KNOWN = ("none", "linear", "yarn", "longrope")


@dataclass(frozen=True)
class DecoderConfig:
    """Shape and switches of one decoder. Sizes are counts; dims are per token.

    ``rope_freq_scale`` multiplies every rope angle (llama.cpp's ``freq_scale``: 1 / the
    linear scaling factor); ``rope_attn_factor`` multiplies the rope's cos and sin (llama.cpp's
    ``attn_factor``). ``attention_scale`` of None means 1/sqrt(head_dim).
    """

    architecture: str
    vocab_size: int
    embedding_dim: int
    block_count: int
    head_count: int
    head_count_kv: int
    head_dim: int
    ffn_dim: int
    rms_norm_eps: float
    context_length: int
    rope_base: float = 10_000.0
    rope_dim: int = 0  # 0: the whole head
    rope_style: str = ROPE_NORM
    rope_scaling: str = "none"
    rope_freq_scale: float = 1.0
    rope_attn_factor: float = 1.0
    rope_freq_factors: bool = False
    qkv_bias: bool = False
    tied_output: bool = False
    attention_scale: Optional[float] = None

    @property
    def q_dim(self) -> int:
        """Width of all query heads together (rows of ``attn_q``)."""
        return self.head_count * self.head_dim

    @property
    def kv_dim(self) -> int:
        """Width of all key (or value) heads together (rows of ``attn_k`` / ``attn_v``)."""
        return self.head_count_kv * self.head_dim

    @property
    def rotary_dim(self) -> int:
        """How many leading values of each head the rope rotates."""
        return self.rope_dim or self.head_dim

    @property
    def parameter_count(self) -> int:
        """Weights in the model (as stored in the GGUF; a tied output counts once)."""
        dim, vocab = self.embedding_dim, self.vocab_size
        attention = dim * (self.q_dim + 2 * self.kv_dim) + self.q_dim * dim
        if self.qkv_bias:
            attention += self.q_dim + 2 * self.kv_dim
        block = attention + 3 * dim * self.ffn_dim + 2 * dim  # + the two norms
        output = 0 if self.tied_output else vocab * dim
        factors = self.rotary_dim // 2 if self.rope_freq_factors else 0
        return vocab * dim + self.block_count * block + dim + output + factors

    @property
    def softmax_scale(self) -> float:
        """The factor on q·k before the softmax."""
        return self.attention_scale if self.attention_scale is not None else 1.0 / math.sqrt(self.head_dim)


def config_from_gguf(metadata: Mapping[str, Any], tensor_shapes: Optional[Mapping[str, Sequence[int]]] = None) -> DecoderConfig:
    """The decoder configuration of a GGUF file from its metadata (plain values, as
    ``GGUFReader.metadata`` gives them) and, when given, its tensor names and torch-order
    shapes, which decide the switches llama.cpp takes from the tensor list (tied output,
    q/k/v biases, rope frequency factors).

    Raises UnsupportedModelError for an architecture or setting not handled yet, and
    InvalidModelError for missing or malformed keys; either lists every problem found.
    """
    arch = metadata.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise InvalidModelError("The file has no general.architecture, so it is not a model llama.cpp can run.")
    family = FAMILIES.get(arch)
    if family is None:
        supported = " and ".join(FAMILIES)
        raise UnsupportedModelError(f"Architecture {arch} is not supported yet; {supported} are.")

    invalid: List[str] = []
    unsupported: List[str] = []

    def count(key: str, default: Optional[int] = None, required: bool = True) -> Optional[int]:
        """A positive integer key; None (with the problem noted) when it is not one. An
        absent key takes ``default``; when that is None too, it is missing if ``required``
        (not when the default came from a key already reported)."""
        full = f"{arch}.{key}"
        value = metadata.get(full)
        if value is None:
            if default is None and required:
                invalid.append(f"{full} is missing")
            return default
        if isinstance(value, list):
            unsupported.append(f"{full} differs per layer; only models with one value for every layer are supported")
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            invalid.append(f"{full} is {value!r}; expected a positive integer")
        else:
            return value
        return None

    def number(key: str, default: Optional[float] = None) -> float:
        full = f"{arch}.{key}"
        value = metadata.get(full, default)
        if value is None:
            invalid.append(f"{full} is missing")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            invalid.append(f"{full} is {value!r}; expected a number")
        else:
            return float(value)
        return 1.0

    embedding_dim = count("embedding_length")
    block_count = count("block_count")
    ffn_dim = count("feed_forward_length")
    head_count = count("attention.head_count")
    # llama.cpp's defaults: kv heads = heads, head size = embedding / heads, rope = head size.
    head_count_kv = count("attention.head_count_kv", head_count, required=False)
    context_length = count("context_length")
    rms_norm_eps = number("attention.layer_norm_rms_epsilon")
    split = embedding_dim // head_count if embedding_dim and head_count else None
    head_dim = count("attention.key_length", split, required=False)
    value_dim = count("attention.value_length", head_dim, required=False)
    rope_dim = count("rope.dimension_count", head_dim, required=False)
    rope_base = number("rope.freq_base", 10_000.0)
    vocab_size = _vocab_size(metadata, arch, invalid)

    # Relations between keys, checked only where both keys are sound (no cascades).
    if head_count and head_count_kv and head_count % head_count_kv != 0:
        invalid.append(f"{arch}.attention.head_count ({head_count}) is not a multiple of head_count_kv ({head_count_kv})")
    if head_dim and value_dim and value_dim != head_dim:
        unsupported.append(f"value heads of {value_dim} differ from key heads of {head_dim}; llama.cpp's {arch} needs them equal")
    if head_dim and rope_dim and rope_dim != head_dim:
        # llama.cpp: "invalid n_rot" for llama, an assertion in qwen2's graph.
        invalid.append(f"{arch}.rope.dimension_count is {rope_dim}; llama.cpp's {arch} needs the head size, {head_dim}")
    if metadata.get(f"{arch}.expert_count", 0):
        experts = metadata[f"{arch}.expert_count"]
        unsupported.append(f"mixture-of-experts models ({arch}.expert_count = {experts}) are not supported yet")

    rope_scaling, rope_freq_scale = _rope_scaling(metadata, arch, invalid, unsupported)
    rope_attn_factor = number("rope.scaling.attn_factor", 1.0)

    qkv_bias, tied_output, freq_factors = family.qkv_bias, False, False
    if tensor_shapes is not None:
        qkv_bias = "blk.0.attn_q.bias" in tensor_shapes
        tied_output = "output.weight" not in tensor_shapes
        freq_factors = family.rope_freq_factors and "rope_freqs.weight" in tensor_shapes

    # A damaged file is the first thing to fix; whatever else is wrong is listed with it.
    if invalid:
        raise InvalidModelError.listing(f"The {arch} model's metadata is incomplete or malformed", invalid + unsupported)
    if unsupported:
        raise UnsupportedModelError.listing(f"This {arch} model uses settings Lathe cannot train yet", unsupported)
    # No problem was found, so every count above was read.
    assert embedding_dim and block_count and ffn_dim and head_count and head_count_kv and context_length
    assert head_dim and rope_dim
    return DecoderConfig(
        architecture=arch,
        vocab_size=vocab_size,
        embedding_dim=embedding_dim,
        block_count=block_count,
        head_count=head_count,
        head_count_kv=head_count_kv,
        head_dim=head_dim,
        ffn_dim=ffn_dim,
        rms_norm_eps=rms_norm_eps,
        context_length=context_length,
        rope_base=rope_base,
        rope_dim=rope_dim,
        rope_style=family.rope_style,
        rope_scaling=rope_scaling,
        rope_freq_scale=rope_freq_scale,
        rope_attn_factor=rope_attn_factor,
        rope_freq_factors=freq_factors,
        qkv_bias=qkv_bias,
        tied_output=tied_output,
    )


def _vocab_size(metadata: Mapping[str, Any], arch: str, invalid: List[str]) -> int:
    """llama.cpp's n_vocab: ``<arch>.vocab_size``, else the length of the token list."""
    explicit = metadata.get(f"{arch}.vocab_size")
    if isinstance(explicit, int) and not isinstance(explicit, bool) and explicit > 0:
        return explicit
    tokens = metadata.get("tokenizer.ggml.tokens")
    if isinstance(tokens, list) and tokens:
        return len(tokens)
    invalid.append("tokenizer.ggml.tokens is missing or empty (and there is no vocab_size), so the vocabulary size is unknown")
    return 1


def _rope_scaling(metadata: Mapping[str, Any], arch: str, invalid: List[str], unsupported: List[str]) -> Tuple[str, float]:
    """The rope scaling type and llama.cpp's ``freq_scale`` (1 / factor).

    llama.cpp: the type defaults to "linear"; the factor is ``rope.scaling.factor``, else the
    old ``rope.scale_linear``, and 0 or absent means 1; type "none" never scales.
    """
    kind = metadata.get(f"{arch}.rope.scaling.type", "linear")
    factor = metadata.get(f"{arch}.rope.scaling.factor", metadata.get(f"{arch}.rope.scale_linear", 0.0))
    if not isinstance(factor, (int, float)) or isinstance(factor, bool) or not math.isfinite(factor) or factor < 0:
        invalid.append(f"{arch}.rope.scaling.factor is {factor!r}; expected a non-negative number")
        factor = 0.0
    if kind not in ROPE_SCALING_KNOWN:
        invalid.append(f"{arch}.rope.scaling.type is {kind!r}; llama.cpp knows {', '.join(ROPE_SCALING_KNOWN)}")
        return "none", 1.0
    if kind not in ROPE_SCALING_SUPPORTED:
        unsupported.append(f"rope scaling '{kind}' is not supported yet; only linear scaling (or none) is")
        return "none", 1.0
    if kind == "none" or factor in (0.0, 1.0):
        return "none", 1.0
    return "linear", 1.0 / float(factor)
