"""Checked by mypy --strict (tests/test_typing.py), never run: what calling a Cell returns.

A built-in layer is a ``Cell[Tensor]``, so its call is a Tensor and arithmetic on the
result is checked; a user's ``Cell[Tensor]`` subclass is the same; a plain ``Cell``
subclass returns ``Any``, as it may return a tuple.
"""

from __future__ import annotations

import numpy as np
from typing_extensions import assert_type

from gpuparam import Tensor, nn

a = Tensor(np.ones((2, 2), np.float32))
b = Tensor(np.ones((2, 2), np.float32))

c = a + b
assert_type(c, Tensor)
assert_type(a * 2.0, Tensor)
assert_type(a @ b, Tensor)

net = nn.Dense(2, 3)
y = net(a)
assert_type(y, Tensor)
assert_type(y + 1, Tensor)
z: Tensor = nn.SequentialCell([nn.Dense(2, 3), nn.ReLU()])(a)


class Scale(nn.Cell[Tensor]):
    def __init__(self) -> None:
        super().__init__()

    def construct(self, x: Tensor) -> Tensor:
        return x * 2.0


assert_type(Scale()(a), Tensor)
assert_type(Scale()(a) @ b, Tensor)


class Pair(nn.Cell):
    def construct(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return x, -x


first, second = Pair()(a)  # a plain Cell's call is Any
