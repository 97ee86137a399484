"""Transposed convolution (the adjoint of ``conv_nd``), built on ``conv_nd`` itself.

``conv_transpose_nd(x, w)`` is the gradient of a forward convolution with respect to
its input: every input element scatters ``x[i] * w[k]`` to output position
``i * stride + k * dilation - pad_before``. It is computed as a plain convolution, so it
runs on every convolution backend (cuDNN, cuBLAS GEMM, NumPy GEMM):

1. the input is spread out by the stride (``stride - 1`` zeros between elements) into a
   buffer bordered with ``dilation * (kernel - 1) - pad_before`` zeros (a negative
   border crops);
2. the kernel ``(C_in, C_out / groups, *k)`` is regrouped to ``(C_out, C_in / groups,
   *k)`` and flipped in every spatial dim;
3. a stride-1 convolution of the two with the same dilation gives the output.

With a stride and no dilation the zeros inserted by step 1 would make the GEMM do
``s**ndim`` times the necessary work, so the output is split by phase instead (the
sub-pixel decomposition): output positions ``j`` with the same ``(j + pad_before) % s``
see only the kernel taps ``k = phase, phase + s, ...``, so each phase is one ordinary
stride-1 convolution of the unspread input with that sub-kernel, written into every
``s``-th output element. A dilated transposed convolution keeps the spread input.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .._backend import get_array_module, is_device_array
from .._errors import type_error, value_error
from ._conv import ConvBackend, conv_nd
from ._conv_geometry import FLOAT_DTYPES, Padding


def transposed_output_size(size: int, kernel: int, stride: int, dilation: int,
                           before: int, after: int, output_padding: int = 0) -> int:
    """Return one output extent: ``(n - 1) * s + d * (k - 1) + 1 - pads + output_padding``."""
    return (size - 1) * stride + dilation * (kernel - 1) + 1 - before - after + output_padding


def conv_transpose_nd(x: Any, weight: Any, *, stride: tuple[int, ...], padding: Padding,
                      dilation: tuple[int, ...], groups: int, output_spatial: tuple[int, ...],
                      backend: ConvBackend = "auto", where: str = "conv_transpose_nd") -> Any:
    """Transposed convolution of ``x`` ``(N, C_in, *spatial)`` with ``weight``.

    Args:
        x: NumPy or CuPy array with 2 or 3 spatial dims, float16/32/64.
        weight: ``(C_in, C_out // groups, *kernel)``, same module and dtype as ``x``.
        stride, dilation: One int ``>= 1`` per spatial dim.
        padding: The ``(before, after)`` padding of the forward convolution this is the
            adjoint of (it is removed from the full output).
        groups: Channel groups, dividing ``C_in``.
        output_spatial: The output's spatial extent: the forward convolution's input
            size. Usually ``transposed_output_size(...)``; ``'same'`` and
            ``output_padding`` choose others.
        backend: As ``conv_nd``.
        where: Name used in error messages.

    Returns:
        ``(N, C_out, *output_spatial)`` array of ``x``'s module and dtype.

    Example:
        >>> import numpy as np
        >>> y = conv_transpose_nd(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)), stride=(2, 2),
        ...                       padding=((0, 0), (0, 0)), dilation=(1, 1), groups=1,
        ...                       output_spatial=(4, 4))
        >>> y.shape, float(y.sum())
        ((1, 1, 4, 4), 16.0)
    """
    for arg, value in (("x", x), ("weight", weight)):
        if not (isinstance(value, np.ndarray) or is_device_array(value)):
            raise type_error(where, arg, value, "a numpy.ndarray or cupy.ndarray")
    if x.ndim not in (4, 5) or weight.ndim != x.ndim:
        raise value_error(where, "x.shape", tuple(x.shape),
                          "(N, C, H, W) or (N, C, D, H, W) with a weight of the same rank")
    if x.dtype not in FLOAT_DTYPES or weight.dtype != x.dtype:
        raise type_error(where, "x.dtype", str(x.dtype),
                         f"float16, float32 or float64, the same as the weight's ({weight.dtype})")
    c_in = int(x.shape[1])
    if groups < 1 or c_in % groups or int(weight.shape[0]) != c_in:
        raise value_error(where, "weight.shape", tuple(weight.shape),
                          f"(C_in={c_in}, C_out // groups, *kernel) with groups={groups} "
                          f"dividing {c_in}")
    xp = get_array_module(x)
    ndim = x.ndim - 2
    kernel = tuple(int(k) for k in weight.shape[2:])
    c_group = c_in // groups
    # (C_in, C_out/g, *k) -> (C_out, C_in/g, *k): each group's block transposed.
    regrouped = weight.reshape(groups, c_group, -1, *kernel).swapaxes(1, 2)
    regrouped = regrouped.reshape(-1, c_group, *kernel)
    if all(d == 1 for d in dilation) and any(st > 1 for st in stride):
        return _by_phase(xp, x, regrouped, tuple(stride), padding, groups, output_spatial,
                         backend, where)
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    total = tuple(n + e - 1 for n, e in zip(output_spatial, extent))
    buffer = xp.zeros((x.shape[0], c_in, *total), dtype=x.dtype)
    target, source = [slice(None), slice(None)], [slice(None), slice(None)]
    for n, e, s, (before, _), length in zip(x.shape[2:], extent, stride, padding, total):
        offset = e - 1 - before        # where x[0] lands in the buffer (may be < 0)
        first = max(0, -(offset // s)) if offset < 0 else 0
        last = min(int(n), (length - 1 - offset) // s + 1) if length - 1 >= offset else 0
        if last <= first:  # no input element reaches the output
            return xp.zeros((x.shape[0], int(weight.shape[1]) * groups, *output_spatial),
                            dtype=x.dtype)
        start = offset + first * s
        target.append(slice(start, start + (last - first - 1) * s + 1, s))
        source.append(slice(first, last))
    buffer[tuple(target)] = x[tuple(source)]
    kernel_fwd = xp.ascontiguousarray(regrouped[(Ellipsis, *(slice(None, None, -1),) * ndim)])
    return conv_nd(buffer, kernel_fwd, stride=(1,) * ndim, padding=((0, 0),) * ndim,
                   dilation=tuple(dilation), groups=groups, backend=backend, where=where)


def _phase_plan(n: int, k: int, s: int, before: int, length: int,
                phase: int) -> tuple[int, int, int, int, int, int] | None:
    """One dim of one phase: ``(taps, crop_start, crop_stop, pad_before, pad_after, first_out)``.

    Output ``j = phase - before + t * s`` receives ``sum_m x[t - m] * w[phase + m * s]``
    for ``t`` in ``[t0, t1]``: a correlation of ``x`` (cropped/padded to cover
    ``t0 - taps + 1 .. t1``) with the reversed sub-kernel. ``None`` if no output gets any tap.
    """
    taps = -(-(k - phase) // s) if phase < k else 0
    t0 = -((phase - before) // s)                  # ceil((before - phase) / s)
    t1 = (length - 1 - phase + before) // s
    if taps == 0 or t1 < t0:
        return None
    lo, hi = t0 - (taps - 1), t1 + 1               # the x positions the phase reads
    start, stop = max(lo, 0), min(hi, n)
    if stop <= start:                              # reads only zeros
        return None
    return taps, start, stop, start - lo, hi - stop, phase - before + t0 * s


def _by_phase(xp: Any, x: Any, regrouped: Any, stride: tuple[int, ...], padding: Padding,
              groups: int, output_spatial: tuple[int, ...], backend: ConvBackend,
              where: str) -> Any:
    """The transposed convolution as one stride-1 ``conv_nd`` per output phase."""
    ndim = len(stride)
    out = xp.zeros((x.shape[0], regrouped.shape[0], *output_spatial), dtype=x.dtype)
    for phases in itertools.product(*(range(st) for st in stride)):
        plans = [_phase_plan(int(n), int(k), st, before, length, ph) for n, k, st, (before, _),
                 length, ph in zip(x.shape[2:], regrouped.shape[2:], stride, padding,
                                   output_spatial, phases)]
        if any(p is None for p in plans):
            continue
        sub = regrouped[(Ellipsis, *(slice(ph, None, st) for ph, st in zip(phases, stride)))]
        sub = xp.ascontiguousarray(sub[(Ellipsis, *(slice(None, None, -1),) * ndim)])
        crop = x[(Ellipsis, *(slice(p[1], p[2]) for p in plans if p is not None))]
        y = conv_nd(crop, sub, stride=(1,) * ndim,
                    padding=tuple((p[3], p[4]) for p in plans if p is not None),
                    dilation=(1,) * ndim, groups=groups, backend=backend, where=where)
        target = tuple(slice(p[5], p[5] + (size - 1) * st + 1, st)
                       for p, size, st in zip(plans, y.shape[2:], stride) if p is not None)
        out[(slice(None), slice(None), *target)] = y
    return out


__all__ = ["conv_transpose_nd", "transposed_output_size"]
