"""ggml's block types Q4_0 … Q6_K: the vectorized dequantizers against a plain reading of the
block formats, the quantizers' round-trip error, and damaged or contradictory files.

Run with ``node scripts/pytest.mjs``. That llama.cpp reads our blocks as we do is checked in
``test_model_parity.py``; here ``reference_dequantize`` spells out each format value by value
(as ggml's ``dequantize_row_*`` loops walk it), so a vectorized index mistake fails on any
random block.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Callable, Dict, List

import pytest
import torch

from lathe_runtime.demo_model import add_demo_metadata, demo_config, demo_weights, make_demo_model, storage_type
from lathe_runtime.gguf import GGMLType, GGUFError, GGUFReader, GGUFWriter
from lathe_runtime.gguf.constants import BLOCK_SIZES
from lathe_runtime.gguf.quants import BLOCK_DEQUANTIZERS, BLOCK_QUANTIZERS, decode, dequantize_blocks, encode
from lathe_runtime.model import InvalidModelError, UnsupportedModelError, load_decoder

torch.set_num_threads(2)
T = GGMLType


# --- a value-by-value reading of each block format ------------------------------------------


def _half(block: bytes, at: int) -> float:
    return struct.unpack_from("<e", block, at)[0]


def _scale_min_k4(j: int, q: bytes) -> tuple:
    if j < 4:
        return q[j] & 63, q[j + 4] & 63
    return (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)


def _q3_k_scale(i: int, s: bytes) -> int:
    low = s[i] & 0x0F if i < 8 else s[i - 8] >> 4
    high = (s[8 + i % 4] >> (2 * (i // 4))) & 3
    return (low | (high << 4)) - 32


def reference_dequantize(ggml_type: GGMLType, block: bytes) -> List[float]:
    """One block's values, computed one at a time from the layout in ggml-common.h."""
    out: List[float] = []
    if ggml_type in (T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1):
        d = _half(block, 0)
        m = _half(block, 2) if ggml_type in (T.Q4_1, T.Q5_1) else 0.0
        five = ggml_type in (T.Q5_0, T.Q5_1)
        qh_at = 4 if ggml_type == T.Q5_1 else 2
        qh = struct.unpack_from("<I", block, qh_at)[0] if five else 0
        qs_at = {T.Q4_0: 2, T.Q4_1: 4, T.Q5_0: 6, T.Q5_1: 8}[ggml_type]
        for i in range(32):
            byte = block[qs_at + i % 16]
            q = (byte & 0x0F) if i < 16 else (byte >> 4)
            q |= ((qh >> i) & 1) << 4
            if ggml_type in (T.Q4_0, T.Q5_0):
                out.append(d * (q - (16 if five else 8)))
            else:
                out.append(d * q + m)
        return out
    if ggml_type == T.Q2_K:
        d, dmin = _half(block, 80), _half(block, 82)
        for i in range(256):
            n, j, l = i // 128, (i % 128) // 32, i % 32
            sc = block[i // 16]
            q = (block[16 + 32 * n + l] >> (2 * j)) & 3
            out.append(d * (sc & 0x0F) * q - dmin * (sc >> 4))
        return out
    if ggml_type == T.Q3_K:
        d = _half(block, 108)
        for i in range(256):
            n, j, l = i // 128, (i % 128) // 32, i % 32
            q = (block[32 + 32 * n + l] >> (2 * j)) & 3
            high = (block[l] >> (4 * n + j)) & 1
            out.append(d * _q3_k_scale(i // 16, block[96:108]) * (q - (0 if high else 4)))
        return out
    if ggml_type in (T.Q4_K, T.Q5_K):
        d, dmin = _half(block, 0), _half(block, 2)
        qs_at = 16 if ggml_type == T.Q4_K else 48
        for i in range(256):
            j, h, l = i // 64, (i % 64) // 32, i % 32
            sc, m = _scale_min_k4(i // 32, block[4:16])
            q = (block[qs_at + 32 * j + l] >> (4 * h)) & 0x0F
            if ggml_type == T.Q5_K:
                q += 16 * ((block[16 + l] >> (2 * j + h)) & 1)
            out.append(d * sc * q - dmin * m)
        return out
    if ggml_type == T.Q6_K:
        d = _half(block, 208)
        for i in range(256):
            n, j, l = i // 128, (i % 128) // 32, i % 32
            low = (block[64 * n + 32 * (j % 2) + l] >> (4 * (j // 2))) & 0x0F
            high = (block[128 + 32 * n + l] >> (2 * j)) & 3
            scale = struct.unpack_from("<b", block, 192 + i // 16)[0]
            out.append(d * scale * ((low | (high << 4)) - 32))
        return out
    raise AssertionError(f"no reference for {ggml_type.name}")


def random_blocks(ggml_type: GGMLType, count: int, seed: int) -> torch.Tensor:
    """Random bytes for ``count`` blocks, with every fp16 field set to a finite scale."""
    _, size = BLOCK_SIZES[ggml_type]
    generator = torch.Generator().manual_seed(seed)
    blocks = torch.randint(0, 256, (count, size), generator=generator, dtype=torch.uint8)
    halves = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q2_K: [80, 82],
              T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}[ggml_type]
    for at in halves:
        scale = (torch.rand(count, 1, generator=generator) * 0.02 + 0.001).to(torch.float16)
        blocks[:, at : at + 2] = scale.view(torch.uint8).reshape(count, 2)
    return blocks


@pytest.mark.parametrize("ggml_type", list(BLOCK_DEQUANTIZERS), ids=lambda t: t.name)
def test_vectorized_dequantizer_reads_each_value_where_the_format_puts_it(ggml_type: GGMLType) -> None:
    blocks = random_blocks(ggml_type, 3, seed=int(ggml_type))
    got = BLOCK_DEQUANTIZERS[ggml_type](blocks)
    expected = torch.tensor([reference_dequantize(ggml_type, bytes(row.tolist())) for row in blocks])
    assert got.shape == expected.shape and got.dtype == torch.float32
    assert torch.allclose(got, expected, rtol=1e-6, atol=1e-9)


# --- quantizers ---------------------------------------------------------------------------

# Worst error of a block, as a fraction of its largest |value|, measured on normal, cubed
# normal (heavy-tailed) and widely scaled rows, with headroom. A misplaced bit or scale gives
# errors of the order of the values themselves.
ROUND_TRIP_BOUND: Dict[GGMLType, float] = {
    T.Q4_0: 0.14, T.Q4_1: 0.08, T.Q5_0: 0.07, T.Q5_1: 0.04,
    T.Q2_K: 0.36, T.Q3_K: 0.27, T.Q4_K: 0.12, T.Q5_K: 0.12, T.Q6_K: 0.04,
}
# Root-mean-square error relative to the values' rms, on normal values.
RMS_BOUND: Dict[GGMLType, float] = {
    T.Q4_0: 0.11, T.Q4_1: 0.09, T.Q5_0: 0.05, T.Q5_1: 0.045,
    T.Q2_K: 0.36, T.Q3_K: 0.17, T.Q4_K: 0.09, T.Q5_K: 0.045, T.Q6_K: 0.022,
}


def _rows() -> Dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(3)
    normal = torch.randn(64, 512, generator=generator)
    # Scales from 1e-2 to 1e2: the fp16 super-block factors stay normal numbers (far smaller
    # values fall into fp16's subnormals, where ggml's formats lose precision too).
    return {"normal": normal, "heavy": normal ** 3, "scaled": normal * torch.logspace(-2, 2, 64)[:, None]}


@pytest.mark.parametrize("ggml_type", list(BLOCK_QUANTIZERS), ids=lambda t: t.name)
def test_round_trip_error_stays_within_the_types_bound(ggml_type: GGMLType) -> None:
    block_values, block_bytes = BLOCK_SIZES[ggml_type]
    for kind, values in _rows().items():
        encoded = encode(values, ggml_type)
        assert encoded.dtype == torch.uint8 and encoded.numel() == values.numel() // block_values * block_bytes
        back = decode(encoded, ggml_type, values.numel(), "w").reshape(values.shape)
        error = (back - values).abs().reshape(-1, block_values).amax(dim=1)
        largest = values.abs().reshape(-1, block_values).amax(dim=1)
        assert bool((error <= ROUND_TRIP_BOUND[ggml_type] * largest).all()), kind
        assert bool((error > 0).any())  # lossy: the bound is a real check
        if kind == "normal":
            rms = ((back - values).pow(2).mean() / values.pow(2).mean()).sqrt().item()
            assert rms <= RMS_BOUND[ggml_type]


@pytest.mark.parametrize("ggml_type", list(BLOCK_QUANTIZERS), ids=lambda t: t.name)
def test_quantizers_handle_zero_blocks_and_refuse_non_finite_values(ggml_type: GGMLType) -> None:
    block_values = BLOCK_SIZES[ggml_type][0]
    zeros = torch.zeros(2 * block_values)
    assert torch.equal(decode(encode(zeros, ggml_type), ggml_type, zeros.numel(), "w"), zeros)
    bad = zeros.clone()
    bad[5] = float("inf")
    with pytest.raises(ValueError, match="NaN or infinite"):
        encode(bad, ggml_type)
    with pytest.raises(ValueError, match=f"multiple of {block_values}"):
        encode(torch.zeros(block_values + 1), ggml_type)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
@pytest.mark.parametrize("ggml_type", list(BLOCK_DEQUANTIZERS), ids=lambda t: t.name)
def test_dequantizing_on_cuda_gives_the_cpu_values(ggml_type: GGMLType) -> None:
    blocks = random_blocks(ggml_type, 64, seed=7)
    on_cpu = BLOCK_DEQUANTIZERS[ggml_type](blocks)
    on_gpu = BLOCK_DEQUANTIZERS[ggml_type](blocks.cuda())
    assert on_gpu.device.type == "cuda"
    assert torch.allclose(on_gpu.cpu(), on_cpu, rtol=1e-6, atol=0)
    values = torch.randn(8, 4 * BLOCK_SIZES[ggml_type][0])
    assert torch.equal(encode(values.cuda(), ggml_type).cpu(), encode(values, ggml_type))


# --- bad input ----------------------------------------------------------------------------


def test_data_that_is_not_whole_blocks_is_a_corrupt_tensor_named_in_the_error() -> None:
    blocks = encode(torch.randn(512), T.Q4_K)  # two 144-byte blocks
    with pytest.raises(GGUFError, match=r"tensor 'blk\.0\.ffn_up\.weight': 287 bytes are not a whole number of Q4_K blocks") as cut:
        decode(blocks[:-1], T.Q4_K, 512, "blk.0.ffn_up.weight")
    assert cut.value.kind == "corrupt"
    with pytest.raises(ValueError, match="2 Q6_K blocks hold 512 values, not 768"):
        dequantize_blocks(encode(torch.randn(512), T.Q6_K), T.Q6_K, 768)


def _write(path: Path, dtype: str, metadata_dtype: str, size: str = "tiny") -> Path:
    """A demo model whose matrices are stored as ``dtype`` but whose file type says ``metadata_dtype``."""
    config = demo_config("llama", size)
    writer = GGUFWriter()
    add_demo_metadata(writer, config, metadata_dtype)
    for name, values in demo_weights(config, seed=0).items():
        writer.add_tensor(name, values, storage_type(values, dtype))
    writer.write(path)
    return path


def test_a_truncated_quantized_model_is_refused_before_any_weight_is_read(tmp_path: Path) -> None:
    whole = Path(make_demo_model(str(tmp_path / "q4k.gguf"), size="wide", dtype="q4_k")["path"])
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size - 1000])
    with pytest.raises(InvalidModelError, match="runs past the end of the file"):
        load_decoder(cut)


def test_a_type_the_runtime_cannot_read_is_named_with_its_tensor(tmp_path: Path) -> None:
    data = bytearray(_write(tmp_path / "q4k.gguf", "q4_k", "q4_k", size="wide").read_bytes())
    name = b"blk.1.ffn_gate.weight"
    at = data.index(struct.pack("<Q", len(name)) + name) + 8 + len(name)
    n_dims = struct.unpack_from("<I", data, at)[0]
    struct.pack_into("<I", data, at + 4 + 8 * n_dims, int(T.IQ4_XS))  # smaller blocks: still in the file
    patched = tmp_path / "iq4.gguf"
    patched.write_bytes(bytes(data))
    with pytest.raises(UnsupportedModelError, match=r"blk\.1\.ffn_gate\.weight is stored as IQ4_XS; this runtime reads .*Q4_K") as refused:
        load_decoder(patched)
    assert refused.value.kind == "unsupported" and len(refused.value.problems) == 1


@pytest.mark.parametrize("stored, says, message", [
    ("q4_k", "f16", r"general\.file_type says MOSTLY_F16, but \d+ tensors are quantized \(token_embd\.weight is Q4_K\)"),
    ("f16", "q4_k", r"general\.file_type says MOSTLY_Q4_K_S, but no tensor is stored as Q4_K \(the matrices are F16\)"),
    ("q8_0", "q6_k", r"says MOSTLY_Q6_K, but no tensor is stored as Q6_K \(the matrices are Q8_0\)"),
])
def test_a_file_type_the_tensors_contradict_is_refused(tmp_path: Path, stored: str, says: str, message: str) -> None:
    path = _write(tmp_path / "m.gguf", stored, says, size="wide")
    with pytest.raises(InvalidModelError, match=message):
        load_decoder(path)
    # The same tensors under the file type that describes them load.
    load_decoder(_write(tmp_path / "ok.gguf", stored, stored, size="wide"))


def test_demo_models_mix_types_as_llama_cpp_does_where_rows_are_not_whole_k_blocks(tmp_path: Path) -> None:
    expected: Dict[str, Callable[[str], GGMLType]] = {
        "tiny": lambda name: T.Q4_K if "ffn_down" in name else T.Q5_0,  # only ffn_down rows are 256 long
        "wide": lambda name: T.Q4_K,
    }
    for size, type_of in expected.items():
        path = make_demo_model(str(tmp_path / f"{size}.gguf"), size=size, dtype="q4_k")["path"]
        with GGUFReader(path) as gguf:
            assert gguf.metadata["general.file_type"] == 14  # MOSTLY_Q4_K_S
            for name, info in gguf.tensors.items():
                assert info.ggml_type == (T.F32 if len(info.shape) == 1 else type_of(name)), name
