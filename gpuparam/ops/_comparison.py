"""Comparisons, logical operators and dtype queries: ``ops.Equal``/``equal``/``eq``,
``NotEqual``/``ne``, ``Greater``/``gt``, ``GreaterEqual``/``ge``, ``Less``/``lt``,
``LessEqual``/``le``, ``LogicalAnd``/``Or``/``Xor``/``Not``, ``DType``/``dtype``,
``is_floating_point`` and ``Print``.

Comparisons and logical operators give Bool Tensors (``_array_ops.comparison`` holds
the math and the promotion); ``DType()(x)`` is ``x.dtype``; ``Print()`` writes to stdout
as MindSpore's does in PyNative mode.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .._array_ops import comparison as _cmp
from .._dtype import DType as _DType
from .._errors import type_error
from .._tensor import Tensor
from ._elementwise import binary_arrays
from ._operands import tensor_array
from .primitive import Primitive


def _comparison(name: str, op: str, doc: str) -> type:
    def call(self: Any, x: Any, y: Any) -> Tensor:
        a, b = binary_arrays(name, x, y)
        return Tensor._wrap(_cmp.compare(op, a, b, where=name, args=("x", "y")))

    def init(self: Any) -> None:
        Primitive.__init__(self, name)
    return type(name, (Primitive,), {"__init__": init, "__call__": call, "__doc__": doc,
                                     "__module__": __name__})


def _comparison_function(name: str, op: str, doc: str) -> Callable[..., Tensor]:
    def function(input: Any, other: Any) -> Tensor:  # noqa: A002  (MindSpore's names)
        a, b = binary_arrays(name, input, other, ("input", "other"))
        return Tensor._wrap(_cmp.compare(op, a, b, where=name))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__module__ = __name__
    return function


Equal = _comparison("Equal", "equal", "``Equal()(x, y)``: Bool, ``x == y``.")
NotEqual = _comparison("NotEqual", "not_equal", "``NotEqual()(x, y)``: Bool, ``x != y``.")
Greater = _comparison("Greater", "greater", "``Greater()(x, y)``: Bool, ``x > y``.")
GreaterEqual = _comparison("GreaterEqual", "greater_equal",
                           "``GreaterEqual()(x, y)``: Bool, ``x >= y``.")
Less = _comparison("Less", "less", "``Less()(x, y)``: Bool, ``x < y``.")
LessEqual = _comparison("LessEqual", "less_equal", "``LessEqual()(x, y)``: Bool, ``x <= y``.")

equal = _comparison_function("equal", "equal", "Bool: ``input == other``.")
eq = _comparison_function("eq", "equal", "Bool: ``input == other``.")
not_equal = _comparison_function("not_equal", "not_equal", "Bool: ``input != other``.")
ne = _comparison_function("ne", "not_equal", "Bool: ``input != other``.")
greater = _comparison_function("greater", "greater", "Bool: ``input > other``.")
gt = _comparison_function("gt", "greater", "Bool: ``input > other``.")
greater_equal = _comparison_function("greater_equal", "greater_equal",
                                     "Bool: ``input >= other``.")
ge = _comparison_function("ge", "greater_equal", "Bool: ``input >= other``.")
less = _comparison_function("less", "less", "Bool: ``input < other``.")
lt = _comparison_function("lt", "less", "Bool: ``input < other``.")
less_equal = _comparison_function("less_equal", "less_equal", "Bool: ``input <= other``.")
le = _comparison_function("le", "less_equal", "Bool: ``input <= other``.")


def _logical(name: str, op: str, doc: str) -> type:
    def call(self: Any, x: Any, y: Any) -> Tensor:
        a, b = binary_arrays(name, x, y)
        return Tensor._wrap(_cmp.logical(op, a, b, where=name, args=("x", "y")))

    def init(self: Any) -> None:
        Primitive.__init__(self, name)
    return type(name, (Primitive,), {"__init__": init, "__call__": call, "__doc__": doc,
                                     "__module__": __name__})


def _logical_function(name: str, op: str, doc: str) -> Callable[..., Tensor]:
    def function(input: Any, other: Any) -> Tensor:  # noqa: A002
        a, b = binary_arrays(name, input, other, ("input", "other"))
        return Tensor._wrap(_cmp.logical(op, a, b, where=name))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__module__ = __name__
    return function


LogicalAnd = _logical("LogicalAnd", "and", "``LogicalAnd()(x, y)``: Bool, ``x and y``.")
LogicalOr = _logical("LogicalOr", "or", "``LogicalOr()(x, y)``: Bool, ``x or y``.")
LogicalXor = _logical("LogicalXor", "xor", "``LogicalXor()(x, y)``: Bool, ``x xor y``.")
logical_and = _logical_function("logical_and", "and", "Bool: ``input and other``.")
logical_or = _logical_function("logical_or", "or", "Bool: ``input or other``.")
logical_xor = _logical_function("logical_xor", "xor", "Bool: ``input xor other``.")


class LogicalNot(Primitive):
    """``LogicalNot()(x)``: Bool, ``not x`` (non-zero is True).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.LogicalNot()(Tensor(np.array([True, False]))).asnumpy()
        array([False,  True])
    """

    def __init__(self) -> None:
        super().__init__("LogicalNot")

    def __call__(self, x: Any) -> Tensor:
        return Tensor._wrap(_cmp.logical_not(tensor_array("LogicalNot", "x", x)))


def logical_not(input: Any) -> Tensor:  # noqa: A002
    """Bool: ``not input`` (non-zero is True)."""
    return Tensor._wrap(_cmp.logical_not(tensor_array("logical_not", "input", input)))


class DType(Primitive):
    """``DType()(x)``: the dtype of the Tensor ``x``.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> print(ops.DType()(Tensor(np.zeros((2, 2), np.float32))))
        Float32
    """

    def __init__(self) -> None:
        super().__init__("DType")

    def __call__(self, x: Any) -> _DType:
        return dtype(x, where="DType")


def dtype(x: Any, *, where: str = "dtype") -> _DType:
    """The dtype of the Tensor ``x`` (``ops.DType()(x)``)."""
    if not isinstance(x, Tensor):
        raise type_error(where, "x", x, "a Tensor")
    return x.dtype


def is_floating_point(input: Any) -> bool:  # noqa: A002
    """Whether the Tensor ``input`` holds floats (Float16, BFloat16, Float32, Float64).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.is_floating_point(Tensor(np.zeros(2, np.float16)))
        True
    """
    if not isinstance(input, Tensor):
        raise type_error("is_floating_point", "input", input, "a Tensor")
    return input.dtype.is_floating_point


def _printable(where: str, value: Any) -> list[str]:
    if isinstance(value, Tensor):
        return [repr(value)]  # MindSpore prints Tensors as their repr: shape, dtype, values
    if isinstance(value, (tuple, list)):
        return [line for item in value for line in _printable(where, item)]
    if isinstance(value, (str, bool, int, float)):
        return [str(value)]
    raise type_error(where, "input_x", value, "Tensors, strings, numbers or tuples of them")


class Print(Primitive):
    """``Print()(*input_x)``: print each argument on its own line to stdout (a Tensor as
    ``Tensor(shape=..., dtype=..., value=...)``, a string as it is), as MindSpore's
    PyNative mode does; returns None. Reads the Tensors: may synchronize the device.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Print()("x:", Tensor(np.ones((2, 1), np.int32)))
        x:
        Tensor(shape=[2, 1], dtype=Int32, value=
        [[1],
         [1]])
    """

    def __init__(self) -> None:
        super().__init__("Print")

    def __call__(self, *input_x: Any) -> None:
        lines = [line for value in input_x for line in _printable("Print", value)]  # check all
        for line in lines:
            print(line, file=sys.stdout)  # noqa: T201  (printing is this primitive's job)
        sys.stdout.flush()


__all__ = ["DType", "Equal", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd",
           "LogicalNot", "LogicalOr", "LogicalXor", "NotEqual", "Print", "dtype", "eq",
           "equal", "ge", "greater", "greater_equal", "gt", "is_floating_point", "le", "less",
           "less_equal", "logical_and", "logical_not", "logical_or", "logical_xor", "lt", "ne",
           "not_equal"]
