"""Tests for the demo model builder and ``python -m lathe_runtime make-model``.

Run with ``node scripts/pytest.mjs``. That llama.cpp loads and runs these files is checked
by ``tests/main/models/demo-model-llama.test.ts`` (real node-llama-cpp).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
import torch

import lathe_runtime
from lathe_runtime import demo_model
from lathe_runtime.__main__ import DEMO_ARCHITECTURES, DEMO_DTYPES, DEMO_SIZES
from lathe_runtime.demo_model import (
    CHATML_TEMPLATE,
    VOCAB_SIZE,
    bytes_to_unicode,
    demo_config,
    demo_vocab,
    demo_weights,
    make_demo_model,
)
from lathe_runtime.gguf import GGMLType, GGUFReader, GGUFValueType
from lathe_runtime.gguf.quants import dequantize_q8_0, quantize_q8_0

V = GGUFValueType
RUNTIME_DIR = Path(lathe_runtime.__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m lathe_runtime`` with this interpreter and the runtime importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(RUNTIME_DIR), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "lathe_runtime", *args], env=env, capture_output=True, text=True, timeout=120
    )


# --- tokenizer --------------------------------------------------------------------------------


def test_bytes_are_spelled_as_gpt2_spells_them() -> None:
    spelled = bytes_to_unicode()
    assert len(set(spelled)) == 256 and all(len(char) == 1 for char in spelled)
    assert spelled[ord("A")] == "A" and spelled[ord("~")] == "~" and spelled[0xE9] == "\u00e9"
    # GPT-2's well-known spellings: space is "Ġ", newline "Ċ" (llama.cpp looks up "\xC4\x8A"
    # for its newline token), byte 0 is "Ā", 0xAD (soft hyphen) is "Ń".
    assert (spelled[0x20], spelled[0x0A], spelled[0x00], spelled[0xAD]) == ("\u0120", "\u010a", "\u0100", "\u0143")


def test_vocab_is_the_bytes_then_three_control_tokens() -> None:
    tokens, types = demo_vocab()
    assert len(tokens) == len(set(tokens)) == VOCAB_SIZE == 259
    assert tokens[256:] == ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    assert types == [1] * 256 + [3] * 3


# --- the file -------------------------------------------------------------------------------


@pytest.mark.parametrize("arch", ["llama", "qwen2"])
def test_metadata_has_the_keys_and_types_llama_cpp_checks(tmp_path: Path, arch: str) -> None:
    path = tmp_path / "m.gguf"
    make_demo_model(str(path), arch=arch, size="small")
    with GGUFReader(path) as gguf:
        fields = gguf.fields
        meta = gguf.metadata
    expected = {
        "general.architecture": (V.STRING, arch),
        "general.name": (V.STRING, f"Lathe demo {arch} small"),
        "general.file_type": (V.UINT32, 0),
        f"{arch}.context_length": (V.UINT32, 512),
        f"{arch}.embedding_length": (V.UINT32, 128),
        f"{arch}.block_count": (V.UINT32, 4),
        f"{arch}.feed_forward_length": (V.UINT32, 512),
        f"{arch}.attention.head_count": (V.UINT32, 4),
        f"{arch}.attention.head_count_kv": (V.UINT32, 2 if arch == "qwen2" else 4),
        f"{arch}.rope.dimension_count": (V.UINT32, 32),
        f"{arch}.rope.freq_base": (V.FLOAT32, 1e6 if arch == "qwen2" else 1e4),
        "tokenizer.ggml.model": (V.STRING, "gpt2"),
        "tokenizer.ggml.pre": (V.STRING, "qwen2"),
        "tokenizer.ggml.bos_token_id": (V.UINT32, 256),
        "tokenizer.ggml.eos_token_id": (V.UINT32, 258),
        "tokenizer.ggml.eot_token_id": (V.UINT32, 258),
        "tokenizer.ggml.padding_token_id": (V.UINT32, 256),
        "tokenizer.ggml.add_bos_token": (V.BOOL, False),
        "tokenizer.chat_template": (V.STRING, CHATML_TEMPLATE),
    }
    assert {key: (fields[key].type, fields[key].value) for key in expected} == expected
    assert fields[f"{arch}.attention.layer_norm_rms_epsilon"].type == V.FLOAT32
    assert meta[f"{arch}.attention.layer_norm_rms_epsilon"] == pytest.approx(1e-5)
    assert (fields["tokenizer.ggml.tokens"].element_type, meta["tokenizer.ggml.tokens"]) == (V.STRING, demo_vocab()[0])
    assert (fields["tokenizer.ggml.token_type"].element_type, meta["tokenizer.ggml.token_type"]) == (V.INT32, demo_vocab()[1])
    assert (fields["tokenizer.ggml.merges"].element_type, meta["tokenizer.ggml.merges"]) == (V.STRING, [])


def test_llama_has_an_untied_output_and_no_biases(tmp_path: Path) -> None:
    path = tmp_path / "llama.gguf"
    make_demo_model(str(path), arch="llama")
    with GGUFReader(path) as gguf:
        shapes = {name: info.shape for name, info in gguf.tensors.items()}
    assert shapes["token_embd.weight"] == shapes["output.weight"] == (259, 64)
    assert shapes["blk.0.attn_q.weight"] == shapes["blk.0.attn_k.weight"] == (64, 64)
    assert shapes["blk.1.ffn_gate.weight"] == shapes["blk.1.ffn_up.weight"] == (256, 64)
    assert shapes["blk.1.ffn_down.weight"] == (64, 256)
    assert not [name for name in shapes if name.endswith(".bias")]
    assert "blk.2.attn_norm.weight" not in shapes  # tiny: two blocks


def test_qwen2_has_qkv_biases_grouped_kv_heads_and_tied_embeddings(tmp_path: Path) -> None:
    path = tmp_path / "qwen2.gguf"
    make_demo_model(str(path), arch="qwen2")
    with GGUFReader(path) as gguf:
        shapes = {name: info.shape for name, info in gguf.tensors.items()}
        dims = gguf.tensors["blk.0.attn_k.weight"].dims
    assert "output.weight" not in shapes
    assert shapes["blk.0.attn_q.weight"] == (64, 64)
    assert shapes["blk.0.attn_k.weight"] == shapes["blk.0.attn_v.weight"] == (32, 64)  # 2 heads of 16
    assert dims == (64, 32)  # llama.cpp's {n_embd, n_embd_k_gqa}
    assert (shapes["blk.1.attn_q.bias"], shapes["blk.1.attn_k.bias"], shapes["blk.1.attn_v.bias"]) == ((64,), (32,), (32,))


@pytest.mark.parametrize(
    "dtype, matrix_type, stored",
    [
        ("f32", GGMLType.F32, lambda w: w),
        ("f16", GGMLType.F16, lambda w: w.half().float()),
        ("bf16", GGMLType.BF16, lambda w: w.bfloat16().float()),
        ("q8_0", GGMLType.Q8_0, lambda w: dequantize_q8_0(quantize_q8_0(w.reshape(-1)), w.numel()).reshape(w.shape)),
    ],
)
def test_weights_are_stored_as_asked_and_read_back(tmp_path: Path, dtype: str, matrix_type: GGMLType, stored: Any) -> None:
    path = tmp_path / f"{dtype}.gguf"
    summary = make_demo_model(str(path), arch="qwen2", dtype=dtype, seed=5)
    weights = demo_weights(demo_config("qwen2", "tiny"), 5)
    with GGUFReader(path) as gguf:
        assert gguf.metadata["general.file_type"] == {"f32": 0, "f16": 1, "q8_0": 7, "bf16": 32}[dtype]
        assert list(gguf.tensors) == list(weights)
        for name, expected in weights.items():
            info = gguf.tensors[name]
            # 1-D tensors (norms, biases) stay F32 whatever the dtype, as llama.cpp keeps them.
            one_d = expected.dim() == 1
            assert info.ggml_type == (GGMLType.F32 if one_d else matrix_type), name
            assert torch.equal(gguf.tensor(name), expected if one_d else stored(expected)), name
    assert summary["parameters"] == sum(w.numel() for w in weights.values()) == 140_032
    assert summary["bytes"] == path.stat().st_size


def test_weights_are_small_normals_and_norms_are_one() -> None:
    weights = demo_weights(demo_config("llama", "small"), 0)
    assert weights["blk.3.attn_norm.weight"].eq(1).all() and weights["output_norm.weight"].eq(1).all()
    embeddings = weights["token_embd.weight"]
    assert abs(embeddings.std().item() - 0.02) < 0.002 and abs(embeddings.mean().item()) < 0.002


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    paths = [tmp_path / name for name in ("a.gguf", "b.gguf", "c.gguf")]
    for path, seed in zip(paths, (7, 7, 8)):
        make_demo_model(str(path), arch="llama", dtype="q8_0", seed=seed)
    first, again, other = (path.read_bytes() for path in paths)
    assert first == again
    assert first != other and len(first) == len(other)


def test_unknown_choices_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown architecture 'gpt2'"):
        make_demo_model(str(tmp_path / "x.gguf"), arch="gpt2")
    with pytest.raises(ValueError, match="unknown dtype 'iq4_xs'"):
        make_demo_model(str(tmp_path / "x.gguf"), dtype="iq4_xs")
    assert os.listdir(tmp_path) == []


# --- the command ----------------------------------------------------------------------------


def test_cli_choices_match_the_builder() -> None:
    assert DEMO_ARCHITECTURES == demo_model.ARCHITECTURES
    assert DEMO_SIZES == demo_model.SIZES
    assert DEMO_DTYPES == tuple(demo_model.DTYPES)


def test_make_model_prints_one_json_line_describing_the_file(tmp_path: Path) -> None:
    out = tmp_path / "demo.gguf"
    result = run_cli("make-model", "--out", str(out), "--arch", "qwen2", "--size", "small", "--dtype", "bf16", "--seed", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    summary: Dict[str, object] = json.loads(lines[0])
    assert summary == {
        "path": str(out.resolve()),
        "name": "Lathe demo qwen2 small",
        "arch": "qwen2",
        "size": "small",
        "dtype": "bf16",
        "seed": 3,
        "parameters": 1_018_368,
        "vocab_size": 259,
        "bytes": out.stat().st_size,
    }
    with GGUFReader(out) as gguf:
        assert gguf.tensors["blk.3.ffn_up.weight"].type_name == "BF16"


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["--arch", "mistral"], "invalid choice: 'mistral'"),
        (["--size", "huge"], "invalid choice: 'huge'"),
        (["--dtype", "iq4_xs"], "invalid choice: 'iq4_xs'"),
        (["--seed", "-1"], "must be between 0 and 2**63 - 1"),
        (["--seed", "abc"], "not an integer: 'abc'"),
        (["--seed", str(2**63)], "must be between 0"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(tmp_path: Path, args: List[str], complaint: str) -> None:
    result = run_cli("make-model", "--out", str(tmp_path / "x.gguf"), *args)
    assert result.returncode == 2
    assert complaint in result.stderr and "usage:" in result.stderr
    assert result.stdout == "" and os.listdir(tmp_path) == []


def test_a_missing_out_exits_2() -> None:
    result = run_cli("make-model")
    assert result.returncode == 2
    assert "--out" in result.stderr


def test_an_unwritable_out_exits_1_and_leaves_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "demo.gguf"
    result = run_cli("make-model", "--out", str(missing))
    assert result.returncode == 1
    assert result.stderr.strip() == f"make-model: cannot write {missing}: No such file or directory"
    assert result.stdout == "" and os.listdir(tmp_path) == []


def test_out_naming_a_folder_exits_1_and_leaves_the_folder_alone(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = run_cli("make-model", "--out", str(folder))
    assert result.returncode == 1
    assert f"cannot write {folder}" in result.stderr
    assert os.listdir(folder) == ["keep.txt"] and os.listdir(tmp_path) == ["models"]


def test_make_model_without_torch_exits_1_and_says_why(tmp_path: Path) -> None:
    # An interpreter without torch, simulated in this one: torch refuses to import.
    script = (
        "import importlib.abc, runpy, sys\n"
        "class RefuseTorch(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'torch'\", name=name)\n"
        "sys.meta_path.insert(0, RefuseTorch())\n"
        f"sys.argv = ['lathe_runtime', 'make-model', '--out', {str(tmp_path / 'x.gguf')!r}]\n"
        "runpy.run_module('lathe_runtime', run_name='__main__', alter_sys=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(RUNTIME_DIR))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "make-model needs torch: No module named 'torch'"
    assert result.stdout == "" and os.listdir(tmp_path) == []
