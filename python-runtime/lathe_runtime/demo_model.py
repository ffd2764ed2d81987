"""Tiny random-weight decoder models as GGUF files, for tests and demos (DESIGN §7).

Run it as::

    python -m lathe_runtime make-model --out demo.gguf [--arch llama|qwen2]
        [--size tiny|small|wide] [--dtype f32|f16|bf16|q8_0|q4_0|q4_1|q5_0|q5_1|q2_k|q3_k|q4_k|q5_k|q6_k]
        [--seed N]

It prints one JSON line describing the file. The same arguments give the same bytes with
the same torch build. No model can be downloaded where Lathe's tests run, so these files
stand in for real ones: llama.cpp (node-llama-cpp) loads and runs them, and the training
runtime reads them like any base model.

The tokenizer is byte-level, in GPT-2's scheme (``tokenizer.ggml.model = gpt2``):
* ids 0-255 are the bytes 0-255, each spelled with GPT-2's bytes→unicode character, and no
  merges, so llama.cpp's BPE turns any text into exactly its UTF-8 bytes;
* 256 ``<|endoftext|>`` (bos and padding), 257 ``<|im_start|>``, 258 ``<|im_end|>`` (eos and
  eot): ChatML, so the chat template ends each turn with the token generation stops at.
  Both ``<|im_end|>`` and ``<|endoftext|>`` end generation in llama.cpp (it marks them
  end-of-generation by name); no BOS is added, as in Qwen's ChatML models.
* ``tokenizer.ggml.pre = qwen2``: with no merges the pre-tokenizer cannot change any id, but
  llama.cpp's ``gpt-2`` and ``default`` pre-tokenizers also switch on its "clean up
  tokenization spaces" pass, which detokenizes " ." as "." — a byte-level model must
  detokenize losslessly, and ``qwen2`` leaves that pass off.

Architectures follow llama.cpp's tensor names and shapes (``src/models/llama.cpp``,
``qwen2.cpp``): ``llama`` has an untied ``output.weight`` and multi-head attention;
``qwen2`` has q/k/v biases, tied embeddings (no ``output.weight``: llama.cpp reuses
``token_embd``) and grouped-query attention with 2 key/value heads.

Quantized types store every matrix in that type where its rows (``ne[0]``) are a whole
number of the type's blocks. The k-quants' blocks are 256 values, wider than the tiny and
small models' 64/128-wide rows, so there (as llama.cpp's own quantizer does) a matrix falls
back to a 32-value type: Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0, and Q2_K/Q3_K → Q4_0 (llama.cpp
picks IQ4_NL, which Lathe does not write). The ``wide`` size (256 wide) has every matrix in
the k-quant itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

import torch

from .gguf import GGMLType, GGUFValueType, GGUFWriter
from .gguf.constants import BLOCK_SIZES

ARCHITECTURES = ("llama", "qwen2")
SIZES = ("tiny", "small", "wide")
DTYPES: Dict[str, GGMLType] = {
    "f32": GGMLType.F32,
    "f16": GGMLType.F16,
    "bf16": GGMLType.BF16,
    "q8_0": GGMLType.Q8_0,
    "q4_0": GGMLType.Q4_0,
    "q4_1": GGMLType.Q4_1,
    "q5_0": GGMLType.Q5_0,
    "q5_1": GGMLType.Q5_1,
    "q2_k": GGMLType.Q2_K,
    "q3_k": GGMLType.Q3_K,
    "q4_k": GGMLType.Q4_K,
    "q5_k": GGMLType.Q5_K,
    "q6_k": GGMLType.Q6_K,
}
# general.file_type values (llama.h's llama_ftype). "MOSTLY": 1-D tensors stay F32. A
# k-quant file is the "_S" (small) mix: the type itself wherever the rows allow it.
FILE_TYPES = {"f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q8_0": 7, "q5_0": 8, "q5_1": 9, "q2_k": 10,
              "q3_k": 11, "q4_k": 14, "q5_k": 16, "q6_k": 18, "bf16": 32}
# The 32-value type a k-quant matrix is stored in when its rows are not whole 256-blocks.
ROW_FALLBACKS: Dict[GGMLType, GGMLType] = {
    GGMLType.Q2_K: GGMLType.Q4_0,
    GGMLType.Q3_K: GGMLType.Q4_0,
    GGMLType.Q4_K: GGMLType.Q5_0,
    GGMLType.Q5_K: GGMLType.Q5_1,
    GGMLType.Q6_K: GGMLType.Q8_0,
}

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
ENDOFTEXT_ID, IM_START_ID, IM_END_ID = 256, 257, 258
VOCAB_SIZE = 256 + len(SPECIAL_TOKENS)
TOKEN_TYPE_NORMAL, TOKEN_TYPE_CONTROL = 1, 3  # llama.cpp's llama_token_type

# ChatML, without a default system message: the prompt is exactly the turns given.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

INIT_STD = 0.02


@dataclass(frozen=True)
class DemoModelConfig:
    """Shape and family switches of one demo model."""

    arch: str
    size: str
    embedding_length: int
    block_count: int
    head_count: int
    head_count_kv: int
    feed_forward_length: int
    rope_freq_base: float
    qkv_bias: bool
    tied_embeddings: bool
    context_length: int = 512
    rms_norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        """Width of one attention head."""
        return self.embedding_length // self.head_count


# (embedding_length, block_count): DESIGN §7's sizes. Parameter counts (259-token vocab):
# llama tiny 164,544; llama small 1,116,032; qwen2 tiny 140,032; qwen2 small 1,018,368.
# "wide" has rows of whole k-quant blocks: llama 2,231,040; qwen2 2,034,688.
_SIZES = {"tiny": (64, 2), "small": (128, 4), "wide": (256, 2)}


def demo_config(arch: str, size: str) -> DemoModelConfig:
    """The configuration of the ``arch`` demo model of ``size`` (see the module docstring)."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture '{arch}'; choose from {', '.join(ARCHITECTURES)}")
    if size not in SIZES:
        raise ValueError(f"unknown size '{size}'; choose from {', '.join(SIZES)}")
    width, depth = _SIZES[size]
    qwen2 = arch == "qwen2"
    return DemoModelConfig(
        arch=arch,
        size=size,
        embedding_length=width,
        block_count=depth,
        head_count=4,
        head_count_kv=2 if qwen2 else 4,
        feed_forward_length=4 * width,
        rope_freq_base=1_000_000.0 if qwen2 else 10_000.0,
        qkv_bias=qwen2,
        tied_embeddings=qwen2,
    )


def bytes_to_unicode() -> List[str]:
    """GPT-2's printable spelling of each byte: entry ``b`` is the character for byte ``b``.

    Printable Latin-1 bytes stand for themselves; the others (control characters, space,
    0x7F-0xA0, 0xAD) are mapped in order to U+0100 onwards. llama.cpp's byte-level BPE
    spells bytes the same way, so these 256 strings are exactly the tokens it looks up.
    """
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(0xA1, 0xAC + 1)) | set(range(0xAE, 0xFF + 1))
    spelled: List[str] = []
    next_extra = 0
    for byte in range(256):
        if byte in printable:
            spelled.append(chr(byte))
        else:
            spelled.append(chr(256 + next_extra))
            next_extra += 1
    return spelled


def demo_vocab() -> Tuple[List[str], List[int]]:
    """The demo tokenizer's tokens and their llama.cpp token types."""
    tokens = bytes_to_unicode() + list(SPECIAL_TOKENS)
    types = [TOKEN_TYPE_NORMAL] * 256 + [TOKEN_TYPE_CONTROL] * len(SPECIAL_TOKENS)
    return tokens, types


def demo_weights(config: DemoModelConfig, seed: int) -> Dict[str, torch.Tensor]:
    """Random float32 weights with llama.cpp's names, in torch order (out, in).

    Matrices and biases are N(0, 0.02²) (biases random too, so a forward pass that drops
    them is caught); norm weights are 1. Drawn in a fixed order from one seeded generator.
    """
    generator = torch.Generator().manual_seed(seed)

    def normal(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=generator) * INIT_STD

    n_embd, n_ff = config.embedding_length, config.feed_forward_length
    n_q = config.head_count * config.head_dim
    n_kv = config.head_count_kv * config.head_dim
    weights: Dict[str, torch.Tensor] = {"token_embd.weight": normal(VOCAB_SIZE, n_embd)}
    for i in range(config.block_count):
        block = f"blk.{i}"
        weights[f"{block}.attn_norm.weight"] = torch.ones(n_embd)
        weights[f"{block}.attn_q.weight"] = normal(n_q, n_embd)
        weights[f"{block}.attn_k.weight"] = normal(n_kv, n_embd)
        weights[f"{block}.attn_v.weight"] = normal(n_kv, n_embd)
        if config.qkv_bias:
            weights[f"{block}.attn_q.bias"] = normal(n_q)
            weights[f"{block}.attn_k.bias"] = normal(n_kv)
            weights[f"{block}.attn_v.bias"] = normal(n_kv)
        weights[f"{block}.attn_output.weight"] = normal(n_embd, n_q)
        weights[f"{block}.ffn_norm.weight"] = torch.ones(n_embd)
        weights[f"{block}.ffn_gate.weight"] = normal(n_ff, n_embd)
        weights[f"{block}.ffn_up.weight"] = normal(n_ff, n_embd)
        weights[f"{block}.ffn_down.weight"] = normal(n_embd, n_ff)
    weights["output_norm.weight"] = torch.ones(n_embd)
    if not config.tied_embeddings:
        weights["output.weight"] = normal(VOCAB_SIZE, n_embd)
    return weights


def storage_type(values: torch.Tensor, dtype: str) -> GGMLType:
    """How a tensor is stored for ``dtype``: 1-D tensors (norms, biases) stay F32, as
    llama.cpp's own converter keeps them; a k-quant matrix whose rows are not whole 256-value
    blocks takes its 32-value fallback (``ROW_FALLBACKS``)."""
    if values.dim() == 1:
        return GGMLType.F32
    wanted = DTYPES[dtype]
    if wanted in ROW_FALLBACKS and values.shape[-1] % BLOCK_SIZES[wanted][0] != 0:
        return ROW_FALLBACKS[wanted]
    return wanted


def add_demo_metadata(writer: GGUFWriter, config: DemoModelConfig, dtype: str) -> None:
    """Add the general, architecture and tokenizer keys llama.cpp needs for this model."""
    arch = config.arch
    writer.add("general.architecture", arch)
    writer.add("general.name", f"Lathe demo {arch} {config.size}")
    writer.add("general.file_type", FILE_TYPES[dtype])
    writer.add("general.quantization_version", 2)
    # llama.cpp checks these types strictly: counts are UINT32, the epsilon FLOAT32.
    writer.add(f"{arch}.context_length", config.context_length)
    writer.add(f"{arch}.embedding_length", config.embedding_length)
    writer.add(f"{arch}.block_count", config.block_count)
    writer.add(f"{arch}.feed_forward_length", config.feed_forward_length)
    writer.add(f"{arch}.attention.head_count", config.head_count)
    writer.add(f"{arch}.attention.head_count_kv", config.head_count_kv)
    writer.add(f"{arch}.attention.layer_norm_rms_epsilon", config.rms_norm_eps)
    writer.add(f"{arch}.rope.freq_base", config.rope_freq_base)
    writer.add(f"{arch}.rope.dimension_count", config.head_dim)
    tokens, token_types = demo_vocab()
    writer.add("tokenizer.ggml.model", "gpt2")
    writer.add("tokenizer.ggml.pre", "qwen2")
    writer.add("tokenizer.ggml.tokens", tokens)
    writer.add("tokenizer.ggml.token_type", token_types, element_type=GGUFValueType.INT32)
    writer.add("tokenizer.ggml.merges", [], element_type=GGUFValueType.STRING)
    writer.add("tokenizer.ggml.bos_token_id", ENDOFTEXT_ID)
    writer.add("tokenizer.ggml.eos_token_id", IM_END_ID)
    writer.add("tokenizer.ggml.eot_token_id", IM_END_ID)
    writer.add("tokenizer.ggml.padding_token_id", ENDOFTEXT_ID)
    writer.add("tokenizer.ggml.add_bos_token", False)
    writer.add("tokenizer.ggml.add_eos_token", False)
    writer.add("tokenizer.chat_template", CHATML_TEMPLATE)


def make_demo_model(out: str, arch: str = "llama", size: str = "tiny", dtype: str = "f32", seed: int = 0) -> Dict[str, Any]:
    """Write a demo model to ``out`` (atomically) and return a description of it.

    Raises ValueError for an unknown arch, size or dtype, and OSError when ``out`` cannot be
    written (then nothing is left behind).
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype '{dtype}'; choose from {', '.join(DTYPES)}")
    config = demo_config(arch, size)
    weights = demo_weights(config, seed)
    writer = GGUFWriter()
    add_demo_metadata(writer, config, dtype)
    for name, values in weights.items():
        writer.add_tensor(name, values, storage_type(values, dtype))
    size_bytes = writer.write(out)
    return {
        "path": os.path.abspath(out),
        "name": f"Lathe demo {arch} {size}",
        "arch": arch,
        "size": size,
        "dtype": dtype,
        "seed": seed,
        "parameters": sum(values.numel() for values in weights.values()),
        "vocab_size": VOCAB_SIZE,
        "bytes": size_bytes,
    }
