"""Tests for ``lathe_runtime.lora``: LoRALinear, LoRASpec, applying LoRA to the decoder, what
is trainable, and adapter state dicts. Run with ``node scripts/pytest.mjs``.

That llama.cpp computes the same adapted model is checked in ``test_adapters.py``.
"""

from __future__ import annotations

import math
from typing import Tuple

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.lora import (
    TARGET_NAMES,
    LoRAError,
    LoRALinear,
    LoRASpec,
    apply_lora,
    load_lora_state_dict,
    lora_modules,
    lora_state_dict,
    mark_only_lora_trainable,
    set_adapter_scale,
)
from lathe_runtime.model import Decoder, load_decoder

torch.set_num_threads(2)
TOKENS = torch.tensor([list(b"LoRA by protocol")])


def linear(bias: bool = True, seed: int = 0) -> nn.Linear:
    torch.manual_seed(seed)
    base = nn.Linear(12, 20, bias=bias)
    base.requires_grad_(False)
    return base


def randomize(module: LoRALinear, seed: int = 1, std: float = 0.1) -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        module.lora_b.copy_(torch.randn(module.lora_b.shape, generator=generator) * std)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_demo_model(str(tmp_path_factory.mktemp("lora") / "llama.gguf"), arch="llama")["path"]


def adapted(path: str, spec: LoRASpec, seed: int = 0, std: float = 0.05) -> Tuple[Decoder, dict]:
    """A demo decoder with LoRA applied and random B (so every adapter does something)."""
    model, _ = load_decoder(path)
    model.attention = "math"
    torch.manual_seed(seed)
    modules = apply_lora(model, spec)
    for index, module in enumerate(modules.values()):
        randomize(module, seed=seed * 1000 + index, std=std)
    return model, modules


# --- the spec ----------------------------------------------------------------------------------


def test_spec_scaling_and_the_alpha_llama_cpp_gets() -> None:
    spec = LoRASpec(rank=8, alpha=16.0)
    assert spec.targets == TARGET_NAMES == ("q", "k", "v", "o", "gate", "up", "down")
    assert (spec.scaling, spec.gguf_alpha) == (2.0, 16.0)
    rs = LoRASpec(rank=16, alpha=8.0, rslora=True)
    assert rs.scaling == pytest.approx(2.0)  # alpha / sqrt(r)
    assert rs.gguf_alpha / rs.rank == pytest.approx(rs.scaling)  # llama.cpp's alpha/r, same factor


def test_spec_reports_every_problem_at_once() -> None:
    with pytest.raises(LoRAError) as caught:
        LoRASpec(rank=0, alpha=0.0, dropout=1.0, targets=("q", "qkv", "q"))
    error = caught.value
    assert error.kind == "invalid_input"
    assert len(error.problems) == 5, error.problems
    text = str(error)
    for word in ("rank", "alpha", "dropout", "'qkv'", "more than once"):
        assert word in text
    with pytest.raises(LoRAError, match="targets is empty"):
        LoRASpec(targets=())


# --- LoRALinear ---------------------------------------------------------------------------------


def test_a_fresh_adapter_computes_the_base_projection() -> None:
    base = linear()
    module = LoRALinear(base, rank=4, alpha=8.0)
    assert module.lora_a.shape == (4, 12) and module.lora_b.shape == (20, 4)
    assert torch.count_nonzero(module.lora_b) == 0 and torch.count_nonzero(module.lora_a) == module.lora_a.numel()
    # Kaiming-uniform with a=sqrt(5): bounded by 1/sqrt(fan_in), as nn.Linear and PEFT.
    assert module.lora_a.abs().max() <= 1 / math.sqrt(12)
    x = torch.randn(3, 5, 12)
    assert torch.equal(module(x), base(x))


@pytest.mark.parametrize("rslora", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_the_forward_pass_is_the_merged_weight(rslora: bool, bias: bool) -> None:
    base = linear(bias)
    module = LoRALinear(base, rank=4, alpha=8.0, rslora=rslora)
    randomize(module)
    expected_scaling = 8.0 / math.sqrt(4) if rslora else 8.0 / 4
    assert module.scaling == expected_scaling
    x = torch.randn(3, 5, 12)
    delta = module.lora_b @ module.lora_a
    assert torch.allclose(module.merged_weight(), base.weight + expected_scaling * delta, atol=1e-6)
    for scale in (1.0, 0.5, 0.0):
        module.scale = scale
        merged = F.linear(x, module.merged_weight(), base.bias)
        assert torch.allclose(module(x), merged, atol=1e-5)
    module.scale = 1.0
    assert (module(x) - base(x)).abs().max() > 1e-2  # the adapter does something


def test_dropout_applies_to_the_adapter_input_in_training_only() -> None:
    base = linear()
    module = LoRALinear(base, rank=4, alpha=8.0, dropout=0.5)
    x = torch.randn(4, 6, 12)
    module.train()
    assert torch.equal(module(x), base(x))  # B = 0: dropout never touches the base path
    randomize(module)
    torch.manual_seed(0)
    first = module(x)
    torch.manual_seed(0)
    dropped = F.dropout(x, 0.5, training=True)
    assert torch.allclose(first, base(x) + module.scaling * (dropped @ module.lora_a.T @ module.lora_b.T), atol=1e-5)
    assert not torch.allclose(module(x), first)  # a fresh mask each call
    module.eval()
    assert torch.equal(module(x), module(x))
    assert torch.allclose(module(x), F.linear(x, module.merged_weight(), base.bias), atol=1e-5)


def test_a_half_precision_base_gets_float32_adapters() -> None:
    base = linear().to(torch.bfloat16)
    module = LoRALinear(base, rank=4, alpha=8.0)
    randomize(module)
    assert module.lora_a.dtype == module.lora_b.dtype == torch.float32 and module.weight.dtype == torch.bfloat16
    x = torch.randn(2, 12, dtype=torch.bfloat16)
    out = module(x)
    assert out.dtype == torch.bfloat16
    assert torch.allclose(out.float(), F.linear(x.float(), module.merged_weight().float(), base.bias.float()), atol=3e-2)


# --- the decoder ------------------------------------------------------------------------------


def test_apply_lora_wraps_the_targets_and_keeps_the_base_names(demo_path: str) -> None:
    model, _ = load_decoder(demo_path)
    weight_q = model.blocks[1].attn_q.weight
    before = model(TOKENS)
    modules = apply_lora(model, LoRASpec(rank=2, alpha=4.0, targets=("q", "v", "down")))
    assert list(modules) == [f"blk.{i}.{name}" for i in range(2) for name in ("attn_q", "attn_v", "ffn_down")]
    assert modules["blk.1.attn_q"] is model.blocks[1].attn_q and model.blocks[1].attn_q.weight is weight_q
    assert isinstance(model.blocks[0].ffn_down, LoRALinear) and not isinstance(model.blocks[0].attn_k, LoRALinear)
    assert "blocks.1.attn_q.weight" in dict(model.named_parameters())  # still blk.1.attn_q.weight
    assert lora_modules(model) == modules
    assert torch.equal(model(TOKENS), before)  # B = 0
    # The loader leaves the model in eval mode; new wrappers follow it (no dropout at inference).
    assert not model.training and not any(module.training for module in modules.values())
    with pytest.raises(LoRAError, match="already has LoRA"):
        apply_lora(model, LoRASpec())


def test_exactly_the_adapter_weights_are_trainable(demo_path: str) -> None:
    model, _ = load_decoder(demo_path)
    apply_lora(model, LoRASpec(rank=2, alpha=4.0))
    model.token_embd.weight.requires_grad_(True)  # something else trainable: it must be frozen
    mark_only_lora_trainable(model)
    trainable = {name for name, parameter in model.named_parameters() if parameter.requires_grad}
    attributes = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down")
    assert trainable == {f"blocks.{i}.{a}.lora_{half}" for i in range(2) for a in attributes for half in "ab"}


@pytest.mark.parametrize("checkpointing", [False, True])
def test_gradients_reach_the_adapters_and_nothing_else(demo_path: str, checkpointing: bool) -> None:
    model, modules = adapted(demo_path, LoRASpec(rank=2, alpha=4.0))
    mark_only_lora_trainable(model)
    model.train()
    model.gradient_checkpointing = checkpointing
    logits = model(TOKENS[:, :-1])
    F.cross_entropy(logits.flatten(0, 1), TOKENS[:, 1:].flatten()).backward()
    for name, parameter in model.named_parameters():
        if ".lora_" in name:
            assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name
        else:
            assert parameter.grad is None, name
    assert len(modules) == 14


def test_adapter_scale_zero_is_the_base_model(demo_path: str) -> None:
    base, _ = load_decoder(demo_path)
    model, _ = adapted(demo_path, LoRASpec(rank=2, alpha=4.0))
    with torch.no_grad():
        assert (model(TOKENS) - base(TOKENS)).abs().max() > 1e-2
        set_adapter_scale(model, 0.0)
        assert torch.equal(model(TOKENS), base(TOKENS))


def test_state_dict_round_trip(demo_path: str) -> None:
    spec = LoRASpec(rank=3, alpha=6.0, targets=("k", "o", "up"))
    trained, _ = adapted(demo_path, spec, seed=1)
    state = {name: values.clone() for name, values in lora_state_dict(trained).items()}
    assert sorted(state) == sorted(f"blocks.{i}.{a}.lora_{h}" for i in range(2) for a in ("attn_k", "attn_output", "ffn_up") for h in "ab")
    fresh, _ = adapted(demo_path, spec, seed=2)
    with torch.no_grad():
        assert not torch.allclose(fresh(TOKENS), trained(TOKENS))
        load_lora_state_dict(fresh, state)
        assert torch.equal(fresh(TOKENS), trained(TOKENS))


def test_loading_a_state_that_does_not_fit_lists_every_problem_and_changes_nothing(demo_path: str) -> None:
    model, _ = adapted(demo_path, LoRASpec(rank=2, alpha=4.0, targets=("q", "v")))
    state = {name: values.clone() + 1 for name, values in lora_state_dict(model).items()}
    before = {name: values.clone() for name, values in lora_state_dict(model).items()}
    del state["blocks.0.attn_q.lora_a"]
    state["blocks.1.attn_v.lora_b"] = torch.zeros(5, 2)
    state["blocks.0.attn_k.lora_a"] = torch.zeros(2, 64)
    state["blocks.0.attn_q.weight"] = torch.zeros(64, 64)
    with pytest.raises(LoRAError) as caught:
        load_lora_state_dict(model, state)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert "blocks.0.attn_q.lora_a" in problems[0]
    assert "blocks.0.attn_k.lora_a" in problems[1] and "blocks.0.attn_q.weight" in problems[1]
    assert "blocks.1.attn_v.lora_b" in problems[2] and "[5, 2]" in problems[2]
    for name, values in lora_state_dict(model).items():
        assert torch.equal(values, before[name])
    with pytest.raises(LoRAError, match="no LoRA adapters"):
        load_lora_state_dict(load_decoder(demo_path)[0], before)
