"""MindSpore's ``mindspore._checkparam`` path: the argument validators model files call.

``check_int(value, 1, GE, "kernel_size", "MyConv")`` and its siblings, with
MindSpore's relation constants (``EQ``, ``GE``, ``INC_BOTH``, ...) and the ``Validator``
and ``Rel`` names of older code. Each returns the value it checked, or raises
``TypeError``/``ValueError`` in gpuparam's wording (the function or cell, the argument,
what was given, what is accepted).

Example:
    >>> from gpuparam import _checkparam as validator
    >>> validator.check_int(3, 1, validator.GE, "kernel_size", "MyConv")
    3
    >>> validator.check_string("NCHW", ["NCHW", "NHWC"], "format", "MyConv")
    'NCHW'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from ._errors import type_error, value_error

EQ, NE, LT, LE, GT, GE = 1, 2, 3, 4, 5, 6
INC_NEITHER, INC_LEFT, INC_RIGHT, INC_BOTH = 7, 8, 9, 10
IN, NOT_IN = 11, 12

_BINARY = {EQ: ("== {}", lambda a, b: a == b), NE: ("!= {}", lambda a, b: a != b),
           LT: ("< {}", lambda a, b: a < b), LE: ("<= {}", lambda a, b: a <= b),
           GT: ("> {}", lambda a, b: a > b), GE: (">= {}", lambda a, b: a >= b)}
_RANGE = {INC_NEITHER: ("({}, {})", lambda v, lo, hi: lo < v < hi),
          INC_LEFT: ("[{}, {})", lambda v, lo, hi: lo <= v < hi),
          INC_RIGHT: ("({}, {}]", lambda v, lo, hi: lo < v <= hi),
          INC_BOTH: ("[{}, {}]", lambda v, lo, hi: lo <= v <= hi)}


def _where(prim_name: str | None) -> str:
    return prim_name or "validator"


def _number(where: str, arg: str, value: Any, kind: type) -> None:
    if isinstance(value, bool) or not isinstance(value, kind):
        raise type_error(where, arg, value, f"a {kind.__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise value_error(where, arg, value, "a finite number")


def _compare(arg_value: Any, value: Any, rel: int, kind: type, arg_name: str | None,
             prim_name: str | None) -> Any:
    where, arg = _where(prim_name), arg_name or "value"
    _number(where, arg, arg_value, kind)
    if rel not in _BINARY:
        raise value_error(where, "rel", rel, "one of EQ, NE, LT, LE, GT, GE")
    text, holds = _BINARY[rel]
    if not holds(arg_value, value):
        raise value_error(where, arg, arg_value, f"a {kind.__name__} {text.format(value)}")
    return arg_value


def check_int(arg_value: Any, value: int, rel: int, arg_name: str | None = None,
              prim_name: str | None = None) -> int:
    """``arg_value`` if it is an int (not a bool) with ``arg_value <rel> value``."""
    return _compare(arg_value, value, rel, int, arg_name, prim_name)


def check_equal_int(arg_value: Any, value: int, arg_name: str | None = None,
                    prim_name: str | None = None) -> int:
    return check_int(arg_value, value, EQ, arg_name, prim_name)


def check_positive_int(arg_value: Any, arg_name: str | None = None,
                       prim_name: str | None = None) -> int:
    return check_int(arg_value, 0, GT, arg_name, prim_name)


def check_non_negative_int(arg_value: Any, arg_name: str | None = None,
                           prim_name: str | None = None) -> int:
    return check_int(arg_value, 0, GE, arg_name, prim_name)


def check_is_int(arg_value: Any, arg_name: str | None = None, prim_name: str | None = None) -> int:
    _number(_where(prim_name), arg_name or "value", arg_value, int)
    return arg_value


def check_positive_float(arg_value: Any, arg_name: str | None = None,
                         prim_name: str | None = None) -> float:
    return _compare(arg_value, 0.0, GT, float, arg_name, prim_name)


def check_non_negative_float(arg_value: Any, arg_name: str | None = None,
                             prim_name: str | None = None) -> float:
    return _compare(arg_value, 0.0, GE, float, arg_name, prim_name)


def check_number(arg_name: str, arg_value: Any, value: Any, rel: int, prim_name: str | None) -> Any:
    """``arg_value`` (any real number) with ``arg_value <rel> value``."""
    return _compare(arg_value, value, rel, numbers.Real, arg_name, prim_name)  # type: ignore[type-abstract]


def _in_range(arg_value: Any, lower: Any, upper: Any, rel: int, kind: type,
              arg_name: str | None, prim_name: str | None) -> Any:
    where, arg = _where(prim_name), arg_name or "value"
    _number(where, arg, arg_value, kind)
    if rel not in _RANGE:
        raise value_error(where, "rel", rel, "one of INC_NEITHER, INC_LEFT, INC_RIGHT, INC_BOTH")
    text, holds = _RANGE[rel]
    if not holds(arg_value, lower, upper):
        raise value_error(where, arg, arg_value, f"a {kind.__name__} in {text.format(lower, upper)}")
    return arg_value


def check_int_range(arg_value: Any, lower_limit: int, upper_limit: int, rel: int,
                    arg_name: str | None = None, prim_name: str | None = None) -> int:
    return _in_range(arg_value, lower_limit, upper_limit, rel, int, arg_name, prim_name)


def check_float_range(arg_value: Any, lower_limit: float, upper_limit: float, rel: int,
                      arg_name: str | None = None, prim_name: str | None = None) -> float:
    return _in_range(arg_value, lower_limit, upper_limit, rel, float, arg_name, prim_name)


def check_number_range(arg_value: Any, lower_limit: Any, upper_limit: Any, rel: int,
                       value_type: type, arg_name: str | None = None,
                       prim_name: str | None = None) -> Any:
    return _in_range(arg_value, lower_limit, upper_limit, rel, value_type, arg_name, prim_name)


def check_bool(arg_value: Any, arg_name: str | None = None, prim_name: str | None = None) -> bool:
    if not isinstance(arg_value, bool):
        raise type_error(_where(prim_name), arg_name or "value", arg_value, "a bool")
    return arg_value


def check_string(arg_value: Any, valid_values: Iterable[str], arg_name: str | None = None,
                 prim_name: str | None = None) -> str:
    valid = list(valid_values)
    if not isinstance(arg_value, str) or arg_value not in valid:
        raise value_error(_where(prim_name), arg_name or "value", arg_value, f"one of {valid}")
    return arg_value


def check_value_type(arg_name: str, arg_value: Any, valid_types: Any,
                     prim_name: str | None = None) -> Any:
    """``arg_value`` if it is an instance of ``valid_types`` (a bool only if ``bool`` is
    among them, as MindSpore's)."""
    types = tuple(valid_types) if isinstance(valid_types, Iterable) else (valid_types,)
    names = [getattr(t, "__name__", str(t)) for t in types]
    if (isinstance(arg_value, bool) and bool not in types) or not isinstance(arg_value, types):
        raise type_error(_where(prim_name), arg_name, arg_value,
                         f"of type {names[0] if len(names) == 1 else 'one of ' + str(names)}")
    return arg_value


def check_subclass(arg_name: str, type_: Any, template_types: Any, prim_name: str | None,
                   addition_error_info: str | None = None) -> Any:
    """``type_`` if it is one of ``template_types`` (classes, or gpuparam dtypes)."""
    templates = tuple(template_types) if isinstance(template_types, Iterable) else (template_types,)
    ok = any(type_ == t or (isinstance(type_, type) and isinstance(t, type) and issubclass(type_, t))
             for t in templates)
    if not ok:
        raise type_error(_where(prim_name), arg_name, type_, f"one of {list(templates)}"
                         + (f" ({addition_error_info})" if addition_error_info else ""))
    return type_


def _expand(value: Any, n: int) -> tuple[Any, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, tuple) and len(value) == n:
        return value
    raise type_error("validator", "value", value, f"an int or a tuple of {n} ints")


def twice(m: Any) -> tuple[Any, ...]:
    """``(m, m)`` for an int, ``m`` for a pair."""
    return _expand(m, 2)


def triple(m: Any) -> tuple[Any, ...]:
    """``(m, m, m)`` for an int, ``m`` for a triple."""
    return _expand(m, 3)


class Rel:
    """MindSpore 1.x's name for the relation constants (``Rel.GE``)."""

    EQ, NE, LT, LE, GT, GE = EQ, NE, LT, LE, GT, GE
    INC_NEITHER, INC_LEFT, INC_RIGHT, INC_BOTH = INC_NEITHER, INC_LEFT, INC_RIGHT, INC_BOTH
    IN, NOT_IN = IN, NOT_IN


class Validator:
    """MindSpore 1.x's validator class: the same checks as static methods."""

    check_int = staticmethod(check_int)
    check_equal_int = staticmethod(check_equal_int)
    check_positive_int = staticmethod(check_positive_int)
    check_non_negative_int = staticmethod(check_non_negative_int)
    check_is_int = staticmethod(check_is_int)
    check_positive_float = staticmethod(check_positive_float)
    check_non_negative_float = staticmethod(check_non_negative_float)
    check_number = staticmethod(check_number)
    check_int_range = staticmethod(check_int_range)
    check_float_range = staticmethod(check_float_range)
    check_number_range = staticmethod(check_number_range)
    check_bool = staticmethod(check_bool)
    check_string = staticmethod(check_string)
    check_value_type = staticmethod(check_value_type)
    check_subclass = staticmethod(check_subclass)


__all__ = ["EQ", "GE", "GT", "INC_BOTH", "INC_LEFT", "INC_NEITHER", "INC_RIGHT", "IN", "LE",
           "LT", "NE", "NOT_IN", "Rel", "Validator", "check_bool", "check_equal_int",
           "check_float_range", "check_int", "check_int_range", "check_is_int",
           "check_non_negative_float", "check_non_negative_int", "check_number",
           "check_number_range", "check_positive_float", "check_positive_int", "check_string",
           "check_subclass", "check_value_type", "triple", "twice"]
