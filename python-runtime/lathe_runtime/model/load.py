"""Load a GGUF base model into a frozen ``Decoder``.

Usage::

    from lathe_runtime.model import load_decoder
    model, config = load_decoder("model.gguf", dtype=torch.bfloat16, device="cuda")

The file is memory-mapped (``GGUFReader``); each tensor is dequantized (F32, F16, BF16, Q8_0)
to float32 and then cast to ``dtype`` on ``device``, one tensor at a time, so the model never
exists twice in memory. Modules are built on torch's ``meta`` device first (no random
initialization to throw away) and every weight is then put in place, frozen
(``requires_grad=False``): the base model is never trained, only adapters on top of it.

Before any weight is read, the tensor list is checked against what the configuration expects:
missing tensors, unexpected ones (a variant this runtime would silently ignore: llama.cpp
refuses those too), shapes and storage types, and ``general.file_type`` against the
tensors' types (a file that says F16 but holds Q4_K blocks was written wrong). Every
problem is reported in one error.

``quantized=True`` is the low-memory mode: projections stored in a block type (Q8_0, Q4_0 …
Q6_K) stay in their blocks (``QuantizedLinear``) and are dequantized per layer as they are
used, so no full-precision copy of them is ever held. Embeddings and norms are dequantized
as usual.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple, Union

import torch
from torch import nn

from ..gguf import GGMLType, GGUFError, GGUFReader, TensorInfo
from ..gguf.quants import QUANTIZED_TYPES, SUPPORTED_TYPES, supported_type_names
from .config import DecoderConfig, config_from_gguf
from .decoder import TARGETS, Decoder, gguf_tensor_name, parameter_name
from .errors import InvalidModelError, ModelNotFoundError, UnsupportedModelError, from_gguf_error
from .file_type import file_type_problem
from .quantized_linear import QuantizedLinear, QuantizedWeight, return_large_frees_to_the_system

READABLE_TYPES = SUPPORTED_TYPES
# Not a parameter: llama 3.x's rope divisors live in the rotary embedding (a buffer).
ROPE_FREQS = "rope_freqs.weight"

PathLike = Union[str, "os.PathLike[str]"]


def expected_tensors(config: DecoderConfig) -> Dict[str, Tuple[int, ...]]:
    """Every GGUF tensor a model of ``config`` must have, with its torch-order shape."""
    dim, vocab = config.embedding_dim, config.vocab_size
    shapes: Dict[str, Tuple[int, ...]] = {"token_embd.weight": (vocab, dim)}
    if config.rope_freq_factors:
        shapes[ROPE_FREQS] = (config.rotary_dim // 2,)
    for i in range(config.block_count):
        block = f"blk.{i}"
        shapes[f"{block}.attn_norm.weight"] = (dim,)
        shapes[f"{block}.attn_q.weight"] = (config.q_dim, dim)
        shapes[f"{block}.attn_k.weight"] = (config.kv_dim, dim)
        shapes[f"{block}.attn_v.weight"] = (config.kv_dim, dim)
        if config.qkv_bias:
            shapes[f"{block}.attn_q.bias"] = (config.q_dim,)
            shapes[f"{block}.attn_k.bias"] = (config.kv_dim,)
            shapes[f"{block}.attn_v.bias"] = (config.kv_dim,)
        shapes[f"{block}.attn_output.weight"] = (dim, config.q_dim)
        shapes[f"{block}.ffn_norm.weight"] = (dim,)
        shapes[f"{block}.ffn_gate.weight"] = (config.ffn_dim, dim)
        shapes[f"{block}.ffn_up.weight"] = (config.ffn_dim, dim)
        shapes[f"{block}.ffn_down.weight"] = (dim, config.ffn_dim)
    shapes["output_norm.weight"] = (dim,)
    if not config.tied_output:
        shapes["output.weight"] = (vocab, dim)
    return shapes


def check_tensors(config: DecoderConfig, tensors: Dict[str, TensorInfo], file_type: Optional[int] = None) -> None:
    """Compare the file's tensors with ``expected_tensors``; raise one error listing every
    missing, unexpected, misshapen or unreadable tensor, and a ``general.file_type`` that
    the tensors contradict."""
    expected = expected_tensors(config)
    invalid: List[str] = []
    mismatch = file_type_problem(file_type, tensors)
    if mismatch:
        invalid.append(mismatch)
    unsupported: List[str] = []
    missing = [name for name in expected if name not in tensors]
    if missing:
        invalid.append(f"missing tensors: {_names(missing)}")
    unexpected = [name for name in tensors if name not in expected]
    if unexpected:
        unsupported.append(f"tensors this runtime does not use (a model variant it does not handle yet): {_names(unexpected)}")
    for name, shape in expected.items():
        info = tensors.get(name)
        if info is None:
            continue
        if tuple(info.shape) != shape:
            invalid.append(f"{name} has shape {list(info.shape)}; the metadata says {list(shape)}")
        if info.ggml_type not in READABLE_TYPES:
            unsupported.append(f"{name} is stored as {info.type_name}; this runtime reads {supported_type_names()}")
    if invalid:
        subject = f"The {config.architecture} model's tensors do not match its metadata"
        raise InvalidModelError.listing(subject, invalid + unsupported)
    if unsupported:
        raise UnsupportedModelError.listing(f"This {config.architecture} model cannot be trained yet", unsupported)


def load_decoder(path: PathLike, dtype: torch.dtype = torch.float32, device: Union[str, torch.device] = "cpu",
                 quantized: bool = False) -> Tuple[Decoder, DecoderConfig]:
    """Read the GGUF base model at ``path`` into a frozen ``Decoder`` of ``dtype`` on ``device``.

    ``quantized``: keep projections stored in a block type as ``QuantizedLinear`` (the
    low-memory mode; see the module docstring).

    Raises ModelNotFoundError when the file is missing, InvalidModelError when it is damaged,
    truncated or inconsistent, and UnsupportedModelError for an architecture, setting or
    tensor type not handled yet.
    """
    path = os.fspath(path)
    try:
        reader = GGUFReader(path)
    except FileNotFoundError:
        raise ModelNotFoundError(f"No model file at {path}.") from None
    except IsADirectoryError:
        raise ModelNotFoundError(f"{path} is a folder, not a GGUF model file.") from None
    except OSError as error:
        raise ModelNotFoundError(f"The model file {path} cannot be opened: {error.strerror or error}.") from None
    except GGUFError as error:
        raise from_gguf_error(error) from None
    if quantized and torch.device(device).type == "cpu":
        return_large_frees_to_the_system()
    with reader:
        config = config_from_gguf(reader.metadata, {name: info.shape for name, info in reader.tensors.items()})
        check_tensors(config, reader.tensors, reader.metadata.get("general.file_type"))
        model = Decoder(config, device=torch.device("meta"), dtype=dtype)
        for name in expected_tensors(config):
            info = reader.tensors[name]
            if quantized and info.ggml_type in QUANTIZED_TYPES and _is_projection(name):
                # .clone(): the blocks must outlive the file mapping, on the model's device.
                blocks = reader.raw_tensor(name).to(device=device).clone()
                weight = QuantizedWeight(blocks, info.ggml_type, (info.shape[0], info.shape[1]), dtype)
                _set_module(model, parameter_name(name).rpartition(".")[0], QuantizedLinear(weight))
                continue
            try:
                values = reader.tensor(name)
            except GGUFError as error:
                raise from_gguf_error(error) from None
            if name == ROPE_FREQS:
                # ggml reads rope factors as float32 whatever the compute type.
                model.rope.freq_factors = values.to(device=device, dtype=torch.float32)
                continue
            _set_parameter(model, parameter_name(name), values.to(device=device, dtype=dtype))
    model.rope.to(device)
    model.rope.reset()
    _check_materialized(model)
    model.eval()
    return model, config


def _is_projection(tensor_name: str) -> bool:
    """A linear layer's weight (q/k/v/o, feed-forward, output), not an embedding or a norm."""
    return tensor_name == "output.weight" or (tensor_name.startswith("blk.") and tensor_name.endswith(
        tuple(f".{attribute}.weight" for attribute in TARGETS.values())))


def _set_module(model: nn.Module, name: str, module: nn.Module) -> None:
    """Put ``module`` at ``name`` (``blocks.0.attn_q``), replacing the meta ``nn.Linear``."""
    owner_name, _, attribute = name.rpartition(".")
    owner = model.get_submodule(owner_name) if owner_name else model
    setattr(owner, attribute, module)


def _set_parameter(model: nn.Module, name: str, values: torch.Tensor) -> None:
    """Replace the (meta) parameter ``name`` of ``model`` with frozen ``values``."""
    owner_name, _, attribute = name.rpartition(".")
    owner = model.get_submodule(owner_name) if owner_name else model
    setattr(owner, attribute, nn.Parameter(values, requires_grad=False))


def _check_materialized(model: nn.Module) -> None:
    """Every parameter was loaded from the file: none is left on the meta device."""
    left = [gguf_tensor_name(name) for name, parameter in model.named_parameters() if parameter.is_meta]
    if left:
        # expected_tensors and the Decoder disagree: a bug here, not a bad file.
        raise RuntimeError(f"the decoder has parameters the loader did not fill: {_names(left)}")


def _names(names: List[str], limit: int = 8) -> str:
    """A readable list of tensor names, shortened after ``limit``."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
