"""Checked by mypy --strict (tests/test_typing.py), never run: the public API's types.

Each line is something a user writes; mypy must accept it and infer the types stated.
``assert_type`` fails type checking when the inferred type differs.
"""

from __future__ import annotations

import numpy as np
from typing_extensions import assert_type

import gpuparam
from gpuparam import Parameter, Tensor, nn
from gpuparam.common.initializer import Normal, initializer

a = Tensor(np.ones((2, 2), np.float32))
b = Tensor(np.ones((2, 2), np.float32), gpuparam.float32)

assert_type(a + b, Tensor)
assert_type(a - 1, Tensor)
assert_type(a * 2.0, Tensor)
assert_type(2.0 * a, Tensor)
assert_type(a / b, Tensor)
assert_type(a @ b, Tensor)
assert_type(a ** 2, Tensor)
assert_type(-a, Tensor)
assert_type(abs(a), Tensor)
assert_type(a == b, Tensor)
assert_type(a < 0.5, Tensor)
assert_type(a[0], Tensor)
assert_type(a.sum(), Tensor)
assert_type(a.astype(gpuparam.float64), Tensor)
assert_type(a.asnumpy(), np.ndarray)
assert_type(a.shape, tuple[int, ...])

weight = Parameter(initializer(Normal(0.2), [3, 2], gpuparam.float32), name="w")
assert_type(weight.init_data(), Parameter)
assert_type(weight * a[0], Tensor)


def forward(net: nn.Cell, x: Tensor) -> Tensor:
    out = net(x)  # a plain Cell's call is Any: a Tensor annotation is accepted
    result: Tensor = out
    return result


dense = nn.Dense(2, 3)
y: Tensor = forward(dense, a)
