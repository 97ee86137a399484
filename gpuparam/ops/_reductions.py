"""Reductions, running sums and in-place accumulation: ``ReduceMax``, ``ReduceMin``,
``ReduceProd``, ``ReduceAll``, ``ReduceAny``, ``sum``, ``mean``, ``prod``, ``max``,
``min``, ``all``, ``any``, ``CumSum``/``cumsum``, ``AssignAdd``/``assign_add``. Fronts
over ``_array_ops.reductions``.

MindSpore's primitives take ``axis=()`` for every axis (``None`` is refused); its
functions take ``None`` or ``()``. Primitives keep the input's dtype (an integer
``ReduceProd`` is an integer); ``sum`` of an integer tensor is Int64 (as NumPy and
MindSpore 2.x's ``ops.sum``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _array_ops
from .._array_ops import checked_astype, check_scalar_fits
from .._array_ops import reductions as _reductions
from .._backend.streams import check_same_device
from .._dtype import can_cast_safely, to_dtype
from .._errors import check_bool, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ._operands import tensor_array
from .primitive import Primitive


class _Reduce(Primitive):
    _reduce: Any = None
    _bool_only = False

    def __init__(self, keep_dims: bool = False) -> None:
        super().__init__(type(self).__name__)
        self.add_prim_attr("keep_dims", check_bool(self.name, "keep_dims", keep_dims))

    def __call__(self, x: Any, axis: Any = ()) -> Tensor:
        array = tensor_array(self.name, "x", x)
        if self._bool_only and array.dtype != np.bool_:
            raise type_error(self.name, "x", x, "a Tensor of Bool")
        if axis is None:  # MindSpore's primitives take () for every axis, not None
            raise type_error(self.name, "axis", axis, "an int, a tuple of ints or ()")
        return Tensor._wrap(type(self)._reduce(array, axis, self.keep_dims, where=self.name))


class ReduceMax(_Reduce):
    """``ReduceMax(keep_dims=False)(x, axis=())``: the maximum over ``axis`` (``()``: all).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1., 5.], [7., 2.]], np.float32))
        >>> print(ops.ReduceMax(keep_dims=True)(x, 1))
        [[5.]
         [7.]]
    """

    _reduce = staticmethod(_array_ops.max)


class ReduceMin(_Reduce):
    """``ReduceMin(keep_dims=False)(x, axis=())``: the minimum over ``axis`` (``()``: all)."""

    _reduce = staticmethod(_array_ops.min)


class ReduceProd(_Reduce):
    """``ReduceProd(keep_dims=False)(x, axis=())``: the product over ``axis``, in ``x``'s
    dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.ReduceProd()(Tensor(np.array([[1, 2], [3, 4]], np.int32)), 0))
        [3 8]
    """

    _reduce = staticmethod(_reductions.prod)


class ReduceAll(_Reduce):
    """``ReduceAll(keep_dims=False)(x, axis=())``: logical and over ``axis`` of a Bool ``x``."""

    _reduce = staticmethod(_array_ops.all)
    _bool_only = True


class ReduceAny(_Reduce):
    """``ReduceAny(keep_dims=False)(x, axis=())``: logical or over ``axis`` of a Bool ``x``."""

    _reduce = staticmethod(_array_ops.any)
    _bool_only = True


def _dtype_cast(where: str, array: Any, dtype: Any) -> Any:
    return array if dtype is None else array.astype(to_dtype(dtype, where).numpy_dtype)


def sum(input: Any, dim: Any = None, keepdim: bool = False, *,  # noqa: A001, A002
        dtype: Any = None) -> Tensor:
    """The sum over ``dim`` (``None`` or ``()``: every dim), the input first cast to
    ``dtype`` when given; an integer or bool input sums to Int64.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
        >>> print(ops.sum(x)), print(ops.sum(x, dim=1, keepdim=True))
        15.0
        [[ 3.]
         [12.]]
        (None, None)
    """
    array = _dtype_cast("sum", tensor_array("sum", "input", input), dtype)
    _array_ops.check_axes("sum", "dim", dim, array.ndim)  # named as MindSpore names it
    check_bool("sum", "keepdim", keepdim)
    return Tensor._wrap(_array_ops.sum(array, dim, keepdim, where="sum"))


def mean(x: Any, axis: Any = None, keep_dims: bool = False) -> Tensor:
    """The mean over ``axis`` (``None`` or ``()``: every axis), in ``x``'s dtype: an
    integer mean is truncated toward zero, as MindSpore's (the mean 4.75 of an Int64
    tensor is 4).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[9, 3, 4, 5], [5, 2, 7, 4], [8, 1, 3, 6]]))
        >>> print(ops.mean(x)), print(ops.mean(x, axis=1))
        4
        [5 4 4]
        (None, None)
    """
    array = tensor_array("mean", "x", x)
    check_bool("mean", "keep_dims", keep_dims)
    return Tensor._wrap(_reductions.integer_mean(array, axis, keep_dims, where="mean"))


def prod(input: Any, axis: Any = None, keep_dims: bool = False,  # noqa: A002
         dtype: Any = None) -> Tensor:
    """The product over ``axis`` (``None`` or ``()``: every axis) in ``input``'s dtype (or
    ``dtype``, the input cast first).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.prod(Tensor(np.array([[1., 2.], [3., 4.]], np.float32)), 1))
        [ 2. 12.]
    """
    array = _dtype_cast("prod", tensor_array("prod", "input", input), dtype)
    check_bool("prod", "keep_dims", keep_dims)
    return Tensor._wrap(_reductions.prod(array, axis, keep_dims, where="prod"))


def _truth(where: str, reduce: Any, input: Any, axis: Any, keep_dims: Any) -> Tensor:  # noqa: A002
    array = tensor_array(where, "input", input)
    check_bool(where, "keep_dims", keep_dims)
    return Tensor._wrap(reduce(array.astype(bool, copy=False), axis, keep_dims, where=where))


def all(input: Any, axis: Any = None, keep_dims: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether every element over ``axis`` is non-zero (``None`` or ``()``: every axis).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[True, False], [True, True]]))
        >>> print(ops.all(x)), print(ops.all(x, axis=1))
        False
        [False  True]
        (None, None)
    """
    return _truth("all", _array_ops.all, input, axis, keep_dims)


def any(input: Any, axis: Any = None, keep_dims: bool = False) -> Tensor:  # noqa: A001, A002
    """Whether any element over ``axis`` is non-zero (``None`` or ``()``: every axis)."""
    return _truth("any", _array_ops.any, input, axis, keep_dims)


def _extreme(where: str, largest: bool, input: Any, axis: Any, keepdims: Any,  # noqa: A002
             initial: Any, mask: Any) -> tuple[Tensor, Tensor]:
    array = tensor_array(where, "input", input)
    if mask is not None:
        mask_array = tensor_array(where, "where", mask)
        check_same_device(where, ("input", input._device), ("where", mask._device))
    else:
        mask_array = None
    if initial is not None:
        check_scalar_fits(where, "initial", initial, input.dtype)
    values, index = _reductions.masked_extreme(array, axis, keepdims, initial, mask_array,
                                               largest=largest, where=where)
    return Tensor._wrap(values), Tensor._wrap(index)


def max(input: Any, axis: Any = None, keepdims: bool = False, *,  # noqa: A001, A002
        initial: Any = None, where: Any = None) -> tuple[Tensor, Tensor]:
    """``(values, indices)``: the maximum over the int ``axis`` (of every element when
    ``None``) and its Int64 index (the first of equal maxima), as MindSpore 2.x's
    ``ops.max``; only where the Bool ``where`` is true, never below ``initial`` (which
    ``where`` needs: it stands in for the masked-out elements).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[9, 3, 4, 5], [5, 2, 7, 4], [8, 1, 3, 6]]))
        >>> values, indices = ops.max(x, axis=1)
        >>> print(values), print(indices)
        [9 7 8]
        [0 2 0]
        (None, None)
    """
    return _extreme("max", True, input, axis, keepdims, initial, where)


def min(input: Any, axis: Any = None, keepdims: bool = False, *,  # noqa: A001, A002
        initial: Any = None, where: Any = None) -> tuple[Tensor, Tensor]:
    """``(values, indices)``: the minimum over ``axis`` and its Int64 index (``ops.max``'s
    twin: never above ``initial``)."""
    return _extreme("min", False, input, axis, keepdims, initial, where)


class CumSum(Primitive):
    """``CumSum(exclusive=False, reverse=False)(input, axis)``: the running sum along the
    int ``axis``, in ``input``'s dtype; ``exclusive`` leaves each element out of its own
    sum, ``reverse`` sums from the end.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[3., 4.], [1., 6.]], np.float32))
        >>> print(ops.CumSum(reverse=True)(x, 1))
        [[7. 4.]
         [7. 6.]]
    """

    def __init__(self, exclusive: bool = False, reverse: bool = False) -> None:
        super().__init__("CumSum")
        self.add_prim_attr("exclusive", check_bool(self.name, "exclusive", exclusive))
        self.add_prim_attr("reverse", check_bool(self.name, "reverse", reverse))

    def __call__(self, input: Any, axis: Any) -> Tensor:  # noqa: A002
        array = tensor_array(self.name, "input", input)
        return Tensor._wrap(_reductions.cumsum(array, axis, self.exclusive, self.reverse,
                                               where=self.name))


def cumsum(x: Any, axis: Any, dtype: Any = None) -> Tensor:
    """The running sum of ``x`` along the int ``axis``, in ``x``'s dtype unless ``dtype``
    says otherwise.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.cumsum(Tensor(np.array([[1, 2, 3], [4, 5, 6]], np.int32)), axis=1))
        [[ 1  3  6]
         [ 4  9 15]]
    """
    array = tensor_array("cumsum", "x", x)
    target = None if dtype is None else to_dtype(dtype, "cumsum").numpy_dtype
    return Tensor._wrap(_reductions.cumsum(array, axis, dtype=target, where="cumsum"))


class AssignAdd(Primitive):
    """``AssignAdd()(variable, value)``: ``variable += value`` in place, for a Parameter
    ``variable``, and return it. ``value`` (a Tensor or a number) broadcasts to its shape
    and is cast to its dtype when the cast is safe (Int32 into an Int64 step counter),
    else TypeError. A failed call leaves ``variable`` as it was.

    The write goes through the parameter's stream-ordered path: it waits, on the
    device, for every queued read and write of the old values.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Parameter, Tensor, ops
        >>> step = Parameter(Tensor(np.array([1], np.int64)), name="global_step")
        >>> ops.AssignAdd()(step, Tensor(np.array([100], np.int32))) is step
        True
        >>> print(step.asnumpy())
        [101]
    """

    def __init__(self) -> None:
        super().__init__("AssignAdd")

    def __call__(self, variable: Any, value: Any) -> Parameter:
        return _assign_add(self.name, variable, value)


def _assign_add(where: str, variable: Any, value: Any) -> Parameter:
    if not isinstance(variable, Parameter):
        raise type_error(where, "variable", variable, "a Parameter")
    if isinstance(value, Tensor):
        if not can_cast_safely(value.dtype, variable.dtype):
            raise type_error(where, "value", value,
                             f"data that casts safely to {variable.dtype}, not {value.dtype}")
        check_same_device(where, ("variable", variable._device), ("value", value._device))
        addend = checked_astype(value._read(), variable.dtype, where, "value", copy=False)
    elif isinstance(value, (bool, int, float)):
        if isinstance(value, float) and not variable.dtype.is_floating_point:
            raise type_error(where, "value", value, f"an int for a {variable.dtype} parameter")
        check_scalar_fits(where, "value", value, variable.dtype)
        addend = variable.dtype.numpy_dtype.type(value)
    else:
        raise type_error(where, "value", value, "a Tensor or a number")
    shape = tuple(np.shape(addend))
    try:
        fits = np.broadcast_shapes(shape, tuple(variable.shape)) == tuple(variable.shape)
    except ValueError:
        fits = False
    if not fits:
        raise value_error(where, "value", shape,
                          f"a shape that broadcasts to the parameter's {variable.shape}")
    with variable._writing() as buffer:
        buffer += addend
    return variable


def assign_add(variable: Any, value: Any) -> Parameter:
    """``variable += value`` in place for a Parameter, returning it (``ops.AssignAdd()``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Parameter, Tensor, ops
        >>> step = Parameter(Tensor(np.array([1], np.int64)), name="global_step")
        >>> print(ops.assign_add(step, 100).asnumpy())
        [101]
    """
    return _assign_add("assign_add", variable, value)


__all__ = ["AssignAdd", "CumSum", "ReduceAll", "ReduceAny", "ReduceMax", "ReduceMin",
           "ReduceProd", "all", "any", "assign_add", "cumsum", "max", "mean", "min", "prod",
           "sum"]
