"""``torch.nn.init``'s functions as gpuparam initializers, with torch's own scale formulas.

Each builder takes the *global* shape and the arguments of the torch function of the
same name (``generator`` accepted and ignored: gpuparam's key replaces it) and returns
the gpuparam initializer that draws from the same distribution with the same scale,
computed by the same float expression as torch's (so ``std``, ``bound`` and ``gain``
are torch's to the last bit; the numbers drawn are gpuparam's).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import _random
from .._dtype import DType, float_max, is_float
from .._errors import check_real
from .._initializer import (Constant, Dirac, Identity, Initializer, Normal, One,
                                  Orthogonal, Sparse, TruncatedNormal, Zero)

Shape = tuple[int, ...]
_calculate_gain: Callable[[str, Any], float] = torch.nn.init.calculate_gain  # type: ignore[assignment]  # not patched: torch's exact values


class Interval(Initializer):
    """``U(low, high)``, half-open, as ``torch.nn.init.uniform_`` (gpuparam's ``Uniform``
    is symmetric). Drawn by ``_random.uniform``, so ``Interval(-s, s)`` equals ``Uniform(s)``.
    """

    _elementwise = True

    def __init__(self, low: float, high: float) -> None:
        self.low = check_real("uniform_", "a", low)
        self.high = check_real("uniform_", "b", high)
        if self.high < self.low:
            raise ValueError(f"uniform_: `b` must be >= `a` ({self.low!r}), got {self.high!r}.")
        super().__init__(low=self.low, high=self.high)

    def _check(self, shape: Shape, dtype: Any) -> None:
        np_dtype = dtype.numpy_dtype if isinstance(dtype, DType) else np.dtype(dtype)
        if not is_float(np_dtype):
            raise TypeError(f"uniform_: random values need a floating-point dtype, got {dtype}.")
        top = float_max(np_dtype)
        if max(abs(self.low), abs(self.high)) > top:
            raise ValueError(f"uniform_: the bounds ({self.low!r}, {self.high!r}) must lie "
                             f"within the {np_dtype} range (|x| <= {top:.4g}).")

    def _generate(self, shape: Shape, dtype: Any, key: _random.Key, index: Any) -> Any:
        return _random.uniform(key, tuple(shape), dtype, self.low, self.high, index=index)


def _fans(shape: Shape) -> tuple[int, int]:
    if len(shape) < 2:  # torch's message
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(shape: Shape, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _fans(shape)
    return fan_in if mode == "fan_in" else fan_out


def _normal_or_constant(mean: float, std: float) -> Initializer:
    return Constant(mean) if std == 0 else Normal(std, mean)


def uniform_(shape: Shape, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Initializer:
    return Interval(a, b)


def normal_(shape: Shape, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Initializer:
    return _normal_or_constant(mean, std)


def trunc_normal_(shape: Shape, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Any = None) -> Initializer:
    return TruncatedNormal(std, mean, a, b)


def constant_(shape: Shape, val: float) -> Initializer:
    return Constant(val)


def ones_(shape: Shape) -> Initializer:
    return One()


def zeros_(shape: Shape) -> Initializer:
    return Zero()


def eye_(shape: Shape) -> Initializer:
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return Identity()


def dirac_(shape: Shape, groups: int = 1) -> Initializer:
    return Dirac(groups)


def xavier_uniform_(shape: Shape, gain: float = 1.0, generator: Any = None) -> Initializer:
    fan_in, fan_out = _fans(shape)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return Interval(-a, a)


def xavier_normal_(shape: Shape, gain: float = 1.0, generator: Any = None) -> Initializer:
    fan_in, fan_out = _fans(shape)
    return _normal_or_constant(0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)))


def kaiming_uniform_(shape: Shape, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: Any = None) -> Initializer:
    std = _calculate_gain(nonlinearity, a) / math.sqrt(_fan(shape, mode))
    bound = math.sqrt(3.0) * std
    return Interval(-bound, bound)


def kaiming_normal_(shape: Shape, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: Any = None) -> Initializer:
    return _normal_or_constant(0.0, _calculate_gain(nonlinearity, a) / math.sqrt(_fan(shape, mode)))


def orthogonal_(shape: Shape, gain: float = 1, generator: Any = None) -> Initializer:
    if len(shape) < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    return Orthogonal(gain)


def sparse_(shape: Shape, sparsity: float, std: float = 0.01, generator: Any = None) -> Initializer:
    if len(shape) != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return Sparse(sparsity, std)


# torch.nn.init's name -> builder. kaiming_* skip zero-element tensors with torch's warning.
BUILDERS: dict[str, Callable[..., Initializer]] = {
    f.__name__: f for f in (uniform_, normal_, trunc_normal_, constant_, ones_, zeros_, eye_,
                            dirac_, xavier_uniform_, xavier_normal_, kaiming_uniform_,
                            kaiming_normal_, orthogonal_, sparse_)}
SKIP_EMPTY = ("kaiming_uniform_", "kaiming_normal_")


__all__ = ["BUILDERS", "Interval", "SKIP_EMPTY"]
