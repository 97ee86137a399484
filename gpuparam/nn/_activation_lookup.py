"""``PReLU`` and ``PReLUExt`` (the activations that own a parameter), and
``get_activation``: MindSpore's table of activation names, which ``nn.Dense`` and the
other layers with an ``activation=`` argument read.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .._array_ops import activations as _act
from .._dtype import float16, float32, to_dtype
from .._errors import check_int, describe, type_error, value_error
from .._initializer import Constant, initializer
from .._parameter import Parameter
from .._tensor import Tensor
from ..ops.primitive import Primitive
from . import _activation as a
from ._cell import Cell


def _prelu(where: str, x: Any, weight: Parameter) -> Tensor:
    array = a.activation_input(where, x)
    channels = weight.shape[0]
    if channels != 1 and (array.ndim < 2 or array.shape[1] != channels):
        raise value_error(where, "x", tuple(array.shape),
                          f"a tensor with {channels} channels on axis 1 (the slopes' count)")
    return Tensor._wrap(_act.prelu(array, weight._read()))


class PReLU(Cell[Tensor]):
    """``max(0, x) + w * min(0, x)``, with a learnable slope ``w`` of shape ``(channel,)``
    (one per channel on axis 1, or one for all), the parameter ``w``.

    Args:
        channel: The number of slopes: 1 or the input's channel count (default 1).
        w: Their initial value: a float (default 0.25), a list of ``channel`` floats, or
            a Float16/Float32 Tensor of shape ``(channel,)``.

    Example:
        >>> from gpuparam import nn, Tensor, float32
        >>> prelu = nn.PReLU()
        >>> print(prelu.w)
        Parameter (name=w, shape=(1,), dtype=Float32, requires_grad=True)
        >>> prelu(Tensor([[[[0.1, -0.6], [0.9, 0.9]]]], float32)).asnumpy()
        array([[[[ 0.1 , -0.15],
                 [ 0.9 ,  0.9 ]]]], dtype=float32)
    """

    def __init__(self, channel: int = 1, w: Any = 0.25) -> None:
        super().__init__()
        where = "PReLU"
        channel = check_int(where, "channel", channel, minimum=1)
        if isinstance(w, (float, np.float32)):
            value = Tensor(np.full((channel,), w, np.float32))
        elif isinstance(w, list):
            if len(w) != channel:
                raise value_error(where, "w", w, f"a list of channel={channel} floats")
            if not all(isinstance(v, (float, np.float32)) for v in w):
                raise type_error(where, "w", w, "a list of floats")
            value = Tensor(np.array(w, np.float32))
        elif isinstance(w, Tensor):
            if w.dtype not in (float16, float32):
                raise type_error(where, "w", w, "a Float16 or Float32 Tensor")
            if w.shape != (channel,):
                raise value_error(where, "w", w.shape, f"a Tensor of shape ({channel},)")
            value = w.copy()
        else:
            raise type_error(where, "w", w, "a float, a list of floats or a Tensor")
        self.w = Parameter(value)

    def construct(self, x: Tensor) -> Tensor:
        return _prelu("PReLU", x, self.w)


class PReLUExt(Cell[Tensor]):
    """PyTorch-style PReLU: the parameter ``weight`` ``(num_parameters,)``, filled with
    ``init`` (default 0.25) in ``dtype`` (default Float32).

    Example:
        >>> from gpuparam import nn
        >>> print(nn.PReLUExt(3).weight)
        Parameter (name=weight, shape=(3,), dtype=Float32, requires_grad=True)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None) -> None:
        super().__init__()
        where = "PReLUExt"
        self.num_parameters = check_int(where, "num_parameters", num_parameters, minimum=1)
        if isinstance(init, bool) or not isinstance(init, numbers.Real):
            raise type_error(where, "init", init, "a float")
        dtype = float32 if dtype is None else to_dtype(dtype, where)
        self.weight = Parameter(initializer(Constant(float(init)), (self.num_parameters,), dtype))

    def construct(self, input: Tensor) -> Tensor:  # noqa: A002 (MindSpore's argument name)
        return _prelu("PReLUExt", input, self.weight)


class _NotBuilt:
    """A registry entry for a cell gpuparam does not have: calling it says so."""

    def __init__(self, key: str, cell: str, why: str) -> None:
        self.key, self.cell, self.why = key, cell, why

    def __call__(self) -> Cell:
        raise NotImplementedError(f"get_activation: {self.key!r} is MindSpore's nn.{self.cell}, "
                                  f"which gpuparam does not provide ({self.why}).")


# MindSpore's ``_activation`` table (nn/layer/activation.py), in its order.
ACTIVATIONS: dict[str, Any] = {
    "softmin": a.Softmin, "softmax": a.Softmax, "softmax2d": a.Softmax2d,
    "logsoftmax": a.LogSoftmax, "logsoftmaxExt": a.LogSoftmaxExt, "relu": a.ReLU,
    "relu6": a.ReLU6,
    "rrelu": _NotBuilt("rrelu", "RReLU", "its slopes are drawn at random on every call"),
    "silu": a.SiLU, "tanh": a.Tanh, "tanhshrink": a.Tanhshrink, "hardtanh": a.Hardtanh,
    "gelu": a.GELU, "fast_gelu": a.FastGelu, "elu": a.ELU, "sigmoid": a.Sigmoid,
    "softsign": a.Softsign, "prelu": PReLU, "preluExt": PReLUExt, "leakyrelu": a.LeakyReLU,
    "hswish": a.HSwish, "hsigmoid": a.HSigmoid, "logsigmoid": a.LogSigmoid,
    "softshrink": a.SoftShrink, "hshrink": a.HShrink, "threshold": a.Threshold,
    "mish": a.Mish,
}


class UnknownActivation(KeyError, ValueError):
    """An activation name not in the table: a KeyError as MindSpore raises, and a
    ValueError as every bad value in gpuparam is."""

    def __str__(self) -> str:
        return str(self.args[0])


def lookup(where: str, arg: str, name: Any) -> Cell | None:
    """The cell ``ACTIVATIONS[name]()`` (``None`` for ``None``), errors naming ``where``."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise type_error(where, arg, name, f"None or one of {list(ACTIVATIONS)}")
    if name not in ACTIVATIONS:
        raise UnknownActivation(f"{where}: `{arg}` must be one of {list(ACTIVATIONS)} "
                                f"(the names are case-sensitive), got {describe(name)}.")
    return ACTIVATIONS[name]()  # type: ignore[no-any-return]


def get_activation(name: str | None, prim_name: str | None = None) -> Cell | None:
    """The activation cell MindSpore names ``name`` (``'relu'``, ``'gelu'``, ...), built
    with its defaults; ``None`` gives ``None``.

    Raises:
        KeyError: (also a ValueError) if ``name`` is not in the table; ``prim_name``,
            when given, is the caller the message names.

    Example:
        >>> from gpuparam import nn
        >>> type(nn.get_activation('sigmoid')).__name__
        'Sigmoid'
        >>> nn.get_activation('gelu').approximate
        True
    """
    return lookup(prim_name or "get_activation", "name", name)


def _is_primitive(value: Any) -> bool:
    # gpuparam's small primitives (ops.ReLU, ops.Sigmoid, ...) are plain classes of
    # gpuparam.ops, not Primitive subclasses; MindSpore's all derive from Primitive.
    module = type(value).__module__ or ""
    return isinstance(value, Primitive) or (module.startswith("gpuparam.ops")
                                            and callable(value) and not isinstance(value, type))


def layer_activation(where: str, activation: Any) -> Any:
    """A layer's ``activation=`` argument as MindSpore's Dense takes it: a name of the
    table, a Cell, a Primitive or ``None``."""
    if isinstance(activation, str):
        return lookup(where, "activation", activation)
    if activation is not None and not isinstance(activation, Cell) and not _is_primitive(
            activation):
        raise type_error(where, "activation", activation,
                         f"None, a Cell, a Primitive or one of {list(ACTIVATIONS)}")
    return activation


__all__ = ["ACTIVATIONS", "PReLU", "PReLUExt", "UnknownActivation", "get_activation",
           "layer_activation", "lookup"]
