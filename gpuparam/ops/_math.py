"""Small MindSpore primitives over Tensors: casts, shapes, element-wise math, reductions.

Each is a thin front over the array module of its input (NumPy or CuPy), computing on
the device that holds the data; ``ops.operations`` (``P``) and ``ops.functional``
(``F``) re-export them under MindSpore's names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _array_ops
from .._dtype import to_dtype
from .._errors import type_error
from .._tensor import Tensor


def _array(where: str, arg: str, x: Any) -> Any:
    if not isinstance(x, Tensor):
        raise type_error(where, arg, x, "a Tensor")
    return x._read()


class Cast:
    """``Cast()(x, dtype)``: ``x`` converted to ``dtype`` (a copy)."""

    def __call__(self, x: Any, dtype: Any) -> Tensor:
        _array("Cast", "x", x)
        return x.astype(to_dtype(dtype, "Cast"))


class Reshape:
    """``Reshape()(x, shape)``: ``x`` with a new shape (-1 infers one dimension)."""

    def __call__(self, x: Any, shape: Any) -> Tensor:
        array = _array("Reshape", "x", x)
        shape = tuple(shape) if isinstance(shape, list) else shape
        return x._view(_array_ops.reshape(array, shape, where="Reshape"))


class Transpose:
    """``Transpose()(x, perm)``: ``x`` with its axes permuted, a view sharing its buffer
    (as ``Tensor.transpose``)."""

    def __call__(self, x: Any, perm: Any) -> Tensor:
        array = _array("Transpose", "x", x)
        return x._view(_array_ops.transpose(array, perm, where="Transpose", arg="perm"))


class Shape:
    """``Shape()(x)``: the shape of ``x``, a tuple of ints."""

    def __call__(self, x: Any) -> tuple[int, ...]:
        if not isinstance(x, Tensor):
            raise type_error("Shape", "x", x, "a Tensor")
        return x.shape


def _unary(name: str, doc: str, fn: Callable[[Any], Any]) -> type:
    """A primitive ``name()(x)`` that is ``fn`` (an array function) on ``x``'s data."""
    def call(self: Any, x: Any) -> Tensor:
        return x._wrap(fn(_array(name, "x", x)))
    return type(name, (), {"__call__": call, "__doc__": doc, "__module__": __name__})


Neg = _unary("Neg", "``Neg()(x)``: ``-x``.", _array_ops.neg)
Square = _unary("Square", "``Square()(x)``: ``x * x``.", _array_ops.square)
Sqrt = _unary("Sqrt", "``Sqrt()(x)``: the square root of each element.", _array_ops.sqrt)
Exp = _unary("Exp", "``Exp()(x)``: ``e ** x`` for each element.", _array_ops.exp)
Log = _unary("Log", "``Log()(x)``: the natural logarithm of each element.", _array_ops.log)
ReLU = _unary("ReLU", "``ReLU()(x)``: ``max(x, 0)``.", _array_ops.relu)
Sigmoid = _unary("Sigmoid", "``Sigmoid()(x)``: ``1 / (1 + exp(-x))``.", _array_ops.sigmoid)
Tanh = _unary("Tanh", "``Tanh()(x)``: the hyperbolic tangent of each element.",
              _array_ops.tanh)
ZerosLike = _unary("ZerosLike", "``ZerosLike()(x)``: zeros of ``x``'s shape and dtype.",
                   _array_ops.zeros_like)
OnesLike = _unary("OnesLike", "``OnesLike()(x)``: ones of ``x``'s shape and dtype.",
                  _array_ops.ones_like)


class RealDiv:
    """``RealDiv()(x, y)``: element-wise ``x / y`` (``x / 0`` is +-inf, ``0 / 0`` NaN, as
    in MindSpore, without NumPy's warning)."""

    def __call__(self, x: Any, y: Any) -> Tensor:
        if not isinstance(x, Tensor) and not isinstance(y, Tensor):
            raise type_error("RealDiv", "x", x, "a Tensor (x or y)")
        with np.errstate(divide="ignore", invalid="ignore"):  # no-op on CuPy, which never warns
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
        if axis is None:  # MindSpore's primitive takes () for every axis, not None
            raise type_error(self._name, "axis", axis, "an int, a tuple of ints or ()")
        reduce = _array_ops.sum if self._name == "ReduceSum" else _array_ops.mean
        return x._wrap(reduce(array, axis, self.keep_dims, where=self._name))


class ReduceSum(_Reduce):
    """``ReduceSum(keep_dims=False)(x, axis=())``: the sum over ``axis`` (``()``: all)."""


class ReduceMean(_Reduce):
    """``ReduceMean(keep_dims=False)(x, axis=())``: the mean over ``axis`` (``()``: all)."""

    _name = "ReduceMean"
