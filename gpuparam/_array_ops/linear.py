"""``dense`` (``x @ w.T + b``, through ``xp.matmul``: cuBLAS on the GPU) and ``bias_add``.
"""

from __future__ import annotations

from .._backend import Array, get_array_module


def dense(x: Array, weight: Array, bias: Array | None = None) -> Array:
    """``x @ weight.T + bias`` for ``weight`` ``(out, in)`` (or ``(in,)``: a dot product).

    Example:
        >>> import numpy as np
        >>> dense(np.ones((2, 3), np.float32), np.ones((4, 3), np.float32)).shape
        (2, 4)
    """
    xp = get_array_module(x)
    out = xp.matmul(x, weight.T if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def bias_add(x: Array, bias: Array, channel_axis: int = 1) -> Array:
    """``x`` plus ``bias`` ``(C,)`` along ``channel_axis``.

    Example:
        >>> import numpy as np
        >>> bias_add(np.zeros((1, 2, 2), np.float32), np.array([1.0, 2.0], np.float32))[0]
        array([[1., 1.],
               [2., 2.]], dtype=float32)
    """
    axis = channel_axis % x.ndim
    return x + bias.reshape((-1,) + (1,) * (x.ndim - axis - 1))


__all__ = ["bias_add", "dense"]
