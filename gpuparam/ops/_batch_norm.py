"""``ops.batch_norm``: batch normalization with the statistics and the affine transform
as inputs (MindSpore 2.x's functional form), over ``_array_ops.normalization``.
"""

from __future__ import annotations

from typing import Any

from .._array_ops import normalization as _norm
from .._errors import check_bool, check_real, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ._checks import float_input, same_dtype
from ._primitives import Assign


def batch_norm(input_x: Any, running_mean: Any, running_var: Any, weight: Any, bias: Any,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalization of ``input_x`` ``(N, C, ...)`` per channel (axis 1):
    ``(x - mean) / sqrt(var + eps) * weight + bias``.

    With ``training=False`` (default) ``mean``/``var`` are ``running_mean``/``running_var``.
    With ``training=True`` they are the batch's (biased variance), and the running
    statistics, which must then be Parameters, are updated in place:
    ``running = (1 - momentum) * running + momentum * batch``, the batch variance taken
    unbiased (``n / (n - 1)``), as MindSpore's ``BatchNorm`` kernel does.

    Args:
        input_x: A float16/32/64 Tensor ``(N, C, ...)``.
        running_mean, running_var, weight, bias: Tensors ``(C,)`` of ``input_x``'s dtype
            (float32 for a float16 input is accepted too).
        training: Whether to use and update the batch statistics.
        momentum: Weight of the batch statistics in the running ones (default 0.1).
        eps: Added to the variance (default 1e-5).

    Raises:
        TypeError: A non-Tensor or non-float input, mixed dtypes, or (training) running
            statistics that are not Parameters.
        ValueError: A shape other than ``(C,)``, ``momentum`` outside [0, 1], ``eps`` not
            positive, or (training) one value per channel.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.array([[1, 2], [3, 4]], np.float32))
        >>> mean = Tensor(np.array([0.5, 1.5], np.float32))
        >>> var = Tensor(np.array([0.1, 0.2], np.float32))
        >>> w = Tensor(np.array([2.0, 2.0], np.float32))
        >>> b = Tensor(np.array([-1.0, -1.0], np.float32))
        >>> print(ops.batch_norm(x, mean, var, w, b))
        [[ 2.1621194  1.2360122]
         [14.810596  10.180061 ]]
    """
    where = "batch_norm"
    x = float_input(where, "input_x", input_x)
    if x.ndim < 2:
        raise value_error(where, "input_x", tuple(x.shape), "an (N, C, ...) input of 2 dims or more")
    channels = int(x.shape[1])
    stats = {}
    for arg, value in (("running_mean", running_mean), ("running_var", running_var),
                       ("weight", weight), ("bias", bias)):
        array = float_input(where, arg, value)
        if tuple(array.shape) != (channels,):
            raise value_error(where, arg, tuple(array.shape), f"(C,) = ({channels},)")
        stats[arg] = array
    if x.dtype.itemsize == 2:  # float16 data, float32 statistics is MindSpore's usual pairing
        same_dtype(where, *((arg, a) for arg, a in stats.items()))
    else:
        same_dtype(where, ("input_x", x), *((arg, a) for arg, a in stats.items()))
    training = check_bool(where, "training", training)
    momentum = check_real(where, "momentum", momentum)
    if not 0.0 <= momentum <= 1.0:
        raise value_error(where, "momentum", momentum, "a number in [0, 1]")
    eps = check_real(where, "eps", eps, positive=True)
    if not training:
        return Tensor._wrap(_norm.batch_norm(x, stats["running_mean"], stats["running_var"],
                                             stats["weight"], stats["bias"], eps))
    for arg, value in (("running_mean", running_mean), ("running_var", running_var)):
        if not isinstance(value, Parameter):
            raise type_error(where, arg, value,
                             "a Parameter when training=True (it is updated in place)")
    if x.size // channels < 2:
        raise ValueError(f"{where}: training needs more than one value per channel to compute "
                         f"a variance; got an input of shape {tuple(x.shape)}.")
    y, new_mean, new_var = _norm.batch_norm_training(
        x, stats["running_mean"], stats["running_var"], stats["weight"], stats["bias"],
        momentum, eps)
    # Both new values have the statistics' own shape and dtype, so neither write can fail
    # once the first has happened.
    Assign()(running_mean, Tensor._wrap(new_mean))
    Assign()(running_var, Tensor._wrap(new_var))
    return Tensor._wrap(y)


__all__ = ["batch_norm"]
