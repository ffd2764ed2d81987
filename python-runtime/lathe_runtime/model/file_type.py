"""``general.file_type`` against the tensors: a file that contradicts itself is refused.

``general.file_type`` (llama.h's ``llama_ftype``) names what most matrices are stored as; a
Q4_K_M file still keeps norms in F32 and some matrices in Q6_K, so the rule is loose on
purpose: a float file type (F32, F16, BF16) must hold no quantized tensor, and a quantized
file type must hold at least one tensor of its type. Anything else means the file was
written wrong, and training on it would not be training on what the name promises.
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Tuple

from ..gguf import GGMLType, TensorInfo
from ..gguf.quants import SUPPORTED_TYPES

# llama.cpp marks a file type it inferred itself; the bit never changes the meaning.
GUESSED_FLAG = 1024
FLOAT_TYPES = (GGMLType.F32, GGMLType.F16, GGMLType.BF16)

# file type → (its llama.cpp name, the tensor type most of its matrices are stored in).
FILE_TYPES: Dict[int, Tuple[str, GGMLType]] = {
    0: ("ALL_F32", GGMLType.F32),
    1: ("MOSTLY_F16", GGMLType.F16),
    2: ("MOSTLY_Q4_0", GGMLType.Q4_0),
    3: ("MOSTLY_Q4_1", GGMLType.Q4_1),
    7: ("MOSTLY_Q8_0", GGMLType.Q8_0),
    8: ("MOSTLY_Q5_0", GGMLType.Q5_0),
    9: ("MOSTLY_Q5_1", GGMLType.Q5_1),
    10: ("MOSTLY_Q2_K", GGMLType.Q2_K),
    11: ("MOSTLY_Q3_K_S", GGMLType.Q3_K),
    12: ("MOSTLY_Q3_K_M", GGMLType.Q3_K),
    13: ("MOSTLY_Q3_K_L", GGMLType.Q3_K),
    14: ("MOSTLY_Q4_K_S", GGMLType.Q4_K),
    15: ("MOSTLY_Q4_K_M", GGMLType.Q4_K),
    16: ("MOSTLY_Q5_K_S", GGMLType.Q5_K),
    17: ("MOSTLY_Q5_K_M", GGMLType.Q5_K),
    18: ("MOSTLY_Q6_K", GGMLType.Q6_K),
    21: ("MOSTLY_Q2_K_S", GGMLType.Q2_K),
    32: ("MOSTLY_BF16", GGMLType.BF16),
}


def file_type_problem(file_type: Optional[int], tensors: Mapping[str, TensorInfo]) -> Optional[str]:
    """What is wrong between ``file_type`` and the tensors' types, or None when they agree
    (or the file type is missing or one this check does not know)."""
    if not isinstance(file_type, int) or isinstance(file_type, bool):
        return None
    known = FILE_TYPES.get(file_type & ~GUESSED_FLAG)
    if known is None:
        return None
    name, main = known
    if main in FLOAT_TYPES:
        # Types this runtime cannot read are reported on their own (unsupported), not here.
        quantized = [info for info in tensors.values() if info.ggml_type not in FLOAT_TYPES and info.ggml_type in SUPPORTED_TYPES]
        if quantized:
            first = quantized[0]
            return (f"general.file_type says {name}, but {len(quantized)} tensors are quantized "
                    f"({first.name} is {first.type_name})")
        return None
    if any(info.ggml_type == main for info in tensors.values()):
        return None
    stored = sorted({info.type_name for info in tensors.values() if len(info.shape) > 1})
    return f"general.file_type says {name}, but no tensor is stored as {main.name} (the matrices are {', '.join(stored) or 'none'})"
