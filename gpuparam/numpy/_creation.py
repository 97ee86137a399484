"""``mindspore.numpy``'s array creation: ``array``, ``asarray``, ``zeros``, ``ones``,
``empty``, ``full``, ``zeros_like``, ``ones_like``, ``arange``, ``eye``, ``meshgrid``,
``tril``, ``triu``, ``copy``. Python ints make Int32 and floats Float32, as in
``mindspore.numpy``; creation functions default to Float32.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import _array_ops, _backend
from .._array_ops import check_scalar_fits
from .._dtype import DType, float32, int32, to_dtype
from .._errors import check_int, type_error
from .._tensor import Tensor
from ._convert import as_array, as_tensor, result, shape_of


def array(obj: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0) -> Tensor:
    """A Tensor of ``obj`` (a Tensor, NumPy array, number or nested lists; Python ints
    give Int32), cast to ``dtype`` if given, with at least ``ndmin`` dims (leading 1s).

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.array([1, 2, 3])), mnp.array([1.5]).dtype, mnp.array(1, ndmin=2).shape
        [1 2 3]
        (None, gpuparam.float32, (1, 1))
    """
    tensor = as_tensor("array", obj, dtype)
    if copy and tensor is obj:
        tensor = Tensor(obj)
    lead = check_int("array", "ndmin", ndmin, minimum=0) - tensor.ndim
    return tensor.reshape((1,) * lead + tensor.shape) if lead > 0 else tensor


def asarray(a: Any, dtype: Any = None) -> Tensor:
    """``array(a, dtype, copy=False)``: a Tensor is returned as it is when no cast is needed."""
    return as_tensor("asarray", a, dtype)


def _filled(where: str, shape: Any, value: Any, dtype: DType) -> Tensor:
    if not isinstance(value, bool) and dtype.name != "bool_":
        check_scalar_fits(where, "fill_value", value, dtype)
    xp = _backend.active_array_module()
    return result(_array_ops.full(xp, shape_of(where, shape), value, dtype.numpy_dtype,
                                  where=where))


def zeros(shape: Any, dtype: Any = float32) -> Tensor:
    """Zeros of ``shape``, Float32 unless ``dtype`` says otherwise.

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.zeros((2, 2)))
        [[0. 0.]
         [0. 0.]]
    """
    return _filled("zeros", shape, 0, to_dtype(dtype, "zeros"))


def ones(shape: Any, dtype: Any = float32) -> Tensor:
    """Ones of ``shape``, Float32 unless ``dtype`` says otherwise."""
    return _filled("ones", shape, 1, to_dtype(dtype, "ones"))


def empty(shape: Any, dtype: Any = float32) -> Tensor:
    """A tensor of ``shape`` whose values are not to be relied on; gpuparam gives zeros
    (as MindSpore's CPU backend does), never leftover memory."""
    return _filled("empty", shape, 0, to_dtype(dtype, "empty"))


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """``fill_value`` (a number, or a Tensor broadcast to ``shape``) in every element of
    ``shape``; the dtype of ``fill_value`` (Python ints Int32) unless ``dtype`` says."""
    if isinstance(fill_value, (bool, numbers.Number)) and not isinstance(fill_value, np.generic):
        target = as_tensor("full", fill_value).dtype if dtype is None else to_dtype(dtype, "full")
        return _filled("full", shape, fill_value, target)
    values = as_array("full", fill_value, dtype)
    xp = _backend.get_array_module(values)
    return result(xp.array(_array_ops.broadcast_to(values, shape_of("full", shape), where="full")))


def _like(where: str, a: Any, value: Any, dtype: Any, shape: Any) -> Tensor:
    like = as_tensor(where, a)
    target = like.dtype if dtype is None else to_dtype(dtype, where)
    return _filled(where, like.shape if shape is None else shape, value, target)


def zeros_like(a: Any, dtype: Any = None, shape: Any = None) -> Tensor:
    """Zeros of ``a``'s shape and dtype (unless ``shape``/``dtype`` say otherwise)."""
    return _like("zeros_like", a, 0, dtype, shape)


def ones_like(a: Any, dtype: Any = None, shape: Any = None) -> Tensor:
    """Ones of ``a``'s shape and dtype (unless ``shape``/``dtype`` say otherwise)."""
    return _like("ones_like", a, 1, dtype, shape)


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Tensor:
    """``start, start + step, ...`` before ``stop`` (``arange(n)``: ``0 .. n-1``): Int32
    when all are ints, Float32 otherwise, unless ``dtype`` says.

    Example:
        >>> import gpuparam.numpy as mnp
        >>> print(mnp.arange(3)), print(mnp.arange(0, 1, 0.25))
        [0 1 2]
        [0.   0.25 0.5  0.75]
        (None, None)
    """
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    values = [start, stop, step]
    for arg, value in zip(("start", "stop", "step"), values):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise type_error("arange", arg, value, "an int or a float")
    if dtype is None:
        target = int32 if all(isinstance(v, numbers.Integral) for v in values) else float32
    else:
        target = to_dtype(dtype, "arange")
    return result(_array_ops.arange(_backend.active_array_module(), start, stop, step,
                                    target.numpy_dtype, where="arange"))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float32) -> Tensor:  # noqa: N803
    """An ``(N, M)`` tensor with ones on the ``k``-th diagonal, zeros elsewhere."""
    rows = check_int("eye", "N", N, minimum=0)
    cols = rows if M is None else check_int("eye", "M", M, minimum=0)
    xp = _backend.active_array_module()
    return result(xp.eye(rows, cols, check_int("eye", "k", k),
                         dtype=to_dtype(dtype, "eye").numpy_dtype))


def meshgrid(*xi: Any, sparse: bool = False, indexing: str = "xy") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-d arrays (``numpy.meshgrid``); promoted to one dtype."""
    arrays = _array_ops.check_arrays("meshgrid", "xi", [as_array("meshgrid", x) for x in xi],
                                     promote=True)
    return tuple(result(g) for g in _array_ops.meshgrid(arrays, indexing, sparse=sparse,
                                                        where="meshgrid"))


def _triangle(where: str, m: Any, k: int, lower: bool) -> Tensor:
    values = as_array(where, m)
    if values.ndim == 1:  # numpy.tril's rule: a vector is the rows of a square matrix
        values = _array_ops.broadcast_to(values, values.shape * 2, where=where)
    return result(_array_ops.triangle(values, k, lower=lower, where=where))


def tril(m: Any, k: int = 0) -> Tensor:
    """``m`` with the elements above its ``k``-th diagonal zeroed (a 1-d ``m`` is the rows
    of a square matrix)."""
    return _triangle("tril", m, k, True)


def triu(m: Any, k: int = 0) -> Tensor:
    """``m`` with the elements below its ``k``-th diagonal zeroed."""
    return _triangle("triu", m, k, False)


def copy(a: Any) -> Tensor:
    """A copy of ``a``."""
    return result(as_array("copy", a).copy())


__all__ = ["arange", "array", "asarray", "copy", "empty", "eye", "full", "meshgrid", "ones",
           "ones_like", "tril", "triu", "zeros", "zeros_like"]
