"""How layers make their parameters from ``weight_init``-style arguments.

Every layer takes its initial values the same way: a name, an Initializer, a number, or
a Tensor of the parameter's shape; ``None`` is the layer's default. Defaults follow
MindSpore 2.x and PyTorch: weights ``HeUniform(negative_slope=sqrt(5))``, biases
``Uniform(1 / sqrt(fan_in))``. Parameters made from an initializer are lazy.
"""

from __future__ import annotations

import math
from typing import Any

from .._dtype import DType, float32
from .._errors import value_error
from .._initializer import HeUniform, Uniform, initializer
from .._parameter import Parameter
from .._tensor import Tensor


def make_parameter(where: str, arg: str, init: Any, default: Any, shape: tuple[int, ...],
                   dtype: DType = float32, name: str | None = None,
                   requires_grad: bool = True) -> Parameter:
    """A parameter from ``init`` (a Tensor of ``shape``, or anything ``initializer`` takes)."""
    if init is None:
        init = default
    if isinstance(init, Tensor) and init.shape != shape:
        raise value_error(where, arg, init.shape, f"a Tensor of shape {shape}")
    if isinstance(init, Tensor):
        return Parameter(init, name=name, requires_grad=requires_grad)
    return Parameter(initializer(init, shape, dtype), name=name, requires_grad=requires_grad)


def weight_default() -> HeUniform:
    """The default ``weight_init`` of Dense and the convolutions."""
    return HeUniform(negative_slope=math.sqrt(5))


def bias_default(fan_in: int) -> Uniform:
    """The default ``bias_init``: ``Uniform(1 / sqrt(fan_in))``."""
    return Uniform(1.0 / math.sqrt(fan_in))


def weight_and_bias(where: str, weight_init: Any, bias_init: Any, shape: tuple[int, ...],
                    out_channels: int, dtype: DType, has_bias: bool
                    ) -> tuple[Parameter, Parameter | None]:
    """A layer's ``weight`` of ``shape`` and, with ``has_bias``, its ``bias`` of
    ``(out_channels,)``, from their init arguments or the defaults (fan_in: the product
    of ``shape[1:]``), made in that order (their random keys follow it)."""
    weight = make_parameter(where, "weight_init", weight_init, weight_default(), shape, dtype)
    fan_in = math.prod(shape[1:])
    bias = (make_parameter(where, "bias_init", bias_init, bias_default(fan_in), (out_channels,),
                           dtype) if has_bias else None)
    return weight, bias


__all__ = ["bias_default", "make_parameter", "weight_and_bias", "weight_default"]
