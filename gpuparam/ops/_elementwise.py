"""Elementwise math primitives and functions: ``ops.Abs``/``abs``, ``Sin``/``sin``,
``Floor``, ``Round``, ``Rsqrt``, ``Reciprocal``, ``Sign``, ``Erf``, ``Maximum``/``maximum``,
``Pow``/``pow``, ``FloorMod``, ``FloorDiv``, ``Mod``, ``Atan2``, ``AddN``,
``clip_by_value``, ``clamp``, ``isnan``/``isinf``/``isfinite``, ``tensor_add``.

Thin fronts over ``gpuparam._array_ops`` (the math, MindSpore's result dtypes and
promotion live there): a front turns its arguments into arrays (a Tensor, or a Python
number kept as a weak scalar) and wraps the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _array_ops
from .._array_ops import elementwise as _ew
from .._backend.streams import check_same_device
from .._errors import type_error
from .._tensor import Tensor
from ._operands import operand, tensor_array, tensor_arrays
from ._primitives import Add
from .primitive import Primitive


def binary_arrays(where: str, x: Any, y: Any, args: tuple[str, str] = ("x", "y")) -> tuple[Any, Any]:
    """The arrays (or weak Python numbers) of two operands, at least one a Tensor, both
    Tensors on one device."""
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise type_error(where, args[0], x, f"a Tensor (`{args[0]}` or `{args[1]}`)")
    a, b = operand(where, args[0], x), operand(where, args[1], y)
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        check_same_device(where, (args[0], x._device), (args[1], y._device))
    return a, b


def _unary(name: str, fn: Callable[..., Any], doc: str, *, where_arg: bool = False) -> type:
    """A primitive ``name()(x)`` computing the array function ``fn`` on ``x``'s data."""
    def call(self: Any, x: Any) -> Tensor:
        array = tensor_array(name, "x", x)
        return Tensor._wrap(fn(array, where=name) if where_arg else fn(array))

    def init(self: Any) -> None:
        Primitive.__init__(self, name)
    return type(name, (Primitive,), {"__init__": init, "__call__": call, "__doc__": doc,
                                     "__module__": __name__})


def _binary(name: str, fn: Callable[..., Any], doc: str) -> type:
    """A primitive ``name()(x, y)`` computing ``fn`` (an array function of two operands)."""
    def call(self: Any, x: Any, y: Any) -> Tensor:
        a, b = binary_arrays(name, x, y)
        return Tensor._wrap(fn(a, b, where=name, args=("x", "y")))

    def init(self: Any) -> None:
        Primitive.__init__(self, name)
    return type(name, (Primitive,), {"__init__": init, "__call__": call, "__doc__": doc,
                                     "__module__": __name__})


Abs = _unary("Abs", _array_ops.abs, "``Abs()(x)``: ``|x|`` in ``x``'s dtype.")
Sin = _unary("Sin", _ew.sin, "``Sin()(x)``: the sine (Float32 for integers).")
Cos = _unary("Cos", _ew.cos, "``Cos()(x)``: the cosine (Float32 for integers).")
Tan = _unary("Tan", _ew.tan, "``Tan()(x)``: the tangent (Float32 for integers).")
Floor = _unary("Floor", _ew.floor, "``Floor()(x)``: rounded down; float inputs only.",
               where_arg=True)
Ceil = _unary("Ceil", _ew.ceil, "``Ceil()(x)``: rounded up; float inputs only.", where_arg=True)
Rint = _unary("Rint", _ew.rint, "``Rint()(x)``: rounded to the nearest integer, halves to "
              "even; float inputs only.", where_arg=True)
Round = _unary("Round", _ew.round, "``Round()(x)``: rounded to the nearest integer, halves "
               "to even (integers unchanged).", where_arg=True)
Rsqrt = _unary("Rsqrt", _ew.rsqrt, "``Rsqrt()(x)``: ``1 / sqrt(x)``; float inputs only.",
               where_arg=True)
Reciprocal = _unary("Reciprocal", _ew.reciprocal,
                    "``Reciprocal()(x)``: ``1 / x`` (Float32 for integers).")
Sign = _unary("Sign", _ew.sign, "``Sign()(x)``: -1, 0 or 1 in ``x``'s dtype (NaN gives 0).")
IsNan = _unary("IsNan", _ew.isnan, "``IsNan()(x)``: Bool, where ``x`` is NaN.")
IsInf = _unary("IsInf", _ew.isinf, "``IsInf()(x)``: Bool, where ``x`` is +-inf.")
IsFinite = _unary("IsFinite", _ew.isfinite, "``IsFinite()(x)``: Bool, where ``x`` is finite.")
Maximum = _binary("Maximum", _ew.maximum, "``Maximum()(x, y)``: the larger at each element.")
Minimum = _binary("Minimum", _ew.minimum, "``Minimum()(x, y)``: the smaller at each element.")
Pow = _binary("Pow", _ew.pow, "``Pow()(x, y)``: ``x ** y`` (integers to negative powers "
              "truncate toward zero, as MindSpore).")
FloorDiv = _binary("FloorDiv", _ew.floor_div, "``FloorDiv()(x, y)``: ``floor(x / y)``.")
FloorMod = _binary("FloorMod", _ew.floor_mod,
                   "``FloorMod()(x, y)``: the remainder with the sign of ``y``.")
Mod = _binary("Mod", _ew.truncate_mod, "``Mod()(x, y)``: the remainder with the sign of ``x``.")
Atan2 = _binary("Atan2", _ew.atan2, "``Atan2()(x, y)``: ``arctan(x / y)`` in the quadrant "
                "of ``(y, x)``.")


class Erf(Primitive):
    """``Erf()(x)``: the error function of each element; float inputs only.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.Erf()(Tensor(np.array([0.0, 1.0], np.float32))).asnumpy()
        array([0.       , 0.8427008], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__("Erf")

    def __call__(self, x: Any) -> Tensor:
        return erf(x, where="Erf")


def erf(input: Any, *, where: str = "erf") -> Tensor:  # noqa: A002
    """The error function of each element of a float Tensor."""
    array = tensor_array(where, "input", input)
    return Tensor._wrap(_array_ops.erf(_ew._float_only(array, where)))


class AddN(Primitive):
    """``AddN()(x)``: the sum of a list or tuple of Tensors of one shape and dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1, 2, 3], np.float32))
        >>> ops.AddN()((x, x, x)).asnumpy()
        array([3., 6., 9.], dtype=float32)
    """

    def __init__(self) -> None:
        super().__init__("AddN")

    def __call__(self, x: Any) -> Tensor:
        return Tensor._wrap(_ew.add_n(tensor_arrays("AddN", "x", x), where="AddN"))


def addn(x: Any) -> Tensor:
    """The sum of a list or tuple of Tensors of one shape and dtype (``ops.AddN``)."""
    return Tensor._wrap(_ew.add_n(tensor_arrays("addn", "x", x), where="addn"))


def _unary_function(name: str, fn: Callable[..., Any], doc: str, *,
                    where_arg: bool = False) -> Callable[..., Tensor]:
    def function(input: Any) -> Tensor:  # noqa: A002  (MindSpore's argument name)
        array = tensor_array(name, "input", input)
        return Tensor._wrap(fn(array, where=name) if where_arg else fn(array))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__module__ = __name__
    return function


abs = _unary_function("abs", _array_ops.abs, "``|input|`` in its dtype.")  # noqa: A001
sin = _unary_function("sin", _ew.sin, "The sine of each element (Float32 for integers).")
cos = _unary_function("cos", _ew.cos, "The cosine of each element (Float32 for integers).")
tan = _unary_function("tan", _ew.tan, "The tangent of each element (Float32 for integers).")
floor = _unary_function("floor", _ew.floor, "Each element rounded down; float inputs only.",
                        where_arg=True)
ceil = _unary_function("ceil", _ew.ceil, "Each element rounded up; float inputs only.",
                       where_arg=True)
rsqrt = _unary_function("rsqrt", _ew.rsqrt, "``1 / sqrt(input)``; float inputs only.",
                        where_arg=True)
reciprocal = _unary_function("reciprocal", _ew.reciprocal,
                             "``1 / input`` (Float32 for integers).")
sign = _unary_function("sign", _ew.sign, "-1, 0 or 1 in the input's dtype (NaN gives 0).")
isnan = _unary_function("isnan", _ew.isnan, "Bool: where the input is NaN.")
isinf = _unary_function("isinf", _ew.isinf, "Bool: where the input is +-inf.")
isfinite = _unary_function("isfinite", _ew.isfinite, "Bool: where the input is finite.")


def round(input: Any, *, decimals: int = 0) -> Tensor:  # noqa: A001, A002
    """Each element rounded to ``decimals`` digits, halves to even.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.round(Tensor(np.array([-0.5, 0.5, 1.5, 2.5], np.float32))).asnumpy()
        array([-0.,  0.,  2.,  2.], dtype=float32)
    """
    array = tensor_array("round", "input", input)
    return Tensor._wrap(_ew.round(array, decimals, where="round"))


def _binary_function(name: str, fn: Callable[..., Any], doc: str,
                     args: tuple[str, str] = ("input", "other")) -> Callable[..., Tensor]:
    def function(x: Any, y: Any) -> Tensor:
        a, b = binary_arrays(name, x, y, args)
        return Tensor._wrap(fn(a, b, where=name, args=args))
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__module__ = __name__
    return function


maximum = _binary_function("maximum", _ew.maximum, "The larger of ``input`` and ``other``.")
minimum = _binary_function("minimum", _ew.minimum, "The smaller of ``input`` and ``other``.")
floor_div = _binary_function("floor_div", _ew.floor_div, "``floor(x / y)``.", ("x", "y"))
floor_divide = _binary_function("floor_divide", _ew.floor_div, "``floor(input / other)``.")
floor_mod = _binary_function("floor_mod", _ew.floor_mod,
                             "The remainder of ``x / y`` with the sign of ``y``.", ("x", "y"))
remainder = _binary_function("remainder", _ew.floor_mod,
                             "The remainder of ``input / other`` with the sign of ``other``.")
atan2 = _binary_function("atan2", _ew.atan2,
                         "``arctan(input / other)`` in the quadrant of ``(other, input)``.")


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001, A002
    """``input ** exponent`` (integers to negative powers truncate toward zero).

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.pow(Tensor(np.array([1.0, 2.0, 4.0], np.float32)), exponent=3.0).asnumpy()
        array([ 1.,  8., 64.], dtype=float32)
    """
    a, b = binary_arrays("pow", input, exponent, ("input", "exponent"))
    return Tensor._wrap(_ew.pow(a, b, where="pow", args=("input", "exponent")))


def tensor_add(input: Any, other: Any) -> Tensor:  # noqa: A002
    """``input + other`` (MindSpore's older name of ``ops.add``)."""
    return Add()(input, other)


def _bound(where: str, arg: str, value: Any, x: Tensor) -> Any:
    if value is None:
        return None
    if isinstance(value, Tensor):
        check_same_device(where, ("input", x._device), (arg, value._device))
    return operand(where, arg, value)


def _clip_one(where: str, x: Any, low: Any, high: Any, args: tuple[str, str]) -> Tensor:
    array = tensor_array(where, "x" if where == "clip_by_value" else "input", x)
    lo, hi = _bound(where, args[0], low, x), _bound(where, args[1], high, x)
    return Tensor._wrap(_array_ops.clip(array, lo, hi, where=where))


def clip_by_value(x: Any, clip_value_min: Any = None, clip_value_max: Any = None) -> Any:
    """``x`` (a Tensor, or a list/tuple of Tensors: a tuple back) limited to
    ``[clip_value_min, clip_value_max]`` (numbers or Tensors that broadcast), in
    ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([1.0, 25.0, 7.0], np.float32))
        >>> ops.clip_by_value(x, 5, 20).asnumpy()
        array([ 5., 20.,  7.], dtype=float32)
    """
    args = ("clip_value_min", "clip_value_max")
    if isinstance(x, (list, tuple)):
        if not all(isinstance(t, Tensor) for t in x):
            raise type_error("clip_by_value", "x", x, "a Tensor or a list/tuple of Tensors")
        return tuple(_clip_one("clip_by_value", t, clip_value_min, clip_value_max, args)
                     for t in x)
    return _clip_one("clip_by_value", x, clip_value_min, clip_value_max, args)


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """``input`` limited to ``[min, max]`` (numbers or Tensors that broadcast), in its dtype.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.clamp(Tensor(np.array([1, 25, 7])), 5, 20).asnumpy()
        array([ 5, 20,  7])
    """
    return _clip_one("clamp", input, min, max, ("min", "max"))


def clip(input: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """``ops.clamp`` under its other name."""
    return _clip_one("clip", input, min, max, ("min", "max"))


__all__ = ["Abs", "AddN", "Atan2", "Ceil", "Cos", "Erf", "Floor", "FloorDiv", "FloorMod",
           "IsFinite", "IsInf", "IsNan", "Maximum", "Minimum", "Mod", "Pow", "Reciprocal",
           "Rint", "Round", "Rsqrt", "Sign", "Sin", "Tan", "abs", "addn", "atan2",
           "binary_arrays", "ceil", "clamp", "clip", "clip_by_value", "cos", "erf", "floor",
           "floor_div", "floor_divide", "floor_mod", "isfinite", "isinf", "isnan", "maximum",
           "minimum", "pow", "reciprocal", "remainder", "round", "rsqrt", "sign", "sin", "tan",
           "tensor_add"]
