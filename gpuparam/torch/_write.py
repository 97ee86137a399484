"""Writing gpuparam's values into a torch tensor's own memory, on the CPU or a CUDA device.

The tensor is viewed, never copied: ``tensor.numpy()`` on the CPU, ``cupy.from_dlpack``
on CUDA with torch's current stream made CuPy's (``_backend.borrowed_device_array``), so
the kernels run in torch's order and nothing is synchronized. Values are drawn in pieces
of at most ``SCRATCH_BYTES`` (the only memory taken besides the tensor's own), each the
matching slice of the global tensor (DESIGN.md contract 3).

bfloat16 has no NumPy or CuPy type without ml_dtypes, so it is drawn as gpuparam draws it
(in float64), rounded to nearest-even by integer operations that both backends perform
alike, and written through a 16-bit integer view.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from .. import _backend, _dtype
from .._initializer import Initializer, Sparse
from ._layout import Box

# Each piece of the draw holds at most this many bytes (of the dtype drawn).
SCRATCH_BYTES = 1 << 26

FLOAT_DTYPES: dict[torch.dtype, np.dtype] = {
    torch.float16: np.dtype(np.float16), torch.float32: np.dtype(np.float32),
    torch.float64: np.dtype(np.float64), torch.bfloat16: np.dtype(np.float64)}
_ROUNDING_BIAS = np.uint32(0x7FFF)  # below half of bfloat16's last place


def draw_dtype(dtype: torch.dtype) -> np.dtype:
    """The NumPy dtype gpuparam draws ``dtype`` in (float64 for bfloat16, as gpuparam does)."""
    return FLOAT_DTYPES[dtype]


def check_dtype(dtype: torch.dtype) -> Any:
    """The dtype to check an initializer's range against: bfloat16's own where ml_dtypes
    gives it, else float32 (whose range is bfloat16's within 0.4%)."""
    if dtype is torch.bfloat16:
        return _dtype.bfloat16 if _dtype.bfloat16 is not None else np.dtype(np.float32)
    return FLOAT_DTYPES[dtype]


def needs_whole(init: Initializer) -> bool:
    """True if ``init`` cannot draw a slice alone: it computes the whole, then slices."""
    return not getattr(init, "_elementwise", False)


def bfloat16_bits(wide: Any) -> Any:
    """Round float64 values to the nearest bfloat16 (ties to even); return the uint16 bits.

    Correctly rounded, as ml_dtypes' float64 -> bfloat16 cast: a first rounding to
    float32 *to odd* (truncate, then set the last bit if anything was lost) keeps the
    information that a plain double rounding would lose, and the second rounding, to
    bfloat16's 8 bits, is then exact to nearest-even. NaN stays a quiet NaN.
    """
    xp = _backend.get_array_module(wide)
    with np.errstate(over="ignore"):  # beyond float32: inf, then rounded back below
        narrow = wide.astype(np.float32)
    back = narrow.astype(np.float64)
    bits = narrow.view(np.uint32)  # rounded in place below
    quiet_nan = ((bits >> np.uint32(16)) | np.uint32(0x40)).astype(np.uint16)
    inexact = back != wide
    bits -= (inexact & (xp.abs(back) > xp.abs(wide))).astype(np.uint32)  # toward zero
    bits |= inexact.astype(np.uint32)                                      # ... to odd
    bits += _ROUNDING_BIAS + ((bits >> np.uint32(16)) & np.uint32(1))
    rounded = (bits >> np.uint32(16)).astype(np.uint16)
    return xp.where(xp.isnan(wide), quiet_nan, rounded)  # (no host check: no sync)


def _pieces(shape: tuple[int, ...], itemsize: int, split: bool) -> Iterator[tuple[slice, ...]]:
    """Local index tuples that cover ``shape``, each of at most SCRATCH_BYTES (one if not ``split``)."""
    if not split or math.prod(shape) * itemsize <= SCRATCH_BYTES:
        yield tuple(slice(0, n) for n in shape)
        return
    # The first dimension whose trailing block fits is cut in runs; those before it, in ones.
    axis = next(k for k in range(len(shape)) if math.prod(shape[k + 1:]) * itemsize <= SCRATCH_BYTES)
    run = max(1, SCRATCH_BYTES // (math.prod(shape[axis + 1:]) * itemsize))
    for lead in itertools.product(*(range(n) for n in shape[:axis])):
        for start in range(0, shape[axis], run):
            yield (tuple(slice(i, i + 1) for i in lead) + (slice(start, min(start + run, shape[axis])),)
                   + tuple(slice(0, n) for n in shape[axis + 1:]))


def _fill_view(view: Any, box: Box, init: Initializer, key: tuple[int, int], dtype: torch.dtype) -> None:
    drawn = draw_dtype(dtype)
    # Sparse ranks whole columns for any slice: one draw, not one per piece.
    split = not needs_whole(init) and not isinstance(init, Sparse)
    for local in _pieces(box.local_shape, drawn.itemsize, split):
        index = tuple(slice(o + p.start, o + p.stop, 1) for o, p in zip(box.offset, local))
        values = init._generate(box.global_shape, drawn, key, index)
        if dtype is torch.bfloat16:
            values = bfloat16_bits(values)
        if isinstance(view, np.ndarray):
            values = _backend.to_host(values)
        view[local] = values


def write(local: torch.Tensor, box: Box, init: Initializer, key: tuple[int, int]) -> None:
    """Fill ``local`` (this rank's part ``box`` of the global tensor) in place."""
    if box.numel == 0:
        return
    data = local.detach()
    if local.dtype is torch.bfloat16:
        data = data.view(torch.int16)
    if local.device.type == "cpu":
        view = data.numpy()
        _fill_view(view.view(np.uint16) if local.dtype is torch.bfloat16 else view,
                   box, init, key, local.dtype)
    else:  # CUDA: checked by the caller
        stream = torch.cuda.current_stream(local.device).cuda_stream
        with _backend.borrowed_device_array(data, stream) as view:
            _fill_view(view.view(np.uint16) if local.dtype is torch.bfloat16 else view,
                       box, init, key, local.dtype)
    if not local.is_inference():
        torch.autograd.graph.increment_version(local)  # as an in-place torch op would


__all__ = ["FLOAT_DTYPES", "SCRATCH_BYTES", "bfloat16_bits", "check_dtype", "draw_dtype",
           "needs_whole", "write"]
