"""Activation cells named by ``nn.Dense(activation=...)``."""

from __future__ import annotations

from typing import Any

from .. import _array_ops
from .._errors import check_choice, type_error
from .._tensor import Tensor
from ._cell import Cell


class ReLU(Cell[Tensor]):
    """``max(x, 0)``."""

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.relu(x._read()))


class Sigmoid(Cell[Tensor]):
    """``1 / (1 + exp(-x))``."""

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.sigmoid(x._read()))


class Tanh(Cell[Tensor]):
    """``tanh(x)``."""

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.tanh(x._read()))


class Softmax(Cell[Tensor]):
    """Softmax over the last axis."""

    def construct(self, x: Tensor) -> Tensor:
        return Tensor._wrap(_array_ops.softmax(x._read(), -1, where="Softmax"))


_BY_NAME = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh, "softmax": Softmax}


def get_activation(where: str, activation: Any) -> Cell | None:
    """Return the activation cell for ``None``, a name or a Cell."""
    if activation is None or isinstance(activation, Cell):
        return activation
    if isinstance(activation, str):
        return _BY_NAME[check_choice(where, "activation", activation.lower(), sorted(_BY_NAME))]()
    raise type_error(where, "activation", activation, f"None, a Cell or one of {sorted(_BY_NAME)}")
