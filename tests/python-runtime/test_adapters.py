"""Tests for adapter files: GGUF adapters (and llama.cpp running them) and the PEFT export.
Run with ``node scripts/pytest.mjs``.

The llama.cpp checks run real node-llama-cpp through ``llama_lora_logits.mjs``: a demo model of
each architecture with random non-zero LoRA weights on all seven projections must give the
runtime's logits at every position, at adapter strength 1 and 0.5, and the adapter must move
the logits by far more than the tolerance. The PEFT export is checked by computing the model
the way Hugging Face does (q/k rows in its order, rope on halves) from the exported tensors.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest
import torch

from lathe_runtime.adapters import (
    export_peft_adapter,
    permute_rows,
    read_gguf_adapter,
    read_safetensors,
    unpermute_rows,
    write_gguf_adapter,
    write_safetensors,
)
from lathe_runtime.adapters.peft_adapter import PERMUTED_QK
from lathe_runtime.demo_model import add_demo_metadata, demo_config, demo_weights, make_demo_model
from lathe_runtime.gguf import GGMLType, GGUFReader, GGUFValueType, GGUFWriter
from lathe_runtime.lora import LoRAError, LoRALinear, LoRASpec, apply_lora, load_lora_state_dict, set_adapter_scale
from lathe_runtime.model import Decoder, DecoderConfig, load_decoder

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("llama_lora_logits.mjs")
TOLERANCE = 2e-2  # llama.cpp as a chat runs it (F16 KV cache): as test_model_parity.py
EXACT_TOLERANCE = 1e-5  # F32 KV cache, no flash attention: float32 round-off (measured ~3e-7)
CAUGHT = 10 * TOLERANCE  # an adapter (or a wrong layout) must move the logits this much
ARCHS = ("llama", "qwen2")
SPEC = LoRASpec(rank=4, alpha=8.0)
IM_START, IM_END = 257, 258
PROMPTS: List[List[int]] = [
    list(b"The quick brown fox jumps over t"),  # 32 tokens
    [IM_START, *b"user\nHello world", IM_END, 10, IM_START, *b"assistant\nHi"],  # 32 tokens
]
HF_NAMES = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
            "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"}

torch.set_num_threads(2)


def adapted(path: str, spec: LoRASpec = SPEC, seed: int = 0, std: float = 0.05) -> Tuple[Decoder, Dict[str, LoRALinear]]:
    """The decoder of ``path`` with LoRA: A Kaiming-uniform, B ~ N(0, std²), from ``seed``."""
    model, _ = load_decoder(path)
    model.attention = "math"
    torch.manual_seed(seed)
    modules = apply_lora(model, spec)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in modules.values():
            module.lora_b.copy_(torch.randn(module.lora_b.shape, generator=generator) * std)
    return model, modules


def logits(model: Decoder, ids: Sequence[int], scale: float = 1.0) -> torch.Tensor:
    set_adapter_scale(model, scale)
    with torch.no_grad():
        return model(torch.tensor([list(ids)]))[0].float()


def max_delta(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return (a - b).abs().max().item()


def write_sharp_model(path: Path, arch: str) -> str:
    """A demo model with q/k weights ×12, so attention is peaked and q/k changes show."""
    config = demo_config(arch, "tiny")
    weights = demo_weights(config, seed=0)
    writer = GGUFWriter()
    add_demo_metadata(writer, config, "f32")
    for name, values in weights.items():
        writer.add_tensor(name, values * 12 if ".attn_q." in name or ".attn_k." in name else values)
    writer.write(path)
    return str(path)


def llama_cpp(model_path: str, contexts: List[List[Dict[str, object]]], exact: bool = False) -> List[List[torch.Tensor]]:
    """llama.cpp's (T, vocab) logits of each prompt, for each context's adapter list."""
    node = shutil.which("node")
    if node is None or not (REPO_ROOT / "node_modules" / "node-llama-cpp" / "package.json").is_file():
        pytest.fail("node and node-llama-cpp are needed (npm install); these tests run llama.cpp through them")
    done = run_script(model_path, contexts, exact)
    if done.returncode != 0:
        pytest.fail(f"llama_lora_logits.mjs failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    rows = [torch.tensor(json.loads(line), dtype=torch.float32) for line in done.stdout.splitlines() if line.strip()]
    assert len(rows) == len(contexts) * len(PROMPTS)
    return [rows[i * len(PROMPTS) : (i + 1) * len(PROMPTS)] for i in range(len(contexts))]


def run_script(model_path: str, contexts: List[List[Dict[str, object]]], exact: bool = False) -> subprocess.CompletedProcess:
    args = [shutil.which("node") or "node", str(SCRIPT), *(["--exact"] if exact else []), model_path, json.dumps(contexts)]
    return subprocess.run(args + [json.dumps(ids) for ids in PROMPTS], capture_output=True, text=True, timeout=180, cwd=REPO_ROOT)


# --- GGUF adapters -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    folder = tmp_path_factory.mktemp("adapters")
    return {arch: make_demo_model(str(folder / f"{arch}.gguf"), arch=arch)["path"] for arch in ARCHS}


def test_a_gguf_adapter_has_what_llama_cpp_reads_and_reads_back_exactly(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    spec = LoRASpec(rank=4, alpha=8.0, dropout=0.1, targets=("q", "o", "down"))
    model, modules = adapted(demo_paths["qwen2"], spec)
    path = tmp_path / "adapter.gguf"
    size = write_gguf_adapter(path, modules, "qwen2", spec, name="test adapter")
    assert size == path.stat().st_size and not list(tmp_path.glob(".*.tmp"))
    with GGUFReader(path) as gguf:
        fields, tensors = gguf.fields, gguf.tensors
    expected_fields = {
        "general.architecture": (GGUFValueType.STRING, "qwen2"),
        "general.type": (GGUFValueType.STRING, "adapter"),
        "adapter.type": (GGUFValueType.STRING, "lora"),
        "adapter.lora.alpha": (GGUFValueType.FLOAT32, 8.0),  # FLOAT32 or llama.cpp aborts
        "lathe.lora.rank": (GGUFValueType.UINT32, 4),
        "lathe.lora.rslora": (GGUFValueType.BOOL, False),
    }
    for key, (value_type, value) in expected_fields.items():
        assert (fields[key].type, fields[key].value) == (value_type, value), key
    assert list(tensors)[:2] == ["blk.0.attn_q.weight.lora_a", "blk.0.attn_q.weight.lora_b"]
    assert len(tensors) == 2 * 2 * 3
    a, b = tensors["blk.1.ffn_down.weight.lora_a"], tensors["blk.1.ffn_down.weight.lora_b"]
    assert (a.shape, a.dims, b.shape, b.dims) == ((4, 256), (256, 4), (64, 4), (4, 64))  # ggml: {in, r}, {r, out}
    assert {info.type_name for info in tensors.values()} == {"F32"}

    adapter = read_gguf_adapter(path)
    assert (adapter.architecture, adapter.spec, adapter.file_alpha) == ("qwen2", spec, 8.0)
    assert list(adapter.weights) == list(modules)
    for name, (lora_a, lora_b) in adapter.weights.items():
        assert torch.equal(lora_a, modules[name].lora_a) and torch.equal(lora_b, modules[name].lora_b)
    fresh, _ = adapted(demo_paths["qwen2"], adapter.spec, seed=7)
    load_lora_state_dict(fresh, adapter.state_dict())
    assert torch.equal(logits(fresh, PROMPTS[0]), logits(model, PROMPTS[0]))


def test_an_rslora_adapter_gets_the_alpha_that_gives_llama_cpp_its_scaling(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    spec = LoRASpec(rank=16, alpha=8.0, rslora=True, targets=("v",))
    _, modules = adapted(demo_paths["llama"], spec)
    write_gguf_adapter(tmp_path / "rs.gguf", modules, "llama", spec)
    adapter = read_gguf_adapter(tmp_path / "rs.gguf")
    assert adapter.file_alpha == pytest.approx(32.0)  # alpha·sqrt(r): llama.cpp's alpha/r = 8/sqrt(16)
    assert adapter.spec == spec


def test_an_f16_adapter_stores_rounded_weights(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    _, modules = adapted(demo_paths["llama"], LoRASpec(rank=4, alpha=8.0, targets=("k",)))
    write_gguf_adapter(tmp_path / "f16.gguf", modules, "llama", LoRASpec(rank=4, alpha=8.0, targets=("k",)), GGMLType.F16)
    with GGUFReader(tmp_path / "f16.gguf") as gguf:
        assert {info.type_name for info in gguf.tensors.values()} == {"F16"}
    for name, (lora_a, lora_b) in read_gguf_adapter(tmp_path / "f16.gguf").weights.items():
        assert torch.equal(lora_b, modules[name].lora_b.half().float())


def test_writing_lists_every_problem_and_writes_nothing(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    _, modules = adapted(demo_paths["llama"], LoRASpec(rank=4, alpha=8.0, targets=("q", "k")))
    with torch.no_grad():
        modules["blk.1.attn_k"].lora_b[0, 0] = float("nan")
    renamed = {("layers.0.q" if name == "blk.0.attn_q" else name): module for name, module in modules.items()}
    with pytest.raises(LoRAError) as caught:
        write_gguf_adapter(tmp_path / "bad.gguf", renamed, "", LoRASpec(rank=8, alpha=8.0, targets=("q",)))
    text = str(caught.value)
    for part in ("architecture is empty", "'layers.0.q'", "rank 4", "NaN", "adapt q, k; the spec says q"):
        assert part in text
    assert not list(tmp_path.iterdir())


def test_reading_refuses_what_is_not_a_lora_adapter(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(LoRAError, match="general.type") as caught:
        read_gguf_adapter(demo_paths["llama"])
    assert caught.value.kind == "invalid_file"
    writer = GGUFWriter()
    writer.add("general.architecture", "llama")
    writer.add("general.type", "adapter")
    writer.add("adapter.type", "lora")
    writer.add("adapter.lora.alpha", 8.0, GGUFValueType.FLOAT64)
    writer.add_tensor("blk.0.attn_q.weight.lora_a", torch.zeros(4, 64))
    writer.add_tensor("token_embd.weight.lora_a", torch.zeros(4, 64))
    writer.write(tmp_path / "bad.gguf")
    with pytest.raises(LoRAError) as caught:
        read_gguf_adapter(tmp_path / "bad.gguf")
    assert len(caught.value.problems) == 3, caught.value.problems  # alpha type, token_embd, lone half


def test_an_adapter_from_llama_cpp_s_converter_is_read_from_its_tensors(tmp_path: Path) -> None:
    # convert_lora_to_gguf.py writes no lathe.* keys: rank and targets come from the tensors.
    writer = GGUFWriter()
    for key, value in {"general.architecture": "llama", "general.type": "adapter", "adapter.type": "lora",
                       "adapter.lora.alpha": 16.0}.items():
        writer.add(key, value)
    for block in range(2):
        for name in ("attn_v", "ffn_up"):
            writer.add_tensor(f"blk.{block}.{name}.weight.lora_a", torch.randn(8, 64))
            writer.add_tensor(f"blk.{block}.{name}.weight.lora_b", torch.randn(256 if name == "ffn_up" else 64, 8))
    writer.write(tmp_path / "converted.gguf")
    adapter = read_gguf_adapter(tmp_path / "converted.gguf")
    assert adapter.spec == LoRASpec(rank=8, alpha=16.0, targets=("v", "up"))
    assert sorted(adapter.state_dict()) == sorted(f"blocks.{i}.{n}.lora_{h}" for i in range(2) for n in ("attn_v", "ffn_up") for h in "ab")


# --- PEFT export -----------------------------------------------------------------------------


def test_q_k_row_permutation_is_undone_exactly() -> None:
    for heads, head_dim in ((4, 16), (2, 16), (3, 8)):
        rows = heads * head_dim
        weight = torch.randn(rows, 24)
        assert torch.equal(unpermute_rows(permute_rows(weight, heads), heads), weight)
        assert torch.equal(permute_rows(unpermute_rows(weight, heads), heads), weight)
        lora_a, lora_b = torch.randn(4, 24), torch.randn(rows, 4)
        merged = unpermute_rows(weight + lora_b @ lora_a, heads)
        assert torch.allclose(merged, unpermute_rows(weight, heads) + unpermute_rows(lora_b, heads) @ lora_a, atol=1e-6)
    # llama.cpp's permute (convert_hf_to_gguf.py): within a head, HF row s·d/2 + j becomes 2j + s.
    hf = torch.arange(8.0).reshape(8, 1)
    assert permute_rows(hf, 1).flatten().tolist() == [0, 4, 1, 5, 2, 6, 3, 7]
    with pytest.raises(ValueError):
        permute_rows(torch.zeros(12, 3), 4)  # heads of 3 rows: odd


def test_safetensors_header_field_by_field(tmp_path: Path) -> None:
    tensors = {"b": torch.randn(3, 5), "a": torch.randn(7), "c": torch.randn(2, 2).to(torch.bfloat16)}
    size = write_safetensors(tmp_path / "t.safetensors", tensors)
    data = (tmp_path / "t.safetensors").read_bytes()
    assert size == len(data)
    (length,) = struct.unpack("<Q", data[:8])
    assert (8 + length) % 8 == 0 and data[8:9] == b"{"
    header = json.loads(data[8 : 8 + length])
    assert header["__metadata__"] == {"format": "pt"}
    assert header["b"] == {"dtype": "F32", "shape": [3, 5], "data_offsets": [0, 60]}
    assert header["a"] == {"dtype": "F32", "shape": [7], "data_offsets": [60, 88]}
    assert header["c"] == {"dtype": "BF16", "shape": [2, 2], "data_offsets": [88, 96]}
    assert len(data) == 8 + length + 96
    assert data[8 + length : 8 + length + 60] == struct.pack("<15f", *tensors["b"].flatten().tolist())
    read, _ = read_safetensors(tmp_path / "t.safetensors")
    assert all(torch.equal(read[name], values) for name, values in tensors.items())
    (tmp_path / "cut.safetensors").write_bytes(data[:-4])
    with pytest.raises(LoRAError, match="data_offsets"):
        read_safetensors(tmp_path / "cut.safetensors")


def hf_layout_decoder(path: str, spec: LoRASpec, tensors: Dict[str, torch.Tensor], wrong_qk: bool = False) -> Decoder:
    """The model as Hugging Face computes it: q/k rows in HF order, rope on halves (NEOX), and
    the PEFT tensors loaded by their names. ``wrong_qk``: q/k B rows in the other order."""
    model, config = load_decoder(path)
    model.attention = "math"
    permuted = PERMUTED_QK[config.architecture]
    heads = {"attn_q": config.head_count, "attn_k": config.head_count_kv}
    if permuted:
        with torch.no_grad():
            for block in model.blocks:
                for name, count in heads.items():
                    getattr(block, name).weight.copy_(unpermute_rows(getattr(block, name).weight, count))
    model.rope.config = replace(config, rope_style="neox")
    model.rope.reset()
    modules = apply_lora(model, spec)
    with torch.no_grad():
        for name, module in modules.items():
            _, block, projection = name.split(".")
            prefix = f"base_model.model.model.layers.{block}.{HF_NAMES[projection]}"
            lora_b = tensors[f"{prefix}.lora_B.weight"]
            if wrong_qk and projection in heads:
                lora_b = permute_rows(lora_b, heads[projection]) if permuted else unpermute_rows(lora_b, heads[projection])
            module.lora_a.copy_(tensors[f"{prefix}.lora_A.weight"])
            module.lora_b.copy_(lora_b)
    return model


@pytest.mark.parametrize("arch", ARCHS)
def test_the_peft_export_computes_the_same_model_in_hugging_face_s_layout(arch: str, tmp_path: Path) -> None:
    path = write_sharp_model(tmp_path / "sharp.gguf", arch)
    spec = LoRASpec(rank=4, alpha=8.0, dropout=0.05, rslora=True)
    model, modules = adapted(path, spec, std=0.2)
    config: DecoderConfig = model.config
    files = export_peft_adapter(tmp_path / "peft", modules, config, spec, base_model_name="Lathe demo")
    tensors, header = read_safetensors(files["adapter_model.safetensors"])
    assert len(tensors) == 2 * 7 * 2
    assert header["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"]["shape"] == [4, 256]
    assert header["base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight"]["shape"] == [config.kv_dim, 4]
    adapter_config = json.loads(files["adapter_config.json"].read_text())
    assert adapter_config == {**adapter_config, "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 4, "lora_alpha": 8.0,
                              "lora_dropout": 0.05, "use_rslora": True, "bias": "none", "base_model_name_or_path": "Lathe demo",
                              "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}
    expected = logits(model, PROMPTS[0])
    assert max_delta(expected, logits(load_decoder(path)[0], PROMPTS[0])) > CAUGHT
    assert max_delta(logits(hf_layout_decoder(path, spec, tensors), PROMPTS[0]), expected) <= 1e-5
    # The control: q/k B rows in the other order give another model.
    assert max_delta(logits(hf_layout_decoder(path, spec, tensors, wrong_qk=True), PROMPTS[0]), expected) > CAUGHT


# --- llama.cpp runs the adapter ------------------------------------------------------------


@pytest.mark.parametrize("arch", ARCHS)
def test_llama_cpp_runs_the_adapter_as_the_runtime_does(demo_paths: Dict[str, str], arch: str, tmp_path: Path) -> None:
    base_path = demo_paths[arch]
    model, modules = adapted(base_path, SPEC)
    rs_spec = replace(SPEC, rslora=True)
    write_gguf_adapter(tmp_path / "plain.gguf", modules, arch, SPEC)
    write_gguf_adapter(tmp_path / "f16.gguf", modules, arch, SPEC, GGMLType.F16)
    for module in modules.values():
        module.rslora = True
    write_gguf_adapter(tmp_path / "rslora.gguf", modules, arch, rs_spec)
    rs_logits = [logits(model, ids) for ids in PROMPTS]
    for module in modules.values():
        module.rslora = False
    f16 = read_gguf_adapter(tmp_path / "f16.gguf")
    f16_model, _ = adapted(base_path, f16.spec)
    load_lora_state_dict(f16_model, f16.state_dict())

    def adapter(name: str, scale: float) -> List[Dict[str, object]]:
        return [{"filePath": str(tmp_path / f"{name}.gguf"), "scale": scale}]

    base, plain, half, rslora, f16_run = llama_cpp(
        base_path, [[], adapter("plain", 1.0), adapter("plain", 0.5), adapter("rslora", 1.0), adapter("f16", 1.0)])
    exact_base, exact_plain = llama_cpp(base_path, [[], adapter("plain", 1.0)], exact=True)
    for p, ids in enumerate(PROMPTS):
        ours = {scale: logits(model, ids, scale) for scale in (0.0, 1.0, 0.5)}
        assert max_delta(ours[0.0], base[p]) <= TOLERANCE
        assert max_delta(ours[1.0], plain[p]) <= TOLERANCE
        assert max_delta(ours[0.5], half[p]) <= TOLERANCE
        assert max_delta(rs_logits[p], rslora[p]) <= TOLERANCE
        assert max_delta(logits(f16_model, ids), f16_run[p]) <= TOLERANCE
        assert max_delta(ours[1.0], exact_plain[p]) <= EXACT_TOLERANCE
        assert max_delta(ours[0.0], exact_base[p]) <= EXACT_TOLERANCE
        # The adapter moves the logits by far more than the tolerance, in llama.cpp and here;
        # half strength and rsLoRA's scaling are told apart from full strength.
        assert max_delta(plain[p], base[p]) > CAUGHT and max_delta(ours[1.0], ours[0.0]) > CAUGHT
        assert max_delta(half[p], plain[p]) > CAUGHT / 2 and max_delta(rslora[p], plain[p]) > CAUGHT / 2


@pytest.mark.parametrize("arch", ARCHS)
def test_llama_cpp_applies_q_and_k_adapters_where_attention_is_sharp(arch: str, tmp_path: Path) -> None:
    path = write_sharp_model(tmp_path / "sharp.gguf", arch)
    spec = LoRASpec(rank=4, alpha=8.0, targets=("q", "k"))
    model, modules = adapted(path, spec, std=0.2)
    write_gguf_adapter(tmp_path / "qk.gguf", modules, arch, spec)
    base, qk = llama_cpp(path, [[], [{"filePath": str(tmp_path / "qk.gguf"), "scale": 1.0}]])
    for p, ids in enumerate(PROMPTS):
        assert max_delta(qk[p], base[p]) > CAUGHT
        assert max_delta(logits(model, ids), qk[p]) <= TOLERANCE


def test_llama_cpp_refuses_an_adapter_for_another_architecture_and_says_why(demo_paths: Dict[str, str], tmp_path: Path) -> None:
    _, modules = adapted(demo_paths["qwen2"], LoRASpec(rank=2, alpha=2.0, targets=("v",)))
    write_gguf_adapter(tmp_path / "qwen2.gguf", modules, "qwen2", LoRASpec(rank=2, alpha=2.0, targets=("v",)))
    done = run_script(demo_paths["llama"], [[{"filePath": str(tmp_path / "qwen2.gguf"), "scale": 1.0}]])
    assert done.returncode != 0
    assert "model arch and LoRA arch mismatch" in done.stderr  # llama.cpp's log, passed on
