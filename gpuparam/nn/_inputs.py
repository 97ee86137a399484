"""The dtype rules every layer applies to its input (docs/layers.md, "Result dtypes"),
and the arguments that Dense and the convolutions check alike.

A layer computes in the dtype of its parameters (``dtype=`` at construction, Float32 by
default) and returns that dtype:

- an input of the layer's dtype is used as it is;
- an integer or bool input is converted to the layer's dtype first (``Dense(3, 4)`` on
  an Int32 tensor gives Float32, never NumPy's float64);
- a floating or complex input of another dtype is refused with a TypeError that says
  which dtype the input has and how to cast it: converting silently would either lose
  precision (Float64 into a Float32 layer) or hide a slow mixed-precision path.
"""

from __future__ import annotations

from typing import Any

from .._backend import Array
from .._dtype import DType, to_dtype
from .._errors import check_bool, check_int, type_error
from .._tensor import Tensor


def layer_input(where: str, x: Any, dtype: DType) -> Array:
    """Return ``x``'s buffer in ``dtype`` under the rules above.

    Raises:
        TypeError: If ``x`` is not a Tensor, or is a float/complex of another dtype.
    """
    if not isinstance(x, Tensor):
        raise type_error(where, "x", x, "a Tensor")
    array = x._read()
    if x.dtype == dtype:
        return array
    if x.dtype.is_floating_point or x.dtype.is_complex:
        raise TypeError(
            f"{where}: the input is {x.dtype}, the layer's weight is {dtype}; cast the "
            f"input (`x.astype(gpuparam.{dtype.name})`).")
    return array.astype(dtype.numpy_dtype)


def layer_dtype(where: str, dtype: Any) -> DType:
    """Check a layer's ``dtype=`` argument: a floating-point gpuparam (or NumPy) dtype."""
    if dtype is None or isinstance(dtype, (bool, int, float, str)):
        raise type_error(where, "dtype", dtype, "a floating-point dtype such as gpuparam.float32")
    checked = to_dtype(dtype, where)
    if not checked.is_floating_point:
        raise type_error(where, "dtype", checked,
                         "a floating-point dtype such as gpuparam.float32 or gpuparam.float16")
    return checked


def channel_args(where: str, in_channels: Any, out_channels: Any, has_bias: Any,
                 dtype: Any) -> tuple[DType, int, int, bool]:
    """Check ``dtype``, ``in_channels``, ``out_channels`` (ints >= 1) and ``has_bias``,
    in that order, as Dense and the convolution layers take them."""
    return (layer_dtype(where, dtype), check_int(where, "in_channels", in_channels, minimum=1),
            check_int(where, "out_channels", out_channels, minimum=1),
            check_bool(where, "has_bias", has_bias))


__all__ = ["channel_args", "layer_dtype", "layer_input"]
