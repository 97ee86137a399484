"""MindSpore's ``mindspore._c_expression`` path, for its ``Tensor`` (MindSpore's C++
tensor class, the base of ``mindspore.Tensor``).

``_c_expression.Tensor(data, dtype)`` makes a gpuparam ``Tensor``;
``_c_expression.Tensor(shape=..., dtype=...)`` one that holds no data yet (lazy zeros:
gpuparam never computes with memory nobody wrote). Every gpuparam ``Tensor`` is an
instance of it, as every MindSpore tensor is of MindSpore's.

Example:
    >>> import gpuparam
    >>> from gpuparam._c_expression import Tensor as Tensor_
    >>> t = Tensor_(shape=(2, 3), dtype=gpuparam.float32)
    >>> t.shape, t.has_init, isinstance(gpuparam.Tensor(1.0), Tensor_)
    ((2, 3), True, True)
"""

from __future__ import annotations

from typing import Any

from ._initializer import Zero
from ._tensor import Tensor as _Tensor


class _AnyTensor(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, _Tensor)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return isinstance(subclass, type) and issubclass(subclass, _Tensor)


class Tensor(_Tensor, metaclass=_AnyTensor):
    """MindSpore's C++ tensor: ``Tensor(input_data, dtype)``, or ``Tensor(shape=, dtype=)``
    without data (lazy zeros)."""

    def __init__(self, input_data: Any = None, dtype: Any = None, shape: Any = None,
                 init: Any = None) -> None:
        if input_data is None and init is None and shape is not None and dtype is not None:
            init = Zero()
        super().__init__(input_data, dtype, shape, init)


__all__ = ["Tensor"]
