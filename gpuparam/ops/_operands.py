"""A front's arguments made arrays: a Tensor, Tensors on one device, shapes, dtypes.

The operator fronts (``ops.Concat``, ``ops.gather``, ...) check only what is theirs,
MindSpore's argument forms, here, and leave the math and its checks to ``_array_ops``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .. import _backend
from .._backend import Array
from .._backend.streams import check_same_device
from .._dtype import DType, to_dtype
from .._errors import check_shape, type_error
from .._tensor import Tensor


def tensor_array(where: str, arg: str, x: Any) -> Array:
    """``x``'s array (read for this op); TypeError unless ``x`` is a Tensor."""
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, "a Tensor")
    return x._read()


def tensor_arrays(where: str, arg: str, tensors: Any, *, allow_empty: bool = False) -> list[Array]:
    """The arrays of ``tensors`` (a list or tuple of Tensors), all on one device."""
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        raise type_error(where, arg, tensors, "a list or tuple of Tensors")
    if not tensors and not allow_empty:
        raise type_error(where, arg, tensors, "a non-empty list or tuple of Tensors")
    for i, t in enumerate(tensors[1:], 1):
        check_same_device(where, (f"{arg}[0]", tensors[0]._device), (f"{arg}[{i}]", t._device))
    return [t._read() for t in tensors]


def operand(where: str, arg: str, value: Any) -> Any:
    """A Tensor's array, or a Python number as it is (a weak scalar); TypeError otherwise."""
    if isinstance(value, Tensor):
        return value._read()
    if isinstance(value, (bool, numbers.Number)) and not isinstance(value, np.ndarray):
        return value
    raise type_error(where, arg, value, "a Tensor or a Python number")


def scalar_value(where: str, arg: str, value: Any) -> Any:
    """A Python number, or a 0-d (or one-element) Tensor's value. A Tensor's value is read
    to the host: may synchronize the device."""
    if isinstance(value, Tensor):
        if value.size != 1:
            raise type_error(where, arg, value, "a number or a one-element Tensor")
        return value.item()
    if isinstance(value, (bool, numbers.Number)):
        return value.item() if isinstance(value, np.generic) else value
    raise type_error(where, arg, value, "a number or a one-element Tensor")


def shape_arg(where: str, arg: str, shape: Any) -> tuple[int, ...]:
    """A shape: an int, a tuple/list of ints, or a 1-d integer Tensor (read to the host:
    may synchronize the device); sizes >= 0."""
    if isinstance(shape, Tensor):
        if shape.ndim > 1 or not (shape.dtype.name.startswith(("int", "uint"))):
            raise type_error(where, arg, shape, "an int, a tuple of ints or a 1-d int Tensor")
        shape = [int(v) for v in shape.asnumpy().reshape(-1)]
    return check_shape(where, arg, shape, allow_zero=True)


def dtype_arg(where: str, dtype: Any, default: DType, arg: str = "dtype") -> DType:
    """``dtype`` as a gpuparam dtype; ``default`` when it is None."""
    return default if dtype is None else to_dtype(dtype, where, arg)


def active_xp() -> Any:
    """The array module new arrays are made on (the active backend)."""
    return _backend.active_array_module()


def wrap_all(arrays: Any) -> tuple[Tensor, ...]:
    """Each array of ``arrays`` as a new Tensor."""
    return tuple(Tensor._wrap(a) for a in arrays)


def views(x: Tensor, arrays: Any) -> tuple[Tensor, ...]:
    """Each array of ``arrays`` (views of ``x``'s buffer) as a Tensor sharing it."""
    return tuple(x._view(a) for a in arrays)


__all__ = ["active_xp", "dtype_arg", "operand", "scalar_value", "shape_arg", "tensor_array",
           "tensor_arrays", "views", "wrap_all"]
