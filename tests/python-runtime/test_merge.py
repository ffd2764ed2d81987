"""Tests for ``lathe_runtime.merge``: an adapter folded into its base model.
Run with ``node scripts/pytest.mjs``.

The fold is checked twice: against the formula on the file's own tensors (W + alpha/r·B·A, in
the GGUF layout, every other tensor and every metadata key unchanged), and through llama.cpp —
the merged model alone must give the logits the base model gives with the adapter applied
(``llama_lora_logits.mjs``), on F32 and F16 bases, so a layout mistake (a missing or extra
Q/K permutation, a transposed B·A) cannot pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import torch

from lathe_runtime.adapters import write_gguf_adapter
from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.gguf import GGMLType, GGUFReader
from lathe_runtime.lora import LoRALinear, LoRASpec, apply_lora
from lathe_runtime.merge import MergeError, merge_adapter
from lathe_runtime.model import load_decoder

from test_adapters import PROMPTS, llama_cpp, max_delta

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = LoRASpec(rank=4, alpha=8.0)
# llama.cpp with the adapter computes W·x + s·B·(A·x) in float32; the merged file holds
# W + s·B·A rounded once to its type. For an F32 base the two differ by float32 round-off
# (~1e-6, measured below 1e-4 even with the F16 KV cache off); for an F16 base the merged
# weights are rounded to F16 (relative 5e-4), which moves logits by ~1e-3. 2e-2 is the
# bound the app asserts (issue 7); an adapter moves them by far more (checked as CAUGHT).
F32_TOLERANCE = 1e-3
F16_TOLERANCE = 2e-2
CAUGHT = 0.2

torch.set_num_threads(2)


def random_adapter(model_path: str, out: Path, seed: int = 0) -> Tuple[str, Dict[str, LoRALinear]]:
    """A GGUF adapter for ``model_path`` with random non-zero A and B on all seven projections."""
    model, config = load_decoder(model_path)
    torch.manual_seed(seed)
    modules = apply_lora(model, SPEC)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in modules.values():
            module.lora_b.copy_(torch.randn(module.lora_b.shape, generator=generator) * 0.05)
    write_gguf_adapter(out, modules, config.architecture, SPEC)
    return str(out), modules


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    folder = tmp_path_factory.mktemp("merge")
    made = {
        "f32": make_demo_model(str(folder / "llama-f32.gguf"), arch="llama", dtype="f32")["path"],
        "f16": make_demo_model(str(folder / "llama-f16.gguf"), arch="llama", dtype="f16")["path"],
        "qwen2": make_demo_model(str(folder / "qwen2.gguf"), arch="qwen2")["path"],
        "small": make_demo_model(str(folder / "llama-small.gguf"), arch="llama", size="small")["path"],
    }
    return made


def test_the_merged_weights_are_w_plus_scaled_ba_in_the_gguf_layout(models: Dict[str, str], tmp_path: Path) -> None:
    adapter, modules = random_adapter(models["f32"], tmp_path / "adapter.gguf")
    out = tmp_path / "merged.gguf"
    seen: List[float] = []
    summary = merge_adapter(models["f32"], adapter, out, progress=seen.append)
    assert summary["merged"] == len(modules) == 14 and summary["factor"] == pytest.approx(SPEC.alpha / SPEC.rank)
    assert summary["types"] == {"F32": summary["types"]["F32"]} and seen[-1] == 1.0 and seen == sorted(seen)
    assert not list(tmp_path.glob(".*.tmp"))
    with GGUFReader(models["f32"]) as base, GGUFReader(out) as merged:
        assert list(merged.tensors) == list(base.tensors)
        for key, field in base.fields.items():
            expected = field.value + " + LoRA" if key == "general.name" else field.value
            assert (merged.fields[key].type, merged.fields[key].value) == (field.type, expected), key
        for name in base.tensors:
            w = base.tensor(name)
            module = modules.get(name[: -len(".weight")])
            if module is None:
                assert torch.equal(merged.tensor(name), w), name
            else:
                # The adapter is in the GGUF's own layout (q/k rows permuted as the base's): no permutation here.
                update = (SPEC.alpha / SPEC.rank) * (module.lora_b.detach().double() @ module.lora_a.detach().double())
                assert torch.allclose(merged.tensor(name).double(), w.double() + update, atol=1e-6), name
                assert max_delta(merged.tensor(name), w) > 1e-3, name


@pytest.mark.parametrize("dtype,tolerance", [("f32", F32_TOLERANCE), ("f16", F16_TOLERANCE)])
def test_llama_cpp_gives_the_merged_model_the_logits_of_base_plus_adapter(models: Dict[str, str], tmp_path: Path,
                                                                          dtype: str, tolerance: float) -> None:
    adapter, _ = random_adapter(models[dtype], tmp_path / "adapter.gguf", seed=1)
    out = tmp_path / "merged.gguf"
    summary = merge_adapter(models[dtype], adapter, out)
    assert set(summary["types"]) == ({"F32"} if dtype == "f32" else {"F32", "F16"})  # norms stay F32
    with_adapter, base = llama_cpp(models[dtype], [[{"filePath": adapter, "scale": 1}], []], exact=True)
    (merged,) = llama_cpp(str(out), [[]], exact=True)
    for tuned, plain, folded in zip(with_adapter, base, merged):
        assert max_delta(folded, tuned) <= tolerance
        assert max_delta(folded, plain) > CAUGHT


def test_explicit_types_write_matrices_in_that_type_and_vectors_in_f32(models: Dict[str, str], tmp_path: Path) -> None:
    adapter, _ = random_adapter(models["f32"], tmp_path / "adapter.gguf")
    out = tmp_path / "merged-q8.gguf"
    merge_adapter(models["f32"], adapter, out, out_type="q8_0")
    with GGUFReader(out) as merged:
        for info in merged.tensors.values():
            expected = GGMLType.F32 if len(info.dims) == 1 else GGMLType.Q8_0 if info.dims[0] % 32 == 0 else GGMLType.F16
            assert info.ggml_type == expected, info.name
        assert merged.metadata["general.file_type"] == 7  # MOSTLY_Q8_0


def test_an_adapter_for_another_model_is_refused_naming_the_mismatch(models: Dict[str, str], tmp_path: Path) -> None:
    qwen_adapter, _ = random_adapter(models["qwen2"], tmp_path / "qwen2-adapter.gguf")
    small_adapter, _ = random_adapter(models["small"], tmp_path / "small-adapter.gguf")
    out = tmp_path / "merged.gguf"
    with pytest.raises(MergeError) as arch:
        merge_adapter(models["f32"], qwen_adapter, out)
    assert arch.value.kind == "mismatch" and "made for architecture qwen2 but the model is llama" in str(arch.value)
    with pytest.raises(MergeError) as size:
        merge_adapter(models["f32"], small_adapter, out)
    assert size.value.kind == "mismatch" and "a model of another size" in str(size.value)
    with pytest.raises(MergeError) as itself:
        merge_adapter(models["f32"], qwen_adapter, models["f32"])
    assert itself.value.kind == "invalid_input"
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_the_command_prints_json_lines(models: Dict[str, str], tmp_path: Path) -> None:
    adapter, _ = random_adapter(models["f32"], tmp_path / "adapter.gguf")
    small_adapter, _ = random_adapter(models["small"], tmp_path / "small-adapter.gguf")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "python-runtime")}

    def merge(adapter_path: str, out: Path) -> Tuple[int, List[dict]]:
        done = subprocess.run([sys.executable, "-m", "lathe_runtime", "merge", "--base", models["f32"], "--adapter", adapter_path,
                               "--out", str(out), "--type", "f16"], capture_output=True, text=True, env=env, timeout=120)
        return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]

    code, lines = merge(adapter, tmp_path / "merged.gguf")
    assert code == 0 and lines[-1]["event"] == "done" and lines[-1]["path"] == str(tmp_path / "merged.gguf")
    assert all(line["event"] == "progress" for line in lines[:-1]) and lines[-2]["fraction"] == 1.0
    code, lines = merge(small_adapter, tmp_path / "refused.gguf")
    assert code == 1 and lines[-1]["event"] == "error" and lines[-1]["kind"] == "mismatch" and lines[-1]["problems"]
    assert not (tmp_path / "refused.gguf").exists()
