"""``MaxPool1d``/``MaxPool2d``, ``AvgPool1d``/``AvgPool2d`` and ``AdaptiveAvgPool2d``
(NCHW), on either backend.

Each pools by visiting the ``kh * kw`` kernel offsets and combining strided views of
the (padded) input, so the work is ``kh * kw`` passes over the output and no window
array is built. Output extents follow MindSpore: ``ceil(n / stride)`` for ``'same'``,
``ceil((n - dilation * (k - 1)) / stride)`` for ``'valid'`` and
``floor((n + pads - dilation * (k - 1) - 1) / stride) + 1`` for ``'pad'``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from .._backend import Array
from .._array_ops import pooling
from .._errors import check_bool, check_choice, check_int, type_error, value_error
from .._tensor import Tensor
from ..ops.seam import output_size, pad_values, same_padding, spatial_tuple
from ._cell import Cell


class _Pool2d(Cell[Tensor]):
    _has_dilation = True

    def __init__(self, kernel_size: Any = 1, stride: Any = 1, pad_mode: str = "valid",
                 padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                 data_format: str = "NCHW") -> None:
        super().__init__()
        where = type(self).__name__
        self.kernel_size = spatial_tuple(where, "kernel_size", kernel_size, 2)
        self.stride = spatial_tuple(where, "stride", stride, 2)
        self.dilation = spatial_tuple(where, "dilation", dilation, 2)
        if isinstance(pad_mode, str):
            pad_mode = pad_mode.lower()
        self.pad_mode = check_choice(where, "pad_mode", pad_mode, ("valid", "same", "pad"))
        values = pad_values(where, "padding", padding, 2)
        if self.pad_mode != "pad" and any(values):
            raise value_error(where, "padding", padding,
                              f"0 when pad_mode is {pad_mode!r} (padding needs pad_mode='pad')")
        self.padding = ((values[0], values[1]), (values[2], values[3]))
        if any(p > k // 2 for p, k in zip(values[::2] + values[1::2], self.kernel_size * 2)):
            raise value_error(where, "padding", padding,
                              f"at most half the kernel size {self.kernel_size} on each side")
        if check_bool(where, "ceil_mode", ceil_mode):
            raise NotImplementedError(f"{where}: ceil_mode=True is not supported; pad the "
                                      "input (pad_mode='pad') to get the last window.")
        if data_format != "NCHW":
            if data_format == "NHWC":
                raise NotImplementedError(f"{where}: data_format 'NHWC' is not supported; "
                                          "gpuparam computes in NCHW only.")
            raise value_error(where, "data_format", data_format, "'NCHW'")

    def _pads(self, spatial: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        if self.pad_mode == "same":
            return tuple(same_padding(n, k, s, d) for n, k, s, d
                         in zip(spatial, self.kernel_size, self.stride, self.dilation))
        if self.pad_mode == "valid":
            return ((0, 0), (0, 0))
        return self.padding

    def _windows(self, x: Tensor, fill: Any) -> tuple[Any, list[Array], tuple[int, ...]]:
        """Return the array module, one strided view per kernel offset, and the padding."""
        where = type(self).__name__
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        if array.ndim != 4:
            raise value_error(where, "x", tuple(array.shape), "an (N, C, H, W) input")
        xp = _backend.get_array_module(array)
        spatial = tuple(int(n) for n in array.shape[2:])
        pads = self._pads(spatial)
        out = tuple(output_size(n, k, s, d, b, a) for n, k, s, d, (b, a)
                    in zip(spatial, self.kernel_size, self.stride, self.dilation, pads))
        if any(n < 1 for n in out):
            raise value_error(where, "x", tuple(array.shape),
                              f"an input at least as large as the kernel {self.kernel_size} "
                              f"(dilation {self.dilation}) after padding")
        if any(b or a for b, a in pads):
            padded = xp.full((*array.shape[:2], *(n + b + a for n, (b, a) in zip(spatial, pads))),
                             fill, dtype=array.dtype)
            padded[:, :, pads[0][0]:pads[0][0] + spatial[0], pads[1][0]:pads[1][0] + spatial[1]] = array
        else:
            padded = array
        views = []
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        for i in range(kh):
            for j in range(kw):
                views.append(padded[:, :, i * dh:i * dh + (out[0] - 1) * sh + 1:sh,
                                    j * dw:j * dw + (out[1] - 1) * sw + 1:sw])
        return xp, views, tuple(p for pair in pads for p in pair)

    def extend_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"pad_mode={self.pad_mode.upper()}")


class MaxPool2d(_Pool2d):
    """2-D max pooling over ``(N, C, H, W)``.

    Args:
        kernel_size, stride, dilation: An int or a pair (default 1).
        pad_mode: ``'valid'`` (default), ``'same'`` or ``'pad'``; padded elements never
            win (they are -inf, or the integer minimum).
        padding: With ``'pad'``: an int, ``(h, w)`` or ``(top, bottom, left, right)``,
            at most half the kernel.
        return_indices, ceil_mode: Must be False (NotImplementedError otherwise).
        data_format: ``'NCHW'``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import nn, Tensor
        >>> pool = nn.MaxPool2d(kernel_size=3, stride=1)
        >>> x = Tensor(np.random.randint(0, 10, [1, 2, 4, 4]), gpuparam.float32)
        >>> pool(x).shape
        (1, 2, 2, 2)
    """

    def __init__(self, kernel_size: Any = 1, stride: Any = 1, pad_mode: str = "valid",
                 padding: Any = 0, dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False, data_format: str = "NCHW") -> None:
        super().__init__(kernel_size, stride, pad_mode, padding, dilation, ceil_mode, data_format)
        if check_bool("MaxPool2d", "return_indices", return_indices):
            raise NotImplementedError("MaxPool2d: return_indices=True is not supported.")

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("MaxPool2d", "x", x, "a Tensor")
        if x.dtype.is_complex or x.dtype.name == "bool_":
            raise type_error("MaxPool2d", "x", x, f"a real tensor, not {x.dtype}")
        fill = -np.inf if x.dtype.is_floating_point else np.iinfo(x.dtype.numpy_dtype).min
        xp, views, _ = self._windows(x, fill)
        out = views[0].copy()
        for view in views[1:]:
            xp.maximum(out, view, out=out)
        return Tensor._wrap(out)


class AvgPool2d(_Pool2d):
    """2-D average pooling over ``(N, C, H, W)`` float inputs.

    Args:
        kernel_size, stride: An int or a pair (default 1).
        pad_mode: ``'valid'`` (default), ``'same'`` (padding is left out of each
            average, as MindSpore's and TensorFlow's SAME) or ``'pad'``.
        padding: With ``'pad'``: an int, ``(h, w)`` or ``(top, bottom, left, right)``.
        count_include_pad: With ``'pad'``: whether padded zeros count in the divisor
            (default True).
        ceil_mode: Must be False; ``divisor_override`` must be None.
        data_format: ``'NCHW'``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> pool = nn.AvgPool2d(kernel_size=3, stride=1)
        >>> pool(Tensor(np.ones([1, 2, 4, 4], np.float32))).asnumpy()[0, 0]
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """

    def __init__(self, kernel_size: Any = 1, stride: Any = 1, pad_mode: str = "valid",
                 padding: Any = 0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None, data_format: str = "NCHW") -> None:
        super().__init__(kernel_size, stride, pad_mode, padding, 1, ceil_mode, data_format)
        self.count_include_pad = check_bool("AvgPool2d", "count_include_pad", count_include_pad)
        if divisor_override is not None:
            raise NotImplementedError("AvgPool2d: divisor_override is not supported.")

    def construct(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and not (x.dtype.is_floating_point
                                          and x.dtype.numpy_dtype.kind == "f"):
            raise type_error("AvgPool2d", "x", x,
                             f"a float16/32/64 tensor, not {x.dtype}; cast it with x.astype(...)")
        xp, views, pads = self._windows(x, 0)
        work = np.float64 if views[0].dtype == np.float64 else np.float32
        total = views[0].astype(work)
        for view in views[1:]:
            total += view
        if any(pads) and (self.pad_mode == "same" or not self.count_include_pad):
            # Count the real (unpadded) elements of each window from a padded mask.
            spatial = x.shape[2:]
            mask = Tensor._wrap(xp.ones((1, 1, *spatial), dtype=work))
            _, mask_views, _ = self._windows(mask, 0)
            count = sum(mask_views[1:], mask_views[0].copy())
            total /= count
        else:
            total /= self.kernel_size[0] * self.kernel_size[1]
        return Tensor._wrap(total.astype(views[0].dtype))


def _pool1d_args(where: str, kernel_size: Any, stride: Any, pad_mode: Any, padding: Any,
                 ceil_mode: Any) -> tuple[int, int, str, tuple[int, int]]:
    kernel = check_int(where, "kernel_size", kernel_size, minimum=1)
    step = check_int(where, "stride", stride, minimum=1)
    mode = check_choice(where, "pad_mode", pad_mode.lower() if isinstance(pad_mode, str)
                        else pad_mode, ("valid", "same", "pad"))
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        pads = (check_int(where, "padding", padding[0], minimum=0),
                check_int(where, "padding", padding[1], minimum=0))
    else:
        if isinstance(padding, (tuple, list)):
            raise value_error(where, "padding", padding, "an int or a (left, right) pair")
        pads = (check_int(where, "padding", padding, minimum=0),) * 2
    if mode != "pad" and any(pads):
        raise value_error(where, "padding", padding,
                          f"0 when pad_mode is {pad_mode!r} (padding needs pad_mode='pad')")
    if check_bool(where, "ceil_mode", ceil_mode):
        raise NotImplementedError(f"{where}: ceil_mode=True is not supported; pad the input "
                                  "(pad_mode='pad') to get the last window.")
    return kernel, step, mode, pads


class _Pool1d(Cell[Tensor]):
    def _prepare(self, x: Tensor) -> tuple[Array, tuple[tuple[int, int]]]:
        where = type(self).__name__
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        if array.ndim not in (2, 3):
            raise value_error(where, "x", tuple(array.shape), "an (N, C, L) or (C, L) input")
        k, s = self.kernel_size[1], self.stride[1]
        n = int(array.shape[-1])
        pads = (same_padding(n, k, s, 1) if self._mode == "same"
                else self._pads if self._mode == "pad" else (0, 0))
        if pooling.pooled_size(n, k, s, 1, pads[0], pads[1], False) < 1:
            raise value_error(where, "x", tuple(array.shape),
                              f"a length of at least kernel_size={k} after padding")
        return array, (pads,)


class MaxPool1d(_Pool1d):
    """1-D max pooling over ``(N, C, L)`` (or ``(C, L)``) inputs.

    As MindSpore's, ``kernel_size`` and ``stride`` are kept as ``(1, k)`` and ``(1, s)``,
    and ``pad_mode`` in capitals.

    Args:
        kernel_size, stride: Positive ints (default 1).
        pad_mode: ``'valid'`` (default), ``'same'`` or ``'pad'``; padded elements never win.
        padding: With ``'pad'``: an int or ``(left, right)``.
        dilation: Must be 1; return_indices, ceil_mode: must be False
            (NotImplementedError otherwise).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> pool = nn.MaxPool1d(kernel_size=2, stride=2)
        >>> pool(Tensor(np.arange(6, dtype=np.float32).reshape(1, 1, 6))).asnumpy()
        array([[[1., 3., 5.]]], dtype=float32)
    """

    def __init__(self, kernel_size: int = 1, stride: int = 1, pad_mode: str = "valid",
                 padding: Any = 0, dilation: int = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        where = "MaxPool1d"
        k, s, self._mode, self._pads = _pool1d_args(where, kernel_size, stride, pad_mode,
                                                    padding, ceil_mode)
        if check_int(where, "dilation", dilation, minimum=1) != 1:
            raise NotImplementedError("MaxPool1d: dilation other than 1 is not supported.")
        if check_bool(where, "return_indices", return_indices):
            raise NotImplementedError("MaxPool1d: return_indices=True is not supported.")
        self.kernel_size, self.stride = (1, k), (1, s)
        self.pad_mode = self._mode.upper()
        self.return_indices = False
        self.use_pad = self._mode == "pad"
        self.format = "NCHW"

    def construct(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and (x.dtype.is_complex or x.dtype.name == "bool_"):
            raise type_error("MaxPool1d", "x", x, f"a real tensor, not {x.dtype}")
        array, pads = self._prepare(x)
        return Tensor._wrap(pooling.pool(array, "max", (self.kernel_size[1],),
                                         (self.stride[1],), (1,), pads))


class AvgPool1d(_Pool1d):
    """1-D average pooling over ``(N, C, L)`` (or ``(C, L)``) float inputs.

    As MindSpore's, ``kernel_size`` and ``stride`` are kept as ``(1, k)`` and ``(1, s)``,
    and ``pad_mode`` in capitals.

    Args:
        kernel_size, stride: Positive ints (default 1).
        pad_mode: ``'valid'`` (default), ``'same'`` (padding left out of each average) or
            ``'pad'``.
        padding: With ``'pad'``: an int or ``(left, right)``.
        count_include_pad: With ``'pad'``: whether padded zeros count in the divisor
            (default True). ceil_mode: must be False.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> pool = nn.AvgPool1d(kernel_size=3, stride=1)
        >>> pool(Tensor(np.arange(5, dtype=np.float32).reshape(1, 1, 5))).asnumpy()
        array([[[1., 2., 3.]]], dtype=float32)
    """

    def __init__(self, kernel_size: int = 1, stride: int = 1, pad_mode: str = "valid",
                 padding: Any = 0, ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        where = "AvgPool1d"
        k, s, self._mode, self._pads = _pool1d_args(where, kernel_size, stride, pad_mode,
                                                    padding, ceil_mode)
        self.count_include_pad = check_bool(where, "count_include_pad", count_include_pad)
        self.kernel_size, self.stride = (1, k), (1, s)
        self.pad_mode = self._mode.upper()
        self.is_expand_3d = False
        self.format = "NCHW"

    def construct(self, x: Tensor) -> Tensor:
        if isinstance(x, Tensor) and not (x.dtype.is_floating_point
                                          and x.dtype.numpy_dtype.kind == "f"):
            raise type_error("AvgPool1d", "x", x,
                             f"a float16/32/64 tensor, not {x.dtype}; cast it with x.astype(...)")
        array, pads = self._prepare(x)
        if self._mode == "pad" and self.count_include_pad and any(pads[0]):
            # Padded zeros count in the divisor: pad with real zeros first.
            xp = _backend.get_array_module(array)
            array = xp.pad(array, [(0, 0)] * (array.ndim - 1) + [pads[0]])
            pads = ((0, 0),)
        return Tensor._wrap(pooling.pool(array, "avg", (self.kernel_size[1],),
                                         (self.stride[1],), (1,), pads))


class AdaptiveAvgPool2d(Cell[Tensor]):
    """Adaptive 2-D average pooling of ``(N, C, H, W)`` (or ``(C, H, W)``) float inputs
    to ``output_size``: output bin ``i`` of ``n`` covers input rows
    ``[floor(i H / n), ceil((i + 1) H / n))`` (columns alike).

    Args:
        output_size: An int, or an ``(h, w)`` pair whose entries may be None (keep that
            input extent).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> pool = nn.AdaptiveAvgPool2d(1)
        >>> pool(Tensor(np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2))).asnumpy().ravel()
        array([1.5, 5.5], dtype=float32)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        where = "AdaptiveAvgPool2d"
        pair = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
        if len(pair) != 2:
            raise value_error(where, "output_size", output_size,
                              "an int or an (h, w) pair of ints or None")
        self._size = tuple(None if v is None else check_int(where, "output_size", v, minimum=1)
                           for v in pair)
        if isinstance(output_size, (tuple, list)) and all(v is None for v in output_size):
            raise value_error(where, "output_size", output_size, "at least one int")
        self.output_size = output_size

    def construct(self, x: Tensor) -> Tensor:
        where = "AdaptiveAvgPool2d"
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        if not (x.dtype.is_floating_point and x.dtype.numpy_dtype.kind == "f"):
            raise type_error(where, "x", x, f"a float16/32/64 tensor, not {x.dtype}")
        array = x._read()
        if array.ndim not in (3, 4):
            raise value_error(where, "x", tuple(array.shape), "an (N, C, H, W) or (C, H, W) input")
        size = tuple(n if v is None else v for v, n in zip(self._size, array.shape[-2:]))
        return Tensor._wrap(pooling.adaptive_avg_pool(array, size))

    def extend_repr(self) -> str:
        return f"output_size={self.output_size}"


__all__ = ["AdaptiveAvgPool2d", "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d"]
