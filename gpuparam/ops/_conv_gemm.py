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
or memory-friendly (GPU) budget. A 1x1 kernel with unit stride and no padding needs no
column matrix at all: the input is its own.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._backend import get_array_module
from ._conv_geometry import ConvGeometry

# Bytes of column matrix per chunk. On the CPU a buffer that stays in the last-level cache
# between the im2col copy and the GEMM that reads it is fastest (measured: 8-16 MiB beat both
# 1 MiB and the whole batch); on the GPU the budget only bounds the extra memory.
CHUNK_BYTES = {"numpy": 16 << 20, "cupy": 1 << 30}


@dataclass(frozen=True)
class _Plan:
    """Everything about a GEMM convolution that depends on its geometry alone."""

    work: np.dtype            # the GEMM's dtype (float16 widens to float32)
    k_group: int
    rows: int                 # C_in / groups * prod(kernel): the GEMM's inner dimension
    pixels: int               # prod(output_spatial)
    chunk: int                # samples per GEMM
    staged: bool              # copy x into a buffer first (padding or a dtype change)
    stage_shape: tuple[int, ...]
    interior: tuple[slice, ...]
    cols_shape: tuple[int, ...]
    fields_shape: tuple[int, ...]       # (groups, C_in/groups, *kernel, *out_spatial)
    fields_into_cols: tuple[int, ...]   # strides of that shape inside one sample's columns


@functools.lru_cache(maxsize=256)
def _plan(geom: ConvGeometry, on_cpu: bool) -> _Plan:
    work = np.dtype(np.float32) if geom.dtype == np.float16 else geom.dtype
    size = work.itemsize
    groups = geom.groups
    c_group = geom.in_channels // groups
    rows = c_group * math.prod(geom.kernel)
    pixels = math.prod(geom.output_spatial)
    # OpenBLAS slows down by a fifth when the columns' row length is a multiple of 256 bytes
    # (cache-set aliasing, measured for 3136 = 56 * 56 floats): pad such rows by 64 bytes.
    lead = pixels + (64 // size if on_cpu and (pixels * size) % 256 == 0 else 0)
    budget = CHUNK_BYTES["numpy" if on_cpu else "cupy"]
    chunk = max(1, min(geom.batch, budget // max(groups * rows * lead * size, 1)))
    staged = geom.has_padding or geom.dtype != work
    interior = (slice(None), slice(None)) + tuple(
        slice(b, b + n) for (b, _), n in zip(geom.padding, geom.input_spatial))
    fields_shape = (groups, c_group, *geom.kernel, *geom.output_spatial)
    # Strides (in bytes) that scatter the receptive fields into the column matrix:
    # row = (c, *kernel) in C order, column = output pixel in C order, rows `lead` apart.
    inner = _c_strides((c_group, *geom.kernel), lead * size)
    outer = _c_strides(geom.output_spatial, size)
    fields_into_cols = (rows * lead * size, *inner, *outer)
    return _Plan(work, geom.out_channels // groups, rows, pixels, chunk, staged,
                 (chunk, geom.in_channels, *geom.padded_spatial), interior,
                 (chunk, groups, rows, lead), fields_shape, fields_into_cols)


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
    groups_stride = (geom.in_channels // geom.groups)
    for start in range(0, geom.batch, plan.chunk):
        stop = min(start + plan.chunk, geom.batch)
        n = stop - start
        if plan.staged:
            inner[:n] = x[start:stop]
            src = stage[:n]
        else:
            src = x[start:stop]
        s_n, s_c, *s_sp = src.strides
        fields = as_strided(src, shape=(n, *plan.fields_shape), strides=(
            s_n, s_c * groups_stride, s_c,
            *(s * d for s, d in zip(s_sp, geom.dilation)),
            *(s * st for s, st in zip(s_sp, geom.stride))))
        block = cols[:n]
        target = as_strided(block, shape=fields.shape,
                            strides=(block.strides[0], *plan.fields_into_cols))
        target[...] = fields  # the im2col copy
        xp.matmul(wmat, block[..., :plan.pixels], out=out[start:stop])
