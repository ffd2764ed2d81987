"""Write GGUF v3 files: typed metadata and float or quantized (Q8_0, Q4_0–Q5_1, Q2_K–Q6_K) tensors, atomically.

Usage::

    writer = GGUFWriter()                       # alignment 32, the spec's default
    writer.add("general.architecture", "llama")
    writer.add("llama.block_count", 2)          # a Python int is written as UINT32
    writer.add("tokenizer.ggml.token_type", [1, 3], element_type=GGUFValueType.INT32)
    writer.add_tensor("output_norm.weight", torch.ones(64))
    writer.add_tensor("token_embd.weight", embeddings, GGMLType.Q8_0)  # (vocab, dims)
    writer.write("model.gguf")

Layout (GGUF spec, ggml ``docs/gguf.md``): header, metadata key/values, tensor infos,
padding to the alignment, then the tensor data, each tensor starting at a multiple of the
alignment from the start of the data section. llama.cpp insists that each offset is exactly
the previous tensor's offset plus its padded size, so tensors are packed in the order added.

Shapes: tensors are given in torch/numpy order (rows, columns) and written with ggml's
dimensions, fastest-varying first (``ne[0]`` = columns): a (vocab, dims) embedding is stored
with dims ``[dims, vocab]``, which is what llama.cpp's ``{n_embd, n_vocab}`` means.

Tested by ``tests/python-runtime/test_gguf.py`` (``node scripts/pytest.mjs``).
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Dict, List, Optional, Sequence, Union

import torch

from .constants import (
    ALIGNMENT_KEY,
    DEFAULT_ALIGNMENT,
    GGUF_MAGIC,
    GGUF_VERSION,
    INTEGER_RANGES,
    MAX_DIMS,
    MAX_TENSOR_NAME_BYTES,
    SCALAR_FORMATS,
    GGMLType,
    GGUFValueType,
    ggml_type_name,
    tensor_nbytes,
)
from .quants import SUPPORTED_TYPES, encode, supported_type_names

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class _PendingTensor:
    name: str
    # A tensor, or a function that makes it when it is written (see add_lazy_tensor).
    values: Union[torch.Tensor, Callable[[], torch.Tensor]]
    ggml_type: GGMLType
    dims: List[int]
    nbytes: int


class GGUFWriter:
    """Collects metadata and tensors, then writes them as one GGUF v3 file."""

    def __init__(self, alignment: int = DEFAULT_ALIGNMENT) -> None:
        # llama.cpp rejects an alignment that is not a power of two; the spec asks for a
        # multiple of 8. Both hold for powers of two from 8 up.
        if alignment < 8 or alignment & (alignment - 1):
            raise ValueError(f"alignment must be a power of two of at least 8, got {alignment}")
        self.alignment = alignment
        self._metadata: Dict[str, bytes] = {}
        self._tensors: Dict[str, _PendingTensor] = {}
        self._put(ALIGNMENT_KEY, alignment, GGUFValueType.UINT32, None)

    def add(
        self,
        key: str,
        value: Any,
        value_type: Optional[GGUFValueType] = None,
        element_type: Optional[GGUFValueType] = None,
    ) -> None:
        """Add a metadata key. Without ``value_type`` it is inferred from the Python value.

        Inference follows llama.cpp's conventions, which check types strictly: bool → BOOL,
        int → UINT32 (counts and token ids), float → FLOAT32, str → STRING, list → ARRAY
        whose element type is inferred the same way unless ``element_type`` is given.
        Arrays of arrays are refused: llama.cpp cannot read them.
        """
        if key == ALIGNMENT_KEY:
            raise ValueError(f"{ALIGNMENT_KEY} is set by GGUFWriter(alignment=...)")
        self._put(key, value, value_type, element_type)

    def add_tensor(self, name: str, values: torch.Tensor, ggml_type: GGMLType = GGMLType.F32) -> None:
        """Add a tensor given in torch order; it is encoded as ``ggml_type`` when written.

        The tensor is kept by reference and converted one at a time while writing, so a
        model is never held twice in memory. Do not modify it before ``write``.
        """
        if not isinstance(values, torch.Tensor):
            values = torch.as_tensor(values)
        extra = [] if values.is_floating_point() else [f"values must be floating point, not {values.dtype}"]
        self._add(name, values, list(values.shape), ggml_type, extra)

    def add_lazy_tensor(self, name: str, shape: Sequence[int], make: Callable[[], torch.Tensor],
                        ggml_type: GGMLType = GGMLType.F32) -> None:
        """Add a tensor of ``shape`` (torch order) that ``make`` computes only when it is written.

        For writers of large files (a merged model): each tensor is made, encoded and dropped
        in turn, so only one is in memory at a time. ``make`` must return floating-point
        values of exactly ``shape``.
        """
        self._add(name, make, list(shape), ggml_type, [])

    def _add(self, name: str, values: Union[torch.Tensor, Callable[[], torch.Tensor]], shape: List[int],
             ggml_type: GGMLType, problems: List[str]) -> None:
        encoded_name = name.encode("utf-8")
        if not name or len(encoded_name) > MAX_TENSOR_NAME_BYTES:
            problems.append(f"a tensor name must be 1 to {MAX_TENSOR_NAME_BYTES} UTF-8 bytes")
        if name in self._tensors:
            problems.append("the name is already used")
        if ggml_type not in SUPPORTED_TYPES:
            problems.append(f"type {ggml_type_name(ggml_type)} cannot be written ({supported_type_names()} can)")
        if not 1 <= len(shape) <= MAX_DIMS:
            problems.append(f"a tensor needs 1 to {MAX_DIMS} dimensions, this one has {len(shape)}")
        dims = list(reversed(shape))  # ggml's ne[]: fastest-varying first
        nbytes = 0
        if not problems:
            try:
                nbytes = tensor_nbytes(ggml_type, math.prod(shape), dims[0]) or 0
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValueError(f"cannot add tensor '{name}': " + "; ".join(problems))
        self._tensors[name] = _PendingTensor(name, values, GGMLType(ggml_type), dims, nbytes)

    def write(self, path: PathLike) -> int:
        """Write the file atomically (a temp file beside it, then a rename); return its size.

        On any failure the temp file is removed and an existing file at ``path`` is left
        as it was.
        """
        if sys.byteorder != "little":
            raise RuntimeError("GGUF files are written little-endian; this machine is big-endian")
        target = Path(path)
        temp_name = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        # os.open rather than mkstemp: mkstemp's file is 0600, but a model file should get
        # the permissions the umask gives any new file. O_BINARY: no newline translation on
        # Windows.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        fd = os.open(temp_name, flags, 0o666)
        try:
            with os.fdopen(fd, "wb") as out:
                size = self._write_to(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
            raise
        return size

    def _write_to(self, out: BinaryIO) -> int:
        header = bytearray(GGUF_MAGIC)
        header += struct.pack("<IQQ", GGUF_VERSION, len(self._tensors), len(self._metadata))
        for key, encoded in self._metadata.items():
            header += _string(key) + encoded
        offset = 0
        for tensor in self._tensors.values():
            header += _string(tensor.name)
            header += struct.pack(f"<I{len(tensor.dims)}QIQ", len(tensor.dims), *tensor.dims, tensor.ggml_type, offset)
            offset += _padded(tensor.nbytes, self.alignment)
        header += bytes(_padded(len(header), self.alignment) - len(header))
        out.write(header)
        written = len(header)
        for tensor in self._tensors.values():
            values = tensor.values if isinstance(tensor.values, torch.Tensor) else tensor.values()
            if list(reversed(values.shape)) != tensor.dims or not values.is_floating_point():
                # Its info is already in the header above: writing it would make a wrong file.
                shape = list(reversed(tensor.dims))
                if values is tensor.values:
                    raise RuntimeError(f"tensor '{tensor.name}' changed size after it was added as the floating-point {shape}")
                raise RuntimeError(f"tensor '{tensor.name}' was made as something other than the floating-point {shape} it was added as")
            data = encode(values, tensor.ggml_type)
            del values
            if data.numel() != tensor.nbytes:
                # The tensor was resized after add_tensor: its info above would be wrong.
                raise RuntimeError(f"tensor '{tensor.name}' changed size after it was added")
            out.write(_tensor_bytes(data))
            # Pad after the last tensor too, so every padded range lies inside the file.
            padding = _padded(tensor.nbytes, self.alignment) - tensor.nbytes
            out.write(bytes(padding))
            written += tensor.nbytes + padding
        return written

    def _put(self, key: str, value: Any, value_type: Optional[GGUFValueType], element_type: Optional[GGUFValueType]) -> None:
        if not key:
            raise ValueError("a metadata key cannot be empty")
        if key in self._metadata:
            raise ValueError(f"metadata key '{key}' is already set")
        try:
            self._metadata[key] = _typed_value(value, value_type, element_type)
        except (TypeError, ValueError, OverflowError, struct.error) as error:
            raise ValueError(f"metadata key '{key}': {error}") from None


def _typed_value(value: Any, value_type: Optional[GGUFValueType], element_type: Optional[GGUFValueType]) -> bytes:
    """The type tag and encoding of one metadata value."""
    value_type = GGUFValueType(value_type) if value_type is not None else _infer_type(value)
    if value_type != GGUFValueType.ARRAY:
        if element_type is not None:
            raise ValueError("element_type applies to arrays only")
        return struct.pack("<I", value_type) + _encode_scalar(value, value_type)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"an ARRAY needs a list of values, got {type(value).__name__}")
    items = list(value)
    if element_type is None:
        kinds = {_infer_type(item) for item in items}
        if len(kinds) > 1:
            raise TypeError("array items are of mixed kinds; pass element_type")
        # An empty array still needs an element type; strings are the usual empty list (merges).
        element_type = kinds.pop() if kinds else GGUFValueType.STRING
    element_type = GGUFValueType(element_type)
    if element_type == GGUFValueType.ARRAY:
        raise TypeError("arrays of arrays are not supported (llama.cpp cannot read them)")
    encoded = bytearray(struct.pack("<IIQ", GGUFValueType.ARRAY, element_type, len(items)))
    if element_type == GGUFValueType.STRING:
        for item in items:
            encoded += _encode_scalar(item, element_type)
    else:
        for item in items:
            _check_scalar(item, element_type)
        encoded += struct.pack(f"<{len(items)}{SCALAR_FORMATS[element_type]}", *items)
    return bytes(encoded)


def _infer_type(value: Any) -> GGUFValueType:
    if isinstance(value, bool):  # before int: bool is an int subclass
        return GGUFValueType.BOOL
    if isinstance(value, int):
        return GGUFValueType.UINT32
    if isinstance(value, float):
        return GGUFValueType.FLOAT32
    if isinstance(value, str):
        return GGUFValueType.STRING
    if isinstance(value, (list, tuple)):
        return GGUFValueType.ARRAY
    raise TypeError(f"cannot infer a GGUF type for {type(value).__name__}; pass value_type")


def _encode_scalar(value: Any, value_type: GGUFValueType) -> bytes:
    if value_type == GGUFValueType.STRING:
        if not isinstance(value, str):
            raise TypeError(f"STRING needs a str, got {type(value).__name__}")
        return _string(value)
    _check_scalar(value, value_type)
    return struct.pack("<" + SCALAR_FORMATS[value_type], value)


def _check_scalar(value: Any, value_type: GGUFValueType) -> None:
    if value_type == GGUFValueType.BOOL:
        if not isinstance(value, bool):
            raise TypeError(f"BOOL needs a bool, got {type(value).__name__}")
    elif value_type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[value_type]
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{value_type.name} needs an int, got {type(value).__name__}")
        if not low <= value <= high:
            raise ValueError(f"{value} does not fit in {value_type.name}")
    elif value_type in (GGUFValueType.FLOAT32, GGUFValueType.FLOAT64):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{value_type.name} needs a number, got {type(value).__name__}")


def _string(text: str) -> bytes:
    # surrogateescape carries undecodable bytes read from another file through unchanged.
    encoded = text.encode("utf-8", "surrogateescape")
    return struct.pack("<Q", len(encoded)) + encoded


def _padded(size: int, alignment: int) -> int:
    return (size + alignment - 1) // alignment * alignment


def _tensor_bytes(data: torch.Tensor) -> bytearray:
    """The bytes of a flat uint8 tensor without numpy: copy into a bytearray torch shares."""
    buffer = bytearray(data.numel())
    if buffer:
        torch.frombuffer(buffer, dtype=torch.uint8).copy_(data)
    return buffer
