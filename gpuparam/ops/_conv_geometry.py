"""Convolution geometry: argument checks, MindSpore's padding rules and output shapes.

Every convolution backend starts from the one :class:`ConvGeometry` that
:func:`conv_geometry` returns, so that all of them accept and reject exactly the same
inputs with the same messages. :func:`resolve_padding` turns MindSpore's ``pad_mode`` /
``pad`` arguments into explicit ``(before, after)`` pairs per spatial dim.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._backend import get_array_module, is_device_array
from .._errors import type_error, value_error

Padding = tuple[tuple[int, int], ...]

FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
PAD_MODES = ("same", "valid", "pad")
_LAYOUT = {2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


@dataclass(frozen=True)
class ConvGeometry:
    """A validated N-d convolution: shapes, dtype and the resolved hyper-parameters.

    Attributes:
        batch: ``N``.
        in_channels: ``C_in`` (``x.shape[1]``).
        out_channels: ``C_out`` (``weight.shape[0]``).
        groups: Channel groups; divides both channel counts.
        input_spatial: Spatial extent of ``x`` (before padding).
        kernel: Spatial extent of ``weight``.
        stride: Step per spatial dim.
        dilation: Kernel dilation per spatial dim.
        padding: ``(before, after)`` zero padding per spatial dim.
        output_spatial: Spatial extent of the result.
        dtype: The common dtype of ``x`` and ``weight``.
    """

    batch: int
    in_channels: int
    out_channels: int
    groups: int
    input_spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: Padding
    output_spatial: tuple[int, ...]
    dtype: np.dtype

    @property
    def ndim(self) -> int:
        """Number of spatial dims (2 or 3)."""
        return len(self.kernel)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (self.batch, self.out_channels, *self.output_spatial)

    @property
    def padded_spatial(self) -> tuple[int, ...]:
        return tuple(n + b + a for n, (b, a) in zip(self.input_spatial, self.padding))

    @property
    def has_padding(self) -> bool:
        return any(b or a for b, a in self.padding)


def output_size(size: int, kernel: int, stride: int, dilation: int, before: int, after: int) -> int:
    """Return the output extent of one spatial dim: ``floor((n + pads - d*(k-1) - 1) / s) + 1``."""
    return (size + before + after - dilation * (kernel - 1) - 1) // stride + 1


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def int_tuple(where: str, arg: str, value: Any, ndim: int, *, minimum: int) -> tuple[int, ...]:
    """Return ``value`` (a tuple/list of ``ndim`` ints, each ``>= minimum``) as a tuple.

    Raises:
        TypeError: If ``value`` is not a tuple/list of ints (bools and floats rejected).
        ValueError: If it has the wrong length or an element below ``minimum``.
    """
    accepted = f"a tuple of {ndim} ints >= {minimum}"
    if not isinstance(value, (tuple, list)) or not all(_is_int(v) for v in value):
        raise type_error(where, arg, value, accepted)
    if len(value) != ndim or any(v < minimum for v in value):
        raise value_error(where, arg, value, accepted)
    return tuple(int(v) for v in value)


def _padding_pairs(where: str, padding: Any, ndim: int) -> Padding:
    accepted = f"a tuple of {ndim} (before, after) pairs of ints >= 0"
    if not isinstance(padding, (tuple, list)) or not all(
            isinstance(p, (tuple, list)) and len(p) == 2 and all(_is_int(v) for v in p)
            for p in padding):
        raise type_error(where, "padding", padding, accepted)
    if len(padding) != ndim or any(v < 0 for p in padding for v in p):
        raise value_error(where, "padding", padding, accepted)
    return tuple((int(b), int(a)) for b, a in padding)


def _check_array(where: str, arg: str, value: Any) -> None:
    if not (isinstance(value, np.ndarray) or is_device_array(value)):
        raise type_error(where, arg, value, "a numpy.ndarray or cupy.ndarray")


_CACHE_LIMIT = 1024
_cache: dict[tuple[Any, ...], ConvGeometry] = {}


def _all_int(values: tuple[Any, ...]) -> bool:
    # Exact ints only: a cache key holding 1.0 or True would equal one holding 1.
    return all(type(v) is int for v in values)


def _cache_key(x: Any, weight: Any, stride: Any, padding: Any, dilation: Any,
               groups: Any) -> tuple[Any, ...] | None:
    if (type(stride) is not tuple or type(dilation) is not tuple or type(padding) is not tuple
            or type(groups) is not int or not _all_int(stride) or not _all_int(dilation)
            or not all(type(p) is tuple and _all_int(p) for p in padding)):
        return None
    try:
        return (type(x), type(weight), x.shape, weight.shape, x.dtype, weight.dtype,
                stride, padding, dilation, groups)
    except AttributeError:
        return None


def conv_geometry(x: Any, weight: Any, *, stride: Any, padding: Any, dilation: Any,
                  groups: Any, where: str = "conv_nd") -> ConvGeometry:
    """Check a convolution's arguments and return its :class:`ConvGeometry`.

    This is the one validation shared by every backend. Results are cached per
    (array types, shapes, dtypes, arguments), since a convolution layer checks the same
    configuration on every call.

    Args:
        x: Input array ``(N, C_in, *spatial)`` with 2 or 3 spatial dims.
        weight: Kernel ``(C_out, C_in // groups, *kernel)``, same array module and dtype.
        stride: One int ``>= 1`` per spatial dim.
        padding: One ``(before, after)`` pair of ints ``>= 0`` per spatial dim.
        dilation: One int ``>= 1`` per spatial dim.
        groups: Int ``>= 1`` dividing ``C_in`` and ``C_out``.
        where: Name used in error messages.

    Raises:
        TypeError: Non-array inputs, arrays from different modules, a non-float dtype,
            differing dtypes, or arguments of the wrong type.
        ValueError: Wrong ranks or tuple lengths, channel/group mismatches, non-positive
            stride/dilation, negative padding, or a (dilated) kernel larger than the padded
            input.

    Example:
        >>> import numpy as np
        >>> g = conv_geometry(np.ones((1, 3, 16, 50), np.float32),
        ...                   np.ones((64, 3, 3, 3), np.float32), stride=(1, 1),
        ...                   padding=((1, 1), (1, 1)), dilation=(1, 1), groups=1)
        >>> g.output_shape
        (1, 64, 16, 50)
    """
    key = _cache_key(x, weight, stride, padding, dilation, groups)
    if key is not None:
        found = _cache.get(key)
        if found is not None:
            return found
    geom = _check(x, weight, stride, padding, dilation, groups, where)
    if key is not None:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = geom
    return geom


def _check(x: Any, weight: Any, stride: Any, padding: Any, dilation: Any, groups: Any,
           where: str) -> ConvGeometry:
    _check_array(where, "x", x)
    _check_array(where, "weight", weight)
    if get_array_module(x) is not get_array_module(weight):
        raise type_error(where, "weight", weight,
                         "an array of the same module (numpy or cupy) as `x`")
    if x.ndim - 2 not in _LAYOUT:
        raise value_error(where, "x.shape", tuple(x.shape),
                          f"{_LAYOUT[2]} or {_LAYOUT[3]}, a 4-d or 5-d array")
    ndim = x.ndim - 2
    if x.dtype not in FLOAT_DTYPES:
        raise type_error(where, "x.dtype", str(x.dtype), "float16, float32 or float64")
    if weight.dtype != x.dtype:
        raise type_error(where, "weight.dtype", str(weight.dtype),
                         f"{x.dtype}, the dtype of `x`")
    if weight.ndim != x.ndim:
        raise value_error(where, "weight.shape", tuple(weight.shape),
                          f"a {x.ndim}-d kernel (C_out, C_in // groups, *kernel) like `x`")
    if any(n < 1 for n in x.shape[1:]):
        raise value_error(where, "x.shape", tuple(x.shape), "channel and spatial sizes >= 1")
    if any(n < 1 for n in weight.shape):
        raise value_error(where, "weight.shape", tuple(weight.shape), "sizes >= 1")
    if not _is_int(groups):
        raise type_error(where, "groups", groups, "an int")
    groups = int(groups)
    c_in, c_out = int(x.shape[1]), int(weight.shape[0])
    if groups < 1 or c_in % groups:
        raise value_error(where, "groups", groups, f"an int >= 1 dividing the {c_in} input channels")
    if c_out % groups:
        raise value_error(where, "groups", groups,
                          f"an int >= 1 dividing the {c_out} output channels")
    if int(weight.shape[1]) * groups != c_in:
        raise value_error(where, "weight.shape", tuple(weight.shape),
                          f"(C_out, {c_in // groups}, *kernel): `x` has {c_in} channels "
                          f"in {groups} group(s)")
    stride = int_tuple(where, "stride", stride, ndim, minimum=1)
    dilation = int_tuple(where, "dilation", dilation, ndim, minimum=1)
    pads = _padding_pairs(where, padding, ndim)
    spatial = tuple(int(n) for n in x.shape[2:])
    kernel = tuple(int(k) for k in weight.shape[2:])
    padded = tuple(n + b + a for n, (b, a) in zip(spatial, pads))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(extent, padded)):
        raise value_error(where, "weight.shape", tuple(weight.shape),
                          f"a kernel whose dilated extent {extent} fits in the padded "
                          f"input {padded}")
    out = tuple(output_size(n, k, s, d, b, a)
                for n, k, s, d, (b, a) in zip(spatial, kernel, stride, dilation, pads))
    return ConvGeometry(int(x.shape[0]), c_in, c_out, groups, spatial, kernel, stride,
                        dilation, pads, out, np.dtype(x.dtype))


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """Return the ``(before, after)`` padding of TensorFlow's / MindSpore's ``'same'`` mode.

    The output has ``ceil(size / stride)`` elements; the total padding
    ``max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)`` is split with the
    odd element after.

    Example:
        >>> same_padding(16, 3, 1, 1), same_padding(5, 4, 1, 1), same_padding(7, 3, 2, 1)
        ((1, 1), (1, 2), (1, 1))
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _pad_values(where: str, pad_arg: str, pad: Any, ndim: int) -> tuple[int, ...]:
    accepted = f"an int >= 0 or a tuple of {ndim} or {2 * ndim} ints >= 0"
    if _is_int(pad):
        values: tuple[Any, ...] = (pad,) * (2 * ndim)
    elif isinstance(pad, (tuple, list)) and all(_is_int(p) for p in pad):
        values = tuple(pad)
        if len(values) == ndim:  # one symmetric amount per dim
            values = tuple(v for p in values for v in (p, p))
    else:
        raise type_error(where, pad_arg, pad, accepted)
    if len(values) != 2 * ndim or any(v < 0 for v in values):
        raise value_error(where, pad_arg, pad, accepted)
    return tuple(int(v) for v in values)


def resolve_padding(pad_mode: Any, pad: Any, input_spatial: Sequence[int],
                    kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int],
                    where: str = "conv_nd", *, pad_arg: str = "pad") -> Padding:
    """Turn MindSpore's ``pad_mode``/``pad`` into ``(before, after)`` pairs per spatial dim.

    Args:
        pad_mode: ``'same'`` (output ``ceil(in / stride)``, see :func:`same_padding`),
            ``'valid'`` (no padding) or ``'pad'`` (explicit ``pad``); case-insensitive.
        pad: With ``'pad'``: an int for every side, one int per dim, or MindSpore's order
            ``(top, bottom, left, right)`` / ``(head, tail, top, bottom, left, right)``.
            Must be 0 with the other modes.
        input_spatial: Spatial extent of the input.
        kernel: Spatial extent of the kernel.
        stride: Step per spatial dim.
        dilation: Dilation per spatial dim.
        where: Name used in error messages.
        pad_arg: The name of ``pad`` in the caller's API (``nn.Conv2d`` calls it ``padding``).

    Raises:
        TypeError: ``pad_mode`` not a str, or ``pad`` not an int / tuple of ints.
        ValueError: Unknown ``pad_mode``, negative ``pad``, non-zero ``pad`` without
            ``pad_mode='pad'``, sequences of the wrong length, or (``'same'``) a dilation
            larger than the input where the kernel has more than one tap.

    Example:
        >>> resolve_padding("same", 0, (16, 50), (3, 3), (1, 1), (1, 1))
        ((1, 1), (1, 1))
        >>> resolve_padding("pad", (0, 1, 2, 3), (8, 8), (3, 3), (1, 1), (1, 1))
        ((0, 1), (2, 3))
    """
    if not isinstance(pad_mode, str):
        raise type_error(where, "pad_mode", pad_mode, f"one of {list(PAD_MODES)}")
    mode = pad_mode.lower()
    if mode not in PAD_MODES:
        raise value_error(where, "pad_mode", pad_mode, f"one of {list(PAD_MODES)}")
    if not isinstance(input_spatial, (tuple, list)) or len(input_spatial) not in _LAYOUT:
        raise value_error(where, "input_spatial", input_spatial, "2 or 3 spatial sizes")
    ndim = len(input_spatial)
    spatial = int_tuple(where, "input_spatial", tuple(input_spatial), ndim, minimum=1)
    kernel = int_tuple(where, "kernel_size", kernel, ndim, minimum=1)
    stride = int_tuple(where, "stride", stride, ndim, minimum=1)
    dilation = int_tuple(where, "dilation", dilation, ndim, minimum=1)
    values = _pad_values(where, pad_arg, pad, ndim)
    if mode != "pad" and any(values):
        raise value_error(where, pad_arg, pad,
                          f"0 when pad_mode is {pad_mode!r} (explicit padding needs "
                          "pad_mode='pad')")
    if mode == "valid":
        return ((0, 0),) * ndim
    if mode == "same":
        # MindSpore's documented range for dilation is [1, input size]; beyond it 'same'
        # asks for padding proportional to the dilation (terabytes for a tiny input)
        # that only ever multiplies zeros. Refuse before anything is allocated.
        for n, k, d in zip(spatial, kernel, dilation):
            if k > 1 and d > n:
                raise value_error(where, "dilation", dilation,
                                  f"at most the input size {spatial} in each dim with "
                                  "pad_mode='same' (MindSpore's range [1, H] / [1, W])")
        return tuple(same_padding(n, k, s, d)
                     for n, k, s, d in zip(spatial, kernel, stride, dilation))
    return tuple((values[2 * i], values[2 * i + 1]) for i in range(ndim))


def geometry_summary(geom: ConvGeometry) -> str:
    """Return a one-line description of ``geom`` (for logs and fallback reasons)."""
    return (f"x={(geom.batch, geom.in_channels, *geom.input_spatial)} "
            f"w={(geom.out_channels, geom.in_channels // geom.groups, *geom.kernel)} "
            f"{geom.dtype.name} stride={geom.stride} padding={geom.padding} "
            f"dilation={geom.dilation} groups={geom.groups} "
            f"({math.prod(geom.output_shape)} outputs)")
