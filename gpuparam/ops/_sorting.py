"""Sorting operators: ``TopK``/``topk``, ``Sort``, ``Argmax``/``argmax``,
``ArgMaxWithValue``, ``ArgMinWithValue``, ``unique_consecutive``. Fronts over
``_array_ops.sorting`` (stable sorts: among equal values the smaller index comes first)
and ``_array_ops.argmax``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _array_ops
from .._dtype import int32, int64, to_dtype
from .._errors import check_bool, check_int, type_error, value_error
from .._tensor import Tensor
from ._operands import tensor_array


def _int32(array: Any) -> Any:
    return array.astype(np.int32)  # an index into one dim: < 2**31 for any tensor that fits


class TopK:
    """``TopK(sorted=True)(input_x, k)``: ``(values, indices)`` of the ``k`` largest
    elements along the last dim, largest first; Int32 indices.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> values, indices = ops.TopK()(Tensor(np.array([1., 2., 3., 4., 5.], np.float16)), 3)
        >>> print(values), print(indices)
        [5. 4. 3.]
        [4 3 2]
        (None, None)
    """

    def __init__(self, sorted: bool = True) -> None:  # noqa: A002
        self.sorted = check_bool("TopK", "sorted", sorted)

    def __call__(self, input_x: Any, k: int) -> tuple[Tensor, Tensor]:
        array = tensor_array("TopK", "input_x", input_x)
        values, indices = _array_ops.topk(array, k, -1, True, where="TopK")
        return Tensor._wrap(values), Tensor._wrap(_int32(indices))


def topk(input: Any, k: int, dim: int | None = None, largest: bool = True,  # noqa: A002
         sorted: bool = True) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(values, indices)`` of the ``k`` largest (``largest=False``: smallest) elements
    along ``dim`` (None: the last); Int32 indices. The values come sorted whatever
    ``sorted`` says (a sorted order is one of the orders ``sorted=False`` allows).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[8, 2, 1], [5, 9, 3], [4, 6, 7]]))
        >>> print(ops.topk(x, 2, dim=0, largest=False)[0])
        [[4 2 1]
         [5 6 3]]
    """
    check_bool("topk", "sorted", sorted)
    array = tensor_array("topk", "input", input)
    values, indices = _array_ops.topk(array, k, -1 if dim is None else dim, largest,
                                      where="topk")
    return Tensor._wrap(values), Tensor._wrap(_int32(indices))


class Sort:
    """``Sort(axis=-1, descending=False)(x)``: ``(values, indices)``, ``x`` sorted along
    ``axis`` (stable) and where each value came from (Int32).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> values, indices = ops.Sort()(Tensor(np.array([[8, 2, 1], [5, 9, 3]], np.float16)))
        >>> print(indices)
        [[2 1 0]
         [2 0 1]]
    """

    def __init__(self, axis: int = -1, descending: bool = False) -> None:
        if isinstance(axis, (tuple, list)):
            raise type_error("Sort", "axis", axis, "an int")
        self.axis = check_int("Sort", "axis", axis)
        self.descending = check_bool("Sort", "descending", descending)

    def __call__(self, x: Any) -> tuple[Tensor, Tensor]:
        array = tensor_array("Sort", "x", x)
        if array.dtype == np.bool_:
            raise type_error("Sort", "x", x, "a tensor of ints or floats")
        values, indices = _array_ops.sort(array, self.axis, self.descending, where="Sort")
        return Tensor._wrap(values), Tensor._wrap(_int32(indices))


class Argmax:
    """``Argmax(axis=-1, output_type=int32)(input_x)``: the index of the maximum along
    ``axis`` (the first of equal maxima), as ``output_type`` (Int32 or Int64).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1., 20., 5.], [67., 8., 9.], [130., 24., 15.]], np.float32))
        >>> print(ops.Argmax()(x))
        [1 0 0]
    """

    def __init__(self, axis: int = -1, output_type: Any = int32) -> None:
        if isinstance(axis, (tuple, list)) or axis is None:
            raise type_error("Argmax", "axis", axis, "an int")
        self.axis = check_int("Argmax", "axis", axis)
        self.output_type = to_dtype(output_type, "Argmax", "output_type")
        if self.output_type not in (int32, int64):
            raise value_error("Argmax", "output_type", output_type, "int32 or int64")

    def __call__(self, input_x: Any) -> Tensor:
        array = tensor_array("Argmax", "input_x", input_x)
        index = _array_ops.argmax(array, self.axis, where="Argmax")
        return Tensor._wrap(index.astype(self.output_type.numpy_dtype))


def argmax(input: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The Int64 index of the maximum along ``dim`` (of the flattened tensor when None).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[9, 3, 4, 5], [5, 2, 7, 4], [8, 1, 3, 6]]))
        >>> print(ops.argmax(x)), print(ops.argmax(x, dim=1, keepdim=True))
        0
        [[0]
         [2]
         [0]]
        (None, None)
    """
    array = tensor_array("argmax", "input", input)
    index = _array_ops.argmax(array, dim, keepdim, where="argmax")
    return Tensor._wrap(index.astype(np.int64, copy=False))


class _ExtremeWithValue:
    _name = "ArgMaxWithValue"
    _largest = True

    def __init__(self, axis: int = 0, keep_dims: bool = False) -> None:
        if isinstance(axis, (tuple, list)):
            raise type_error(self._name, "axis", axis, "an int")
        self.axis = check_int(self._name, "axis", axis)
        self.keep_dims = check_bool(self._name, "keep_dims", keep_dims)

    def __call__(self, input: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
        array = tensor_array(self._name, "input", input)
        index, values = _array_ops.extreme_with_index(array, self.axis, self.keep_dims,
                                                      largest=self._largest, where=self._name)
        return Tensor._wrap(index), Tensor._wrap(values)


class ArgMaxWithValue(_ExtremeWithValue):
    """``ArgMaxWithValue(axis=0, keep_dims=False)(input)``: ``(index, value)`` of the
    maximum along ``axis``: Int64 indices (the first of equal maxima), the input's dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> index, value = ops.ArgMaxWithValue()(Tensor(np.array([0., 0.4, 0.6, 0.7, 0.1])))
        >>> print(index, value)
        3 0.7
    """


class ArgMinWithValue(_ExtremeWithValue):
    """``ArgMinWithValue(axis=0, keep_dims=False)(input)``: ``(index, value)`` of the
    minimum along ``axis`` (``ops.ArgMaxWithValue``'s twin)."""

    _name = "ArgMinWithValue"
    _largest = False


def unique_consecutive(input: Any, return_inverse: bool = False,  # noqa: A002
                       return_counts: bool = False, dim: int | None = None) -> Any:
    """``input`` with each run of equal elements (equal slices along ``dim``) kept once;
    with ``return_inverse`` also the run of each element, with ``return_counts`` each run's
    length (a tuple then, in that order; Int64). May synchronize the device.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1, 1, 2, 2, 3, 1, 1, 2], np.int32))
        >>> output, counts = ops.unique_consecutive(x, return_counts=True)
        >>> print(output), print(counts)
        [1 2 3 1 2]
        [2 2 1 2 1]
        (None, None)
    """
    where = "unique_consecutive"
    values, inverse, counts = _array_ops.unique_consecutive(
        tensor_array(where, "input", input), return_inverse, return_counts, dim, where=where)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return Tensor._wrap(values) if len(out) == 1 else tuple(Tensor._wrap(a) for a in out)


__all__ = ["ArgMaxWithValue", "ArgMinWithValue", "Argmax", "Sort", "TopK", "argmax", "topk",
           "unique_consecutive"]
