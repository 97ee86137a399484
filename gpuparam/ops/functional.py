"""MindSpore's ``ops.functional`` path, imported as ``F``: functions over Tensors.

Only functions MindSpore also has, with its names and argument order.

Example:
    >>> import numpy as np
    >>> from gpuparam import Tensor
    >>> from gpuparam.ops import functional as F
    >>> F.reshape(Tensor(np.arange(6, dtype=np.float32)), (2, 3)).shape
    (2, 3)
"""

from __future__ import annotations

from .._errors import missing_mindspore_name
from typing import Any

from .._tensor import Tensor
from ._depend import depend as depend
from ._math import (Cast, Div, Exp, Log, Neg, OnesLike, ReLU, Reshape, Shape, Sigmoid, Sqrt,
                    Square, Tanh, Transpose, ZerosLike)
from ._primitives import Add, Assign, MatMul, Mul, Sub


def assign(variable: Any, value: Any) -> Any:
    """Write ``value`` into the Parameter ``variable`` and return it (``ops.Assign``)."""
    return Assign()(variable, value)


def add(input: Any, other: Any) -> Tensor:  # noqa: A002  (MindSpore's argument name)
    """Element-wise ``input + other``."""
    return Add()(input, other)


def sub(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input - other``."""
    return Sub()(input, other)


def mul(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input * other``."""
    return Mul()(input, other)


def div(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Element-wise ``input / other``."""
    return Div()(input, other)


def matmul(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Matrix product ``input @ other``."""
    return MatMul()(input, other)


def cast(input_x: Any, type_: Any) -> Tensor:
    """``input_x`` converted to the dtype ``type_``."""
    return Cast()(input_x, type_)


def reshape(input_x: Any, input_shape: Any) -> Tensor:
    """``input_x`` with the shape ``input_shape``."""
    return Reshape()(input_x, input_shape)


def transpose(input_x: Any, input_perm: Any) -> Tensor:
    """``input_x`` with its axes permuted by ``input_perm``."""
    return Transpose()(input_x, input_perm)


def shape(input_x: Any) -> tuple[int, ...]:
    """The shape of ``input_x``."""
    return Shape()(input_x)


def neg(input: Any) -> Tensor:  # noqa: A002
    """``-input``."""
    return Neg()(input)


def square(input: Any) -> Tensor:  # noqa: A002
    """``input * input``."""
    return Square()(input)


def sqrt(x: Any) -> Tensor:
    """The element-wise square root."""
    return Sqrt()(x)


def exp(input: Any) -> Tensor:  # noqa: A002
    """The element-wise exponential."""
    return Exp()(input)


def log(input: Any) -> Tensor:  # noqa: A002
    """The element-wise natural logarithm."""
    return Log()(input)


def relu(input: Any) -> Tensor:  # noqa: A002
    """``max(input, 0)``."""
    return ReLU()(input)


def sigmoid(input: Any) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-input))``."""
    return Sigmoid()(input)


def tanh(input: Any) -> Tensor:  # noqa: A002
    """The element-wise hyperbolic tangent."""
    return Tanh()(input)


def zeros_like(input: Any) -> Tensor:  # noqa: A002
    """Zeros of ``input``'s shape and dtype."""
    return ZerosLike()(input)


def ones_like(input: Any) -> Tensor:  # noqa: A002
    """Ones of ``input``'s shape and dtype."""
    return OnesLike()(input)


__all__ = ["add", "assign", "cast", "depend", "div", "exp", "log", "matmul", "mul", "neg",
           "ones_like", "relu", "reshape", "shape", "sigmoid", "sqrt", "square", "sub",
           "tanh", "transpose", "zeros_like"]


def __getattr__(name: str) -> object:
    # A MindSpore name gpuparam does not provide: say so, and where the list is.
    raise missing_mindspore_name(__name__, name)
