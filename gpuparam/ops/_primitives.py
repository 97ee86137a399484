"""MindSpore-style primitives over Tensors: ``Conv2D``/``Conv3D``, ``Assign``, arithmetic.

Primitives take their weights as inputs (``ops.Conv2D()(x, weight)``); layers that own
their parameters live in ``gpuparam.nn``. Both call the one N-d convolution in
``_conv.conv_nd``.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._backend.streams import check_same_device
from .._dtype import can_cast_safely
from .._errors import check_choice, check_int, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from .._array_ops import checked_astype
from ._conv import conv_nd
from ._conv_geometry import _pad_values, int_tuple, resolve_padding

_PAD_MODES = ("valid", "same", "pad")


def _spatial_tuple(where: str, arg: str, value: Any, ndim: int) -> tuple[int, ...]:
    """An int, a tuple of ``ndim`` ints, or MindSpore's ``(1, 1, *spatial)`` form -> tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,) * ndim
    elif isinstance(value, (tuple, list)) and len(value) == ndim + 2 and tuple(value[:2]) == (1, 1):
        value = tuple(value[2:])
    return int_tuple(where, arg, value, ndim, minimum=1)


def check_pad_agrees(where: str, pad_arg: str, pad_mode: str, pad: Any,
                     pads: tuple[int, ...]) -> None:
    """Refuse non-zero padding ``pads`` (given as ``pad_arg=pad``) unless ``pad_mode='pad'``."""
    if pad_mode != "pad" and any(pads):
        raise value_error(where, pad_arg, pad, f"0 when pad_mode is {pad_mode!r} "
                          "(padding needs pad_mode='pad')")


class ConvolutionSpec:
    """Validated convolution arguments shared by the primitives and the nn layers.

    ``pad_arg`` is the padding argument's name in the caller's API, for error messages:
    ``ops.Conv2D`` calls it ``pad``, ``nn.Conv2d`` calls it ``padding``.
    """

    def __init__(self, where: str, ndim: int, kernel_size: Any, pad_mode: str, pad: Any,
                 stride: Any, dilation: Any, group: Any, data_format: str, *,
                 pad_arg: str = "pad") -> None:
        self.where, self.ndim, self.pad_arg = where, ndim, pad_arg
        self.kernel_size = _spatial_tuple(where, "kernel_size", kernel_size, ndim)
        self.pad_mode = check_choice(where, "pad_mode", pad_mode, _PAD_MODES)
        self.pad = pad
        # Checked now rather than at the first call, so a bad layer fails where it is built.
        check_pad_agrees(where, pad_arg, self.pad_mode, pad, _pad_values(where, pad_arg, pad, ndim))
        self.stride = _spatial_tuple(where, "stride", stride, ndim)
        self.dilation = _spatial_tuple(where, "dilation", dilation, ndim)
        self.group = check_int(where, "group", group, minimum=1)
        layout = "NCHW" if ndim == 2 else "NCDHW"
        if data_format != layout:
            if data_format in ("NHWC", "NDHWC"):
                raise NotImplementedError(f"{where}: data_format {data_format!r} is not supported; "
                                          f"gpuparam computes in {layout} only.")
            check_choice(where, "data_format", data_format, (layout,))

    def __call__(self, x: Tensor, weight: Tensor) -> Tensor:
        """Convolve ``x`` with ``weight`` (both Tensors) and return a Tensor."""
        for arg, value in (("x", x), ("weight", weight)):
            if not isinstance(value, Tensor):
                raise type_error(self.where, arg, value, "a Tensor")
        if tuple(weight.shape[2:]) != self.kernel_size:
            raise value_error(self.where, "weight", weight.shape,
                              f"a weight whose kernel dims are kernel_size {self.kernel_size}")
        if x.dtype != weight.dtype and x.dtype.is_floating_point and weight.dtype.is_floating_point:
            # Name the input as the one to change: the weight is what the layer owns.
            raise TypeError(f"{self.where}: the input is {x.dtype}, the weight is "
                            f"{weight.dtype}; cast the input "
                            f"(`x.astype(gpuparam.{weight.dtype.name})`).")
        check_same_device(self.where, ("x", x._device), ("weight", weight._device))
        x_array, w_array = x._read(), weight._read()
        if x_array.ndim != self.ndim + 2:
            raise value_error(self.where, "x", tuple(x_array.shape),
                              f"a {self.ndim + 2}-d input ({'NCHW' if self.ndim == 2 else 'NCDHW'})")
        padding = resolve_padding(self.pad_mode, self.pad, tuple(x_array.shape[2:]),
                                  self.kernel_size, self.stride, self.dilation, self.where,
                                  pad_arg=self.pad_arg)
        return x._wrap(conv_nd(x_array, w_array, stride=self.stride, padding=padding,
                                          dilation=self.dilation, groups=self.group,
                                          where=self.where))


class _ConvPrimitive:
    _ndim = 2
    _layout = "NCHW"

    def __init__(self, out_channel: int, kernel_size: Any, mode: int = 1, pad_mode: str = "valid",
                 pad: Any = 0, stride: Any = 1, dilation: Any = 1, group: int = 1,
                 data_format: str | None = None) -> None:
        where = type(self).__name__
        self.out_channel = check_int(where, "out_channel", out_channel, minimum=1)
        check_int(where, "mode", mode)  # a bool is refused, though True == 1
        if mode != 1:
            raise value_error(where, "mode", mode, "1 (cross-correlation, MindSpore's only mode)")
        self._spec = ConvolutionSpec(where, self._ndim, kernel_size, pad_mode, pad, stride,
                                     dilation, group, data_format or self._layout)

    def __call__(self, x: Tensor, weight: Tensor) -> Tensor:
        if isinstance(weight, Tensor) and weight.shape and weight.shape[0] != self.out_channel:
            raise value_error(type(self).__name__, "weight", weight.shape,
                              f"a weight with out_channel={self.out_channel} rows")
        return self._spec(x, weight)


class Conv2D(_ConvPrimitive):
    """2-D convolution primitive (NCHW), as ``mindspore.ops.Conv2D``: ``Conv2D(...)(x, weight)``.

    Args:
        out_channel: Output channels (must equal ``weight.shape[0]``).
        kernel_size: An int or a pair (must equal ``weight.shape[2:]``).
        mode: Must be 1.
        pad_mode: ``'valid'`` (default), ``'same'`` or ``'pad'``.
        pad: With ``pad_mode='pad'``: an int or ``(top, bottom, left, right)``.
        stride, dilation: An int, a pair, or MindSpore's 4-tuple ``(1, 1, h, w)``.
        group: Groups; must divide the input and output channels.
        data_format: ``'NCHW'`` (``'NHWC'`` raises NotImplementedError).
    """


class Conv3D(_ConvPrimitive):
    """3-D convolution primitive (NCDHW), as ``mindspore.ops.Conv3D``: ``Conv3D(...)(x, weight)``.

    Arguments as ``Conv2D``, with triples; ``pad`` is an int or
    ``(head, tail, top, bottom, left, right)``.
    """

    _ndim = 3
    _layout = "NCDHW"


class Assign:
    """Write ``value`` into a Parameter in place and return the Parameter (``ops.Assign()``).

    The shape must match; the dtype is cast when the cast is safe (int -> float, lower ->
    higher precision), else TypeError. A lazy parameter gets a buffer without being
    initialized first.
    """

    def __call__(self, variable: Parameter, value: Any) -> Parameter:
        where = "Assign"
        if not isinstance(variable, Parameter):
            raise type_error(where, "variable", variable, "a Parameter")
        source = value if isinstance(value, Tensor) else Tensor(value)
        if source.shape != variable.shape:
            raise value_error(where, "value", source.shape, f"the parameter's shape {variable.shape}")
        if not can_cast_safely(source.dtype, variable.dtype):
            raise type_error(where, "value", source,
                             f"data that casts safely to {variable.dtype}, not {source.dtype}")
        data = source._read()  # a lazy value is materialized: its data is written, not its laziness
        check_same_device(where, ("variable", variable._device), ("value", source._device))
        if variable.has_init:  # a buffer of its own, without running its initializer
            variable._replace_with(source, variable.dtype, where=where, arg="value")
            return variable
        converted = checked_astype(data, variable.dtype, where, "value", copy=False)  # may raise
        # Waits for every queued read and write of the old values, on any stream.
        with variable._writing() as buffer:
            buffer[...] = converted
        return variable


def _binary_primitive(name: str, doc: str, op: Any) -> type:
    def call(self: Any, x: Any, y: Any) -> Tensor:
        if not isinstance(x, Tensor) and not isinstance(y, Tensor):
            raise type_error(name, "x", x, "a Tensor (x or y)")
        return op(x if isinstance(x, Tensor) else Tensor(x), y)
    return type(name, (), {"__call__": call, "__doc__": doc})


Add = _binary_primitive("Add", "Element-wise ``x + y`` (``ops.Add()``).", lambda x, y: x + y)
Sub = _binary_primitive("Sub", "Element-wise ``x - y`` (``ops.Sub()``).", lambda x, y: x - y)
Mul = _binary_primitive("Mul", "Element-wise ``x * y`` (``ops.Mul()``).", lambda x, y: x * y)
