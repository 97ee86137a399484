"""``mindspore.numpy``'s array-likes made Tensors, with its dtype rules: a Python int is
Int32 (not Int64, as ``gpuparam.Tensor`` makes it), a float Float32, a bool Bool."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._dtype import DType, bool_, float32, int32, to_dtype
from .._errors import check_shape, type_error
from .._tensor import Tensor


def _python_dtype(where: str, data: Any) -> DType:
    host = np.asarray(data)
    if host.dtype == np.bool_:
        return bool_
    if host.dtype.kind in "iu":
        info = np.iinfo(np.int32)
        if host.size and (host.min() < info.min or host.max() > info.max):
            raise ValueError(f"{where}: the ints {data!r} do not fit Int32, mindspore.numpy's "
                             "type for Python ints (MindSpore would wrap them); pass "
                             "dtype=gpuparam.numpy.int64.")
        return int32
    if host.dtype.kind == "f":
        return float32
    raise type_error(where, "a", data, "a Tensor, a NumPy array, or numbers in nested lists")


def as_tensor(where: str, data: Any, dtype: Any = None) -> Tensor:
    """``data`` (a Tensor, a NumPy array, a Python number or nested lists/tuples of them)
    as a Tensor; ``dtype`` casts it (a Tensor without ``dtype`` is returned as it is)."""
    target = None if dtype is None else to_dtype(dtype, where)
    if isinstance(data, Tensor):
        return data if target is None or target == data.dtype else data.astype(target)
    if isinstance(data, np.ndarray):
        return Tensor(data, target)
    if isinstance(data, (bool, numbers.Number, list, tuple)):
        return Tensor(data, target or _python_dtype(where, data))
    raise type_error(where, "a", data, "a Tensor, a NumPy array, or numbers in nested lists")


def as_array(where: str, data: Any, dtype: Any = None) -> Any:
    """``as_tensor(...)``'s array, read for an operation."""
    return as_tensor(where, data, dtype)._read()


def as_operand(where: str, data: Any) -> Any:
    """A Tensor's array, a Python int or float as it is (a weak scalar, Int32's rules
    applied by the caller), anything else converted by ``as_array``."""
    if isinstance(data, (bool, numbers.Number)) and not isinstance(data, np.generic):
        return data
    return as_array(where, data)


def weak_ints_as_int32(result: Any, *operands: Any) -> Any:
    """``result`` as Int32 where only Python ints made it Int64 (mindspore.numpy's rule)."""
    if result.dtype == np.int64 and not any(getattr(o, "dtype", None) == np.int64
                                            for o in operands):
        return result.astype(np.int32)
    return result


def shape_of(where: str, shape: Any) -> tuple[int, ...]:
    """A shape: an int or a tuple/list of ints >= 0."""
    return check_shape(where, "shape", shape, allow_zero=True)


def result(array: Any) -> Tensor:
    """A new Tensor around ``array``."""
    return Tensor._wrap(array)


__all__ = ["as_array", "as_operand", "as_tensor", "result", "shape_of", "weak_ints_as_int32"]
