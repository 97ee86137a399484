"""Convolution as im2col + one batched GEMM, written once against the array module ``xp``.

On NumPy the GEMM runs in BLAS, on CuPy in cuBLAS. For each chunk of the batch:

1. the input is copied into a zero-bordered buffer (the border is written once, so each
   chunk only fills the interior; float16 is widened to float32 on the way);
2. an ``as_strided`` view exposes every receptive field as
   ``(n, groups, C_in/groups, *kernel, *out_spatial)`` without copying, and one copy lays
   it out as the column matrix ``(n, groups, C_in/groups * prod(kernel), prod(out))``;
3. one ``matmul`` of the weights ``(groups, C_out/groups, C_in/groups * prod(kernel))``
   with those columns writes ``(n, groups, C_out/groups, prod(out))``, which is already
   the NCHW (NCDHW) output: no transposes.

The batch is processed in chunks so that the column buffer stays near a cache-sized (CPU)
or memory-friendly (GPU) budget; a sample whose columns alone exceed it is processed in
slabs of output rows. A 1x1 kernel with unit stride and no padding needs no column matrix
at all: the input is its own.

Measured on 2 Sapphire Rapids vCPUs (OpenBLAS), the GEMM itself runs at about 225 GFLOP/s
for 64 output channels and the im2col copy streams at about 16 GB/s; PyTorch's oneDNN
direct convolutions are about 2x faster on such shapes (see benchmarks/bench_conv.py).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._backend import get_array_module
from ._conv_geometry import ConvGeometry

# Bytes of column matrix per chunk. On the CPU a buffer that stays in cache between the
# im2col copy and the GEMM that reads it is fastest (measured: 16-32 MiB beat 2-8 MiB and
# 64 MiB); on the GPU the budget only bounds the extra memory.
CHUNK_BYTES = {"numpy": 16 << 20, "cupy": 1 << 30}


@dataclass(frozen=True)
class _Plan:
    """Everything about a GEMM convolution that depends on its geometry alone."""

    work: np.dtype            # the GEMM's dtype (float16 widens to float32)
    k_group: int
    rows: int                 # C_in / groups * prod(kernel): the GEMM's inner dimension
    pixels: int               # prod(output_spatial)
    chunk: int                # samples per GEMM
    slab: int                 # output rows (first spatial dim) per GEMM
    plane: int                # output pixels per output row: prod(output_spatial[1:])
    staged: bool              # copy x into a buffer first (padding or a dtype change)
    stage_shape: tuple[int, ...]
    interior: tuple[slice, ...]
    cols_shape: tuple[int, ...]
    fields_tail: tuple[int, ...]        # (groups, C_in/groups, *kernel): fields' rows
    fields_into_cols: tuple[int, ...]   # byte strides of fields' rows and columns in cols


@functools.lru_cache(maxsize=256)
def _plan(geom: ConvGeometry, on_cpu: bool) -> _Plan:
    work = np.dtype(np.float32) if geom.dtype == np.float16 else geom.dtype
    size = work.itemsize
    groups = geom.groups
    c_group = geom.in_channels // groups
    rows = c_group * math.prod(geom.kernel)
    pixels = math.prod(geom.output_spatial)
    plane = pixels // geom.output_spatial[0]
    budget = CHUNK_BYTES["numpy" if on_cpu else "cupy"]
    per_row = groups * rows * plane * size
    # Whole samples per GEMM while one fits the budget; else slabs of output rows, so that
    # a large 3-d volume never needs its full column matrix at once.
    slab = max(1, min(geom.output_spatial[0], budget // max(per_row, 1)))
    width = slab * plane
    # OpenBLAS slows down by a fifth when the columns' row length is a multiple of 256 bytes
    # (cache-set aliasing, measured for 3136 = 56 * 56 floats): pad such rows by 64 bytes.
    lead = width + (64 // size if on_cpu and (width * size) % 256 == 0 else 0)
    chunk = 1
    if slab == geom.output_spatial[0]:
        chunk = max(1, min(geom.batch, budget // max(groups * rows * lead * size, 1)))
    staged = geom.has_padding or geom.dtype != work
    interior = (slice(None), slice(None)) + tuple(
        slice(b, b + n) for (b, _), n in zip(geom.padding, geom.input_spatial))
    # Strides (in bytes) that scatter the receptive fields into the column matrix:
    # row = (c, *kernel) in C order, column = output pixel in C order, rows `lead` apart.
    inner = _c_strides((c_group, *geom.kernel), lead * size)
    outer = _c_strides((slab, *geom.output_spatial[1:]), size)
    fields_into_cols = (rows * lead * size, *inner, *outer)
    return _Plan(work, geom.out_channels // groups, rows, pixels, chunk, slab, plane, staged,
                 (chunk, geom.in_channels, *geom.padded_spatial), interior,
                 (chunk, groups, rows, lead), (groups, c_group, *geom.kernel),
                 fields_into_cols)


def _c_strides(shape: tuple[int, ...], step: int) -> tuple[int, ...]:
    strides = []
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def conv_gemm(x: Any, weight: Any, geom: ConvGeometry) -> Any:
    """Convolve ``x`` with ``weight`` (arrays already checked into ``geom``).

    Args:
        x: ``(N, C_in, *spatial)`` NumPy or CuPy array.
        weight: ``(C_out, C_in // groups, *kernel)``, same module and dtype.
        geom: Their :class:`ConvGeometry` from ``conv_geometry``.

    Returns:
        A C-contiguous ``(N, C_out, *out_spatial)`` array of ``x``'s dtype and module.
    """
    xp = get_array_module(x)
    plan = _plan(geom, xp is np)
    groups = geom.groups
    wmat = xp.ascontiguousarray(weight, dtype=plan.work).reshape(groups, plan.k_group, plan.rows)
    out = xp.empty((geom.batch, groups, plan.k_group, plan.pixels), dtype=plan.work)
    if geom.batch:
        if plan.rows == geom.in_channels // groups and not plan.staged and all(
                s == 1 for s in geom.stride):
            # A 1x1 kernel with unit stride and no padding: x is its own column matrix.
            cols = xp.ascontiguousarray(x).reshape(geom.batch, groups, plan.rows, plan.pixels)
            xp.matmul(wmat, cols, out=out)
        else:
            _im2col_gemm(xp, x, wmat, geom, plan, out)
    y = out.reshape(geom.output_shape)
    return y if plan.work == geom.dtype else y.astype(geom.dtype)


def _im2col_gemm(xp: Any, x: Any, wmat: Any, geom: ConvGeometry, plan: _Plan, out: Any) -> None:
    if plan.staged:
        # The zero border is written once; each chunk only refills the interior.
        stage = (xp.zeros if geom.has_padding else xp.empty)(plan.stage_shape, dtype=plan.work)
        inner = stage[plan.interior]
    cols = xp.empty(plan.cols_shape, dtype=plan.work)
    as_strided = xp.lib.stride_tricks.as_strided
    rows_out = geom.output_spatial[0]
    for start in range(0, geom.batch, plan.chunk):
        stop = min(start + plan.chunk, geom.batch)
        n = stop - start
        if plan.staged:
            inner[:n] = x[start:stop]
            src = stage[:n]
        else:
            src = x[start:stop]
        s_n, s_c, *s_sp = src.strides
        field_strides = (s_n, s_c * (geom.in_channels // geom.groups), s_c,
                         *(s * d for s, d in zip(s_sp, geom.dilation)),
                         *(s * st for s, st in zip(s_sp, geom.stride)))
        for first in range(0, rows_out, plan.slab):
            last = min(first + plan.slab, rows_out)
            # Receptive fields of output rows [first, last): (n, groups, C/groups, *kernel,
            # last - first, *out_spatial[1:]), a view that starts at input row first*stride.
            fields = as_strided(src[:, :, first * geom.stride[0]:],
                                shape=(n, *plan.fields_tail, last - first,
                                       *geom.output_spatial[1:]),
                                strides=field_strides)
            block = cols[:n]
            width = (last - first) * plan.plane
            if width == plan.cols_shape[-1]:  # unpadded rows: a plain reshape is the view
                block.reshape(fields.shape)[...] = fields
            else:
                as_strided(block, shape=fields.shape,
                           strides=(block.strides[0], *plan.fields_into_cols))[...] = fields
            target = out[start:stop, :, :, first * plan.plane:first * plan.plane + width]
            if width == plan.pixels or xp is np:
                xp.matmul(wmat, block[..., :width], out=target)
            else:  # CuPy's matmul wants a contiguous `out`
                target[...] = xp.matmul(wmat, block[..., :width])
