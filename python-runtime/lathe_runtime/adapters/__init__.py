"""Trained LoRA adapters as files: GGUF for llama.cpp (``gguf_adapter.py``) and PEFT's layout
for Hugging Face tools (``peft_adapter.py``). Tests: ``tests/python-runtime/test_adapters.py``.
"""

from .gguf_adapter import GGUFAdapter, read_gguf_adapter, write_gguf_adapter
from .peft_adapter import export_peft_adapter, permute_rows, read_safetensors, unpermute_rows, write_safetensors

__all__ = [
    "GGUFAdapter",
    "export_peft_adapter",
    "permute_rows",
    "read_gguf_adapter",
    "read_safetensors",
    "unpermute_rows",
    "write_gguf_adapter",
    "write_safetensors",
]
