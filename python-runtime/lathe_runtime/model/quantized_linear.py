"""Low-memory mode: frozen projections kept in their GGUF blocks, dequantized per use.

Usage::

    model, config = load_decoder("model-Q4_K_M.gguf", dtype=torch.bfloat16, quantized=True)
    model.blocks[0].attn_q            # QuantizedLinear: weight is a QuantizedWeight (uint8 blocks)
    apply_lora(model, spec)           # LoRALinear wraps it like any nn.Linear

A Q4_K matrix takes 4.5 bits a value where bf16 takes 16, so keeping the base as it is stored
cuts the weights' memory by ~3.5× (QLoRA's idea, with llama.cpp's own formats). The price is
time: every forward and backward dequantizes the layer again.

``QuantizedWeight`` is not a tensor. It holds the blocks (a uint8 tensor on the model's device)
and answers the few things ``nn.Linear`` and ``LoRALinear`` ask of a weight (``shape``,
``dtype``, ``device``, ``requires_grad_``, ``float()``), and ``F.linear`` reaches it through
torch's ``__torch_function__`` protocol, so the LoRA code needs no special case. The matmul is
a custom autograd Function that saves nothing but a reference to the blocks: the backward
pass dequantizes again instead of keeping the full-precision weight alive between passes.
Only the gradient with respect to the input is computed (the base is frozen).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from ..gguf.constants import GGMLType, ggml_type_name
from ..gguf.quants import QUANTIZED_TYPES, dequantize_blocks

_LINEAR_FUNCTIONS = {F.linear, getattr(torch._C._nn, "linear", F.linear)}


class QuantizedWeight:
    """A frozen (out, in) weight stored as ``ggml_type`` blocks; computes in ``dtype``."""

    requires_grad = False
    is_meta = False

    def __init__(self, blocks: torch.Tensor, ggml_type: int, shape: Tuple[int, int], dtype: torch.dtype) -> None:
        if ggml_type not in QUANTIZED_TYPES:
            raise ValueError(f"{ggml_type_name(ggml_type)} is not a block type a weight can be kept in")
        if blocks.dtype != torch.uint8 or blocks.dim() != 1:
            raise ValueError("blocks must be a flat uint8 tensor")
        self.blocks = blocks
        self.ggml_type = GGMLType(ggml_type)
        self.shape = torch.Size(shape)
        self.dtype = dtype

    @property
    def device(self) -> torch.device:
        """Where the blocks live (and where the weight is dequantized)."""
        return self.blocks.device

    @property
    def nbytes(self) -> int:
        """Bytes the weight takes as stored."""
        return self.blocks.numel()

    def numel(self) -> int:
        """Number of values in the (dequantized) weight."""
        return self.shape[0] * self.shape[1]

    def dim(self) -> int:
        return 2

    def dequantize(self, dtype: Optional[torch.dtype] = None) -> torch.Tensor:
        """The full weight, freshly dequantized, in ``dtype`` (the compute dtype by default)."""
        return _dequantized(self.blocks, self.ggml_type, self.shape, dtype or self.dtype)

    def float(self) -> torch.Tensor:
        """The weight as float32 (what ``LoRALinear.merged_weight`` asks for)."""
        return self.dequantize(torch.float32)

    def detach(self) -> "QuantizedWeight":
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "QuantizedWeight":
        if requires_grad:
            raise RuntimeError("a weight kept quantized is frozen; it cannot be trained")
        return self

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Tuple[Any, ...] = (), kwargs: Optional[Dict[str, Any]] = None) -> Any:
        kwargs = kwargs or {}
        if func in _LINEAR_FUNCTIONS:
            return quantized_linear(*args, **kwargs)
        name = getattr(func, "__name__", str(func))
        raise TypeError(f"{name} cannot use a weight kept quantized (low-memory mode); only linear layers can")

    def __repr__(self) -> str:
        return f"QuantizedWeight({self.ggml_type.name}, shape={tuple(self.shape)}, dtype={self.dtype}, device={self.device})"


# Values dequantized per piece: the dequantizers build a few int32/float32 tensors the size of
# their input, so a large layer (a 128k-token output head) is expanded in row chunks into the
# compute dtype instead of all at once (src-main/training/memory-parts.ts counts the same).
DEQUANTIZE_CHUNK_VALUES = 1 << 24


def _dequantized(blocks: torch.Tensor, ggml_type: GGMLType, shape: torch.Size, dtype: torch.dtype) -> torch.Tensor:
    rows, columns = int(shape[0]), int(shape[1])
    if rows * columns <= DEQUANTIZE_CHUNK_VALUES:
        return dequantize_blocks(blocks, ggml_type, rows * columns).reshape(shape).to(dtype)
    out = torch.empty((rows, columns), dtype=dtype, device=blocks.device)
    row_bytes = blocks.numel() // rows
    step = max(1, DEQUANTIZE_CHUNK_VALUES // columns)
    for start in range(0, rows, step):
        stop = min(rows, start + step)
        piece = blocks[start * row_bytes : stop * row_bytes]
        out[start:stop] = dequantize_blocks(piece, ggml_type, (stop - start) * columns).reshape(stop - start, columns)
    return out


class _DequantizedLinear(torch.autograd.Function):
    """``x·Wᵀ`` with W dequantized in forward and again in backward; nothing saved.

    The blocks come in as a plain tensor argument (not the ``QuantizedWeight``, whose
    ``__torch_function__`` would intercept the call) and are kept on ``ctx`` by reference.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, blocks: torch.Tensor, ggml_type: GGMLType,  # type: ignore[override]
                shape: torch.Size) -> torch.Tensor:
        ctx.blocks, ctx.ggml_type, ctx.shape = blocks, ggml_type, shape
        return F.linear(x, _dequantized(blocks, ggml_type, shape, x.dtype))

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], None, None, None]:  # type: ignore[override]
        if not ctx.needs_input_grad[0]:
            return None, None, None, None
        return grad.matmul(_dequantized(ctx.blocks, ctx.ggml_type, ctx.shape, grad.dtype)), None, None, None


def quantized_linear(x: torch.Tensor, weight: QuantizedWeight, bias: Optional[torch.Tensor] = None) -> torch.Tensor:
    """``F.linear`` for a ``QuantizedWeight``: the layer is dequantized for this call only."""
    out = _DequantizedLinear.apply(x, weight.blocks, weight.ggml_type, weight.shape)
    return out if bias is None else out + bias.to(out.dtype)


class QuantizedLinear(nn.Linear):
    """A frozen ``nn.Linear`` whose weight stays in its GGUF blocks (``QuantizedWeight``).

    A subclass of ``nn.Linear`` so code that wraps linear layers (``LoRALinear``) takes it
    as one; ``nn.Linear.forward`` calls ``F.linear``, which the weight answers. ``bias`` is an
    ordinary frozen parameter (or None).
    """

    def __init__(self, weight: QuantizedWeight, bias: Optional[torch.Tensor] = None) -> None:
        nn.Module.__init__(self)  # not nn.Linear's: it would allocate a full-precision weight
        self.out_features, self.in_features = int(weight.shape[0]), int(weight.shape[1])
        self.weight = weight  # type: ignore[assignment]
        self.bias = None if bias is None else nn.Parameter(bias, requires_grad=False)

    def reset_parameters(self) -> None:
        """Nothing to initialise: the weight comes from the model file."""

    def extra_repr(self) -> str:
        weight = self.weight
        assert isinstance(weight, QuantizedWeight)
        return f"in_features={self.in_features}, out_features={self.out_features}, type={weight.ggml_type.name}, bias={self.bias is not None}"


# glibc's mallopt parameter number for the mmap threshold (malloc.h's M_MMAP_THRESHOLD).
_M_MMAP_THRESHOLD = -3
_LARGE_ALLOCATION = 1 << 20


def return_large_frees_to_the_system() -> bool:
    """On Linux with glibc, make every allocation of 1 MiB or more a private mapping that is
    unmapped when freed; return whether it was set.

    glibc raises its mmap threshold (up to 32 MiB) each time it frees a mapped block, after
    which blocks that size come from the heap and stay resident once freed. Low-memory mode
    frees a dequantized layer and its codes many times a step, and on CPU that left the
    process ~0.4 GB above its live tensors on a 100M-parameter model (bench/RESULTS.md), most
    of what the mode saves. A fixed threshold keeps the resident size near the live tensors.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library (musl): no such knob
        return False
    mallopt = getattr(libc, "mallopt", None)
    return bool(mallopt is not None and mallopt(_M_MMAP_THRESHOLD, _LARGE_ALLOCATION))


def quantized_weight_bytes(module: nn.Module) -> int:
    """Bytes of every ``QuantizedWeight`` inside ``module`` (each counted once)."""
    seen: Dict[int, int] = {}
    for child in module.modules():
        weight = getattr(child, "weight", None)
        if isinstance(weight, QuantizedWeight):
            seen[id(weight)] = weight.nbytes
    return sum(seen.values())
