"""Every convolution layer: ``Conv1d``, ``Conv2d``, ``Conv3d`` and the transposed
``Conv1dTranspose`` / ``Conv2dTranspose`` / ``Conv3dTranspose``.

All of them run on the one N-d convolution (``ops.conv_nd``, every backend): ``Conv2d``
and ``Conv3d`` through ``ConvolutionSpec``, ``Conv1d`` as a 2-D convolution of height 1,
the transposed layers through ``conv_transpose_nd``. Weights, defaults and output shapes
follow MindSpore 2.x: ``weight_init=None`` is ``HeUniform(negative_slope=sqrt(5))`` and
``bias_init=None`` is ``Uniform(1 / sqrt(fan_in))``; a transposed layer's weight is
``(in_channels, out_channels // group, *kernel)``, and its output extent is
``n * stride`` (``'same'``), ``n * stride + max(dilation * (k - 1) + 1 - stride, 0)``
(``'valid'``) or ``(n - 1) * stride + dilation * (k - 1) + 1 - pad_before - pad_after +
output_padding`` (``'pad'``). ``dtype=`` sets the parameters' dtype, and the input follows
``_inputs.layer_input``'s rules.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._dtype import float32
from .._errors import check_choice, check_int, type_error, value_error
from .._tensor import Tensor
from ..ops.seam import (PAD_MODES, ConvolutionSpec, check_pad_agrees, conv_transpose_nd,
                        int_tuple, pad_values, same_padding, transposed_output_size)
from ._cell import Cell
from ._inputs import channel_args, layer_input
from ._weights import weight_and_bias


def _one_int(where: str, arg: str, value: Any) -> int:
    """An int, or a tuple/list holding one int (Conv1d's kernel_size, stride, dilation)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise type_error(where, arg, value, "an int")
    return check_int(where, arg, value, minimum=1)


def _add_bias(out: Tensor, bias: Tensor | None) -> Tensor:
    """``out`` plus ``bias`` along the channel axis (axis 1), if there is a bias."""
    if bias is None:
        return out
    return out + bias.reshape((1, -1) + (1,) * (out.ndim - 2))


def _geometry_repr(cell: Any) -> str:
    """The start of a Conv2d/3d or transposed layer's printed arguments."""
    s = cell.spec
    return (f"input_channels={cell.in_channels}, output_channels={cell.out_channels}, "
            f"kernel_size={s.kernel_size}, stride={s.stride}, pad_mode={s.pad_mode}, "
            f"padding={s.pad}")


def configure_conv(cell: Any, in_channels: int, out_channels: int, kernel_size: Any,
                   stride: Any, pad_mode: str, padding: Any, dilation: Any, group: int,
                   has_bias: bool, dtype: Any, data_format: str | None) -> str:
    """Check and set what every convolution layer (plain and transposed) has: ``dtype``,
    the channel counts, ``has_bias`` and the geometry ``spec``; return the layer's name
    for messages."""
    where = type(cell).__name__
    cell.dtype, cell.in_channels, cell.out_channels, cell.has_bias = channel_args(
        where, in_channels, out_channels, has_bias, dtype)
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
        self.weight, self.bias = weight_and_bias(where, weight_init, bias_init, shape,
                                                 out_channels, self.dtype, self.has_bias)
        self._init_names = (weight_init, bias_init)

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        if isinstance(x, Tensor) and x.ndim == self._ndim + 2 and x.shape[1] != self.in_channels:
            raise value_error(where, "x", x.shape,
                              f"an input with in_channels={self.in_channels} channels")
        x = Tensor._wrap(layer_input(where, x, self.weight.dtype))
        out = self.spec(x, self.weight)
        return _add_bias(out, self.bias)

    def extend_repr(self) -> str:
        s = self.spec
        return (f"{_geometry_repr(self)}, dilation={s.dilation}, group={s.group}, "
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


class Conv1d(Cell[Tensor]):
    """1-D convolution layer (NCW) owning ``weight`` ``(out, in // group, 1, k)`` and ``bias``.

    The weight has MindSpore's 4-d shape (the layer runs as a 2-D convolution of height
    1), so MindSpore checkpoints load into it; a 3-d ``(out, in // group, k)`` Tensor
    given as ``weight_init`` is expanded, as MindSpore does.

    Args:
        in_channels, out_channels: Channel counts.
        kernel_size, stride, dilation: Ints.
        pad_mode: ``'same'`` (default), ``'valid'`` or ``'pad'``.
        padding: With ``pad_mode='pad'``: an int or ``(left, right)``.
        group: Groups; must divide both channel counts.
        has_bias: Whether to add a bias (default False).
        weight_init, bias_init: As ``Conv2d``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv1d(120, 240, 4, has_bias=False, weight_init='normal')
        >>> net(Tensor(np.ones([1, 120, 640], np.float32))).shape
        (1, 240, 640)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 pad_mode: str = "same", padding: Any = 0, dilation: Any = 1, group: int = 1,
                 has_bias: bool = False, weight_init: Any = None, bias_init: Any = None,
                 dtype: Any = float32) -> None:
        super().__init__()
        where = "Conv1d"
        self.dtype, self.in_channels, self.out_channels, self.has_bias = channel_args(
            where, in_channels, out_channels, has_bias, dtype)
        self.kernel_size = _one_int(where, "kernel_size", kernel_size)
        self.stride = _one_int(where, "stride", stride)
        self.dilation = _one_int(where, "dilation", dilation)
        if isinstance(padding, (tuple, list)) and len(padding) != 2:
            raise value_error(where, "padding", padding, "an int >= 0 or a pair (left, right)")
        left, right = pad_values(where, "padding", padding, 1)
        # Checked here, against the user's value: the spec below sees a 2-d (0, 0, l, r).
        check_pad_agrees(where, "padding", check_choice(where, "pad_mode", pad_mode, PAD_MODES),
                         padding, (left, right))
        self.padding = padding
        self.spec = ConvolutionSpec(where, 2, (1, self.kernel_size), pad_mode, (0, 0, left, right),
                                    (1, self.stride), (1, self.dilation), group, "NCHW",
                                    pad_arg="padding")
        for arg, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % self.spec.group:
                raise value_error(where, "group", group, f"a divisor of {arg}={channels}")
        shape = (out_channels, in_channels // self.spec.group, 1, self.kernel_size)
        if isinstance(weight_init, Tensor) and weight_init.ndim == 3:
            weight_init = weight_init.expand_dims(2)
        self.weight, self.bias = weight_and_bias(where, weight_init, bias_init, shape,
                                                 out_channels, self.dtype, self.has_bias)

    def construct(self, x: Tensor) -> Tensor:
        where = "Conv1d"
        array = layer_input(where, x, self.weight.dtype)
        if array.ndim != 3 or array.shape[1] != self.in_channels:
            raise value_error(where, "x", tuple(array.shape),
                              f"(N, in_channels={self.in_channels}, W), a 3-d input")
        n, c, width = array.shape
        out = self.spec(Tensor._wrap(array.reshape(n, c, 1, width)), self.weight)
        out = out.reshape(out.shape[0], out.shape[1], out.shape[3])
        return _add_bias(out, self.bias)

    def extend_repr(self) -> str:
        return (f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"pad_mode={self.spec.pad_mode}, padding={self.padding}, "
                f"dilation={self.dilation}, group={self.spec.group}, has_bias={self.has_bias}")


class _ConvTransposeNd(Cell[Tensor]):
    _ndim = 2
    _layout = "NCHW"

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 pad_mode: str = "same", padding: Any = 0, output_padding: Any = 0,
                 dilation: Any = 1, group: int = 1, has_bias: bool = False,
                 weight_init: Any = None, bias_init: Any = None, dtype: Any = float32,
                 data_format: str | None = None) -> None:
        super().__init__()
        where = configure_conv(self, in_channels, out_channels, kernel_size, stride, pad_mode,
                               padding, dilation, group, has_bias, dtype, data_format)
        ndim = self._ndim
        extra = (output_padding,) * ndim if isinstance(output_padding, numbers.Integral) \
            and not isinstance(output_padding, bool) else output_padding
        self.output_padding = int_tuple(where, "output_padding", extra, ndim, minimum=0)
        limits = tuple(max(s, d) for s, d in zip(self.spec.stride, self.spec.dilation))
        if any(p >= lim for p, lim in zip(self.output_padding, limits)):
            raise value_error(where, "output_padding", output_padding,
                              f"smaller than max(stride, dilation) = {limits} in each dim")
        if any(self.output_padding) and self.spec.pad_mode != "pad":
            raise value_error(where, "output_padding", output_padding,
                              "0 unless pad_mode='pad'")
        values = pad_values(where, "padding", padding, ndim)
        self._pads = tuple((values[2 * i], values[2 * i + 1]) for i in range(ndim))
        shape = (in_channels, out_channels // self.spec.group, *self.spec.kernel_size)
        self.weight, self.bias = weight_and_bias(where, weight_init, bias_init, shape,
                                                 out_channels, self.dtype, self.has_bias)

    def _geometry(self, spatial: tuple[int, ...]) -> tuple[tuple[tuple[int, int], ...],
                                                             tuple[int, ...]]:
        """The forward padding and the output extent for an input of ``spatial`` size."""
        s = self.spec
        pads, out = [], []
        for i, n in enumerate(spatial):
            k, st, d = s.kernel_size[i], s.stride[i], s.dilation[i]
            extent = d * (k - 1) + 1
            if s.pad_mode == "same":
                size = n * st
                pads.append(same_padding(size, k, st, d))
            elif s.pad_mode == "valid":
                size = n * st + max(extent - st, 0)
                pads.append((0, 0))
            else:
                before, after = self._pads[i]
                size = transposed_output_size(n, k, st, d, before, after, self.output_padding[i])
                pads.append((before, after))
            out.append(size)
        if any(n < 1 for n in out):
            raise value_error(type(self).__name__, "padding", s.pad,
                              f"padding that leaves an output; an input of {spatial} gives "
                              f"{tuple(out)}")
        return tuple(pads), tuple(out)

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        array = layer_input(where, x, self.weight.dtype)
        if array.ndim != self._ndim + 2 or array.shape[1] != self.in_channels:
            raise value_error(where, "x", tuple(array.shape),
                              f"a {self._ndim + 2}-d {self._layout} input with "
                              f"in_channels={self.in_channels}")
        pads, out_spatial = self._geometry(tuple(int(n) for n in array.shape[2:]))
        y = conv_transpose_nd(array, self.weight._read(), stride=self.spec.stride, padding=pads,
                              dilation=self.spec.dilation, groups=self.spec.group,
                              output_spatial=out_spatial, where=where)
        out = Tensor._wrap(y)
        return _add_bias(out, self.bias)

    def extend_repr(self) -> str:
        s = self.spec
        return (f"{_geometry_repr(self)}, output_padding={self.output_padding}, "
                f"dilation={s.dilation}, group={s.group}, has_bias={self.has_bias}")


class Conv2dTranspose(_ConvTransposeNd):
    """2-D transposed convolution (NCHW), weight ``(in, out // group, kh, kw)``.

    The gradient of ``Conv2d`` with respect to its input (also called deconvolution).

    Args:
        in_channels, out_channels: Channel counts.
        kernel_size, stride, dilation: An int or a pair.
        pad_mode: ``'same'`` (default; output ``n * stride``), ``'valid'`` or ``'pad'``.
        padding: With ``'pad'``: an int or ``(top, bottom, left, right)``, removed from
            the full output.
        output_padding: With ``'pad'``: extra rows/columns at the bottom/right (an int
            or a pair, each below ``max(stride, dilation)``).
        group: Groups; must divide both channel counts.
        has_bias: Whether to add a bias (default False).
        weight_init: A name, Initializer, Tensor or number; ``None`` is
            ``HeUniform(negative_slope=sqrt(5))`` over the weight's fans.
        bias_init: Likewise; ``None`` is ``Uniform(1 / sqrt(fan_in))``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv2dTranspose(3, 64, 4, has_bias=False, weight_init='normal', pad_mode='pad')
        >>> net(Tensor(np.ones([1, 3, 16, 50], np.float32))).shape
        (1, 64, 19, 53)
    """


class Conv3dTranspose(_ConvTransposeNd):
    """3-D transposed convolution (NCDHW), weight ``(in, out // group, kd, kh, kw)``.

    Arguments as ``Conv2dTranspose``, with triples; ``padding`` is an int or
    ``(head, tail, top, bottom, left, right)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv3dTranspose(in_channels=16, out_channels=3, kernel_size=(4, 6, 2),
        ...                          pad_mode='pad')
        >>> net(Tensor(np.ones([1, 16, 10, 32, 32], np.float32))).shape
        (1, 3, 13, 37, 33)
    """

    _ndim = 3
    _layout = "NCDHW"


class Conv1dTranspose(_ConvTransposeNd):
    """1-D transposed convolution (NCW), weight ``(in, out // group, 1, k)``.

    As MindSpore's, it runs as a 2-D transposed convolution of height 1, so its weight
    is 4-d (MindSpore checkpoints load into it) and ``kernel_size``, ``stride`` and
    ``dilation`` are kept as ``(1, n)`` pairs, ``padding`` as ``(0, 0, left, right)``.

    Args:
        in_channels, out_channels: Channel counts.
        kernel_size, stride, dilation: Ints.
        pad_mode: ``'same'`` (default; output ``n * stride``), ``'valid'`` or ``'pad'``.
        padding: With ``'pad'``: an int or ``(left, right)``, removed from the full output.
        group: Groups; must divide both channel counts.
        has_bias, weight_init, bias_init, dtype: As ``Conv2dTranspose``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv1dTranspose(3, 64, 4, has_bias=False, weight_init='normal', pad_mode='pad')
        >>> net(Tensor(np.ones([1, 3, 50], np.float32))).shape
        (1, 64, 53)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 pad_mode: str = "same", padding: Any = 0, dilation: Any = 1, group: int = 1,
                 has_bias: bool = False, weight_init: Any = None, bias_init: Any = None,
                 dtype: Any = float32) -> None:
        where = "Conv1dTranspose"
        kernel = _one_int(where, "kernel_size", kernel_size)
        step = _one_int(where, "stride", stride)
        spread = _one_int(where, "dilation", dilation)
        if isinstance(padding, (tuple, list)) and len(padding) != 2:
            raise value_error(where, "padding", padding, "an int >= 0 or a pair (left, right)")
        left, right = pad_values(where, "padding", padding, 1)
        check_pad_agrees(where, "padding", check_choice(where, "pad_mode", pad_mode, PAD_MODES),
                         padding, (left, right))
        if isinstance(weight_init, Tensor) and weight_init.ndim == 3:
            weight_init = weight_init.expand_dims(2)
        super().__init__(in_channels, out_channels, (1, kernel), (1, step), pad_mode,
                         (0, 0, left, right), 0, (1, spread), group, has_bias, weight_init,
                         bias_init, dtype)
        self.kernel_size, self.stride, self.dilation = (1, kernel), (1, step), (1, spread)
        self.padding = (0, 0, left, right)
        self.group, self.pad_mode, self.data_format = self.spec.group, self.spec.pad_mode, "NCHW"
        self.is_same, self.is_valid, self.is_pad = (self.pad_mode == m
                                                    for m in ("same", "valid", "pad"))
        self.weight_init, self.bias_init = weight_init, bias_init

    def construct(self, x: Tensor) -> Tensor:
        where = "Conv1dTranspose"
        if isinstance(x, Tensor) and x.ndim != 3:
            raise value_error(where, "x", tuple(x.shape),
                              f"(N, in_channels={self.in_channels}, W), a 3-d input")
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        n, c, width = x.shape
        out = super().construct(x.reshape((n, c, 1, width)))
        return out.reshape((out.shape[0], out.shape[1], out.shape[3]))


__all__ = ["Conv1d", "Conv1dTranspose", "Conv2d", "Conv2dTranspose", "Conv3d", "Conv3dTranspose"]
