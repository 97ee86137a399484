"""Padding cells: ``nn.Pad`` (one ``(before, after)`` pair per dim, modes CONSTANT,
REFLECT, SYMMETRIC) and the PyTorch-style ``ZeroPad2d``, ``ConstantPad1d/2d/3d``,
``ReflectionPad1d/2d/3d`` and ``ReplicationPad1d/2d/3d`` (amounts from the last dim
backwards: ``(left, right, top, bottom, front, back)``).

All are fronts over ``gpuparam._array_ops.padding.pad``, computed on the device that
holds the input, in its dtype.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._array_ops import padding as _padding
from .._dtype import int64
from .._errors import check_choice, type_error, value_error
from .._tensor import Tensor
from ..ops import Pad as _PadPrim
from ._cell import Cell

_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _check_mirror(where: str, arg: str, given: Any, pairs: list[tuple[int, int]],
                  shape: tuple[int, ...], mode: str) -> None:
    """REFLECT needs amounts below the dim's size, SYMMETRIC and edge copies at most it."""
    for (before, after), n in zip(pairs, shape):
        limit = n - 1 if mode == "reflect" else n
        if mode == "replicate":
            limit = max(before, after) if n else 0
        if max(before, after) > limit:
            raise value_error(where, arg, given, f"amounts that fit the input {shape} with "
                              f"mode {mode!r} (at most {'size - 1' if mode == 'reflect' else 'size'})")


class Pad(Cell[Tensor]):
    """Pad each dim of the input by ``paddings[d] = (before, after)`` (ints >= 0, one pair
    per dim). ``mode``: ``'CONSTANT'`` (zeros), ``'REFLECT'`` (mirror without the edge:
    amounts below the dim's size) or ``'SYMMETRIC'`` (mirror with the edge: at most it).

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> x = Tensor([[1, 2, 3], [4, 5, 6]], float32)
        >>> nn.Pad(((1, 1), (2, 2)), mode="SYMMETRIC")(x).asnumpy()
        array([[2., 1., 1., 2., 3., 3., 2.],
               [2., 1., 1., 2., 3., 3., 2.],
               [5., 4., 4., 5., 6., 6., 5.],
               [5., 4., 4., 5., 6., 6., 5.]], dtype=float32)
    """

    def __init__(self, paddings: Any, mode: str = "CONSTANT") -> None:
        super().__init__()
        where = "Pad"
        if not isinstance(paddings, (tuple, list)) or not all(
                isinstance(p, (tuple, list)) and len(p) == 2 and all(_is_int(v) for v in p)
                for p in paddings):
            raise type_error(where, "paddings", paddings,
                             "a tuple of (before, after) pairs of ints")
        pairs = tuple((int(b), int(e)) for b, e in paddings)
        if any(b < 0 or e < 0 for b, e in pairs):
            raise value_error(where, "paddings", paddings, "amounts >= 0")
        self.mode = check_choice(where, "mode", mode, list(_MODES))
        self._pairs = pairs
        if self.mode == "CONSTANT":
            self.paddings: Any = pairs
            self.pad = _PadPrim(pairs)
        else:  # MindSpore keeps them as an Int64 tensor for its MirrorPad primitive
            self.paddings = Tensor(np.array(pairs, np.int64).reshape(-1, 2), int64)

    def construct(self, x: Tensor) -> Tensor:
        where = "Pad"
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        if len(self._pairs) != array.ndim:
            raise value_error(where, "x", tuple(array.shape),
                              f"a {len(self._pairs)}-d tensor (one pair of paddings per dim)")
        mode = _MODES[self.mode]
        if mode != "constant":
            _check_mirror(where, "paddings", self._pairs, list(self._pairs), array.shape, mode)
        return Tensor._wrap(_padding.pad(array, self._pairs, mode))


class _TorchPad(Cell[Tensor]):
    """The PyTorch-style pads: ``padding`` an int (every side) or ``2 * _dims`` ints."""

    _dims = 2
    _mode = "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        where = type(self).__name__
        count = 2 * self._dims
        if _is_int(padding):
            padding = (int(padding),) * count
        if not isinstance(padding, (tuple, list)) or len(padding) != count or not all(
                _is_int(v) for v in padding):
            raise type_error(where, "padding", padding, f"an int or a tuple of {count} ints")
        if self._mode != "constant" and any(v < 0 for v in padding):
            raise value_error(where, "padding", padding, "amounts >= 0")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise type_error(where, "value", value, "an int or a float")
        self.padding = tuple(int(v) for v in padding)
        self.value = value

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        if not isinstance(x, Tensor):
            raise type_error(where, "x", x, "a Tensor")
        array = x._read()
        ranks = (self._dims + 1, self._dims + 2)
        if array.ndim not in ranks:
            raise value_error(where, "x", tuple(array.shape), f"a {ranks[0]}-d or {ranks[1]}-d tensor")
        pairs = [(0, 0)] * array.ndim
        for k in range(self._dims):
            pairs[array.ndim - 1 - k] = (self.padding[2 * k], self.padding[2 * k + 1])
        if self._mode != "constant":
            _check_mirror(where, "padding", self.padding, pairs, array.shape, self._mode)
        elif array.dtype.kind in "iub" and self.value != int(self.value):
            raise value_error(where, "value", self.value, f"an integer for a {x.dtype} input")
        elif any(-(b + e) > n for (b, e), n in zip(pairs, array.shape)):
            raise value_error(where, "padding", self.padding,
                              f"crops no larger than the input {tuple(array.shape)}")
        return Tensor._wrap(_padding.pad(array, pairs, self._mode, self.value))


def _pad_class(name: str, dims: int, mode: str, doc: str) -> type:
    body: dict[str, Any] = {"_dims": dims, "_mode": mode, "__doc__": doc,
                            "__module__": __name__, "__qualname__": name}
    if mode != "constant":  # these take no fill value
        def __init__(self: Any, padding: Any) -> None:
            _TorchPad.__init__(self, padding)
        body["__init__"] = __init__
    return type(name, (_TorchPad,), body)


class ConstantPad2d(_TorchPad):
    """Pad the last two dims with ``value``: ``padding`` an int or ``(left, right, top,
    bottom)``; a negative amount crops.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ConstantPad2d((1, 0, 0, 1), 9.0)(Tensor(np.ones((1, 2, 2), np.float32))).asnumpy()[0]
        array([[9., 1., 1.],
               [9., 1., 1.],
               [9., 9., 9.]], dtype=float32)
    """

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad1d(_TorchPad):
    """Pad the last dim with ``value``: ``padding`` an int or ``(left, right)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.ConstantPad1d((1, 2), 0.5)(Tensor([[1.0, 2.0]], float32)).asnumpy()
        array([[0.5, 1. , 2. , 0.5, 0.5]], dtype=float32)
    """

    _dims = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad3d(_TorchPad):
    """Pad the last three dims with ``value``: ``padding`` an int or six ints.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ConstantPad3d(1, 0.0)(Tensor(np.ones((1, 1, 1, 1), np.float32))).shape
        (1, 3, 3, 3)
    """

    _dims = 3

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ZeroPad2d(_TorchPad):
    """Pad the last two dims with zeros: ``padding`` an int or ``(left, right, top, bottom)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ZeroPad2d((1, 1, 0, 1))(Tensor(np.ones((1, 2, 3, 4), np.float32))).shape
        (1, 2, 4, 6)
    """

    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0)


ReflectionPad1d = _pad_class("ReflectionPad1d", 1, "reflect", """Mirror the last dim
    (without its edge) by ``padding``: an int or ``(left, right)``, each below its size.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.ReflectionPad1d((2, 1))(Tensor([[1.0, 2.0, 3.0]], float32)).asnumpy()
        array([[3., 2., 1., 2., 3., 2.]], dtype=float32)
    """)
ReflectionPad2d = _pad_class("ReflectionPad2d", 2, "reflect", """Mirror the last two dims
    (without their edges): ``padding`` an int or ``(left, right, top, bottom)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ReflectionPad2d(1)(Tensor(np.ones((1, 2, 2), np.float32))).shape
        (1, 4, 4)
    """)
ReflectionPad3d = _pad_class("ReflectionPad3d", 3, "reflect", """Mirror the last three
    dims (without their edges): ``padding`` an int or six ints.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ReflectionPad3d(1)(Tensor(np.ones((1, 2, 2, 2), np.float32))).shape
        (1, 4, 4, 4)
    """)
ReplicationPad1d = _pad_class("ReplicationPad1d", 1, "replicate", """Repeat the edges
    of the last dim: ``padding`` an int or ``(left, right)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> nn.ReplicationPad1d((2, 1))(Tensor([[1.0, 2.0, 3.0]], float32)).asnumpy()
        array([[1., 1., 1., 2., 3., 3.]], dtype=float32)
    """)
ReplicationPad2d = _pad_class("ReplicationPad2d", 2, "replicate", """Repeat the edges
    of the last two dims: ``padding`` an int or ``(left, right, top, bottom)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ReplicationPad2d((1, 1, 2, 0))(Tensor(np.ones((1, 2, 2), np.float32))).shape
        (1, 4, 4)
    """)
ReplicationPad3d = _pad_class("ReplicationPad3d", 3, "replicate", """Repeat the edges
    of the last three dims: ``padding`` an int or six ints.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> nn.ReplicationPad3d(1)(Tensor(np.ones((1, 1, 1, 1), np.float32))).shape
        (1, 3, 3, 3)
    """)

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "Pad", "ReflectionPad1d",
           "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "ZeroPad2d"]
