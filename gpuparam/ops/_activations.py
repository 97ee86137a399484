"""Softmax-family and smooth activations as MindSpore's primitives and functions.

``ops.Softmax(axis)(x)``, ``ops.softmax(input, axis, dtype=)``, ``ops.LogSoftmax``,
``ops.log_softmax``, ``ops.gelu``, ``ops.silu``, ``ops.Softplus``, ``ops.softplus``: thin
fronts over ``gpuparam._array_ops``; float16/32/64 inputs only (MindSpore has no
integer kernel for them), the result in the input's dtype.
"""

from __future__ import annotations

import numbers
from typing import Any

from .. import _array_ops
from .._dtype import to_dtype
from .._errors import check_choice, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input
from .primitive import Primitive


def _int_axis(where: str, axis: Any) -> int:
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise type_error(where, "axis", axis, "an int")
    return int(axis)


def _softmax_over(where: str, array: Any, axes: tuple[int, ...], log: bool) -> Any:
    """Softmax over several axes: they are moved last and merged into one."""
    checked = _array_ops.check_axes(where, "axis", axes, array.ndim) or tuple(range(array.ndim))
    rest = [a for a in range(array.ndim) if a not in checked]
    moved = array.transpose(rest + list(checked))
    merged = moved.reshape(moved.shape[:len(rest)] + (-1,))
    fn = _array_ops.log_softmax if log else _array_ops.softmax
    out = fn(merged, -1, where=where).reshape(moved.shape)
    inverse = [0] * array.ndim
    for position, axis in enumerate(rest + list(checked)):
        inverse[axis] = position
    return out.transpose(inverse)


class Softmax(Primitive):
    """``Softmax(axis=-1)(x)``: ``exp(x) / sum(exp(x))`` over ``axis`` (an int, or a
    non-empty tuple of ints: the sum runs over all of them).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Softmax()(Tensor(np.array([1.0, 1.0], np.float32))).asnumpy()
        array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, axis: Any = -1) -> None:
        super().__init__("Softmax")
        if isinstance(axis, (tuple, list)):
            if not axis:
                raise value_error("Softmax", "axis", axis, "an int or a non-empty tuple of ints")
            for a in axis:
                _int_axis("Softmax", a)
            axis = tuple(int(a) for a in axis)
        else:
            axis = _int_axis("Softmax", axis)
        self.add_prim_attr("axis", axis)

    def __call__(self, x: Any) -> Tensor:
        array = float_input("Softmax", "x", x)
        if isinstance(self.axis, tuple) and len(self.axis) > 1:
            return Tensor._wrap(_softmax_over("Softmax", array, self.axis, log=False))
        axis = self.axis[0] if isinstance(self.axis, tuple) else self.axis
        return Tensor._wrap(_array_ops.softmax(array, axis, where="Softmax"))


class LogSoftmax(Primitive):
    """``LogSoftmax(axis=-1)(logits)``: ``x - log(sum(exp(x)))`` over the int ``axis``."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__("LogSoftmax")
        self.add_prim_attr("axis", _int_axis("LogSoftmax", axis))

    def __call__(self, logits: Any) -> Tensor:
        array = float_input("LogSoftmax", "logits", logits)
        return Tensor._wrap(_array_ops.log_softmax(array, self.axis, where="LogSoftmax"))


class Softplus(Primitive):
    """``Softplus()(x)``: ``log(1 + exp(x))``, computed without overflow."""

    def __init__(self) -> None:
        super().__init__("Softplus")

    def __call__(self, x: Any) -> Tensor:
        array = float_input("Softplus", "x", x)
        return Tensor._wrap(_array_ops.softplus(array, 1.0, float("inf")))


def softmax(input: Any, axis: int = -1, *, dtype: Any = None) -> Tensor:  # noqa: A002
    """``exp(x) / sum(exp(x))`` over the int ``axis``; ``dtype`` casts the input first.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.softmax(Tensor(np.array([1, 2, 3, 4, 5], np.float32))).asnumpy()
        array([0.01165623, 0.03168492, 0.08612854, 0.23412165, 0.6364086 ],
              dtype=float32)
    """
    axis = _int_axis("softmax", axis)
    if dtype is not None:
        if not isinstance(input, Tensor):
            raise type_error("softmax", "input", input, "a Tensor")
        input = input.astype(to_dtype(dtype, "softmax"))
    array = float_input("softmax", "input", input)
    return Tensor._wrap(_array_ops.softmax(array, axis, where="softmax"))


def log_softmax(logits: Any, axis: int = -1) -> Tensor:
    """``x - log(sum(exp(x)))`` over the int ``axis``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.log_softmax(Tensor(np.array([1, 2, 3, 4, 5], np.float32))).asnumpy()
        array([-4.4519143 , -3.4519143 , -2.4519143 , -1.4519144 , -0.45191443], dtype=float32)
    """
    axis = _int_axis("log_softmax", axis)
    array = float_input("log_softmax", "logits", logits)
    return Tensor._wrap(_array_ops.log_softmax(array, axis, where="log_softmax"))


def gelu(input: Any, approximate: str = "none") -> Tensor:  # noqa: A002
    """GELU: ``0.5 * x * (1 + erf(x / sqrt(2)))``; ``approximate='tanh'`` for the tanh form.

    Example:
        >>> from gpuparam import Tensor, ops, float32
        >>> ops.gelu(Tensor([1.0, 2.0, 3.0], float32)).asnumpy()
        array([0.8413448, 1.9544997, 2.9959502], dtype=float32)
    """
    check_choice("gelu", "approximate", approximate, ("none", "tanh"))
    array = float_input("gelu", "input", input)
    return Tensor._wrap(_array_ops.gelu(array, approximate))


def silu(input: Any) -> Tensor:  # noqa: A002
    """SiLU (Swish): ``x * sigmoid(x)``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.silu(Tensor(np.array([-1, 2, -3, 2, -1], np.float16))).asnumpy()
        array([-0.269 ,  1.762 , -0.1423,  1.762 , -0.269 ], dtype=float16)
    """
    return Tensor._wrap(_array_ops.silu(float_input("silu", "input", input)))


def softplus(input: Any, beta: float = 1, threshold: float = 20) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.softplus(Tensor(np.array([0.1, 0.2, 30, 25], np.float32))).asnumpy()
        array([ 0.7443967 ,  0.79813886, 30.        , 25.        ], dtype=float32)
    """
    beta = check_real("softplus", "beta", beta)
    if beta == 0:
        raise value_error("softplus", "beta", beta, "a non-zero number")
    threshold = check_real("softplus", "threshold", threshold)
    array = float_input("softplus", "input", input)
    return Tensor._wrap(_array_ops.softplus(array, beta, threshold))


__all__ = ["LogSoftmax", "Softmax", "Softplus", "gelu", "log_softmax", "silu", "softmax",
           "softplus"]
