"""Read GGUF files: header, typed metadata, tensor infos, and memory-mapped tensor data.

Usage::

    with GGUFReader("model.gguf") as gguf:
        gguf.metadata["general.architecture"]        # plain Python values
        gguf.fields["llama.block_count"].type        # GGUFValueType.UINT32
        info = gguf.tensors["token_embd.weight"]     # shape in torch order: (vocab, dims)
        weights = gguf.tensor("token_embd.weight")   # float32 copy, dequantized

The file is mapped, not read: opening a multi-gigabyte model costs its metadata only, and a
tensor is materialized when asked for. Every length and offset is checked against the file
size before it is used, so a truncated or corrupt file raises ``GGUFError`` (with the byte
offset) instead of reading garbage or allocating without bound (DESIGN §6).

Shapes are reported in torch order, the reverse of GGUF's fastest-first dims (see
``writer.py``). Tested by ``tests/python-runtime/test_gguf.py`` (``node scripts/pytest.mjs``).
"""

from __future__ import annotations

import mmap
import os
import struct
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, Union

import torch

from .constants import (
    ALIGNMENT_KEY,
    DEFAULT_ALIGNMENT,
    GGUF_MAGIC,
    MAX_DIMS,
    READABLE_VERSIONS,
    SCALAR_FORMATS,
    GGUFError,
    GGUFValueType,
    ggml_type_name,
    tensor_nbytes,
)
from .quants import decode

PathLike = Union[str, "os.PathLike[str]"]
MAX_ARRAY_NESTING = 8


@dataclass(frozen=True)
class MetadataField:
    """One metadata key/value with its GGUF type (and element type for arrays)."""

    key: str
    type: GGUFValueType
    value: Any
    element_type: Optional[GGUFValueType] = None


@dataclass(frozen=True)
class TensorInfo:
    """Where a tensor lives in the file and what it holds.

    ``shape`` is torch order; ``dims`` is GGUF's order (``ne[0]`` first). ``offset`` is
    absolute in the file. ``nbytes`` is None for a type this reader does not know.
    """

    name: str
    shape: Tuple[int, ...]
    dims: Tuple[int, ...]
    ggml_type: int
    offset: int
    nbytes: Optional[int]

    @property
    def type_name(self) -> str:
        """The ggml name of the storage type, such as ``Q8_0``."""
        return ggml_type_name(self.ggml_type)

    @property
    def element_count(self) -> int:
        """Number of values in the tensor."""
        count = 1
        for dim in self.dims:
            count *= dim
        return count


class GGUFReader:
    """An open GGUF file. Close it (or use ``with``) to release the mapping.

    Attributes: ``version``; ``fields`` (MetadataField by key, in file order); ``tensors``
    (TensorInfo by name, in file order); ``alignment``; ``data_offset`` (where tensor data
    starts); ``size`` (of the file, in bytes).
    """

    def __init__(self, path: PathLike) -> None:
        if sys.byteorder != "little":
            raise GGUFError("this reader runs on little-endian machines only", kind="unsupported")
        self.path = os.fspath(path)
        with open(self.path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size == 0:
                raise GGUFError(f"{self.path} is empty, not a GGUF file", offset=0)
            # ACCESS_COPY: a private, writable mapping. torch.frombuffer warns about
            # read-only buffers, and a copy-on-write page can never change the file.
            self._map: Optional[mmap.mmap] = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
        self.size = size
        self.version = 0
        self.alignment = DEFAULT_ALIGNMENT
        self.data_offset = 0
        self.fields: Dict[str, MetadataField] = {}
        self.tensors: Dict[str, TensorInfo] = {}
        try:
            self._parse()
        except GGUFError as error:
            self.close()
            raise GGUFError(f"{self.path}: {error.detail}", error.kind, error.offset) from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> "GGUFReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def metadata(self) -> Dict[str, Any]:
        """Metadata as plain Python values (arrays as lists), keyed by name, in file order."""
        return {key: field.value for key, field in self.fields.items()}

    def tensor(self, name: str) -> torch.Tensor:
        """The tensor ``name`` dequantized to float32, in torch order, owned by the caller.

        Raises KeyError for an unknown name and GGUFError(kind="unsupported") for a storage
        type this runtime cannot dequantize yet.
        """
        info = self.tensors[name]
        flat = decode(self.raw_tensor(name), info.ggml_type, info.element_count, name)
        return flat.reshape(info.shape)

    def raw_tensor(self, name: str) -> torch.Tensor:
        """The stored bytes of tensor ``name`` as a flat uint8 tensor sharing the mapping.

        Valid while the reader is open; copy it to keep it longer.
        """
        info = self.tensors[name]
        if info.nbytes is None:
            raise GGUFError(f"tensor '{name}' has {info.type_name}, which this reader does not know", kind="unsupported")
        if self._map is None:
            raise ValueError(f"{self.path} is closed")
        if info.nbytes == 0:
            return torch.empty(0, dtype=torch.uint8)
        return torch.frombuffer(self._map, dtype=torch.uint8, offset=info.offset, count=info.nbytes)

    def close(self) -> None:
        """Release the mapping. Tensors from ``raw_tensor`` that are still alive keep it open
        until they are garbage-collected (Python refuses to unmap exported memory)."""
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:
                pass
            self._map = None

    def _parse(self) -> None:
        cursor = _Cursor(self._require_map(), self.size)
        if cursor.take(4) != GGUF_MAGIC:
            raise GGUFError("not a GGUF file (the first four bytes are not 'GGUF')", offset=0)
        self.version = cursor.scalar(GGUFValueType.UINT32)
        if self.version not in READABLE_VERSIONS:
            swapped = struct.unpack("<I", struct.pack(">I", self.version))[0]
            hint = " (a big-endian file?)" if swapped in READABLE_VERSIONS else ""
            raise GGUFError(f"GGUF version {self.version} cannot be read{hint}; versions 2 and 3 can", "unsupported", 4)
        tensor_count = cursor.scalar(GGUFValueType.UINT64)
        field_count = cursor.scalar(GGUFValueType.UINT64)
        for _ in range(field_count):
            start = cursor.pos
            key = cursor.string()
            if key in self.fields:
                raise GGUFError(f"metadata key '{key}' appears twice", offset=start)
            value_type = cursor.value_type()
            value, element_type = cursor.value(value_type)
            self.fields[key] = MetadataField(key, value_type, value, element_type)
        self.alignment = self._alignment()
        infos: List[Tuple[str, Tuple[int, ...], int, int, int]] = []
        names = set()
        for _ in range(tensor_count):
            start = cursor.pos
            name = cursor.string()
            if name in names:
                raise GGUFError(f"tensor '{name}' appears twice", offset=start)
            names.add(name)
            n_dims = cursor.scalar(GGUFValueType.UINT32)
            if n_dims > MAX_DIMS:
                raise GGUFError(f"tensor '{name}' has {n_dims} dimensions; at most {MAX_DIMS} are allowed", offset=start)
            dims = tuple(cursor.scalar(GGUFValueType.UINT64) for _ in range(n_dims))
            ggml_type = cursor.scalar(GGUFValueType.UINT32)
            offset = cursor.scalar(GGUFValueType.UINT64)
            infos.append((name, dims, ggml_type, offset, start))
        # The data section starts at the first aligned offset after the tensor infos.
        self.data_offset = -(-cursor.pos // self.alignment) * self.alignment
        for name, dims, ggml_type, offset, start in infos:
            self.tensors[name] = self._tensor_info(name, dims, ggml_type, offset, start)

    def _alignment(self) -> int:
        field = self.fields.get(ALIGNMENT_KEY)
        if field is None:
            return DEFAULT_ALIGNMENT
        if field.type != GGUFValueType.UINT32:
            raise GGUFError(f"{ALIGNMENT_KEY} must be UINT32, not {field.type.name}")
        if field.value == 0 or field.value & (field.value - 1):
            raise GGUFError(f"{ALIGNMENT_KEY} is {field.value}, not a power of two")
        return int(field.value)

    def _tensor_info(self, name: str, dims: Tuple[int, ...], ggml_type: int, offset: int, start: int) -> TensorInfo:
        count = 1
        for dim in dims:
            count *= dim
        try:
            nbytes = tensor_nbytes(ggml_type, count, dims[0] if dims else 1)
        except ValueError as error:
            raise GGUFError(f"tensor '{name}': {error}", offset=start) from None
        if offset % self.alignment:
            raise GGUFError(f"tensor '{name}' data offset {offset} is not a multiple of {self.alignment}", offset=start)
        absolute = self.data_offset + offset
        if nbytes is not None and absolute + nbytes > self.size:
            raise GGUFError(
                f"tensor '{name}' data (bytes {absolute} to {absolute + nbytes}) runs past the end "
                f"of the file ({self.size} bytes): truncated?",
                offset=start,
            )
        return TensorInfo(name, tuple(reversed(dims)), dims, ggml_type, absolute, nbytes)

    def _require_map(self) -> mmap.mmap:
        assert self._map is not None
        return self._map


class _Cursor:
    """Reads little-endian values from the mapping, refusing to step past its end."""

    def __init__(self, data: mmap.mmap, size: int) -> None:
        self.data = data
        self.size = size
        self.pos = 0

    def take(self, count: int) -> bytes:
        if count > self.size - self.pos:
            raise GGUFError(f"file ends after {self.size} bytes, {count} more were needed", offset=self.pos)
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def scalar(self, value_type: GGUFValueType) -> Any:
        fmt = "<" + SCALAR_FORMATS[value_type]
        value = struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        return bool(value) if value_type == GGUFValueType.BOOL else value

    def string(self) -> str:
        start = self.pos
        length = self.scalar(GGUFValueType.UINT64)
        if length > self.size - self.pos:
            raise GGUFError(f"string of {length} bytes runs past the end of the file", offset=start)
        # surrogateescape keeps a stray non-UTF-8 byte (seen in some token lists) readable
        # and lets the writer copy it through unchanged.
        return self.take(length).decode("utf-8", "surrogateescape")

    def value_type(self) -> GGUFValueType:
        start = self.pos
        raw = self.scalar(GGUFValueType.UINT32)
        try:
            return GGUFValueType(raw)
        except ValueError:
            raise GGUFError(f"unknown metadata value type {raw}", offset=start) from None

    def value(self, value_type: GGUFValueType, depth: int = 0) -> Tuple[Any, Optional[GGUFValueType]]:
        if value_type == GGUFValueType.STRING:
            return self.string(), None
        if value_type != GGUFValueType.ARRAY:
            return self.scalar(value_type), None
        start = self.pos
        if depth >= MAX_ARRAY_NESTING:
            # The spec allows arrays of arrays, but no real file nests them (llama.cpp
            # cannot read even one level); a deep chain is a crafted file, not a model.
            raise GGUFError(f"arrays nested more than {MAX_ARRAY_NESTING} deep", offset=start)
        element_type = self.value_type()
        count = self.scalar(GGUFValueType.UINT64)
        # Bound the count by the bytes left before allocating anything for it: a string
        # needs at least its 8-byte length, a nested array its 12-byte header.
        if element_type == GGUFValueType.STRING:
            least = 8
        elif element_type == GGUFValueType.ARRAY:
            least = 12
        else:
            least = struct.calcsize("<" + SCALAR_FORMATS[element_type])
        if count * least > self.size - self.pos:
            raise GGUFError(f"array of {count} {element_type.name} values runs past the end of the file", offset=start)
        if element_type in SCALAR_FORMATS:
            values = list(struct.unpack(f"<{count}{SCALAR_FORMATS[element_type]}", self.take(count * least)))
            if element_type == GGUFValueType.BOOL:
                values = [bool(v) for v in values]
            return values, element_type
        return [self.value(element_type, depth + 1)[0] for _ in range(count)], element_type
