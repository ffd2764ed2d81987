"""GGUF, the model file format of llama.cpp: Lathe reads base models from it and writes to it.

``GGUFReader`` reads metadata and memory-maps tensor data (dequantizing F32, F16, BF16 and
Q8_0, Q4_0–Q5_1 and Q2_K–Q6_K to float32); ``GGUFWriter`` writes GGUF v3 files atomically. See ``reader.py`` and
``writer.py`` for usage; tests live in ``tests/python-runtime/test_gguf.py``.
"""

from .constants import DEFAULT_ALIGNMENT, GGMLType, GGUFError, GGUFValueType
from .reader import GGUFReader, MetadataField, TensorInfo
from .writer import GGUFWriter

__all__ = [
    "DEFAULT_ALIGNMENT",
    "GGMLType",
    "GGUFError",
    "GGUFReader",
    "GGUFValueType",
    "GGUFWriter",
    "MetadataField",
    "TensorInfo",
]
