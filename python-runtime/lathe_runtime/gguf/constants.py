"""GGUF format constants: value types, ggml tensor types, block sizes, and the format's error.

Sources: the GGUF specification (ggml ``docs/gguf.md``) and ggml's type table (the
``ggml_type`` enum, mirrored by llama.cpp's gguf-py ``GGMLQuantizationType`` and
``GGML_QUANT_SIZES``). Numbers here are file-format facts, so they never change once a type
has been released.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional, Tuple

GGUF_MAGIC = b"GGUF"
# Version 3 only added big-endian files to version 2; both have 64-bit counts and lengths.
# Version 1 (32-bit counts) is long gone: llama.cpp refuses it too.
GGUF_VERSION = 3
READABLE_VERSIONS = (2, 3)
# The spec: "If general.alignment is not specified, 32".
DEFAULT_ALIGNMENT = 32
ALIGNMENT_KEY = "general.alignment"
# ggml's GGML_MAX_DIMS and GGML_MAX_NAME (names are NUL-terminated in a 64-byte field).
MAX_DIMS = 4
MAX_TENSOR_NAME_BYTES = 63


class GGUFValueType(enum.IntEnum):
    """Type tags of metadata values (``gguf_metadata_value_type`` in the spec)."""

    UINT8 = 0
    INT8 = 1
    UINT16 = 2
    INT16 = 3
    UINT32 = 4
    INT32 = 5
    FLOAT32 = 6
    BOOL = 7
    STRING = 8
    ARRAY = 9
    UINT64 = 10
    INT64 = 11
    FLOAT64 = 12


# struct format characters (little-endian, no padding) of the fixed-size value types.
SCALAR_FORMATS: Dict[GGUFValueType, str] = {
    GGUFValueType.UINT8: "B",
    GGUFValueType.INT8: "b",
    GGUFValueType.UINT16: "H",
    GGUFValueType.INT16: "h",
    GGUFValueType.UINT32: "I",
    GGUFValueType.INT32: "i",
    GGUFValueType.FLOAT32: "f",
    # The spec stores bools as one byte, 0 or 1.
    GGUFValueType.BOOL: "B",
    GGUFValueType.UINT64: "Q",
    GGUFValueType.INT64: "q",
    GGUFValueType.FLOAT64: "d",
}

INTEGER_RANGES: Dict[GGUFValueType, Tuple[int, int]] = {
    GGUFValueType.UINT8: (0, 2**8 - 1),
    GGUFValueType.INT8: (-(2**7), 2**7 - 1),
    GGUFValueType.UINT16: (0, 2**16 - 1),
    GGUFValueType.INT16: (-(2**15), 2**15 - 1),
    GGUFValueType.UINT32: (0, 2**32 - 1),
    GGUFValueType.INT32: (-(2**31), 2**31 - 1),
    GGUFValueType.UINT64: (0, 2**64 - 1),
    GGUFValueType.INT64: (-(2**63), 2**63 - 1),
}


class GGMLType(enum.IntEnum):
    """Storage types of tensor data (ggml's ``ggml_type``); gaps are retired types."""

    F32 = 0
    F16 = 1
    Q4_0 = 2
    Q4_1 = 3
    Q5_0 = 6
    Q5_1 = 7
    Q8_0 = 8
    Q8_1 = 9
    Q2_K = 10
    Q3_K = 11
    Q4_K = 12
    Q5_K = 13
    Q6_K = 14
    Q8_K = 15
    IQ2_XXS = 16
    IQ2_XS = 17
    IQ3_XXS = 18
    IQ1_S = 19
    IQ4_NL = 20
    IQ3_S = 21
    IQ2_S = 22
    IQ4_XS = 23
    I8 = 24
    I16 = 25
    I32 = 26
    I64 = 27
    F64 = 28
    IQ1_M = 29
    BF16 = 30
    TQ1_0 = 34
    TQ2_0 = 35
    MXFP4 = 39


# (elements per block, bytes per block), as in ggml's type traits. Knowing the size of every
# type lets the reader bound-check and list a Q4_K_M file even before it can dequantize it.
QK_K = 256
BLOCK_SIZES: Dict[GGMLType, Tuple[int, int]] = {
    GGMLType.F32: (1, 4),
    GGMLType.F16: (1, 2),
    GGMLType.Q4_0: (32, 2 + 16),
    GGMLType.Q4_1: (32, 2 + 2 + 16),
    GGMLType.Q5_0: (32, 2 + 4 + 16),
    GGMLType.Q5_1: (32, 2 + 2 + 4 + 16),
    GGMLType.Q8_0: (32, 2 + 32),  # block_q8_0: fp16 scale d, then int8 qs[32]
    GGMLType.Q8_1: (32, 2 + 2 + 32),
    GGMLType.Q2_K: (QK_K, 2 + 2 + QK_K // 16 + QK_K // 4),
    GGMLType.Q3_K: (QK_K, 2 + QK_K // 4 + QK_K // 8 + 12),
    GGMLType.Q4_K: (QK_K, 2 + 2 + QK_K // 2 + 12),
    GGMLType.Q5_K: (QK_K, 2 + 2 + QK_K // 2 + QK_K // 8 + 12),
    GGMLType.Q6_K: (QK_K, 2 + QK_K // 2 + QK_K // 4 + QK_K // 16),
    GGMLType.Q8_K: (QK_K, 4 + QK_K + QK_K // 8),
    GGMLType.IQ2_XXS: (QK_K, 2 + QK_K // 4),
    GGMLType.IQ2_XS: (QK_K, 2 + QK_K // 4 + QK_K // 32),
    GGMLType.IQ3_XXS: (QK_K, 2 + QK_K // 4 + QK_K // 8),
    GGMLType.IQ1_S: (QK_K, 2 + QK_K // 8 + QK_K // 16),
    GGMLType.IQ4_NL: (32, 2 + 16),
    GGMLType.IQ3_S: (QK_K, 2 + QK_K // 4 + QK_K // 8 + QK_K // 32 + 4),
    GGMLType.IQ2_S: (QK_K, 2 + QK_K // 4 + QK_K // 16),
    GGMLType.IQ4_XS: (QK_K, 2 + 2 + QK_K // 2 + QK_K // 64),
    GGMLType.I8: (1, 1),
    GGMLType.I16: (1, 2),
    GGMLType.I32: (1, 4),
    GGMLType.I64: (1, 8),
    GGMLType.F64: (1, 8),
    GGMLType.IQ1_M: (QK_K, QK_K // 8 + QK_K // 16 + QK_K // 32),
    GGMLType.BF16: (1, 2),
    GGMLType.TQ1_0: (QK_K, 2 + 4 * 13),
    GGMLType.TQ2_0: (QK_K, 2 + 64),
    GGMLType.MXFP4: (32, 1 + 16),
}


def ggml_type_name(type_id: int) -> str:
    """The ggml name of a tensor type id (``Q4_K``), or ``type 99`` for one this code does not know."""
    try:
        return GGMLType(type_id).name
    except ValueError:
        return f"type {type_id}"


def tensor_nbytes(type_id: int, element_count: int, row_length: int) -> Optional[int]:
    """Bytes of a tensor's data, or None when the type is unknown.

    Raises ValueError when a row (``ne[0]``) is not a whole number of blocks: ggml stores
    rows of whole blocks, and llama.cpp refuses such a tensor the same way.
    """
    try:
        block_elements, block_bytes = BLOCK_SIZES[GGMLType(type_id)]
    except (ValueError, KeyError):
        return None
    if row_length % block_elements != 0:
        raise ValueError(
            f"{ggml_type_name(type_id)} stores rows in blocks of {block_elements} values, "
            f"but a row here has {row_length}"
        )
    return element_count // block_elements * block_bytes


class GGUFError(Exception):
    """A GGUF file that cannot be read, with a machine-readable kind and where it went wrong.

    ``kind`` is ``corrupt`` (truncated or malformed: the file itself is bad) or
    ``unsupported`` (valid, but holds something this runtime cannot use yet, like a tensor
    type it cannot dequantize). ``offset`` is the byte offset in the file, when known.
    """

    def __init__(self, message: str, kind: str = "corrupt", offset: Optional[int] = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.detail = message
        self.kind = kind
        self.offset = offset
