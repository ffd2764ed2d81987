"""The training runtime's decoder computes what llama.cpp computes, on the same GGUF files.

Run with ``node scripts/pytest.mjs``. llama.cpp's logits come from real node-llama-cpp through
``llama_logits.mjs`` (its ``controlledEvaluate`` with logits at every position).

Two comparisons:
* as a chat runs llama.cpp (F16 KV cache, flash attention, activations rounded to the weight
  type inside its matmuls): every logit within ``TOLERANCE``;
* ``--exact`` (F32 KV cache, no flash attention) on float32 models: float32 round-off only.

The demo models' random weights (std 0.02) make attention nearly uniform, so on them a wrong
rope layout moves the logits by less than 1e-2 and would pass ``TOLERANCE``. The "sharp"
models scale the query and key weights so attention is peaked and position matters; the
negative controls below show that on them a wrong rope layout, head mapping, rope scaling or
packing mask fails by far more than the tolerance.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import pytest
import torch

from lathe_runtime.demo_model import add_demo_metadata, demo_config, demo_weights, make_demo_model, storage_type
from lathe_runtime.gguf import GGUFWriter
from lathe_runtime.model import decoder as decoder_module
from lathe_runtime.model import has_sdpa, load_decoder

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("llama_logits.mjs")
TOLERANCE = 2e-2
EXACT_TOLERANCE = 1e-5
# A wrong convention must miss by this much on the sharp models (measured: ~0.5).
CAUGHT = 10 * TOLERANCE
SHARP_QK_SCALE = 12.0

IM_START, IM_END = 257, 258
PROMPTS: Dict[str, List[int]] = {
    "text": list(b"The quick brown fox jumps over t"),  # 32 tokens
    "chatml": [IM_START, *b"user\nHello world", IM_END, 10, IM_START, *b"assistant\nHi"],  # 32 tokens
    # Two examples to pack into one row.
    "a": [IM_START, *b"user\nhi", IM_END, 10, IM_START, *b"assistant\nyo"],
    "b": [IM_START, *b"system\nBe brief.", IM_END, 10, IM_START, *b"user\nWhy?", IM_END],
}
ARCHS = ("llama", "qwen2")
DTYPES = ("f32", "f16", "bf16", "q8_0")
# Block types, each on a tiny model (k-quants on both families; the older 32-value types on
# one each, to keep the llama.cpp runs few). A tiny model's rows are 64 wide, so its k-quant
# files keep ffn_down (256-wide rows) in the k-quant and the other matrices in the 32-value
# fallback, as llama.cpp's quantizer does; every value layout is also checked against a
# plain reading of the formats in test_quants.py.
QUANT_MODELS = (("llama", "q4_0"), ("llama", "q5_0"), ("qwen2", "q4_1"), ("qwen2", "q5_1"),
                *((arch, dtype) for dtype in ("q2_k", "q3_k", "q4_k", "q5_k", "q6_k") for arch in ARCHS))

torch.set_num_threads(2)


def write_variant(path: Path, arch: str, dtype: str = "f32", qk_scale: float = SHARP_QK_SCALE,
                  extra_metadata: Optional[Dict[str, object]] = None,
                  extra_tensors: Optional[Dict[str, torch.Tensor]] = None) -> str:
    """A demo model whose q/k weights (and biases) are scaled by ``qk_scale``, with extra keys
    and tensors: what ``make_demo_model`` writes, made sensitive to positions."""
    config = demo_config(arch, "tiny")
    weights = demo_weights(config, seed=0)
    for name in weights:
        if ".attn_q." in name or ".attn_k." in name:
            weights[name] = weights[name] * qk_scale
    writer = GGUFWriter()
    add_demo_metadata(writer, config, dtype)
    for key, value in (extra_metadata or {}).items():
        writer.add(key, value)
    for name, values in {**(extra_tensors or {}), **weights}.items():
        writer.add_tensor(name, values, storage_type(values, dtype))
    writer.write(path)
    return str(path)


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """Every model these tests compare, by name."""
    folder = tmp_path_factory.mktemp("parity-models")
    paths: Dict[str, str] = {}
    for arch in ARCHS:
        for dtype in DTYPES:
            paths[f"{arch}-{dtype}"] = make_demo_model(str(folder / f"{arch}-{dtype}.gguf"), arch=arch, dtype=dtype)["path"]
        paths[f"{arch}-sharp"] = write_variant(folder / f"{arch}-sharp.gguf", arch)
        paths[f"{arch}-sharp-q4_k"] = write_variant(folder / f"{arch}-sharp-q4_k.gguf", arch, dtype="q4_k")
        paths[f"{arch}-sharp-f16"] = write_variant(folder / f"{arch}-sharp-f16.gguf", arch, dtype="f16")
    for arch, dtype in QUANT_MODELS:
        paths[f"{arch}-{dtype}"] = make_demo_model(str(folder / f"{arch}-{dtype}.gguf"), arch=arch, dtype=dtype)["path"]
    # llama 3.x rope: per-frequency divisors in rope_freqs.weight (head_dim 16 → 8 of them).
    factors = torch.tensor([2.0, 1.0, 1.5, 2.0, 4.0, 8.0, 8.0, 32.0])
    paths["llama-rope-freqs"] = write_variant(folder / "llama-rope-freqs.gguf", "llama",
                                              extra_tensors={"rope_freqs.weight": factors})
    linear = {"qwen2.rope.scaling.type": "linear", "qwen2.rope.scaling.factor": 4.0, "qwen2.rope.scaling.attn_factor": 0.75}
    paths["qwen2-linear-rope"] = write_variant(folder / "qwen2-linear-rope.gguf", "qwen2", extra_metadata=linear)
    return paths


class LlamaCpp:
    """llama.cpp's logits for every prompt in ``PROMPTS``, one node process per model and mode."""

    def __init__(self, models: Dict[str, str]) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not on PATH; the parity tests run llama.cpp through node-llama-cpp")
        if not (REPO_ROOT / "node_modules" / "node-llama-cpp" / "package.json").is_file():
            pytest.fail(f"node-llama-cpp is not installed in {REPO_ROOT / 'node_modules'}; run `npm install` (npm test always has it)")
        self.node = node
        self.models = models
        self.cache: Dict[Tuple[str, bool], Dict[str, torch.Tensor]] = {}

    def logits(self, model: str, prompt: str, exact: bool = False) -> torch.Tensor:
        """(T, vocab) logits of ``PROMPTS[prompt]`` under ``models[model]``."""
        key = (model, exact)
        if key not in self.cache:
            args = [self.node, str(SCRIPT), *(["--exact"] if exact else []), self.models[model]]
            args += [json.dumps(ids) for ids in PROMPTS.values()]
            done = subprocess.run(args, capture_output=True, text=True, timeout=180, cwd=REPO_ROOT)
            if done.returncode != 0:
                pytest.fail(f"llama_logits.mjs failed on {model} (exit {done.returncode}):\n{done.stderr[-4000:]}")
            rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
            self.cache[key] = {name: torch.tensor(row, dtype=torch.float32) for name, row in zip(PROMPTS, rows)}
        return self.cache[key][prompt]


@pytest.fixture(scope="session")
def llama_cpp(models: Dict[str, str]) -> LlamaCpp:
    return LlamaCpp(models)


@pytest.fixture(scope="session")
def decoders(models: Dict[str, str]) -> Callable[[str], torch.nn.Module]:
    """The runtime's decoder for a model name, loaded once (float32, math attention)."""
    loaded: Dict[str, torch.nn.Module] = {}

    def get(name: str) -> torch.nn.Module:
        if name not in loaded:
            model, _ = load_decoder(models[name])
            model.attention = "math"
            loaded[name] = model
        return loaded[name]

    return get


def runtime_logits(model: torch.nn.Module, ids: List[int], segment_ids: Optional[List[int]] = None) -> torch.Tensor:
    tokens = torch.tensor([ids])
    segments = None if segment_ids is None else torch.tensor([segment_ids])
    with torch.no_grad():
        return model(tokens, segment_ids=segments)[0].float()


def max_delta(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return (a - b).abs().max().item()


@pytest.mark.parametrize("prompt", ["text", "chatml"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("arch", ARCHS)
def test_logits_match_llama_cpp_at_every_position(llama_cpp: LlamaCpp, decoders, arch: str, dtype: str, prompt: str) -> None:
    name = f"{arch}-{dtype}"
    expected = llama_cpp.logits(name, prompt)
    got = runtime_logits(decoders(name), PROMPTS[prompt])
    assert expected.shape == (32, 259)
    assert expected.max() - expected.min() > 0.5  # logits that say something
    assert max_delta(got, expected) <= TOLERANCE


@pytest.mark.parametrize("arch, dtype", QUANT_MODELS)
def test_quantized_models_logits_match_llama_cpp(llama_cpp: LlamaCpp, decoders, arch: str, dtype: str) -> None:
    name = f"{arch}-{dtype}"
    for prompt in ("text", "chatml"):
        expected = llama_cpp.logits(name, prompt)
        assert expected.max() - expected.min() > 0.5
        assert max_delta(runtime_logits(decoders(name), PROMPTS[prompt]), expected) <= TOLERANCE


@pytest.mark.parametrize("arch", ARCHS)
def test_low_memory_mode_computes_the_same_logits(llama_cpp: LlamaCpp, decoders, arch: str) -> None:
    # Peaked attention, so a wrong weight would show; the blocks stay quantized in the model.
    name = f"{arch}-sharp-q4_k"
    model, _ = load_decoder(llama_cpp.models[name], quantized=True)
    model.attention = "math"
    assert type(model.blocks[0].ffn_down).__name__ == "QuantizedLinear"
    got = runtime_logits(model, PROMPTS["text"])
    assert max_delta(got, llama_cpp.logits(name, "text")) <= TOLERANCE
    assert max_delta(got, runtime_logits(decoders(name), PROMPTS["text"])) <= EXACT_TOLERANCE


@pytest.mark.parametrize("model", ["llama-f32", "qwen2-f32", "llama-sharp", "qwen2-sharp", "llama-rope-freqs", "qwen2-linear-rope"])
def test_float32_logits_match_llama_cpp_to_rounding(llama_cpp: LlamaCpp, decoders, model: str) -> None:
    for prompt in ("text", "chatml"):
        expected = llama_cpp.logits(model, prompt, exact=True)
        assert max_delta(runtime_logits(decoders(model), PROMPTS[prompt]), expected) <= EXACT_TOLERANCE


@pytest.mark.parametrize("arch", ARCHS)
def test_peaked_attention_matches_and_a_wrong_rope_layout_is_caught(llama_cpp: LlamaCpp, decoders, arch: str) -> None:
    for name in (f"{arch}-sharp", f"{arch}-sharp-f16"):
        assert max_delta(runtime_logits(decoders(name), PROMPTS["text"]), llama_cpp.logits(name, "text")) <= TOLERANCE
    model, _ = load_decoder(llama_cpp.models[f"{arch}-sharp"])
    wrong = "neox" if model.config.rope_style == "norm" else "norm"
    model.rope.config = replace(model.config, rope_style=wrong)
    model.rope.reset()
    assert max_delta(runtime_logits(model, PROMPTS["text"]), llama_cpp.logits(f"{arch}-sharp", "text")) > CAUGHT


def test_grouped_query_heads_share_key_value_heads_as_ggml_does(llama_cpp: LlamaCpp, decoders,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # qwen2's demo model has 4 query heads on 2 key/value heads: queries 0,1 read kv 0.
    model, expected = decoders("qwen2-sharp"), llama_cpp.logits("qwen2-sharp", "text", exact=True)
    assert model.config.head_count == 2 * model.config.head_count_kv
    assert max_delta(runtime_logits(model, PROMPTS["text"]), expected) <= EXACT_TOLERANCE

    def tiled(x: torch.Tensor, config) -> torch.Tensor:  # queries 0,2 on kv 0: the wrong mapping
        return x.repeat(1, config.head_count // config.head_count_kv, 1, 1)

    monkeypatch.setattr(decoder_module, "repeat_kv", tiled)
    assert max_delta(runtime_logits(model, PROMPTS["text"]), expected) > CAUGHT


def test_rope_frequency_factors_and_linear_scaling_change_the_logits(llama_cpp: LlamaCpp, decoders) -> None:
    # Both exact matches are in test_float32_logits_match_llama_cpp_to_rounding; here: the
    # settings were not silently ignored (plain rope would miss llama.cpp by far).
    freqs = decoders("llama-rope-freqs")
    assert freqs.config.rope_freq_factors and freqs.rope.freq_factors is not None
    plain = load_decoder(llama_cpp.models["llama-rope-freqs"])[0]
    plain.rope.freq_factors = torch.ones_like(plain.rope.freq_factors)
    plain.rope.reset()
    expected = llama_cpp.logits("llama-rope-freqs", "text", exact=True)
    assert max_delta(runtime_logits(plain, PROMPTS["text"]), expected) > CAUGHT

    scaled = decoders("qwen2-linear-rope")
    assert (scaled.config.rope_scaling, scaled.config.rope_freq_scale, scaled.config.rope_attn_factor) == ("linear", 0.25, 0.75)
    unscaled = load_decoder(llama_cpp.models["qwen2-linear-rope"])[0]
    unscaled.rope.config = replace(unscaled.config, rope_scaling="none", rope_freq_scale=1.0, rope_attn_factor=1.0)
    unscaled.rope.reset()
    expected = llama_cpp.logits("qwen2-linear-rope", "text", exact=True)
    assert max_delta(runtime_logits(unscaled, PROMPTS["text"]), expected) > CAUGHT


@pytest.mark.parametrize("arch", ARCHS)
def test_packed_examples_compute_what_each_computes_alone(llama_cpp: LlamaCpp, decoders, arch: str) -> None:
    model = decoders(f"{arch}-sharp")
    a, b = PROMPTS["a"], PROMPTS["b"]
    alone_a, alone_b = runtime_logits(model, a), runtime_logits(model, b)
    # The runtime alone is llama.cpp alone...
    assert max_delta(alone_a, llama_cpp.logits(f"{arch}-sharp", "a", exact=True)) <= EXACT_TOLERANCE
    assert max_delta(alone_b, llama_cpp.logits(f"{arch}-sharp", "b", exact=True)) <= EXACT_TOLERANCE
    # ...and packed, in a batch of two rows packed in either order, it is the same again.
    tokens = torch.tensor([a + b, b + a])
    segments = torch.tensor([[0] * len(a) + [1] * len(b), [5] * len(b) + [3] * len(a)])
    with torch.no_grad():
        packed = model(tokens, segment_ids=segments).float()
    assert max_delta(packed[0, : len(a)], alone_a) <= EXACT_TOLERANCE
    assert max_delta(packed[0, len(a) :], alone_b) <= EXACT_TOLERANCE
    assert max_delta(packed[1, : len(b)], alone_b) <= EXACT_TOLERANCE
    assert max_delta(packed[1, len(b) :], alone_a) <= EXACT_TOLERANCE
    # Without segment ids the second example sees the first and shifted positions.
    assert max_delta(runtime_logits(model, a + b)[len(a) :], alone_b) > CAUGHT


@pytest.mark.skipif(not has_sdpa(), reason="this torch has no scaled_dot_product_attention (torch 1.x): only the math path runs")
@pytest.mark.parametrize("arch", ARCHS)
def test_sdpa_and_math_attention_agree(decoders, arch: str) -> None:
    model = decoders(f"{arch}-sharp")
    a, b = PROMPTS["a"], PROMPTS["b"]
    tokens, segments = torch.tensor([a + b]), torch.tensor([[0] * len(a) + [1] * len(b)])
    results = {}
    for attention in ("math", "sdpa"):
        model.attention = attention
        with torch.no_grad():
            results[attention] = (model(tokens).float(), model(tokens, segment_ids=segments).float())
    model.attention = "math"
    for math_logits, sdpa_logits in zip(results["math"], results["sdpa"]):
        assert max_delta(math_logits, sdpa_logits) <= EXACT_TOLERANCE


@pytest.mark.skipif(has_sdpa(), reason="this torch has scaled_dot_product_attention")
def test_asking_for_sdpa_without_it_says_what_to_do(decoders) -> None:
    model = decoders("llama-f32")
    model.attention = "sdpa"
    try:
        with pytest.raises(RuntimeError, match="attention='math'"):
            runtime_logits(model, PROMPTS["a"])
    finally:
        model.attention = "math"
