"""Small MindSpore primitives over Tensors: casts, shapes, element-wise math, reductions.

Each is a thin front over the array module of its input (NumPy or CuPy), computing on
the device that holds the data; ``ops.operations`` (``P``) and ``ops.functional``
(``F``) re-export them under MindSpore's names.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from .. import _backend
from .._dtype import to_dtype
from .._errors import type_error, value_error
from .._tensor import Tensor


def _array(where: str, arg: str, x: Any) -> Any:
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, "a Tensor")
    return x._read()


def _axes(where: str, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """MindSpore's ``axis``: an int, a tuple/list of ints, or ``()`` for every axis."""
    if isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
        axis = (int(axis),)
    if not isinstance(axis, (tuple, list)) or not all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis):
        raise type_error(where, "axis", axis, "an int or a tuple of ints")
    for a in axis:
        if not -ndim <= a < max(ndim, 1):
            raise value_error(where, "axis", axis, f"axes in [{-ndim}, {ndim})")
    return tuple(int(a) for a in axis) or None


class Cast:
    """``Cast()(x, dtype)``: ``x`` converted to ``dtype`` (a copy)."""

    def __call__(self, x: Any, dtype: Any) -> Tensor:
        _array("Cast", "x", x)
        return x.astype(to_dtype(dtype, "Cast"))


class Reshape:
    """``Reshape()(x, shape)``: ``x`` with a new shape (-1 infers one dimension)."""

    def __call__(self, x: Any, shape: Any) -> Tensor:
        _array("Reshape", "x", x)
        return x.reshape(tuple(shape) if isinstance(shape, list) else shape)


class Transpose:
    """``Transpose()(x, perm)``: ``x`` with its axes permuted."""

    def __call__(self, x: Any, perm: Any) -> Tensor:
        array = _array("Transpose", "x", x)
        if (not isinstance(perm, (tuple, list))
                or sorted(int(p) % max(array.ndim, 1) for p in perm) != list(range(array.ndim))):
            raise value_error("Transpose", "perm", perm,
                              f"a permutation of the {array.ndim} axes of x")
        return Tensor._from_array(array.transpose(tuple(perm)).copy())


class Shape:
    """``Shape()(x)``: the shape of ``x``, a tuple of ints."""

    def __call__(self, x: Any) -> tuple[int, ...]:
        if not isinstance(x, Tensor):
            raise type_error("Shape", "x", x, "a Tensor")
        return x.shape


def _unary(name: str, doc: str, fn: Callable[[Any, Any], Any]) -> type:
    def call(self: Any, x: Any) -> Tensor:
        array = _array(name, "x", x)
        return Tensor._from_array(fn(_backend.get_array_module(array), array))
    return type(name, (), {"__call__": call, "__doc__": doc, "__module__": __name__})


Neg = _unary("Neg", "``Neg()(x)``: ``-x``.", lambda xp, a: -a)
Square = _unary("Square", "``Square()(x)``: ``x * x``.", lambda xp, a: a * a)
Sqrt = _unary("Sqrt", "``Sqrt()(x)``: the square root of each element.", lambda xp, a: xp.sqrt(a))
Exp = _unary("Exp", "``Exp()(x)``: ``e ** x`` for each element.", lambda xp, a: xp.exp(a))
Log = _unary("Log", "``Log()(x)``: the natural logarithm of each element.", lambda xp, a: xp.log(a))
ReLU = _unary("ReLU", "``ReLU()(x)``: ``max(x, 0)``.", lambda xp, a: xp.maximum(a, a.dtype.type(0)))
Sigmoid = _unary("Sigmoid", "``Sigmoid()(x)``: ``1 / (1 + exp(-x))``.",
                 lambda xp, a: (1 / (1 + xp.exp(-a))).astype(a.dtype))
Tanh = _unary("Tanh", "``Tanh()(x)``: the hyperbolic tangent of each element.",
              lambda xp, a: xp.tanh(a))
ZerosLike = _unary("ZerosLike", "``ZerosLike()(x)``: zeros of ``x``'s shape and dtype.",
                   lambda xp, a: xp.zeros_like(a))
OnesLike = _unary("OnesLike", "``OnesLike()(x)``: ones of ``x``'s shape and dtype.",
                  lambda xp, a: xp.ones_like(a))


class RealDiv:
    """``RealDiv()(x, y)``: element-wise ``x / y``."""

    def __call__(self, x: Any, y: Any) -> Tensor:
        if not isinstance(x, Tensor) and not isinstance(y, Tensor):
            raise type_error("RealDiv", "x", x, "a Tensor (x or y)")
        return (x if isinstance(x, Tensor) else Tensor(x)) / y


Div = type("Div", (RealDiv,), {"__doc__": "``Div()(x, y)``: element-wise ``x / y``."})


class _Reduce:
    _name = "ReduceSum"

    def __init__(self, keep_dims: bool = False) -> None:
        if not isinstance(keep_dims, bool):
            raise type_error(self._name, "keep_dims", keep_dims, "a bool")
        self.keep_dims = keep_dims

    def __call__(self, x: Any, axis: Any = ()) -> Tensor:
        array = _array(self._name, "x", x)
        axes = _axes(self._name, axis, array.ndim)
        xp = _backend.get_array_module(array)
        reduce = xp.sum if self._name == "ReduceSum" else xp.mean
        return Tensor._from_array(xp.asarray(reduce(array, axis=axes, keepdims=self.keep_dims)))


class ReduceSum(_Reduce):
    """``ReduceSum(keep_dims=False)(x, axis=())``: the sum over ``axis`` (``()``: all)."""


class ReduceMean(_Reduce):
    """``ReduceMean(keep_dims=False)(x, axis=())``: the mean over ``axis`` (``()``: all)."""

    _name = "ReduceMean"
