"""Layer-like operators of ``mindspore.ops`` that take their weights as inputs:
``dense``, ``BiasAdd``/``bias_add``, ``conv2d``, ``Conv2DBackpropInput``, ``Pad``/``pad``,
``L2Normalize``, ``LayerNorm``, ``Dropout``/``dropout``.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any

import numpy as np

from .. import _random
from .._array_ops import dropout as _dropout
from .._array_ops import linear as _linear
from .._array_ops import normalization as _norm
from .._array_ops import padding as _padding
from .._backend.streams import check_same_device
from .._errors import check_bool, check_choice, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, same_dtype, tensor_input
from ._conv_geometry import int_tuple, resolve_padding
from ._conv_transpose import conv_transpose_nd
from ._primitives import ConvolutionSpec
from .primitive import Primitive


def _real(where: str, arg: str, x: Any) -> Any:
    array = tensor_input(where, arg, x)
    if array.dtype.kind not in "iuf":
        raise type_error(where, arg, x, f"a real Tensor, not {x.dtype}")
    return array


def dense(input: Any, weight: Any, bias: Any = None) -> Tensor:  # noqa: A002
    """``input @ weight.T + bias``, ``weight`` ``(out, in)`` (or ``(in,)``), all of one dtype.

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> x = Tensor([[-1., 1., 2.], [-3., -3., 1.]], float32)
        >>> w = Tensor([[-2., -2., -2.], [0., -1., 0.]], float32)
        >>> ops.dense(x, w, Tensor([0., 1.], float32)).asnumpy()
        array([[-4.,  0.],
               [10.,  4.]], dtype=float32)
    """
    where = "dense"
    x, w = _real(where, "input", input), _real(where, "weight", weight)
    arrays = [("input", x), ("weight", w)]
    b = None
    if bias is not None:
        b = _real(where, "bias", bias)
        arrays.append(("bias", b))
    same_dtype(where, *arrays)
    if w.ndim not in (1, 2) or x.ndim < 1 or x.shape[-1] != w.shape[-1]:
        raise value_error(where, "weight", tuple(w.shape),
                          f"(out, {x.shape[-1] if x.ndim else '?'}) for input {tuple(x.shape)}")
    return Tensor._wrap(_linear.dense(x, w, b))


class BiasAdd(Primitive):
    """``BiasAdd(data_format='NCHW')(input_x, bias)``: ``bias`` ``(C,)`` added along the
    channel axis (axis 1 for ``'NCHW'``/``'NCDHW'``, the last for ``'NHWC'``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.zeros((2, 3), np.float32))
        >>> ops.BiasAdd()(x, Tensor(np.array([1, 2, 3], np.float32))).asnumpy()
        array([[1., 2., 3.],
               [1., 2., 3.]], dtype=float32)
    """

    def __init__(self, data_format: str = "NCHW") -> None:
        super().__init__("BiasAdd")
        self.add_prim_attr("data_format", check_choice(self.name, "data_format", data_format,
                                                       ("NCHW", "NHWC", "NCDHW")))

    def __call__(self, input_x: Any, bias: Any) -> Tensor:
        x, b = _real(self.name, "input_x", input_x), _real(self.name, "bias", bias)
        same_dtype(self.name, ("input_x", x), ("bias", b))
        axis = -1 if self.data_format == "NHWC" else 1
        if not 2 <= x.ndim <= 5 or b.ndim != 1 or b.shape[0] != x.shape[axis]:
            raise value_error(self.name, "bias", tuple(b.shape),
                              f"(C,) with C the channels of input_x {tuple(x.shape)} "
                              f"({self.data_format}; input_x of 2 to 5 dims)")
        return Tensor._wrap(_linear.bias_add(x, b, axis))


def bias_add(input_x: Any, bias: Any) -> Tensor:
    """``bias`` ``(C,)`` added along axis 1 of ``input_x`` (``ops.BiasAdd()``)."""
    return BiasAdd()(input_x, bias)


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
           pad_mode: str = "valid", padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Tensor:
    """2-D convolution of NCHW ``input`` with ``weight`` ``(C_out, C_in / groups, kh, kw)``,
    plus ``bias`` ``(C_out,)``: ``ops.Conv2D`` in function form.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.ones([10, 32, 32, 32], np.float32))
        >>> w = Tensor(np.ones([32, 32, 3, 3], np.float32))
        >>> ops.conv2d(x, w).shape
        (10, 32, 30, 30)
    """
    where = "conv2d"
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        raise type_error(where, "weight", weight, "a 4-d Tensor (C_out, C_in / groups, kh, kw)")
    spec = ConvolutionSpec(where, 2, tuple(weight.shape[2:]), pad_mode, padding, stride,
                           dilation, groups, "NCHW", pad_arg="padding")
    out = spec(input, weight)
    if bias is None:
        return out
    b = float_input(where, "bias", bias)
    same_dtype(where, ("weight", weight._read()), ("bias", b))
    if tuple(b.shape) != (weight.shape[0],):
        raise value_error(where, "bias", tuple(b.shape), f"({weight.shape[0]},)")
    return Tensor._wrap(_linear.bias_add(out._read(), b, 1))


class Conv2DBackpropInput(Primitive):
    """``Conv2DBackpropInput(out_channel, kernel_size, pad_mode='valid', pad=0, ...)(dout,
    weight, input_size)``: the gradient of ``Conv2D`` with respect to its input (a
    transposed convolution) for ``dout`` ``(N, out_channel, h, w)``, ``weight``
    ``(out_channel, C / group, kh, kw)`` and the forward input's shape ``input_size``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> dout = Tensor(np.ones([1, 2, 3, 3], np.float32))
        >>> weight = Tensor(np.ones([2, 1, 2, 2], np.float32))
        >>> ops.Conv2DBackpropInput(out_channel=2, kernel_size=2)(dout, weight, (1, 1, 4, 4)).asnumpy()[0, 0]
        array([[2., 4., 4., 2.],
               [4., 8., 8., 4.],
               [4., 8., 8., 4.],
               [2., 4., 4., 2.]], dtype=float32)
    """

    def __init__(self, out_channel: int, kernel_size: Any, pad_mode: str = "valid", pad: Any = 0,
                 pad_list: Any = None, mode: int = 1, stride: Any = 1, dilation: Any = 1,
                 group: int = 1, data_format: str = "NCHW") -> None:
        super().__init__("Conv2DBackpropInput")
        where = self.name
        self.add_prim_attr("out_channel", check_int(where, "out_channel", out_channel, minimum=1))
        if check_int(where, "mode", mode) != 1:
            raise value_error(where, "mode", mode, "1")
        # Validated as a forward convolution (the one this is the gradient of).
        self._spec = ConvolutionSpec(where, 2, kernel_size, pad_mode, pad, stride, dilation,
                                     group, data_format)
        self.add_prim_attr("kernel_size", self._spec.kernel_size)
        self.add_prim_attr("pad_mode", self._spec.pad_mode)
        self.add_prim_attr("pad", pad)
        self.add_prim_attr("stride", self._spec.stride)
        self.add_prim_attr("dilation", self._spec.dilation)
        self.add_prim_attr("group", self._spec.group)
        self.add_prim_attr("data_format", data_format)
        if pad_list is not None:
            pad_list = int_tuple(where, "pad_list", pad_list, 4, minimum=0)
        self.add_prim_attr("pad_list", pad_list)

    def __call__(self, dout: Any, weight: Any, input_size: Any) -> Tensor:
        where = self.name
        d, w = float_input(where, "dout", dout), float_input(where, "weight", weight)
        same_dtype(where, ("dout", d), ("weight", w))
        check_same_device(where, ("dout", dout._device), ("weight", weight._device))
        size = int_tuple(where, "input_size", tuple(input_size) if isinstance(
            input_size, (tuple, list)) else input_size, 4, minimum=1)
        if d.ndim != 4 or d.shape[1] != self.out_channel or w.shape[0] != self.out_channel:
            raise value_error(where, "dout", tuple(d.shape),
                              f"(N, out_channel={self.out_channel}, h, w) with a weight of "
                              f"out_channel rows, got weight {tuple(w.shape)}")
        if tuple(w.shape[2:]) != self._spec.kernel_size or w.shape[1] * self.group != size[1]:
            raise value_error(where, "weight", tuple(w.shape),
                              f"(out_channel, {size[1]} / group, *kernel_size {self._spec.kernel_size})")
        if self.pad_list is not None:
            p = self.pad_list
            padding = ((p[0], p[1]), (p[2], p[3]))
        else:
            padding = resolve_padding(self._spec.pad_mode, self.pad, size[2:], self._spec.kernel_size,
                                      self._spec.stride, self._spec.dilation, where)
        out = conv_transpose_nd(d, w, stride=self._spec.stride, padding=padding,
                                dilation=self._spec.dilation, groups=self.group,
                                output_spatial=size[2:], where=where)
        return Tensor._wrap(out)


_FUNCTION_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input_x: Any, padding: Any, mode: str = "constant", value: Any = None) -> Tensor:
    """Pad the last dims of ``input_x``: ``padding`` lists ``(before, after)`` amounts
    from the last dim backwards (``(left, right, top, bottom, ...)``); a negative amount
    crops. ``mode``: ``'constant'`` (``value``, default 0), ``'reflect'``,
    ``'replicate'`` or ``'circular'``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import ops
        >>> x = gpuparam.Tensor(np.arange(4).reshape((1, 1, 2, 2)), dtype=gpuparam.float64)
        >>> ops.pad(x, [1, 0, 0, 1], mode='constant', value=6.0).asnumpy()[0, 0]
        array([[6., 0., 1.],
               [6., 2., 3.],
               [6., 6., 6.]])
    """
    where = "pad"
    array = tensor_input(where, "input_x", input_x)
    check_choice(where, "mode", mode, _FUNCTION_PAD_MODES)
    if not isinstance(padding, (tuple, list)) or len(padding) % 2 or not all(
            isinstance(p, numbers.Integral) and not isinstance(p, bool) for p in padding):
        raise type_error(where, "padding", padding, "a tuple or list of an even number of ints")
    if len(padding) > 2 * array.ndim:
        raise value_error(where, "padding", padding, f"at most {2 * array.ndim} ints for a "
                          f"{array.ndim}-d input")
    pairs = [(0, 0)] * array.ndim
    for k in range(len(padding) // 2):
        pairs[array.ndim - 1 - k] = (int(padding[2 * k]), int(padding[2 * k + 1]))
    if mode != "constant":
        if value is not None:
            raise value_error(where, "value", value, f"None with mode={mode!r}")
        if any(b < 0 or a < 0 for b, a in pairs):
            raise value_error(where, "padding", padding, f"amounts >= 0 with mode={mode!r}")
        if mode == "reflect" and any(max(b, a) >= n for (b, a), n in zip(pairs, array.shape)):
            raise value_error(where, "padding", padding,
                              f"amounts smaller than the padded dims {tuple(array.shape)} "
                              "with mode='reflect'")
    fill = 0 if value is None else value
    if isinstance(fill, bool) or not isinstance(fill, numbers.Number):
        raise type_error(where, "value", value, "None or a number")
    if array.dtype.kind in "iub" and fill != int(fill):
        raise value_error(where, "value", value, f"an integer for a {input_x.dtype} input")
    return Tensor._wrap(_padding.pad(array, pairs, mode, fill))


class Pad(Primitive):
    """``Pad(paddings)(input_x)``: zeros added around ``input_x``, ``paddings`` one
    ``(before, after)`` pair of ints >= 0 per dim, from the first dim.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Pad(((1, 0), (0, 2)))(Tensor(np.ones((1, 2), np.float32))).asnumpy()
        array([[0., 0., 0., 0.],
               [1., 1., 0., 0.]], dtype=float32)
    """

    def __init__(self, paddings: Any) -> None:
        super().__init__("Pad")
        if not isinstance(paddings, (tuple, list)) or not all(
                isinstance(p, (tuple, list)) and len(p) == 2
                and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0
                        for v in p) for p in paddings):
            raise type_error(self.name, "paddings", paddings,
                             "a tuple of (before, after) pairs of ints >= 0")
        self.add_prim_attr("paddings", tuple((int(b), int(a)) for b, a in paddings))

    def __call__(self, input_x: Any) -> Tensor:
        array = tensor_input(self.name, "input_x", input_x)
        if len(self.paddings) != array.ndim:
            raise value_error(self.name, "input_x", tuple(array.shape),
                              f"a {len(self.paddings)}-d tensor (one pair of paddings per dim)")
        return Tensor._wrap(_padding.pad(array, self.paddings))


class L2Normalize(Primitive):
    """``L2Normalize(axis=0, epsilon=1e-4)(x)``: ``x / sqrt(max(sum(x**2, axis), epsilon))``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.L2Normalize()(Tensor(np.array([3.0, 4.0], np.float32))).asnumpy()
        array([0.6, 0.8], dtype=float32)
    """

    def __init__(self, axis: Any = 0, epsilon: float = 1e-4) -> None:
        super().__init__("L2Normalize")
        if isinstance(axis, (tuple, list)):
            if len(axis) != 1:
                raise value_error(self.name, "axis", axis, "an int or a tuple of one int")
            axis = axis[0]
        self.add_prim_attr("axis", check_int(self.name, "axis", axis))
        self.add_prim_attr("epsilon", check_real(self.name, "epsilon", epsilon, positive=True))

    def __call__(self, x: Any) -> Tensor:
        array = float_input(self.name, "x", x)
        if not -array.ndim <= self.axis < max(array.ndim, 1):
            raise value_error(self.name, "axis", self.axis, f"an axis of a {array.ndim}-d input")
        return Tensor._wrap(_norm.l2_normalize(array, self.axis, self.epsilon))


class LayerNorm(Primitive):
    """``LayerNorm(begin_norm_axis=1, begin_params_axis=1, epsilon=1e-7)(x, gamma, beta)``:
    ``(y, mean, variance)``, the statistics over axes ``begin_norm_axis ..`` (Float32, as
    MindSpore returns them), ``gamma``/``beta`` shaped ``x.shape[begin_params_axis:]``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1, 2, 3], [1, 2, 3]], np.float32))
        >>> g = Tensor(np.ones([3], np.float32))
        >>> y, mean, variance = ops.LayerNorm()(x, g, g)
        >>> y.asnumpy()[0], mean.shape
        (array([-0.2247448,  1.       ,  2.2247448], dtype=float32), (2, 1))
    """

    def __init__(self, begin_norm_axis: int = 1, begin_params_axis: int = 1,
                 epsilon: float = 1e-7) -> None:
        super().__init__("LayerNorm")
        self.add_prim_attr("begin_norm_axis", check_int(self.name, "begin_norm_axis", begin_norm_axis))
        self.add_prim_attr("begin_params_axis",
                           check_int(self.name, "begin_params_axis", begin_params_axis))
        self.add_prim_attr("epsilon", check_real(self.name, "epsilon", epsilon, non_negative=True))

    def __call__(self, input_x: Any, gamma: Any, beta: Any) -> tuple[Tensor, Tensor, Tensor]:
        where = self.name
        x = float_input(where, "input_x", input_x)
        g, b = float_input(where, "gamma", gamma), float_input(where, "beta", beta)
        norm_axis, params_axis = self.begin_norm_axis, self.begin_params_axis
        for arg, axis in (("begin_norm_axis", norm_axis), ("begin_params_axis", params_axis)):
            if not -x.ndim <= axis < x.ndim:
                raise value_error(where, arg, axis, f"an axis of the {x.ndim}-d input")
        norm_axis, params_axis = norm_axis % x.ndim, params_axis % x.ndim
        expected = tuple(x.shape[params_axis:])
        for arg, array in (("gamma", g), ("beta", b)):
            if tuple(array.shape) != expected:
                raise value_error(where, arg, tuple(array.shape),
                                  f"the shape x.shape[begin_params_axis:] = {expected}")
        y, mean, variance = _norm.layer_norm(x, g, b, norm_axis, params_axis, self.epsilon)
        return Tensor._wrap(y), Tensor._wrap(mean), Tensor._wrap(variance)


class Dropout(Primitive):
    """``Dropout(keep_prob=0.5, Seed0=0, Seed1=0)(x)``: ``(output, mask)``; each element
    is kept with probability ``keep_prob`` (scaled by ``1 / keep_prob``) or zeroed;
    ``mask`` (``x``'s dtype, 0 or 1) says which. A primitive always drops: only the
    ``nn.Dropout`` cell and ``ops.dropout(training=False)`` pass their input through.

    The draws come from gpuparam's generator, with the key taken when the primitive is
    built and a new draw per call (``set_seed`` makes a script repeat itself, on CPU and
    GPU alike); ``Seed0``/``Seed1`` are kept as attributes only.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> out, mask = ops.Dropout(keep_prob=0.5)(Tensor(np.ones([2, 3], np.float32)))
        >>> bool(((out.asnumpy() == 2 * mask.asnumpy())).all())
        True
    """

    def __init__(self, keep_prob: float = 0.5, Seed0: int = 0, Seed1: int = 0) -> None:  # noqa: N803
        super().__init__("Dropout")
        keep = check_real(self.name, "keep_prob", keep_prob)
        if not 0.0 < keep <= 1.0:
            raise value_error(self.name, "keep_prob", keep_prob, "a number in (0, 1]")
        self.add_prim_attr("keep_prob", keep)
        self.add_prim_attr("Seed0", check_int(self.name, "Seed0", Seed0))
        self.add_prim_attr("Seed1", check_int(self.name, "Seed1", Seed1))
        self._key = _random.next_key()
        self._calls = itertools.count()

    def __call__(self, x: Any) -> tuple[Tensor, Tensor]:
        array = float_input(self.name, "x", x)
        return _apply_dropout(array, 1.0 - self.keep_prob, self._key, next(self._calls))


def _apply_dropout(array: Any, p: float, key: Any, stream: int) -> tuple[Tensor, Tensor]:
    work = np.float64 if array.dtype == np.float64 else np.float32
    u = _random.uniform(key, tuple(array.shape), work, stream=stream)
    out, mask = _dropout.dropout(array, u, p)
    return Tensor._wrap(out), Tensor._wrap(mask)


def dropout(input: Any, p: float = 0.5, training: bool = True, seed: Any = None) -> Tensor:  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    when ``training`` (else return ``input``). Each call takes a new key from gpuparam's
    generator (it counts as one random tensor's creation); ``seed`` is accepted and
    not used.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.ones([2, 2], np.float32))
        >>> ops.dropout(x, p=0.5, training=False) is x
        True
    """
    where = "dropout"
    p = check_real(where, "p", p)
    if not 0.0 <= p <= 1.0:
        raise value_error(where, "p", p, "a number in [0, 1]")
    check_bool(where, "training", training)
    array = float_input(where, "input", input)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return Tensor._wrap(array * 0)
    return _apply_dropout(array, p, _random.next_key(), 0)[0]


__all__ = ["BiasAdd", "Conv2DBackpropInput", "Dropout", "L2Normalize", "LayerNorm", "Pad",
           "bias_add", "conv2d", "dense", "dropout", "pad"]
