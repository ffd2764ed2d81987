"""Tests for the GGUF writer and reader: round trips, layout, Q8_0, and damaged files.

Run with ``node scripts/pytest.mjs`` (it puts python-runtime/ on PYTHONPATH). Files that the
writer cannot produce (other tensor types, damaged headers) are built byte by byte here
with ``struct``, straight from the GGUF specification.
"""

from __future__ import annotations

import os
import random
import re
import struct
from pathlib import Path
from typing import Any, List, Sequence, Tuple

import pytest
import torch

from lathe_runtime.gguf import GGMLType, GGUFError, GGUFReader, GGUFValueType, GGUFWriter
from lathe_runtime.gguf.quants import dequantize_q8_0, quantize_q8_0

V = GGUFValueType

# One value of every scalar type, at the edges of its range where it has one.
SCALARS: List[Tuple[str, GGUFValueType, Any]] = [
    ("t.uint8", V.UINT8, 255),
    ("t.int8", V.INT8, -128),
    ("t.uint16", V.UINT16, 65535),
    ("t.int16", V.INT16, -32768),
    ("t.uint32", V.UINT32, 2**32 - 1),
    ("t.int32", V.INT32, -(2**31)),
    ("t.uint64", V.UINT64, 2**64 - 1),
    ("t.int64", V.INT64, -(2**63)),
    ("t.float32", V.FLOAT32, 1.5),  # exact in float32
    ("t.float64", V.FLOAT64, 0.1),  # not exact in float32: proves 8 bytes were kept
    ("t.bool.true", V.BOOL, True),
    ("t.bool.false", V.BOOL, False),
    ("t.string", V.STRING, "ChatML ⟨|im_start|⟩ 😀"),
    ("t.string.empty", V.STRING, ""),
]


def write(path: Path, build: Any, alignment: int = 32) -> GGUFReader:
    """Write a file with ``build(writer)`` and open it."""
    writer = GGUFWriter(alignment=alignment)
    build(writer)
    writer.write(path)
    return GGUFReader(path)


def gguf_bytes(
    fields: Sequence[bytes] = (),
    tensors: Sequence[Tuple[str, Sequence[int], int, int]] = (),
    data: bytes = b"",
    version: int = 3,
    alignment: int = 32,
) -> bytes:
    """A GGUF file by hand: encoded key/values, tensor infos (name, dims, type, offset), data."""
    out = bytearray(b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(fields)))
    for field in fields:
        out += field
    for name, dims, type_id, offset in tensors:
        out += string(name) + struct.pack(f"<I{len(dims)}QIQ", len(dims), *dims, type_id, offset)
    out += bytes(-len(out) % alignment)
    return bytes(out + data)


def string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def kv(key: str, type_id: int, payload: bytes) -> bytes:
    return string(key) + struct.pack("<I", type_id) + payload


# --- metadata -----------------------------------------------------------------------------


def test_every_scalar_type_round_trips_with_its_type(tmp_path: Path) -> None:
    def build(writer: GGUFWriter) -> None:
        for key, value_type, value in SCALARS:
            writer.add(key, value, value_type)

    with write(tmp_path / "m.gguf", build) as gguf:
        for key, value_type, value in SCALARS:
            field = gguf.fields[key]
            assert (field.type, field.value) == (value_type, value), key
            assert type(field.value) is type(value), key
        assert list(gguf.fields)[1:] == [key for key, _, _ in SCALARS]  # file order kept


@pytest.mark.parametrize("value_type", [t for t in V if t not in (V.ARRAY,)])
def test_arrays_of_every_element_type_round_trip(tmp_path: Path, value_type: GGUFValueType) -> None:
    values = [value for _, t, value in SCALARS if t == value_type] * 3

    with write(tmp_path / "a.gguf", lambda w: w.add("t.array", values, V.ARRAY, value_type)) as gguf:
        field = gguf.fields["t.array"]
        assert (field.type, field.element_type, field.value) == (V.ARRAY, value_type, values)


def test_types_are_inferred_the_way_llama_cpp_reads_them(tmp_path: Path) -> None:
    def build(writer: GGUFWriter) -> None:
        writer.add("count", 7)
        writer.add("eps", 1e-5)
        writer.add("flag", True)
        writer.add("name", "demo")
        writer.add("tokens", ["a", "b"])
        writer.add("ids", [1, 2])
        writer.add("merges", [])

    with write(tmp_path / "i.gguf", build) as gguf:
        types = {key: (f.type, f.element_type) for key, f in gguf.fields.items()}
        assert types["general.alignment"] == (V.UINT32, None)
        assert types["count"] == (V.UINT32, None)
        assert types["eps"] == (V.FLOAT32, None)
        assert types["flag"] == (V.BOOL, None)
        assert types["name"] == (V.STRING, None)
        assert types["tokens"] == (V.ARRAY, V.STRING)
        assert types["ids"] == (V.ARRAY, V.UINT32)
        assert types["merges"] == (V.ARRAY, V.STRING)
        assert gguf.metadata["eps"] == pytest.approx(1e-5, rel=1e-7)


@pytest.mark.parametrize(
    "args, message",
    [
        (("k", 256, V.UINT8), "does not fit in UINT8"),
        (("k", -1), "does not fit in UINT32"),
        (("k", 1.0, V.INT32), "INT32 needs an int"),
        (("k", True, V.UINT8), "UINT8 needs an int"),
        (("k", 1, V.BOOL), "BOOL needs a bool"),
        (("k", 3, V.STRING), "STRING needs a str"),
        (("k", 1e39, V.FLOAT32), "k"),
        (("k", [[1]]), "arrays of arrays"),
        (("k", [1, "a"]), "mixed kinds"),
        (("k", "abc", V.ARRAY), "needs a list"),
        (("k", object()), "cannot infer"),
        (("general.alignment", 64), "GGUFWriter(alignment=...)"),
        (("", 1), "cannot be empty"),
    ],
)
def test_writer_refuses_values_it_cannot_encode(args: Tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        GGUFWriter().add(*args)


def test_writer_refuses_a_key_twice() -> None:
    writer = GGUFWriter()
    writer.add("general.name", "a")
    with pytest.raises(ValueError, match="already set"):
        writer.add("general.name", "b")


def test_strings_that_are_not_utf8_survive_a_read_and_write(tmp_path: Path) -> None:
    raw = b"tok\xff\xfe"
    field = kv("odd", V.STRING, struct.pack("<Q", len(raw)) + raw)
    source = tmp_path / "odd.gguf"
    source.write_bytes(gguf_bytes([field]))
    with GGUFReader(source) as gguf:
        value = gguf.metadata["odd"]
    copy = tmp_path / "copy.gguf"
    writer = GGUFWriter()
    writer.add("odd", value)
    writer.write(copy)
    assert raw in copy.read_bytes()


# --- tensors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ggml_type, expected",
    [
        (GGMLType.F32, lambda x: x),
        (GGMLType.F16, lambda x: x.half().float()),
        (GGMLType.BF16, lambda x: x.bfloat16().float()),
    ],
)
@pytest.mark.parametrize("shape", [(7,), (3, 64), (2, 3, 32), (2, 1, 3, 32)])
def test_float_tensors_round_trip(tmp_path: Path, ggml_type: GGMLType, expected: Any, shape: Tuple[int, ...]) -> None:
    values = torch.randn(*shape, generator=torch.Generator().manual_seed(1)) * 3
    with write(tmp_path / "t.gguf", lambda w: w.add_tensor("x", values, ggml_type)) as gguf:
        info = gguf.tensors["x"]
        assert (info.shape, info.dims, info.type_name) == (shape, tuple(reversed(shape)), ggml_type.name)
        read = gguf.tensor("x")
    assert read.dtype == torch.float32
    assert torch.equal(read, expected(values))


def test_dims_are_written_fastest_first_and_data_row_major(tmp_path: Path) -> None:
    # A (rows=3, cols=64) matrix must be ggml's ne = [64, 3]; checked on the raw bytes, not
    # through our own reader, so a mistake shared by reader and writer cannot hide.
    matrix = torch.arange(3 * 64, dtype=torch.float32).reshape(3, 64)
    path = tmp_path / "dims.gguf"
    writer = GGUFWriter()
    writer.add_tensor("m", matrix)
    writer.write(path)
    raw = path.read_bytes()
    info_at = raw.index(string("m"))
    n_dims, ne0, ne1, type_id, offset = struct.unpack_from("<IQQIQ", raw, info_at + len(string("m")))
    assert (n_dims, ne0, ne1, type_id, offset) == (2, 64, 3, GGMLType.F32, 0)
    data_start = -(-(info_at + len(string("m")) + 32) // 32) * 32  # 4+16+4+8 bytes of info
    first_row = struct.unpack_from("<64f", raw, data_start)
    assert list(first_row) == list(range(64))


def test_tensor_data_is_aligned_and_padded(tmp_path: Path) -> None:
    def build(writer: GGUFWriter) -> None:
        writer.add_tensor("a", torch.ones(5))  # 20 bytes
        writer.add_tensor("b", torch.ones(3), GGMLType.F16)  # 6 bytes
        writer.add_tensor("c", torch.ones(1, 32), GGMLType.Q8_0)  # 34 bytes

    path = tmp_path / "aligned.gguf"
    with write(path, build, alignment=64) as gguf:
        assert gguf.alignment == 64
        assert gguf.metadata["general.alignment"] == 64
        assert gguf.data_offset % 64 == 0
        offsets = [info.offset - gguf.data_offset for info in gguf.tensors.values()]
        assert offsets == [0, 64, 128]  # each padded size exactly, as llama.cpp requires
    raw = path.read_bytes()
    assert len(raw) == gguf.data_offset + 192
    assert raw[gguf.data_offset + 20 : gguf.data_offset + 64] == bytes(44)


def test_lazy_tensors_are_made_once_at_write_and_match_eager_ones(tmp_path: Path) -> None:
    values = torch.randn(3, 64)
    made: List[str] = []

    def make() -> torch.Tensor:
        made.append("q")
        return values.clone()

    lazy, eager = GGUFWriter(), GGUFWriter()
    lazy.add_lazy_tensor("q", [3, 64], make, GGMLType.Q8_0)
    eager.add_tensor("q", values, GGMLType.Q8_0)
    assert made == []  # nothing is computed until the file is written
    lazy.write(tmp_path / "lazy.gguf")
    eager.write(tmp_path / "eager.gguf")
    assert made == ["q"]
    assert (tmp_path / "lazy.gguf").read_bytes() == (tmp_path / "eager.gguf").read_bytes()


def test_a_lazy_tensor_of_the_wrong_shape_fails_the_write_and_leaves_no_file(tmp_path: Path) -> None:
    writer = GGUFWriter()
    writer.add_lazy_tensor("w", [4, 8], lambda: torch.ones(8, 4))
    with pytest.raises(RuntimeError, match="was made as something other than the floating-point \\[4, 8\\]"):
        writer.write(tmp_path / "bad.gguf")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "values, message",
    [
        (torch.ones(2, 2, 2, 2, 2), "1 to 4 dimensions"),
        (torch.tensor(1.0), "1 to 4 dimensions"),
        (torch.ones(4, dtype=torch.int32), "floating point"),
    ],
)
def test_writer_refuses_tensors_ggml_cannot_hold(values: torch.Tensor, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GGUFWriter().add_tensor("x", values)


def test_writer_refuses_bad_names_types_and_rows() -> None:
    writer = GGUFWriter()
    writer.add_tensor("x", torch.ones(32))
    with pytest.raises(ValueError, match="already used"):
        writer.add_tensor("x", torch.ones(32))
    with pytest.raises(ValueError, match="1 to 63 UTF-8 bytes"):
        writer.add_tensor("n" * 64, torch.ones(32))
    with pytest.raises(ValueError, match="blocks of 32 values, but a row here has 48"):
        writer.add_tensor("q", torch.ones(2, 48), GGMLType.Q8_0)
    with pytest.raises(ValueError, match="IQ4_XS cannot be written"):
        writer.add_tensor("k", torch.ones(256), GGMLType.IQ4_XS)
    with pytest.raises(ValueError, match="power of two"):
        GGUFWriter(alignment=48)


# --- Q8_0 -----------------------------------------------------------------------------------


def test_q8_0_matches_the_block_format_by_hand() -> None:
    # amax 127 gives scale 1.0, so q is x rounded: halves go away from zero like C's roundf.
    block = torch.tensor([127.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.49, -127.0] + [0.0] * 24)
    encoded = quantize_q8_0(block)
    assert encoded.numel() == 34
    scale = struct.unpack("<e", bytes(encoded[:2].tolist()))[0]
    quants = struct.unpack("<32b", bytes(encoded[2:].tolist()))
    assert scale == 1.0
    assert quants[:8] == (127, 1, -1, 2, 3, -3, 0, -127)
    assert torch.equal(quantize_q8_0(torch.zeros(32)), torch.zeros(34, dtype=torch.uint8))


def test_q8_0_error_stays_within_half_a_step_plus_scale_rounding(tmp_path: Path) -> None:
    values = torch.randn(64, 256, generator=torch.Generator().manual_seed(2))
    values[0, :32] *= 1e4  # blocks of very different magnitude
    values[1, :32] *= 1e-4
    with write(tmp_path / "q.gguf", lambda w: w.add_tensor("q", values, GGMLType.Q8_0)) as gguf:
        assert gguf.tensors["q"].nbytes == 64 * 256 // 32 * 34
        read = gguf.tensor("q")
    blocks, error = values.reshape(-1, 32), (read - values).abs().reshape(-1, 32)
    step = blocks.abs().amax(dim=1) / 127
    # Half a quantization step, plus 127 times the fp16 rounding of the scale: 2^-11 relative,
    # or half fp16's subnormal spacing (2^-25) for scales below 2^-14, like row 1's tiny block.
    scale_rounding = torch.maximum(step * 2.0**-11, torch.tensor(2.0**-25))
    bound = step * 0.5 + 127 * scale_rounding
    assert bool((error.amax(dim=1) <= bound).all())
    assert bool((error.amax(dim=1) > 0).any())  # it really is lossy: the check can fail


def test_q8_0_refuses_non_finite_values() -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        quantize_q8_0(torch.tensor([float("nan")] + [0.0] * 31))


def test_q8_0_dequantizes_what_it_quantized() -> None:
    values = torch.linspace(-1, 1, 64)
    assert torch.allclose(dequantize_q8_0(quantize_q8_0(values), 64), values, atol=1 / 127)


# --- types the reader lists but cannot dequantize -----------------------------------------


def test_other_tensor_types_are_listed_and_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "k.gguf"
    path.write_bytes(
        gguf_bytes(
            tensors=[("blk.0.ffn_down.weight", (256, 2), GGMLType.IQ4_XS, 0), ("odd", (4,), 99, 288)],
            data=bytes(288 + 32),
        )
    )
    with GGUFReader(path) as gguf:
        iq4 = gguf.tensors["blk.0.ffn_down.weight"]
        assert (iq4.type_name, iq4.nbytes, iq4.shape) == ("IQ4_XS", 272, (2, 256))
        assert gguf.tensors["odd"].type_name == "type 99"
        with pytest.raises(GGUFError, match=r"'blk\.0\.ffn_down\.weight' is stored as IQ4_XS") as refused:
            gguf.tensor("blk.0.ffn_down.weight")
        assert refused.value.kind == "unsupported"
        with pytest.raises(GGUFError, match="'odd' has type 99"):
            gguf.tensor("odd")


def test_raw_tensors_share_the_mapping_and_tensors_outlive_close(tmp_path: Path) -> None:
    values = torch.randn(4, 32)
    gguf = write(tmp_path / "r.gguf", lambda w: w.add_tensor("x", values))
    raw = gguf.raw_tensor("x")
    assert torch.equal(raw.view(torch.float32).reshape(4, 32), values)
    copied = gguf.tensor("x")
    del raw
    gguf.close()
    assert torch.equal(copied, values)
    with pytest.raises(ValueError, match="closed"):
        gguf.raw_tensor("x")


# --- damaged files --------------------------------------------------------------------------


def sample_file(tmp_path: Path) -> Path:
    def build(writer: GGUFWriter) -> None:
        writer.add("general.architecture", "llama")
        writer.add("tokenizer.ggml.tokens", ["a", "b", "c"])
        writer.add("ids", [1, 2, 3], element_type=V.INT32)
        writer.add_tensor("w", torch.randn(2, 32), GGMLType.Q8_0)
        writer.add_tensor("n", torch.ones(32))

    path = tmp_path / "sample.gguf"
    write(path, build).close()
    return path


def test_every_truncation_is_a_corrupt_file_error_with_an_offset(tmp_path: Path) -> None:
    whole = sample_file(tmp_path).read_bytes()
    cut = tmp_path / "cut.gguf"
    for length in range(0, len(whole) - 32):  # the last 32 bytes are padding after "n"
        cut.write_bytes(whole[:length])
        with pytest.raises(GGUFError) as error:
            GGUFReader(cut)
        assert error.value.kind == "corrupt", length
        assert error.value.offset is not None, length
        assert str(cut) in str(error.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"GGML" + bytes(20), "not a GGUF file"),
        (gguf_bytes(version=1), "version 1 cannot be read"),
        (gguf_bytes(version=3 << 24), "big-endian"),
        (gguf_bytes([kv("s", V.STRING, struct.pack("<Q", 2**40))]), "string of 1099511627776 bytes"),
        (gguf_bytes([kv("a", V.ARRAY, struct.pack("<IQ", V.UINT64, 2**61))]), "array of 2305843009213693952 UINT64"),
        (gguf_bytes([kv("v", 13, b"")]), "unknown metadata value type 13"),
        (gguf_bytes([kv("k", V.UINT8, b"\x01"), kv("k", V.UINT8, b"\x02")]), "'k' appears twice"),
        (gguf_bytes([kv("general.alignment", V.UINT64, struct.pack("<Q", 32))]), "must be UINT32"),
        (gguf_bytes([kv("general.alignment", V.UINT32, struct.pack("<I", 48))]), "not a power of two"),
        (gguf_bytes(tensors=[("t", (1, 1, 1, 1, 1), 0, 0)]), "5 dimensions"),
        (gguf_bytes(tensors=[("t", (4,), 0, 8)], data=bytes(64)), "offset 8 is not a multiple of 32"),
        (gguf_bytes(tensors=[("t", (40,), GGMLType.Q8_0, 0)], data=bytes(64)), "blocks of 32 values"),
        (gguf_bytes(tensors=[("t", (64,), 0, 0)], data=bytes(64)), "runs past the end of the file"),
        (gguf_bytes(tensors=[("t", (4,), 0, 0), ("t", (4,), 0, 32)], data=bytes(64)), "'t' appears twice"),
        (gguf_bytes([kv("n", V.ARRAY, struct.pack("<IQ", V.ARRAY, 1) * 9 + struct.pack("<IQ", V.UINT8, 0))]), "nested"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(GGUFError, match=message):
        GGUFReader(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")
    with pytest.raises(GGUFError, match="is empty"):
        GGUFReader(path)


def test_random_damage_is_a_gguf_error_or_a_readable_file(tmp_path: Path) -> None:
    whole = bytearray(sample_file(tmp_path).read_bytes())
    rng = random.Random(3)
    damaged = tmp_path / "damaged.gguf"
    header_end = whole.index(b"GGUF") + 200
    for _ in range(400):
        copy = bytearray(whole)
        for _ in range(rng.randint(1, 4)):
            copy[rng.randrange(header_end)] = rng.randrange(256)
        damaged.write_bytes(bytes(copy))
        try:
            with GGUFReader(damaged) as gguf:
                for name in gguf.tensors:
                    gguf.tensor(name)
        except GGUFError:
            pass  # anything else (struct.error, MemoryError, IndexError...) fails the test


# --- atomic writes --------------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"previous")
    writer = GGUFWriter()
    writer.add_tensor("ok", torch.ones(32))
    writer.add_tensor("bad", torch.full((32,), float("inf")), GGMLType.Q8_0)  # fails mid-write
    with pytest.raises(ValueError, match="NaN or infinite"):
        writer.write(path)
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["model.gguf"]


def test_writing_into_a_missing_folder_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        GGUFWriter().write(tmp_path / "missing" / "model.gguf")
    assert os.listdir(tmp_path) == []


def test_write_returns_the_file_size_and_the_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    writer = GGUFWriter()
    writer.add_tensor("x", torch.ones(3, 32), GGMLType.BF16)
    path = tmp_path / "s.gguf"
    assert writer.write(path) == path.stat().st_size
    if os.name == "posix":
        umask = os.umask(0o022)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not a temp file's 0600


def test_a_tensor_resized_after_it_was_added_is_not_written(tmp_path: Path) -> None:
    values = torch.ones(64)
    writer = GGUFWriter()
    writer.add_tensor("x", values)
    values.resize_(32)
    with pytest.raises(RuntimeError, match="changed size"):
        writer.write(tmp_path / "r.gguf")
    assert os.listdir(tmp_path) == []
