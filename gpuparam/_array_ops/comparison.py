"""Comparisons and logical operators on arrays: Bool results, MindSpore's promotion.

Two operands (arrays, or one Python number) are compared in their common dtype
(``promotion.result_type``: an Int32 array against ``2.5`` is compared in Float32, as
MindSpore casts it); a Python number is compared exactly, never wrapped into a narrow
dtype. Logical operators take any dtype, non-zero meaning True.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import Array, get_array_module
from .._errors import type_error, value_error
from .promotion import result_type

COMPARISONS = {"equal": "equal", "not_equal": "not_equal", "greater": "greater",
               "greater_equal": "greater_equal", "less": "less", "less_equal": "less_equal"}


def _operands(x: Any, y: Any, where: str, args: tuple[str, str], dtype: Any) -> tuple[Any, Any, Any]:
    shapes = [tuple(getattr(v, "shape", ())) for v in (x, y)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise value_error(where, args[1], shapes[1],
                          f"a shape that broadcasts with `{args[0]}`'s {shapes[0]}") from None
    xp = get_array_module(*[v for v in (x, y) if hasattr(v, "dtype")])
    cast = [v.astype(dtype, copy=False) if hasattr(v, "dtype") else v for v in (x, y)]
    return xp, cast[0], cast[1]


def compare(op: str, x: Any, y: Any, *, where: str,
            args: tuple[str, str] = ("input", "other")) -> Array:
    """``x <op> y`` elementwise as a Bool array, ``op`` one of ``COMPARISONS``.

    Raises:
        TypeError: If an operand is neither an array nor a Python number.
        ValueError: If the shapes do not broadcast.

    Example:
        >>> compare("greater", np.array([1, 2, 3], np.int32), 2.5, where="greater")
        array([False, False,  True])
    """
    if op not in COMPARISONS:
        raise value_error(where, "op", op, f"one of {sorted(COMPARISONS)}")
    dtype = result_type(x, y, where=where)
    xp, a, b = _operands(x, y, where, args, dtype)
    return xp.asarray(getattr(xp, COMPARISONS[op])(a, b))


def _truth(value: Any, where: str, arg: str) -> Any:
    if hasattr(value, "dtype"):
        return value if value.dtype == np.bool_ else value != 0
    if isinstance(value, (bool, int, float)):
        return bool(value)
    raise type_error(where, arg, value, "a Tensor or a Python bool")


def logical(op: str, x: Any, y: Any, *, where: str,
            args: tuple[str, str] = ("input", "other")) -> Array:
    """``x and y``, ``x or y`` or ``x xor y`` (``op``: ``'and'``, ``'or'``, ``'xor'``)
    elementwise, as a Bool array; non-zero elements count as True.

    Example:
        >>> logical("and", np.array([True, False, True]), True, where="logical_and")
        array([ True, False,  True])
    """
    functions = {"and": "logical_and", "or": "logical_or", "xor": "logical_xor"}
    if op not in functions:
        raise value_error(where, "op", op, f"one of {sorted(functions)}")
    a, b = _truth(x, where, args[0]), _truth(y, where, args[1])
    xp, a, b = _operands(a, b, where, args, np.dtype(np.bool_))
    return xp.asarray(getattr(xp, functions[op])(a, b))


def logical_not(x: Array) -> Array:
    """``not x`` elementwise, as a Bool array (non-zero is True).

    Example:
        >>> logical_not(np.array([1, 0], np.int32))
        array([False,  True])
    """
    return get_array_module(x).logical_not(x)


__all__ = ["COMPARISONS", "compare", "logical", "logical_not"]
