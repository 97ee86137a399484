"""Fan and gain arithmetic: ``compute_fans``, ``calculate_gain`` and their checked forms.

``fans`` and ``gain_of`` are the versions with messages that name the calling
initializer; ``squared`` turns a gain into a variance scale without overflow; and
``close_names`` suggests the names a misspelt one was probably meant to be.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Iterable
from typing import Any

from ._errors import check_shape, value_error
from ._tensor import Shape

_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
               "conv_transpose2d", "conv_transpose3d")
NONLINEARITIES = _LINEAR_FNS + ("sigmoid", "tanh", "relu", "leaky_relu", "selu")


def fans(where: str, shape: Shape) -> tuple[int, int]:
    """``compute_fans`` with errors that name ``where``."""
    if len(shape) < 2:
        raise value_error(where, "shape", shape,
                          "at least 2 dimensions, (out, in, *kernel), to have fan-in and fan-out")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def compute_fans(shape: Any) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` for a weight shaped ``(out, in, *kernel)``.

    As MindSpore and PyTorch count them: a Dense weight ``(out, in)`` has
    ``fan_in = in`` and ``fan_out = out``; a convolution weight
    ``(out, in // group, *kernel)`` multiplies both by the kernel's size.

    Args:
        shape: Weight shape (an int or a list/tuple of ints) with at least two dimensions.

    Raises:
        TypeError: If ``shape`` is not a list/tuple of ints.
        ValueError: If ``shape`` has fewer than two dimensions.

    Example:
        >>> from gpuparam.common.initializer import compute_fans
        >>> compute_fans((16, 3, 3, 3))
        (27, 144)
        >>> compute_fans([10, 20])
        (20, 10)
    """
    return fans("compute_fans", check_shape("compute_fans", "shape", shape, allow_zero=True))


def gain_of(where: str, nonlinearity: Any, param: Any, *, arg: str = "nonlinearity",
            param_arg: str = "param") -> float:
    """``calculate_gain`` with errors (all ValueError, as PyTorch) that name ``where``."""
    if not isinstance(nonlinearity, str) or nonlinearity not in NONLINEARITIES:
        raise value_error(where, arg, nonlinearity, f"one of {list(NONLINEARITIES)}")
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    if param is None:
        slope = 0.01
    elif isinstance(param, bool) or not isinstance(param, numbers.Real) or not math.isfinite(param):
        raise value_error(where, param_arg, param,
                          "a finite int or float (the leaky_relu negative slope) or None")
    else:
        slope = float(param)
    if abs(slope) > 1e150:  # slope ** 2 would overflow; 1 is negligible beside it then
        return math.sqrt(2.0) / abs(slope)
    return math.sqrt(2.0 / (1 + slope ** 2))


def squared(where: str, arg: str, value: float) -> float:
    """Return ``value ** 2`` (a variance scale), or ValueError naming ``arg`` if it is not
    a positive finite float64 (a gain beyond ~1.3e154 or below ~1.5e-154)."""
    square = value * value  # a float product: inf or 0.0, never OverflowError
    if not 0.0 < square < math.inf:
        raise value_error(where, arg, value, "a number whose square is a positive finite "
                          "float64 (about 1.5e-154 < |value| < 1.3e154)")
    return square


def close_names(name: str, names: Iterable[str]) -> str:
    """`` Did you mean 'normal'?`` for a misspelt name, or ``''``."""
    matches = difflib.get_close_matches(name.lower(), list(names), n=3, cutoff=0.6)
    if not matches:
        return ""
    return " Did you mean " + " or ".join(repr(m) for m in matches) + "?"


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Return the recommended gain for a nonlinearity, exactly as ``torch.nn.init.calculate_gain``.

    ==================  ===================================
    nonlinearity        gain
    ==================  ===================================
    linear, conv*,      1
    conv_transpose*,
    sigmoid
    tanh                5/3
    relu                sqrt(2)
    leaky_relu          sqrt(2 / (1 + negative_slope**2))
    selu                3/4
    ==================  ===================================

    Args:
        nonlinearity: The function's name, as listed above.
        param: The negative slope for ``'leaky_relu'`` (default 0.01); ignored otherwise.

    Raises:
        ValueError: For an unknown name or a ``param`` that is not an int or float
            (PyTorch raises ValueError for both).

    Example:
        >>> from gpuparam.common.initializer import calculate_gain
        >>> calculate_gain('relu') == 2 ** 0.5
        True
        >>> calculate_gain('leaky_relu', 0.2) == (2 / 1.04) ** 0.5
        True
    """
    return gain_of("calculate_gain", nonlinearity, param)


__all__ = ["NONLINEARITIES", "calculate_gain", "close_names", "compute_fans", "fans", "gain_of",
           "squared"]
