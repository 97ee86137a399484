"""Indexing operators: ``Select``/``select``/``where``, ``masked_fill``, ``Gather``/``gather``,
``GatherNd``, ``GatherD``/``gather_elements``, ``ScatterNd``, ``ScatterNdUpdate``,
``nonzero``. Fronts over ``_array_ops.indexing``.

An index out of range is a ValueError on NumPy; on CuPy it is not checked (that would
synchronize the device) and gives unspecified values (``_array_ops.indexing``).
"""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._array_ops import check_scalar_fits, checked_astype
from .._backend.streams import check_same_device
from .._errors import check_bool, check_int, type_error
from .._tensor import Tensor
from ._operands import operand, tensor_array


def _select(where: str, condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
    cond = tensor_array(where, "condition", condition)
    tensors = [("condition", condition)] + [(a, v) for a, v in (("input", input),
                                                                 ("other", other))
                                            if isinstance(v, Tensor)]
    for arg, tensor in tensors[1:]:
        check_same_device(where, ("condition", condition._device), (arg, tensor._device))
    x, y = operand(where, "input", input), operand(where, "other", other)
    return Tensor._wrap(_array_ops.select(cond, x, y, where=where))


class Select:
    """``Select()(condition, input, other)``: ``input`` where the Bool tensor ``condition``
    is true, else ``other`` (Tensors or numbers, broadcast together), in MindSpore's
    promoted dtype (Int32 with Float16 gives Float16).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> cond = Tensor(np.array([True, False]))
        >>> print(ops.Select()(cond, Tensor(np.array([2., 3.], np.float32)), 1.0))
        [2. 1.]
    """

    def __call__(self, condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
        return _select("Select", condition, input, other)


def select(condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input`` where ``condition`` is true, else ``other`` (``ops.Select``)."""
    return _select("select", condition, input, other)


def where(condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input`` where ``condition`` is true, else ``other`` (``ops.Select``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> cond = Tensor(np.array([[True, False], [False, True]]))
        >>> print(ops.where(cond, Tensor(np.arange(4).reshape(2, 2)), 0))
        [[0 0]
         [0 3]]
    """
    return _select("where", condition, input, other)


def masked_fill(input_x: Any, mask: Any, value: Any) -> Tensor:
    """``input_x`` with ``value`` (a number or a 0-d Tensor) where the Bool tensor ``mask``
    (broadcast with ``input_x``) is true; ``input_x``'s dtype. A value outside that dtype's
    range is a ValueError (MindSpore writes inf into Float16 for -1e9); a Tensor value is
    cast with the checked cast (may synchronize the device when it narrows).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1., 2., 3., 4.], np.float32))
        >>> print(ops.masked_fill(x, Tensor(np.array([True, True, False, True])), 0.5))
        [0.5 0.5 3.  0.5]
    """
    where = "masked_fill"
    array = tensor_array(where, "input_x", input_x)
    masks = tensor_array(where, "mask", mask)
    if isinstance(value, Tensor):
        if value.ndim:
            raise type_error(where, "value", value, "a number or a 0-d Tensor")
        fill = checked_astype(value._read(), input_x.dtype, where, "value")
    else:
        fill = operand(where, "value", value)
        if not isinstance(fill, bool) and input_x.dtype.name != "bool_":
            check_scalar_fits(where, "value", fill, input_x.dtype)
    return Tensor._wrap(_array_ops.masked_fill(array, masks, fill, where=where))


class Gather:
    """``Gather(batch_dims=0)(input_params, input_indices, axis)``: the slices of
    ``input_params`` at ``input_indices`` (an Int32/Int64 Tensor; negative counts from
    the end) along ``axis``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> params = Tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
        >>> print(ops.Gather()(params, Tensor(np.array([0, 2], np.int32)), 0))
        [[ 0.  1.  2.  3.]
         [ 8.  9. 10. 11.]]
    """

    def __init__(self, batch_dims: int = 0) -> None:
        self.batch_dims = check_int("Gather", "batch_dims", batch_dims, minimum=0)

    def __call__(self, input_params: Any, input_indices: Any, axis: int) -> Tensor:
        return _gather("Gather", input_params, input_indices, axis, self.batch_dims)


def gather(input_params: Any, input_indices: Any, axis: int, batch_dims: int = 0) -> Tensor:
    """The slices of ``input_params`` at ``input_indices`` along ``axis`` (``ops.Gather``)."""
    return _gather("gather", input_params, input_indices, axis, batch_dims)


def _gather(where: str, params: Any, indices: Any, axis: Any, batch_dims: Any) -> Tensor:
    array = tensor_array(where, "input_params", params)
    index = tensor_array(where, "input_indices", indices)
    check_same_device(where, ("input_params", params._device), ("input_indices", indices._device))
    return Tensor._wrap(_array_ops.gather(array, index, axis, batch_dims, where=where))


class GatherNd:
    """``GatherNd()(input_x, indices)``: ``input_x`` at the index tuples in the last dim of
    ``indices``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[-0.1, 0.3, 3.6], [0.4, 0.5, -3.2]], np.float32))
        >>> print(ops.GatherNd()(x, Tensor(np.array([[0, 0], [1, 1]], np.int32))))
        [-0.1  0.5]
    """

    def __call__(self, input_x: Any, indices: Any) -> Tensor:
        array = tensor_array("GatherNd", "input_x", input_x)
        index = tensor_array("GatherNd", "indices", indices)
        return Tensor._wrap(_array_ops.gather_nd(array, index, where="GatherNd"))


class GatherD:
    """``GatherD()(x, dim, index)``: ``out[i][j] = x[i][index[i][j]]`` for ``dim=1``
    (``ops.gather_elements``)."""

    def __call__(self, x: Any, dim: int, index: Any) -> Tensor:
        return _gather_elements("GatherD", x, dim, index)


def gather_elements(input: Any, dim: int, index: Any) -> Tensor:  # noqa: A002
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (and so on for any dim).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1, 2], [3, 4]], np.int32))
        >>> print(ops.gather_elements(x, 1, Tensor(np.array([[0, 0], [1, 0]], np.int32))))
        [[1 1]
         [4 3]]
    """
    return _gather_elements("gather_elements", input, dim, index)


def _gather_elements(where: str, x: Any, dim: Any, index: Any) -> Tensor:
    array, indices = tensor_array(where, "input", x), tensor_array(where, "index", index)
    return Tensor._wrap(_array_ops.gather_elements(array, dim, indices, where=where))


class ScatterNd:
    """``ScatterNd()(indices, updates, shape)``: zeros of ``shape`` with ``updates`` added
    at ``indices`` (index tuples in their last dim); a repeated index sums its updates.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> indices = Tensor(np.array([[0, 1], [1, 1]], np.int32))
        >>> print(ops.ScatterNd()(indices, Tensor(np.array([3.2, 1.1], np.float32)), (3, 3)))
        [[0.  3.2 0. ]
         [0.  1.1 0. ]
         [0.  0.  0. ]]
    """

    def __call__(self, indices: Any, updates: Any, shape: Any) -> Tensor:
        index = tensor_array("ScatterNd", "indices", indices)
        values = tensor_array("ScatterNd", "updates", updates)
        if not isinstance(shape, (tuple, list)) or not all(
                isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape):
            raise type_error("ScatterNd", "shape", shape, "a tuple of ints > 0")
        return Tensor._wrap(_array_ops.scatter_nd(index, values, tuple(shape), where="ScatterNd"))


class ScatterNdUpdate:
    """``ScatterNdUpdate(use_locking=True)(input_x, indices, updates)``: ``updates``
    written into ``input_x`` (a Parameter or Tensor, in place) at ``indices``; returns
    ``input_x``. ``updates`` must have ``input_x``'s dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Parameter, Tensor, ops
        >>> p = Parameter(Tensor(np.zeros((2, 3), np.float32)), name="p")
        >>> _ = ops.ScatterNdUpdate()(p, Tensor(np.array([[0, 0], [1, 1]], np.int32)),
        ...                           Tensor(np.array([1.0, 2.2], np.float32)))
        >>> print(p.asnumpy())
        [[1.  0.  0. ]
         [0.  2.2 0. ]]
    """

    def __init__(self, use_locking: bool = True) -> None:
        self.use_locking = check_bool("ScatterNdUpdate", "use_locking", use_locking)

    def __call__(self, input_x: Any, indices: Any, updates: Any) -> Any:
        where = "ScatterNdUpdate"
        if not isinstance(input_x, Tensor):
            raise type_error(where, "input_x", input_x, "a Parameter or a Tensor")
        index = tensor_array(where, "indices", indices)
        values = tensor_array(where, "updates", updates)
        check_same_device(where, ("input_x", input_x._device), ("updates", updates._device))
        with input_x._writing() as buffer:  # waits for every queued access of the old data
            _array_ops.scatter_nd_update(buffer, index, values, where=where)
        return input_x


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:  # noqa: A002
    """The indices of the non-zero elements of ``input``: an Int64 ``(count, ndim)``
    tensor, or with ``as_tuple`` one Int64 tensor of ``count`` per dim. May synchronize
    the device (the count makes the shape).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.nonzero(Tensor(np.array([1, 0, 2, 0, 3], np.int32))))
        [[0]
         [2]
         [4]]
    """
    check_bool("nonzero", "as_tuple", as_tuple)
    found = _array_ops.nonzero(tensor_array("nonzero", "input", input), where="nonzero",
                               as_tuple=as_tuple)
    return tuple(Tensor._wrap(i) for i in found) if as_tuple else Tensor._wrap(found)


__all__ = ["Gather", "GatherD", "GatherNd", "ScatterNd", "ScatterNdUpdate", "Select",
           "gather", "gather_elements", "masked_fill", "nonzero", "select", "where"]
