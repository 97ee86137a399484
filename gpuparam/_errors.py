"""Builders for error messages, so that every message in gpuparam reads alike.

A message names the function (or class), the argument, the value given and what is
accepted: ``HeNormal: `mode` must be one of ['fan_in', 'fan_out'], got 'fan_avg'.``
This module imports nothing from gpuparam.
"""

from __future__ import annotations

import dis
import math
import numbers
import sys
from collections.abc import Iterable
from typing import Any, NoReturn


def describe(value: Any) -> str:
    """Return ``repr(value)`` followed by its type when the repr does not make it obvious."""
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    if isinstance(value, (bool, int, float, str)) or value is None:
        return text
    return f"{text} (type {type(value).__name__})"


def type_error(where: str, arg: str, got: Any, accepted: str) -> TypeError:
    """Return a TypeError: ``where: `arg` must be accepted, got <value> (type T).``"""
    return TypeError(f"{where}: `{arg}` must be {accepted}, got {describe(got)}.")


def value_error(where: str, arg: str, got: Any, accepted: str) -> ValueError:
    """Return a ValueError: ``where: `arg` must be accepted, got <value>.``"""
    return ValueError(f"{where}: `{arg}` must be {accepted}, got {describe(got)}.")


def raise_type(where: str, arg: str, got: Any, accepted: str) -> NoReturn:
    raise type_error(where, arg, got, accepted)


def check_choice(where: str, arg: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; raise ValueError (TypeError for a non-str) otherwise."""
    choices = list(choices)
    if all(isinstance(c, str) for c in choices) and not isinstance(value, str):
        raise type_error(where, arg, value, f"one of {choices}")
    if value not in choices:
        raise value_error(where, arg, value, f"one of {choices}")
    return value


def check_bool(where: str, arg: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise type_error(where, arg, value, "a bool")
    return value


def check_int(where: str, arg: str, value: Any, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``; bools and floats are rejected, NumPy integers accepted."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise type_error(where, arg, value, "an int")
    value = int(value)
    if minimum is not None and value < minimum:
        raise value_error(where, arg, value, f"an int >= {minimum}")
    return value


def check_real(where: str, arg: str, value: Any, *, positive: bool = False,
               non_negative: bool = False) -> float:
    """Return ``value`` as a finite ``float``; bools and non-numbers raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise type_error(where, arg, value, "a real number")
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise value_error(where, arg, value, "a finite number")
    if positive and value <= 0:
        raise value_error(where, arg, value, "a number > 0")
    if non_negative and value < 0:
        raise value_error(where, arg, value, "a number >= 0")
    return value


def check_positive(where: str, arg: str, value: Any) -> float:
    return check_real(where, arg, value, positive=True)


def check_shape(where: str, arg: str, shape: Any, *, allow_zero: bool = False) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of ints.

    Accepts an int or a list/tuple of ints (NumPy integer scalars too); rejects bools,
    floats, strings and arrays with TypeError and sizes below 1 (below 0 with
    ``allow_zero``) with ValueError.
    """
    accepted = "an int or a list/tuple of ints"
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        dims: Iterable[Any] = (shape,)
    elif isinstance(shape, (list, tuple)):
        dims = shape
    else:
        raise type_error(where, arg, shape, accepted)
    out = []
    for dim in dims:
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise type_error(where, arg, shape, accepted)
        if int(dim) < (0 if allow_zero else 1):
            raise value_error(where, arg, shape, f"sizes >= {0 if allow_zero else 1}")
        out.append(int(dim))
    if math.prod(out) >= 2 ** 63:  # sizes and byte counts are int64 in NumPy and CuPy
        raise value_error(where, arg, shape, "a shape of fewer than 2**63 elements")
    return tuple(out)


def ml_dtypes_needed(name: str) -> str:
    """Why dtype ``name`` (bfloat16, float8_*) is missing, and the extra that provides it."""
    return (f"{name} needs the ml_dtypes package, which gives NumPy a {name} type; install "
            "it (`pip install ml_dtypes`, or from a clone `pip install -e \".[bfloat16]\"`). "
            f"It is a NumPy (CPU) dtype only: CuPy has no {name} arrays.")


def missing_bfloat16(module: str) -> AttributeError:
    """The error for ``gpuparam.bfloat16`` where ``ml_dtypes`` is not installed."""
    return AttributeError(f"module {module!r} has no attribute 'bfloat16': "
                          + ml_dtypes_needed("bfloat16"))


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _in_from_import(depth: int) -> bool:
    """Whether the frame ``depth`` levels up is running ``from module import name``."""
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return False
    code, at = frame.f_code.co_code, frame.f_lasti
    return 0 <= at < len(code) and code[at] == _IMPORT_FROM


def missing_mindspore_name(module: str, name: str) -> AttributeError | ImportError:
    """The error for a MindSpore name that ``module`` (``gpuparam.nn``, ``gpuparam.ops``,
    ...) does not provide: it says where the list of what is left out lives. Dunder
    probes (``__wrapped__``, ``__path__``) get Python's plain message.

    Called from a module's ``__getattr__`` on behalf of ``from module import name``, it
    returns an ImportError with the same hint (Python would otherwise replace an
    AttributeError by a bare "cannot import name"); ``hasattr`` and ``getattr`` still
    get an AttributeError."""
    if name.startswith("__"):
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    message = (f"module {module!r} has no attribute {name!r}: gpuparam does not "
               "provide it; docs/porting.md ('What is not there') lists what "
               "gpuparam leaves out of MindSpore's nn and ops.")
    if _in_from_import(2):  # this function <- the module's __getattr__ <- the import
        return ImportError(message, name=module)
    return AttributeError(message)


def missing_mindspore_module(fullname: str) -> ModuleNotFoundError:
    """The error for ``import gpuparam.<missing>``: MindSpore's module of that name is
    not part of gpuparam, and where the list of what is left out lives."""
    mindspore_name = "mindspore" + fullname[len("gpuparam"):]
    return ModuleNotFoundError(
        f"No module named {fullname!r}: gpuparam does not provide MindSpore's "
        f"`{mindspore_name}`; docs/porting.md ('What is not there') lists what gpuparam "
        "leaves out.", name=fullname)


def training_only(where: str, feature: str) -> NotImplementedError:
    """The error for a training-only MindSpore name (``GradOperation``, an optimizer, a
    loss-scale cell) when it is used: it builds, so a model file imports and constructs,
    but ``feature`` is not part of gpuparam."""
    return NotImplementedError(
        f"{where}: {feature} is not part of gpuparam, which has no gradients and no "
        "training; the name exists so that model files import and build (docs/porting.md, "
        "'Training-only names').")
