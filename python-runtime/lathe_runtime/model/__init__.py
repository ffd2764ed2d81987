"""The training runtime's model: GGUF base models as one config-driven torch decoder.

Usage::

    from lathe_runtime.model import load_decoder
    model, config = load_decoder("model.gguf")       # frozen weights, computes what llama.cpp does
    logits = model(tokens)                           # (B, T) → (B, T, vocab)

``config.py`` reads GGUF metadata into a ``DecoderConfig``; ``decoder.py`` is the decoder;
``rope.py`` its rotary embedding; ``load.py`` reads the weights; ``errors.py`` the errors.
Parity with llama.cpp is tested by ``tests/python-runtime/test_model_parity.py``.
"""

from .config import FAMILIES, DecoderConfig, config_from_gguf
from .decoder import TARGETS, Block, Decoder, causal_attention, gguf_tensor_name, has_sdpa, parameter_name
from .errors import InvalidModelError, ModelError, ModelNotFoundError, UnsupportedModelError
from .load import expected_tensors, load_decoder

__all__ = [
    "FAMILIES",
    "TARGETS",
    "Block",
    "Decoder",
    "DecoderConfig",
    "InvalidModelError",
    "ModelError",
    "ModelNotFoundError",
    "UnsupportedModelError",
    "causal_attention",
    "config_from_gguf",
    "expected_tensors",
    "gguf_tensor_name",
    "has_sdpa",
    "load_decoder",
    "parameter_name",
]
