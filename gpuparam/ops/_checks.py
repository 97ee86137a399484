"""Input checks the nn-function fronts share: Tensor arguments, float dtypes, equal dtypes.

Each names the public function and the argument, says what was given and what is
accepted, and returns the raw array, so a front reads ``x = float_input("gelu", "input",
input)`` and goes on with the array function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array
from .._errors import type_error, value_error
from .._tensor import Tensor

FLOATS = ("Float16", "Float32", "Float64")


def tensor_input(where: str, arg: str, x: Any) -> Array:
    """``x``'s array; TypeError unless ``x`` is a Tensor."""
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, "a Tensor")
    return x._read()


def float_input(where: str, arg: str, x: Any, accepted: tuple[str, ...] = FLOATS) -> Array:
    """``x``'s array; TypeError unless ``x`` is a Tensor of one of the ``accepted`` dtypes."""
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, f"a Tensor of {'/'.join(accepted)}")
    if str(x.dtype) not in accepted:
        raise type_error(where, arg, x, f"a Tensor of {'/'.join(accepted)}, not {x.dtype} "
                         "(cast it with x.astype(...))")
    return x._read()


def same_dtype(where: str, first: tuple[str, Any], *others: tuple[str, Any]) -> None:
    """TypeError unless every ``(arg, array)`` has the dtype of ``first``."""
    name, array = first
    for other_name, other in others:
        if other.dtype != array.dtype:
            raise TypeError(f"{where}: `{other_name}` must have the dtype of `{name}` "
                            f"({array.dtype}), got {other.dtype}.")


def same_shape(where: str, first: tuple[str, Any], *others: tuple[str, Any]) -> None:
    """ValueError unless every ``(arg, array)`` has the shape of ``first``."""
    name, array = first
    for other_name, other in others:
        if tuple(other.shape) != tuple(array.shape):
            raise value_error(where, other_name, tuple(other.shape),
                              f"the shape of `{name}` {tuple(array.shape)}")


def ndim_input(where: str, arg: str, array: Array, ndims: tuple[int, ...], layout: str) -> None:
    """ValueError unless ``array`` has one of ``ndims`` dimensions."""
    if array.ndim not in ndims:
        raise value_error(where, arg, tuple(array.shape), f"a {layout} tensor")


def promoted(*arrays: Array) -> np.dtype:
    """NumPy's result dtype of ``arrays`` (float16 with float32 gives float32, as MindSpore)."""
    return np.result_type(*[a.dtype for a in arrays])


__all__ = ["FLOATS", "float_input", "ndim_input", "promoted", "same_dtype", "same_shape",
           "tensor_input"]
