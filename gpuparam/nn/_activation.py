"""Activation cells named by ``nn.Dense(activation=...)``."""

from __future__ import annotations

from typing import Any

from .. import _backend
from .._errors import check_choice, type_error
from .._tensor import Tensor
from ._cell import Cell


class ReLU(Cell[Tensor]):
    """``max(x, 0)``."""

    def construct(self, x: Tensor) -> Tensor:
        a = x._read()
        return Tensor._from_array(_backend.get_array_module(a).maximum(a, 0).astype(a.dtype))


class Sigmoid(Cell[Tensor]):
    """``1 / (1 + exp(-x))``."""

    def construct(self, x: Tensor) -> Tensor:
        a = x._read()
        xp = _backend.get_array_module(a)
        return Tensor._from_array((1 / (1 + xp.exp(-a))).astype(a.dtype))


class Tanh(Cell[Tensor]):
    """``tanh(x)``."""

    def construct(self, x: Tensor) -> Tensor:
        a = x._read()
        return Tensor._from_array(_backend.get_array_module(a).tanh(a))


class Softmax(Cell[Tensor]):
    """Softmax over the last axis."""

    def construct(self, x: Tensor) -> Tensor:
        a = x._read()
        xp = _backend.get_array_module(a)
        e = xp.exp(a - a.max(axis=-1, keepdims=True))
        return Tensor._from_array((e / e.sum(axis=-1, keepdims=True)).astype(a.dtype))


_BY_NAME = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh, "softmax": Softmax}


def get_activation(where: str, activation: Any) -> Cell | None:
    """Return the activation cell for ``None``, a name or a Cell."""
    if activation is None or isinstance(activation, Cell):
        return activation
    if isinstance(activation, str):
        return _BY_NAME[check_choice(where, "activation", activation.lower(), sorted(_BY_NAME))]()
    raise type_error(where, "activation", activation, f"None, a Cell or one of {sorted(_BY_NAME)}")
