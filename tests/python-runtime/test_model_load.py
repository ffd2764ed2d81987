"""Reading GGUF base models into the decoder: configuration, validation, errors, and the
module layout LoRA builds on. Run with ``node scripts/pytest.mjs``; what the decoder computes is
checked against llama.cpp in ``test_model_parity.py``.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

import pytest
import torch
from torch import nn

from lathe_runtime.demo_model import add_demo_metadata, demo_config, demo_weights, make_demo_model, storage_type
from lathe_runtime.gguf import GGMLType, GGUFReader, GGUFWriter
from lathe_runtime.model import (
    TARGETS,
    DecoderConfig,
    InvalidModelError,
    ModelError,
    ModelNotFoundError,
    UnsupportedModelError,
    config_from_gguf,
    expected_tensors,
    gguf_tensor_name,
    load_decoder,
    parameter_name,
)
from lathe_runtime.model.decoder import causal_attention, segment_layout

torch.set_num_threads(2)


def demo_metadata(arch: str) -> Dict[str, Any]:
    """The metadata a demo model is written with, as plain values."""
    writer = GGUFWriter()
    add_demo_metadata(writer, demo_config(arch, "tiny"), "f32")
    return _metadata_of(writer)


def _metadata_of(writer: GGUFWriter) -> Dict[str, Any]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.gguf"
        writer.write(path)
        with GGUFReader(path) as gguf:
            return gguf.metadata


def write_model(path: Path, arch: str = "llama", drop: Iterable[str] = (), extra: Optional[Dict[str, torch.Tensor]] = None) -> Path:
    """A demo model without the tensors in ``drop`` and with ``extra`` ones."""
    config = demo_config(arch, "tiny")
    writer = GGUFWriter()
    add_demo_metadata(writer, config, "f32")
    weights = {**demo_weights(config, seed=0), **(extra or {})}
    for name, values in weights.items():
        if name not in drop:
            writer.add_tensor(name, values, storage_type(values, "f32"))
    writer.write(path)
    return path


# --- configuration ------------------------------------------------------------------------


def test_llama_and_qwen2_switches_come_from_the_file(tmp_path: Path) -> None:
    configs = {}
    for arch in ("llama", "qwen2"):
        summary = make_demo_model(str(tmp_path / f"{arch}.gguf"), arch=arch)
        with GGUFReader(summary["path"]) as gguf:
            configs[arch] = config_from_gguf(gguf.metadata, {name: info.shape for name, info in gguf.tensors.items()})
        assert configs[arch].parameter_count == summary["parameters"]
    llama, qwen2 = configs["llama"], configs["qwen2"]
    def switches(config: DecoderConfig) -> tuple:
        return (config.rope_style, config.qkv_bias, config.tied_output, config.head_count_kv, config.rope_base)

    assert switches(llama) == ("norm", False, False, 4, 10_000.0)
    assert switches(qwen2) == ("neox", True, True, 2, 1e6)
    for config in (llama, qwen2):
        assert (config.vocab_size, config.embedding_dim, config.block_count, config.head_count) == (259, 64, 2, 4)
        assert (config.head_dim, config.rope_dim, config.ffn_dim, config.context_length) == (16, 16, 256, 512)
        assert config.rms_norm_eps == pytest.approx(1e-5) and config.softmax_scale == 0.25
        assert (config.rope_scaling, config.rope_freq_scale, config.rope_freq_factors) == ("none", 1.0, False)


def test_an_unknown_architecture_is_named_with_what_is_supported() -> None:
    metadata = demo_metadata("llama")
    metadata["general.architecture"] = "gemma3"
    with pytest.raises(UnsupportedModelError) as caught:
        config_from_gguf(metadata)
    assert str(caught.value) == "Architecture gemma3 is not supported yet; llama and qwen2 are."
    assert caught.value.kind == "unsupported"


def test_every_metadata_problem_is_reported_at_once() -> None:
    metadata = demo_metadata("llama")
    del metadata["llama.feed_forward_length"], metadata["llama.attention.layer_norm_rms_epsilon"]
    metadata["llama.block_count"] = 0
    metadata["llama.rope.dimension_count"] = 8
    with pytest.raises(InvalidModelError) as caught:
        config_from_gguf(metadata)
    assert caught.value.kind == "invalid_file"
    assert len(caught.value.problems) == 4
    message = str(caught.value)
    for key in ("feed_forward_length is missing", "layer_norm_rms_epsilon is missing", "block_count is 0", "rope.dimension_count is 8"):
        assert key in message


@pytest.mark.parametrize(
    "keys, scaling, freq_scale",
    [
        ({}, "none", 1.0),  # llama.cpp's default type is "linear" with factor 1: no change
        ({"rope.scaling.type": "linear", "rope.scaling.factor": 4.0}, "linear", 0.25),
        ({"rope.scale_linear": 2.0}, "linear", 0.5),  # the old key
        ({"rope.scaling.type": "none", "rope.scaling.factor": 4.0}, "none", 1.0),  # none never scales
    ],
)
def test_rope_scaling_is_read_as_llama_cpp_reads_it(keys: Dict[str, Any], scaling: str, freq_scale: float) -> None:
    metadata = {**demo_metadata("qwen2"), **{f"qwen2.{key}": value for key, value in keys.items()}}
    config = config_from_gguf(metadata)
    assert (config.rope_scaling, config.rope_freq_scale) == (scaling, freq_scale)


def test_unsupported_settings_are_named() -> None:
    metadata = demo_metadata("llama")
    metadata["llama.rope.scaling.type"] = "yarn"
    metadata["llama.attention.head_count"] = [4, 4]
    with pytest.raises(UnsupportedModelError) as caught:
        config_from_gguf(metadata)
    assert "rope scaling 'yarn' is not supported yet" in str(caught.value)
    assert "differs per layer" in str(caught.value)


# --- loading ------------------------------------------------------------------------------


@pytest.mark.parametrize("arch", ["llama", "qwen2"])
def test_every_tensor_becomes_a_frozen_parameter_of_the_same_name(tmp_path: Path, arch: str) -> None:
    path = make_demo_model(str(tmp_path / "m.gguf"), arch=arch, dtype="q8_0")["path"]
    model, config = load_decoder(path, dtype=torch.bfloat16)
    with GGUFReader(path) as gguf:
        names = {name: info.shape for name, info in gguf.tensors.items()}
        embedding = gguf.tensor("token_embd.weight")
    parameters = dict(model.named_parameters())
    assert {gguf_tensor_name(name) for name in parameters} == set(names) == set(expected_tensors(config))
    for name, parameter in parameters.items():
        assert parameter_name(gguf_tensor_name(name)) == name
        assert tuple(parameter.shape) == tuple(names[gguf_tensor_name(name)])
        assert parameter.dtype == torch.bfloat16 and not parameter.requires_grad
    assert torch.equal(model.token_embd.weight, embedding.to(torch.bfloat16))
    assert (model.output is None) == (arch == "qwen2")  # tied: the head reuses token_embd
    logits = model(torch.tensor([[1, 2, 3]]))
    assert logits.shape == (1, 3, 259) and logits.dtype == torch.bfloat16


def test_lora_targets_are_plain_linear_modules_that_can_be_swapped(tmp_path: Path) -> None:
    model, config = load_decoder(make_demo_model(str(tmp_path / "m.gguf"), arch="qwen2")["path"])
    targets = model.named_targets()
    assert len(targets) == config.block_count and list(targets[0]) == list(TARGETS)
    assert all(isinstance(module, nn.Linear) for block in targets for module in block.values())
    assert targets[1]["q"] is model.blocks[1].attn_q and targets[0]["down"] is model.blocks[0].ffn_down
    tokens = torch.tensor([[257, 72, 105, 258]])
    before = model(tokens).detach()

    class Doubled(nn.Module):  # what a LoRA wrapper does: call the base, add something
        def __init__(self, base: nn.Module) -> None:
            super().__init__()
            self.base = base
            self.extra = nn.Parameter(torch.zeros(base.out_features))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + self.extra

    block = model.blocks[0]
    block.attn_v = Doubled(block.attn_v)
    assert torch.allclose(model(tokens), before, atol=1e-6)
    model.train()
    grads = []
    for checkpointing in (False, True):
        model.gradient_checkpointing = checkpointing
        block.attn_v.extra.grad = None
        model(tokens).logsumexp(-1).sum().backward()
        grads.append(block.attn_v.extra.grad.clone())
    assert grads[0].abs().sum() > 0 and torch.allclose(grads[0], grads[1], atol=1e-6)
    assert all(parameter.grad is None for name, parameter in model.named_parameters() if "extra" not in name)


def test_llama3_rope_divisors_are_loaded_and_stay_float32(tmp_path: Path) -> None:
    factors = torch.tensor([1.0, 1.3, 1.7, 2.1, 3.3, 5.9, 7.7, 8.0])  # not all bf16-exact
    model, config = load_decoder(write_model(tmp_path / "m.gguf", extra={"rope_freqs.weight": factors}))
    assert config.rope_freq_factors and config.parameter_count == sum(p.numel() for p in model.parameters()) + 8
    model.to(torch.bfloat16)  # what a trainer might do: the divisors must not be rounded
    assert model.rope.freq_factors is not None and model.rope.freq_factors.dtype == torch.float32
    assert torch.equal(model.rope.freq_factors, factors)
    assert model.token_embd.weight.dtype == torch.bfloat16


def test_missing_and_unexpected_tensors_are_reported_together(tmp_path: Path) -> None:
    drop = {"blk.1.ffn_up.weight", "output_norm.weight"}
    path = write_model(tmp_path / "m.gguf", drop=drop, extra={"blk.0.attn_output.bias": torch.zeros(64)})
    with pytest.raises(InvalidModelError) as caught:
        load_decoder(path)
    message = str(caught.value)
    assert "missing tensors: blk.1.ffn_up.weight, output_norm.weight" in message
    assert "blk.0.attn_output.bias" in message and "does not use" in message


def test_a_tensor_type_this_runtime_cannot_read_is_named(tmp_path: Path) -> None:
    path = write_model(tmp_path / "m.gguf")
    # Relabel one F32 tensor as I32 (same size, so the file stays well-formed): its info is
    # the name, n_dims (u32), dims (u64 each), then the type (u32).
    data = bytearray(path.read_bytes())
    name = b"blk.0.ffn_norm.weight"
    at = data.index(struct.pack("<Q", len(name)) + name) + 8 + len(name)
    type_at = at + 4 + 8 * struct.unpack_from("<I", data, at)[0]
    assert struct.unpack_from("<I", data, type_at)[0] == GGMLType.F32
    struct.pack_into("<I", data, type_at, GGMLType.I32)
    path.write_bytes(bytes(data))
    with pytest.raises(UnsupportedModelError, match=r"blk\.0\.ffn_norm\.weight is stored as I32"):
        load_decoder(path)


def test_a_missing_or_truncated_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="No model file at") as missing:
        load_decoder(tmp_path / "absent.gguf")
    assert missing.value.kind == "not_found"
    path = write_model(tmp_path / "m.gguf")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InvalidModelError, match="truncated") as truncated:
        load_decoder(path)
    assert isinstance(truncated.value, ModelError) and truncated.value.kind == "invalid_file"


# --- packing ------------------------------------------------------------------------------


def test_segments_restart_positions_and_see_only_themselves() -> None:
    positions, mask = segment_layout(torch.tensor([[7, 7, 7, 2, 2, 7]]))
    assert positions.tolist() == [[0, 1, 2, 0, 1, 0]]  # a run of equal ids is one example
    assert mask.shape == (1, 1, 6, 6)
    assert mask[0, 0].int().tolist() == [
        [1, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [1, 1, 1, 0, 0, 0],
        [0, 0, 0, 1, 0, 0],
        [0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 1],
    ]


def test_config_is_plain_data() -> None:
    config = DecoderConfig("llama", 10, 8, 1, 2, 1, 4, 16, 1e-5, 32)
    assert (config.q_dim, config.kv_dim, config.rotary_dim) == (8, 4, 4)


def test_the_math_attention_fallback_stays_float32_under_cpu_autocast() -> None:
    # bf16 autocast on a CPU would otherwise run the fallback's float32 matmuls in bf16
    # (about 1e-2 off here); docs/training-runtime.md promises an exact float32 fallback.
    generator = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, 8, 16, generator=generator) for _ in range(3))
    exact = causal_attention(q, k, v, None, 0.25, "math")
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        under_autocast = causal_attention(q, k, v, None, 0.25, "math")
    assert under_autocast.dtype == torch.float32
    assert torch.equal(under_autocast, exact)
