"""MindSpore's ``mindspore.common.tensor`` path: ``Tensor``, and ``tensor()`` (MindSpore
2.x's function that makes one, also ``gpuparam.tensor``)."""

from __future__ import annotations

from typing import Any

from .._dtype import DType
from .._errors import check_bool
from .._tensor import Tensor as Tensor


def tensor(input_data: Any = None, dtype: DType | None = None, shape: Any = None,
           init: Any = None, const_arg: bool = False, device: Any = None) -> Tensor:
    """A Tensor of ``input_data`` (``mindspore.tensor``): ``Tensor(input_data, dtype,
    shape, init)``.

    Args:
        input_data, dtype, shape, init: As ``gpuparam.Tensor``.
        const_arg: MindSpore's graph-compilation hint; accepted and without effect (gpuparam
            runs eagerly).
        device: ``None``: the active backend, where every gpuparam tensor lives. A device
            per tensor is not supported (NotImplementedError); choose the backend with
            ``gpuparam.set_context(device_target=...)``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> print(gpuparam.tensor(np.array([[1, 2], [3, 4]]), gpuparam.float32))
        [[1. 2.]
         [3. 4.]]
    """
    check_bool("tensor", "const_arg", const_arg)
    if device is not None:
        raise NotImplementedError(f"tensor: `device` {device!r}: gpuparam places every tensor on "
                                  "the active backend; choose it with "
                                  "gpuparam.set_context(device_target=...), not per tensor.")
    return Tensor(input_data, dtype, shape, init)


__all__ = ["Tensor", "tensor"]
