"""Layers that own their parameters: ``Conv2d``/``Conv3d`` (one ``_ConvNd``) and ``Dense``.

Parameters are created lazily, so a large network can be built first and materialized
later (``init_parameters_data()``), whole or shard by shard. Defaults follow MindSpore
2.x and PyTorch: ``weight_init=None`` is ``HeUniform(negative_slope=sqrt(5))`` and
``bias_init=None`` is ``Uniform(1 / sqrt(fan_in))``. ``dtype=`` sets the parameters'
dtype, and the input follows ``_inputs.layer_input``'s rules.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._dtype import DType, float32
from .._errors import check_bool, check_int, type_error, value_error
from .._initializer import HeUniform, Uniform, initializer
from .._parameter import Parameter
from .._tensor import Tensor
from ..ops._primitives import Assign, ConvolutionSpec
from ._activation import get_activation
from ._cell import Cell
from ._inputs import layer_dtype, layer_input


def _make_parameter(where: str, arg: str, init: Any, default: Any, shape: tuple[int, ...],
                    dtype: DType = float32, name: str | None = None,
                    requires_grad: bool = True) -> Parameter:
    """A parameter from ``init`` (a Tensor of ``shape``, or anything ``initializer`` takes)."""
    if init is None:
        init = default
    if isinstance(init, Tensor) and init.shape != shape:
        raise value_error(where, arg, init.shape, f"a Tensor of shape {shape}")
    if isinstance(init, Tensor):
        return Parameter(init, name=name, requires_grad=requires_grad)
    return Parameter(initializer(init, shape, dtype), name=name, requires_grad=requires_grad)


def _bias_default(fan_in: int) -> Uniform:
    return Uniform(1.0 / math.sqrt(fan_in))


def configure_conv(cell: Any, in_channels: int, out_channels: int, kernel_size: Any,
                   stride: Any, pad_mode: str, padding: Any, dilation: Any, group: int,
                   has_bias: bool, dtype: Any, data_format: str | None) -> str:
    """Check and set what every convolution layer (plain and transposed) has: ``dtype``,
    the channel counts, ``has_bias`` and the geometry ``spec``; return the layer's name
    for messages."""
    where = type(cell).__name__
    cell.dtype = layer_dtype(where, dtype)
    cell.in_channels = check_int(where, "in_channels", in_channels, minimum=1)
    cell.out_channels = check_int(where, "out_channels", out_channels, minimum=1)
    cell.has_bias = check_bool(where, "has_bias", has_bias)
    cell.spec = ConvolutionSpec(where, cell._ndim, kernel_size, pad_mode, padding, stride,
                                dilation, group, data_format or cell._layout, pad_arg="padding")
    for arg, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % cell.spec.group:
            raise value_error(where, "group", group, f"a divisor of {arg}={channels}")
    return where


class _ConvNd(Cell[Tensor]):
    _ndim = 2
    _layout = "NCHW"

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 pad_mode: str = "same", padding: Any = 0, dilation: Any = 1, group: int = 1,
                 has_bias: bool = False, weight_init: Any = None, bias_init: Any = None,
                 data_format: str | None = None, dtype: Any = float32) -> None:
        super().__init__()
        where = configure_conv(self, in_channels, out_channels, kernel_size, stride, pad_mode,
                               padding, dilation, group, has_bias, dtype, data_format)
        shape = (out_channels, in_channels // self.spec.group, *self.spec.kernel_size)
        fan_in = int(np.prod(shape[1:]))
        self.weight = _make_parameter(where, "weight_init", weight_init,
                                      HeUniform(negative_slope=math.sqrt(5)), shape, self.dtype)
        self.bias = (_make_parameter(where, "bias_init", bias_init, _bias_default(fan_in),
                                     (out_channels,), self.dtype) if has_bias else None)
        self._init_names = (weight_init, bias_init)

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        if isinstance(x, Tensor) and x.ndim == self._ndim + 2 and x.shape[1] != self.in_channels:
            raise value_error(where, "x", x.shape,
                              f"an input with in_channels={self.in_channels} channels")
        x = Tensor._from_array(layer_input(where, x, self.weight.dtype))
        out = self.spec(x, self.weight)
        if self.bias is not None:
            out = out + self.bias.reshape((1, -1) + (1,) * self._ndim)
        return out

    def extend_repr(self) -> str:
        s = self.spec
        return (f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
                f"kernel_size={s.kernel_size}, stride={s.stride}, pad_mode={s.pad_mode}, "
                f"padding={s.pad}, dilation={s.dilation}, group={s.group}, "
                f"has_bias={self.has_bias}, weight_init={self._init_names[0]}, "
                f"bias_init={self._init_names[1]}, format={self._layout}")


class Conv2d(_ConvNd):
    """2-D convolution layer (NCHW) owning ``weight`` ``(out, in // group, kh, kw)`` and ``bias``.

    Args:
        in_channels, out_channels: Channel counts.
        kernel_size: An int or a pair.
        stride, dilation: An int or a pair.
        pad_mode: ``'same'`` (default), ``'valid'`` or ``'pad'``.
        padding: With ``pad_mode='pad'``: an int or ``(top, bottom, left, right)``.
        group: Groups; must divide both channel counts.
        has_bias: Whether to add a bias (default False, as MindSpore).
        weight_init: A name, an Initializer, a Tensor of the weight's shape, or a number;
            ``None`` is ``HeUniform(negative_slope=sqrt(5))``.
        bias_init: Likewise; ``None`` is ``Uniform(1 / sqrt(fan_in))``.
        data_format: ``'NCHW'`` (``'NHWC'`` raises NotImplementedError).
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``); the
            output has it too. Integer inputs are converted; a float input of another
            dtype is a TypeError (cast it first).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv2d(3, 64, 3, weight_init='ones')
        >>> net(Tensor(np.ones([1, 3, 16, 50], np.float32))).shape
        (1, 64, 16, 50)
    """


class Conv3d(_ConvNd):
    """3-D convolution layer (NCDHW); arguments as ``Conv2d`` with triples."""

    _ndim = 3
    _layout = "NCDHW"


class Dense(Cell[Tensor]):
    """Fully connected layer: ``activation(x @ weight.T + bias)``, ``weight`` ``(out, in)``.

    Args:
        in_channels, out_channels: Feature counts.
        weight_init: A name, Initializer, Tensor of shape ``(out, in)`` or number;
            ``None`` is ``HeUniform(negative_slope=sqrt(5))``.
        bias_init: Likewise; ``None`` is ``Uniform(1 / sqrt(in_channels))``.
        has_bias: Whether to add a bias (default True).
        activation: ``None``, a name (``'relu'``, ``'sigmoid'``, ``'tanh'``, ``'softmax'``)
            or a Cell.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``); the
            output has it too. Integer inputs are converted; a float input of another
            dtype is a TypeError (cast it first).

    Example:
        >>> from gpuparam import nn
        >>> print(nn.Dense(3, 4).parameters_dict()['weight'])
        Parameter (name=weight, shape=(4, 3), dtype=Float32, requires_grad=True)
    """

    def __init__(self, in_channels: int, out_channels: int, weight_init: Any = None,
                 bias_init: Any = None, has_bias: bool = True, activation: Any = None,
                 dtype: Any = float32) -> None:
        super().__init__()
        where = "Dense"
        self.dtype = layer_dtype(where, dtype)
        self.in_channels = check_int(where, "in_channels", in_channels, minimum=1)
        self.out_channels = check_int(where, "out_channels", out_channels, minimum=1)
        self.has_bias = check_bool(where, "has_bias", has_bias)
        self.weight = _make_parameter(where, "weight_init", weight_init,
                                      HeUniform(negative_slope=math.sqrt(5)),
                                      (out_channels, in_channels), self.dtype)
        self.bias = (_make_parameter(where, "bias_init", bias_init, _bias_default(in_channels),
                                     (out_channels,), self.dtype) if has_bias else None)
        self.activation = get_activation(where, activation)

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("Dense", "x", x, "a Tensor")
        if not x.shape or x.shape[-1] != self.in_channels:
            raise value_error("Dense", "x", x.shape, f"a last dimension of in_channels={self.in_channels}")
        weight = self.weight._read()
        out = Tensor._from_array(layer_input("Dense", x, self.weight.dtype) @ weight.T)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out) if self.activation is not None else out

    def extend_repr(self) -> str:
        return (f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
                f"has_bias={self.has_bias}")


class ParameterUpdate(Cell[Tensor]):
    """Cell that writes its input into ``param`` (``nn.ParameterUpdate``).

    Calling it with a Tensor of the parameter's shape assigns the value in place and
    returns a Tensor of the parameter's updated data. That Tensor shares the buffer the
    parameter holds at the time: later in-place writes (``Assign``, another
    ``ParameterUpdate``) show in it, but ``set_data`` gives the parameter a new buffer,
    after which the returned Tensor keeps the values it had.

    Raises:
        TypeError: If ``param`` is not a Parameter.
    """

    def __init__(self, param: Parameter) -> None:
        super().__init__(auto_prefix=False)
        if not isinstance(param, Parameter):
            raise type_error("ParameterUpdate", "param", param, "a Parameter")
        object.__setattr__(self, "_target", param)

    def construct(self, x: Any) -> Tensor:
        updated = Assign()(self._target, x)
        return Tensor._from_array(updated._read())
