"""Pooling primitives of ``mindspore.ops``: ``MaxPool``, ``AvgPool``, ``MaxPool3D``,
``MaxPoolWithArgmax``, ``AdaptiveAvgPool2D``; fronts over ``_array_ops.pooling``.

Attributes are kept in MindSpore's normalized form: ``kernel_size`` and ``strides`` as
``(1, 1, h, w)`` (``(1, 1, d, h, w)`` in 3-D), ``pad_mode`` upper-cased (``'SAME'``,
``'VALID'``; MaxPool3D's ``'pad'`` is ``'CALCULATED'``), ``pad_list`` as six ints.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._array_ops import pooling as _pooling
from .._errors import check_bool, check_choice, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, ndim_input
from ._conv_geometry import same_padding
from .primitive import Primitive


def _window_arg(where: str, arg: str, value: Any, nd: int) -> tuple[int, ...]:
    """An int, ``nd`` ints, or MindSpore's ``(1, 1, *nd ints)`` -> ``nd`` ints >= 1."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),) * nd
    if isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, tuple) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise type_error(where, arg, value, f"an int or a tuple of {nd} ints")
    if len(value) == nd + 2 and value[:2] == (1, 1):
        value = value[2:]
    if len(value) != nd or any(v < 1 for v in value):
        raise value_error(where, arg, value, f"an int or a tuple of {nd} ints >= 1")
    return tuple(int(v) for v in value)


def _pad_mode(where: str, pad_mode: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(pad_mode, str):
        raise type_error(where, "pad_mode", pad_mode, f"one of {list(choices)}")
    return str(check_choice(where, "pad_mode", pad_mode.upper(), choices))


def _data_format(where: str, data_format: Any, layout: str) -> str:
    if data_format in ("NHWC", "NDHWC"):
        raise NotImplementedError(f"{where}: data_format {data_format!r} is not supported; "
                                  f"gpuparam computes in {layout} only.")
    return str(check_choice(where, "data_format", data_format, (layout,)))


class _Pool(Primitive):
    _nd = 2
    _layout = "NCHW"
    _mode = "max"

    def __init__(self, kernel_size: Any = 1, strides: Any = 1, pad_mode: str = "valid",
                 data_format: str = "NCHW") -> None:
        where = type(self).__name__
        super().__init__(where)
        self._kernel = _window_arg(where, "kernel_size", kernel_size, self._nd)
        self._stride = _window_arg(where, "strides", strides, self._nd)
        self.add_prim_attr("kernel_size", (1, 1) + self._kernel)
        self.add_prim_attr("strides", (1, 1) + self._stride)
        self.add_prim_attr("pad_mode", _pad_mode(where, pad_mode, ("VALID", "SAME")))
        self.add_prim_attr("data_format", _data_format(where, data_format, self._layout))

    def _pads(self, spatial: tuple[int, ...]) -> list[tuple[int, int]]:
        if self.pad_mode == "SAME":
            return [same_padding(n, k, s, 1) for n, k, s in zip(spatial, self._kernel, self._stride)]
        return [(0, 0)] * self._nd

    def _input(self, x: Any) -> Any:
        where = type(self).__name__
        array = float_input(where, "x", x)
        ndim_input(where, "x", array, (self._nd + 2,), self._layout)
        spatial = tuple(array.shape[2:])
        out = [_pooling.pooled_size(n, k, s, 1, b, a, False) for n, k, s, (b, a)
               in zip(spatial, self._kernel, self._stride, self._pads(spatial))]
        if min(out) < 1:
            raise value_error(where, "x", tuple(array.shape),
                              f"an input at least as large as the kernel {self._kernel}")
        return array

    def __call__(self, x: Any) -> Tensor:
        array = self._input(x)
        pads = self._pads(tuple(array.shape[2:]))
        return Tensor._wrap(_pooling.pool(array, self._mode, self._kernel, self._stride,
                                          (1,) * self._nd, pads))


class MaxPool(_Pool):
    """``MaxPool(kernel_size=1, strides=1, pad_mode='valid', data_format='NCHW')(x)``:
    2-D max pooling of a float ``(N, C, H, W)`` tensor; ``'same'`` pads as TensorFlow
    (``ceil(n / stride)`` outputs), the padding never winning.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(1 * 3 * 3 * 4).reshape((1, 3, 3, 4)).astype(np.float32))
        >>> ops.MaxPool(pad_mode="VALID", kernel_size=2, strides=1)(x).asnumpy()[0, 0]
        array([[ 5.,  6.,  7.],
               [ 9., 10., 11.]], dtype=float32)
    """


class AvgPool(_Pool):
    """``AvgPool(kernel_size=1, strides=1, pad_mode='valid', data_format='NCHW')(x)``:
    2-D average pooling; with ``'same'`` each average counts the real elements only.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(1 * 3 * 3 * 4).reshape((1, 3, 3, 4)).astype(np.float32))
        >>> ops.AvgPool(pad_mode="VALID", kernel_size=2, strides=1)(x).asnumpy()[0, 0]
        array([[2.5, 3.5, 4.5],
               [6.5, 7.5, 8.5]], dtype=float32)
    """

    _mode = "avg"


class MaxPoolWithArgmax(_Pool):
    """``MaxPoolWithArgmax(kernel_size=1, strides=1, pad_mode='valid')(x)``: ``(output,
    argmax)``, ``argmax`` the Int32 index ``c * H * W + h * W + w`` of each maximum
    within its image (MindSpore's numbering).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
        >>> out, argmax = ops.MaxPoolWithArgmax(kernel_size=2, strides=2)(x)
        >>> argmax.asnumpy()[0, 0]
        array([[ 5,  7],
               [13, 15]], dtype=int32)
    """

    def __init__(self, kernel_size: Any = 1, strides: Any = 1, pad_mode: str = "valid",
                 data_format: str = "NCHW") -> None:
        super().__init__(kernel_size, strides, pad_mode, data_format)
        # MindSpore keeps this one's window in its NHWC form.
        self.add_prim_attr("kernel_size", (1,) + self._kernel + (1,))
        self.add_prim_attr("strides", (1,) + self._stride + (1,))

    def __call__(self, x: Any) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        array = self._input(x)
        out, argmax = _pooling.max_pool_with_argmax(array, self._kernel, self._stride,
                                                    self._pads(tuple(array.shape[2:])))
        return Tensor._wrap(out), Tensor._wrap(argmax)


class MaxPool3D(_Pool):
    """``MaxPool3D(kernel_size=1, strides=1, pad_mode='VALID', pad_list=0, ceil_mode=None,
    data_format='NCDHW')(x)``: 3-D max pooling of ``(N, C, D, H, W)``.

    Args:
        pad_mode: ``'valid'``, ``'same'`` or ``'pad'`` (any case); ``'pad'`` uses ``pad_list``.
        pad_list: With ``'pad'``: an int, three ints (each used before and after) or six
            ``(head, tail, top, bottom, left, right)``.
        ceil_mode: With ``'pad'`` only: keep a last partial window (``None``: False).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(1 * 2 * 2 * 2 * 3).reshape((1, 2, 2, 2, 3)).astype(np.float32))
        >>> ops.MaxPool3D(kernel_size=2, strides=1, pad_mode="VALID")(x).asnumpy().ravel()
        array([10., 11., 22., 23.], dtype=float32)
    """

    _nd = 3
    _layout = "NCDHW"

    def __init__(self, kernel_size: Any = 1, strides: Any = 1, pad_mode: str = "VALID",
                 pad_list: Any = 0, ceil_mode: Any = None, data_format: str = "NCDHW") -> None:
        where = "MaxPool3D"
        Primitive.__init__(self, where)
        self._kernel = _window_arg(where, "kernel_size", kernel_size, 3)
        self._stride = _window_arg(where, "strides", strides, 3)
        self.add_prim_attr("kernel_size", (1, 1) + self._kernel)
        self.add_prim_attr("strides", (1, 1) + self._stride)
        mode = _pad_mode(where, pad_mode, ("VALID", "SAME", "PAD"))
        mode = "CALCULATED" if mode == "PAD" else mode
        self.add_prim_attr("pad_mode", mode)
        self.add_prim_attr("data_format", _data_format(where, data_format, "NCDHW"))
        if isinstance(pad_list, numbers.Integral) and not isinstance(pad_list, bool):
            pad_list = (int(pad_list),) * 6
        if not isinstance(pad_list, (tuple, list)) or len(pad_list) not in (3, 6) or not all(
                isinstance(p, numbers.Integral) and not isinstance(p, bool) and p >= 0
                for p in pad_list):
            raise value_error(where, "pad_list", pad_list, "an int or 3 or 6 ints >= 0")
        if len(pad_list) == 3:
            pad_list = tuple(p for p in pad_list for _ in range(2))
        pad_list = tuple(int(p) for p in pad_list)
        if mode != "CALCULATED" and any(pad_list):
            raise value_error(where, "pad_list", pad_list, "0 unless pad_mode is 'pad'")
        if ceil_mode is not None:
            check_bool(where, "ceil_mode", ceil_mode)
            if mode != "CALCULATED":
                raise value_error(where, "ceil_mode", ceil_mode, "None unless pad_mode is 'pad'")
        self.add_prim_attr("pad_list", pad_list)
        self.add_prim_attr("ceil_mode", int(bool(ceil_mode)))

    def _pads(self, spatial: tuple[int, ...]) -> list[tuple[int, int]]:
        if self.pad_mode == "CALCULATED":
            return [(self.pad_list[2 * i], self.pad_list[2 * i + 1]) for i in range(3)]
        return super()._pads(spatial)

    def __call__(self, x: Any) -> Tensor:
        array = float_input("MaxPool3D", "x", x)
        ndim_input("MaxPool3D", "x", array, (5,), "NCDHW")
        spatial = tuple(array.shape[2:])
        pads, ceil = self._pads(spatial), bool(self.ceil_mode)
        if min(_pooling.pooled_size(n, k, s, 1, b, a, ceil) for n, k, s, (b, a)
               in zip(spatial, self._kernel, self._stride, pads)) < 1:
            raise value_error("MaxPool3D", "x", tuple(array.shape),
                              f"an input at least as large as the kernel {self._kernel}")
        return Tensor._wrap(_pooling.pool(array, "max", self._kernel, self._stride, (1, 1, 1),
                                          pads, ceil))


class AdaptiveAvgPool2D(Primitive):
    """``AdaptiveAvgPool2D(output_size)(x)``: average pooling of the last two dims of a
    3-D or 4-D float tensor into ``output_size`` bins (an int, or two ints where
    ``None`` keeps that dim).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3))
        >>> ops.AdaptiveAvgPool2D((1, 2))(x).asnumpy()
        array([[[4.5, 5.5]]], dtype=float32)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__("AdaptiveAvgPool2D")
        where = "AdaptiveAvgPool2D"
        sizes = (output_size, output_size) if isinstance(output_size, numbers.Integral) \
            and not isinstance(output_size, bool) else output_size
        if not isinstance(sizes, tuple) or len(sizes) != 2 or not all(
                s is None or (isinstance(s, numbers.Integral) and not isinstance(s, bool))
                for s in sizes):
            raise type_error(where, "output_size", output_size,
                             "an int or a tuple of two ints (or None)")
        if any(s is not None and s < 1 for s in sizes):
            raise value_error(where, "output_size", output_size, "sizes >= 1 (or None)")
        self.add_prim_attr("output_size", tuple(-1 if s is None else int(s) for s in sizes))

    def __call__(self, x: Any) -> Tensor:
        array = float_input("AdaptiveAvgPool2D", "x", x)
        ndim_input("AdaptiveAvgPool2D", "x", array, (3, 4), "(C, H, W) or (N, C, H, W)")
        sizes = tuple(n if s == -1 else s for s, n in zip(self.output_size, array.shape[-2:]))
        return Tensor._wrap(_pooling.adaptive_avg_pool(array, sizes))


__all__ = ["AdaptiveAvgPool2D", "AvgPool", "MaxPool", "MaxPool3D", "MaxPoolWithArgmax"]
