"""Image cells: ``CentralCrop``, ``Unfold`` (image patches) and ``ResizeBilinear``.

``ResizeBilinear`` is MindSpore 1.x-2.2's layer, which later versions dropped (use
``ops.interpolate``); model files written for those versions construct it, so gpuparam
keeps it, over the same resizing function as ``ops.ResizeBilinear``.
"""

from __future__ import annotations

import numbers
from typing import Any

from .._array_ops import padding as _padding
from .._errors import check_bool, check_choice, check_real, type_error, value_error
from .._tensor import Tensor
from ..ops import ResizeBilinear as _ResizeBilinearPrim
from ._cell import Cell


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


class CentralCrop(Cell[Tensor]):
    """The central ``central_fraction`` (in ``(0, 1]``) of the last two dims of a
    ``(C, H, W)`` or ``(N, C, H, W)`` image: ``int((H - H * f) / 2)`` rows are cut from
    the top and as many from the bottom, likewise the columns (TensorFlow's rule).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.CentralCrop(0.5)(Tensor(np.ones((4, 3, 4, 4), np.float32))).shape
        (4, 3, 2, 2)
    """

    def __init__(self, central_fraction: float) -> None:
        super().__init__()
        where = "CentralCrop"
        if isinstance(central_fraction, bool) or not isinstance(central_fraction, numbers.Real):
            raise type_error(where, "central_fraction", central_fraction, "a float")
        fraction = check_real(where, "central_fraction", central_fraction)
        if not 0.0 < fraction <= 1.0:
            raise value_error(where, "central_fraction", central_fraction, "a float in (0, 1]")
        self.central_fraction = fraction

    def construct(self, image: Tensor) -> Tensor:
        where = "CentralCrop"
        if not isinstance(image, Tensor):
            raise type_error(where, "image", image, "a Tensor")
        array = image._read()
        if array.ndim not in (3, 4):
            raise value_error(where, "image", tuple(array.shape),
                              "a (C, H, W) or (N, C, H, W) tensor")
        if self.central_fraction == 1.0:
            return image
        h, w = array.shape[-2:]
        top = int((float(h) - float(h * self.central_fraction)) / 2)
        left = int((float(w) - float(w * self.central_fraction)) / 2)
        return Tensor._wrap(array[..., top:h - top, left:w - left].copy())


def _four(where: str, arg: str, value: Any) -> tuple[int, int]:
    """MindSpore's ``[1, r, c, 1]`` lists (``ksizes``, ``strides``, ``rates``) as ``(r, c)``."""
    if (not isinstance(value, (tuple, list)) or len(value) != 4
            or not all(_is_int(v) for v in value)):
        raise type_error(where, arg, value, "a tuple or list of 4 ints [1, rows, cols, 1]")
    if value[0] != 1 or value[3] != 1 or value[1] < 1 or value[2] < 1:
        raise value_error(where, arg, value, "[1, rows, cols, 1] with rows, cols >= 1")
    return int(value[1]), int(value[2])


class Unfold(Cell[Tensor]):
    """Image patches of an ``(N, C, H, W)`` tensor (TensorFlow's ``extract_image_patches``):
    the output is ``(N, kr * kc * C, out_rows, out_cols)``, channel ``(i * kc + j) * C + c``
    holding tap ``(i, j)`` of input channel ``c``.

    Args:
        ksizes, strides, rates: ``[1, rows, cols, 1]`` each: the window, its step and the
            dilation of its taps.
        padding: ``'valid'`` (windows inside the input) or ``'same'`` (zeros around it,
            ``ceil(H / stride)`` windows); case-insensitive.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Unfold(ksizes=[1, 2, 2, 1], strides=[1, 2, 2, 1], rates=[1, 2, 2, 1])
        >>> net(Tensor(np.ones((2, 3, 6, 6), np.float16))).shape
        (2, 12, 2, 2)
    """

    def __init__(self, ksizes: Any, strides: Any, rates: Any, padding: str = "valid") -> None:
        super().__init__()
        where = "Unfold"
        self.ksizes = _four(where, "ksizes", ksizes)
        self.strides = _four(where, "strides", strides)
        self.rates = _four(where, "rates", rates)
        if not isinstance(padding, str):
            raise type_error(where, "padding", padding, "'same' or 'valid'")
        self.padding = check_choice(where, "padding", padding.lower(), ["same", "valid"])

    def construct(self, x: Tensor) -> Tensor:
        where = "Unfold"
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        if array.ndim != 4:
            raise value_error(where, "x", tuple(array.shape), "a 4-d (N, C, H, W) tensor")
        out = _padding.extract_patches(array, self.ksizes, self.strides, self.rates,
                                       self.padding)
        if 0 in out.shape[2:]:
            raise value_error(where, "ksizes", list(self.ksizes), f"a dilated window that fits "
                              f"the input {tuple(array.shape[2:])} with padding='valid'")
        return Tensor._wrap(out)


class ResizeBilinear(Cell[Tensor]):
    """Bilinear resize of a float ``(N, C, H, W)`` tensor to ``size`` ``(h, w)`` or by
    the int ``scale_factor`` (MindSpore 1.x-2.2's layer). The source coordinate of output
    row ``i`` is ``i * H / h`` (TensorFlow's legacy rule), ``i * (H - 1) / (h - 1)`` with
    ``align_corners``, ``(i + 0.5) * H / h - 0.5`` with ``half_pixel_centers``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> x = Tensor([[[[1, 2, 3, 4], [5, 6, 7, 8]]]], float32)
        >>> nn.ResizeBilinear()(x, size=(3, 4)).asnumpy()[0, 0]
        array([[1.       , 2.       , 3.       , 4.       ],
               [3.6666667, 4.666667 , 5.666667 , 6.666667 ],
               [5.       , 6.       , 7.       , 8.       ]], dtype=float32)
    """

    def __init__(self, half_pixel_centers: bool = False) -> None:
        super().__init__()
        self.half_pixel_centers = check_bool("ResizeBilinear", "half_pixel_centers",
                                             half_pixel_centers)

    def construct(self, x: Tensor, size: Any = None, scale_factor: Any = None,
                  align_corners: bool = False) -> Tensor:
        where = "ResizeBilinear"
        check_bool(where, "align_corners", align_corners)
        if (size is None) == (scale_factor is None):
            raise ValueError(f"{where}: give exactly one of `size` and `scale_factor`.")
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        if x.ndim != 4:
            raise value_error(where, "x", x.shape, "a 4-d (N, C, H, W) tensor")
        if size is not None:
            if (not isinstance(size, (tuple, list)) or len(size) != 2
                    or not all(_is_int(v) and v >= 1 for v in size)):
                raise value_error(where, "size", size, "a tuple or list of 2 ints >= 1")
            shape = (int(size[0]), int(size[1]))
        else:
            if not _is_int(scale_factor) or scale_factor < 1:
                raise value_error(where, "scale_factor", scale_factor, "an int >= 1")
            shape = (x.shape[2] * int(scale_factor), x.shape[3] * int(scale_factor))
        resize = _ResizeBilinearPrim(shape, align_corners, self.half_pixel_centers)
        return resize(x)


__all__ = ["CentralCrop", "ResizeBilinear", "Unfold"]
