"""Low-memory mode (``base_weights: "quantized"``): the base stays in its GGUF blocks, and
training through it computes exactly what the dequantized base computes.

Run with ``node scripts/pytest.mjs``. That the adapters it trains work in llama.cpp is
checked end to end in ``test_train_memorization.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
import torch
import torch.nn.functional as F

from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.lora import LoRASpec, apply_lora, mark_only_lora_trainable
from lathe_runtime.model import load_decoder
from lathe_runtime.model import quantized_linear
from lathe_runtime.model.quantized_linear import QuantizedLinear, QuantizedWeight, quantized_weight_bytes
from lathe_runtime.train.config import load_run_config
from lathe_runtime.train.errors import ConfigError

torch.set_num_threads(2)
TOKENS = torch.tensor([list(b"low memory, same numbers: q4_k")])


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    folder = tmp_path_factory.mktemp("low-memory")
    return {f"{arch}-{dtype}": make_demo_model(str(folder / f"{arch}-{dtype}.gguf"), arch=arch, size="wide", dtype=dtype)["path"]
            for arch, dtype in (("llama", "q4_k"), ("qwen2", "q6_k"), ("llama", "q8_0"), ("llama", "f16"))}


def with_lora(path: str, quantized: bool) -> torch.nn.Module:
    model, _ = load_decoder(path, quantized=quantized)
    model.attention = "math"
    torch.manual_seed(0)
    apply_lora(model, LoRASpec(rank=4, alpha=8.0))
    mark_only_lora_trainable(model)
    torch.manual_seed(1)
    for parameter in model.parameters():
        if parameter.requires_grad:  # B non-zero, so the adapter path changes the loss too
            torch.nn.init.normal_(parameter, std=0.05)
    return model.train()


def loss_and_grads(model: torch.nn.Module) -> Tuple[float, List[torch.Tensor]]:
    model.zero_grad()
    logits = model(TOKENS[:, :-1])
    loss = F.cross_entropy(logits.flatten(0, 1).float(), TOKENS[:, 1:].flatten())
    loss.backward()
    return loss.item(), [p.grad.clone() for p in model.parameters() if p.requires_grad]


@pytest.mark.parametrize("name", ["llama-q4_k", "qwen2-q6_k", "llama-q8_0"])
def test_training_through_the_quantized_base_matches_the_dequantized_base(models: Dict[str, str], name: str) -> None:
    full, low = with_lora(models[name], quantized=False), with_lora(models[name], quantized=True)
    projections = [module for module in low.modules() if isinstance(getattr(module, "weight", None), QuantizedWeight)]
    assert len(projections) == 7 * 2 + (1 if low.output is not None else 0)  # output too, when untied
    full_loss, full_grads = loss_and_grads(full)
    low_loss, low_grads = loss_and_grads(low)
    assert low_loss == pytest.approx(full_loss, abs=1e-6)
    assert len(low_grads) == len(full_grads) == 2 * 7 * 2
    for a, b in zip(full_grads, low_grads):
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-7)


def test_the_quantized_base_holds_its_blocks_and_no_full_precision_copy(models: Dict[str, str]) -> None:
    full, low = with_lora(models["llama-q4_k"], quantized=False), with_lora(models["llama-q4_k"], quantized=True)
    weight_shapes: Set[Tuple[int, ...]] = {tuple(m.weight.shape) for m in low.modules() if isinstance(getattr(m, "weight", None), QuantizedWeight)}
    frozen = sum(p.numel() * p.element_size() for p in low.parameters() if not p.requires_grad)
    # Q4_K is 144 bytes per 256 values: 4.5 bits where float32 takes 32.
    stored = quantized_weight_bytes(low)
    dequantized = sum(m.weight.numel() * 4 for m in low.modules() if isinstance(getattr(m, "weight", None), QuantizedWeight))
    assert stored * 256 == dequantized // 4 * 144
    full_frozen = sum(p.numel() * p.element_size() for p in full.parameters() if not p.requires_grad)
    assert frozen + stored < full_frozen - dequantized * 0.8

    def saved_shapes(model: torch.nn.Module) -> Set[Tuple[int, ...]]:
        shapes: Set[Tuple[int, ...]] = set()

        def pack(tensor: torch.Tensor) -> torch.Tensor:
            shapes.add(tuple(tensor.shape))
            return tensor

        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            loss_and_grads(model)
        return shapes

    # The dequantized path keeps each weight for the backward pass; the quantized one keeps none.
    assert weight_shapes & saved_shapes(full)
    assert not weight_shapes & saved_shapes(low)


def test_a_large_layer_is_dequantized_in_row_chunks_to_the_same_values(models: Dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    model, _ = load_decoder(models["llama-q4_k"], quantized=True)
    weight = model.blocks[0].ffn_up.weight  # (1024, 256)
    whole = weight.dequantize()
    monkeypatch.setattr(quantized_linear, "DEQUANTIZE_CHUNK_VALUES", 3 * 256)  # 3 rows a piece, 342 pieces
    chunked = weight.dequantize()
    assert torch.equal(chunked, whole) and chunked.shape == (1024, 256)


def test_a_quantized_weight_refuses_what_it_cannot_do(models: Dict[str, str]) -> None:
    model, _ = load_decoder(models["llama-q4_k"], quantized=True)
    layer = model.blocks[0].attn_q
    assert isinstance(layer, QuantizedLinear) and isinstance(layer.weight, QuantizedWeight)
    with pytest.raises(TypeError, match="cannot use a weight kept quantized"):
        torch.matmul(torch.ones(1, 256), layer.weight)
    with pytest.raises(RuntimeError, match="cannot be trained"):
        layer.weight.requires_grad_(True)
    # Float tensors in a file loaded in low-memory mode stay ordinary parameters.
    f16, _ = load_decoder(models["llama-f16"], quantized=True)
    assert not any(isinstance(m, QuantizedLinear) for m in f16.modules())


def test_run_json_picks_the_mode_and_refuses_others(tmp_path: Path) -> None:
    paths = {"base_model": "m.gguf", "data": "d", "output_dir": "o"}
    assert load_run_config(paths, base_dir=str(tmp_path)).base_weights == "dequantize"
    config = load_run_config({**paths, "base_weights": "quantized"}, base_dir=str(tmp_path))
    assert config.base_weights == "quantized" and config.to_dict()["base_weights"] == "quantized"
    with pytest.raises(ConfigError, match="base_weights"):
        load_run_config({**paths, "base_weights": "q4"}, base_dir=str(tmp_path))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_the_quantized_base_trains_on_cuda(models: Dict[str, str]) -> None:
    model, _ = load_decoder(models["llama-q4_k"], dtype=torch.float32, device="cuda", quantized=True)
    reference, _ = load_decoder(models["llama-q4_k"], dtype=torch.float32, device="cuda")
    assert model.blocks[0].attn_q.weight.device.type == "cuda"
    tokens = TOKENS.cuda()
    with torch.no_grad():
        assert torch.allclose(model(tokens), reference(tokens), rtol=1e-4, atol=1e-5)
