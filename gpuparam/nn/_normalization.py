"""``BatchNorm1d``, ``BatchNorm2d`` and ``LayerNorm``, with MindSpore's parameters.

Batch normalization owns four parameters named as MindSpore names them: ``gamma`` and
``beta`` (trained when ``affine``), and the moving statistics ``mean`` and
``variance`` (attributes ``moving_mean`` / ``moving_variance``, ``requires_grad=False``).
Statistics are computed in float32 at least (float64 for a float64 layer).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from .._backend import Array
from .._dtype import float32
from .._errors import check_bool, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ..ops import Assign
from ._cell import Cell
from ._inputs import layer_dtype, layer_input
from ._weights import make_parameter


def _work_dtype(array: Array) -> np.dtype:
    return np.dtype(np.float64) if array.dtype == np.float64 else np.dtype(np.float32)


class _BatchNorm(Cell[Tensor]):
    _ranks: tuple[int, ...] = (4,)
    _layout = "(N, C, H, W)"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 moving_mean_init: Any = "zeros", moving_var_init: Any = "ones",
                 use_batch_statistics: bool | None = None, data_format: str = "NCHW",
                 dtype: Any = float32) -> None:
        super().__init__()
        where = type(self).__name__
        self.num_features = check_int(where, "num_features", num_features, minimum=1)
        self.eps = check_real(where, "eps", eps, positive=True)
        self.momentum = check_real(where, "momentum", momentum)
        if not 0.0 <= self.momentum <= 1.0:
            raise value_error(where, "momentum", momentum, "a number in [0, 1]")
        self.affine = check_bool(where, "affine", affine)
        if use_batch_statistics is not None:
            check_bool(where, "use_batch_statistics", use_batch_statistics)
        self.use_batch_statistics = use_batch_statistics
        if data_format != "NCHW":
            if data_format == "NHWC":
                raise NotImplementedError(f"{where}: data_format 'NHWC' is not supported; "
                                          "gpuparam computes in NCHW only.")
            raise value_error(where, "data_format", data_format, "'NCHW'")
        self.dtype = layer_dtype(where, dtype)
        shape = (self.num_features,)
        self.gamma = make_parameter(where, "gamma_init", gamma_init, None, shape, self.dtype,
                                    name="gamma", requires_grad=affine)
        self.beta = make_parameter(where, "beta_init", beta_init, None, shape, self.dtype,
                                   name="beta", requires_grad=affine)
        self.moving_mean = make_parameter(where, "moving_mean_init", moving_mean_init, None,
                                          shape, self.dtype, name="mean", requires_grad=False)
        self.moving_variance = make_parameter(where, "moving_var_init", moving_var_init, None,
                                              shape, self.dtype, name="variance",
                                              requires_grad=False)

    def _uses_batch_statistics(self) -> bool:
        if self.use_batch_statistics is not None:
            return self.use_batch_statistics
        return bool(getattr(self, "training", False))

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        array = layer_input(where, x, self.gamma.dtype)
        if array.ndim not in self._ranks or array.shape[1] != self.num_features:
            raise value_error(where, "x", tuple(array.shape),
                              f"{self._layout} with C = num_features = {self.num_features}")
        xp = _backend.get_array_module(array)
        work = _work_dtype(array)
        wide = array.astype(work, copy=False)
        axes = (0,) + tuple(range(2, array.ndim))
        view = (1, -1) + (1,) * (array.ndim - 2)
        if self._uses_batch_statistics():
            count = array.size // self.num_features
            if count < 2:
                raise ValueError(f"{where}: training needs more than one value per channel to "
                                 f"compute a variance; got an input of shape {tuple(array.shape)}.")
            mean = wide.mean(axis=axes)
            var = wide.var(axis=axes)
            m = self.momentum
            # The moving variance takes the unbiased batch variance, as cuDNN (MindSpore's
            # GPU kernel) and PyTorch do; the batch itself is normalized by the biased one.
            new_mean = m * self.moving_mean._read().astype(work) + (1 - m) * mean
            new_var = (m * self.moving_variance._read().astype(work)
                       + (1 - m) * var * (count / (count - 1)))
            target = self.moving_mean.dtype.numpy_dtype
            Assign()(self.moving_mean, Tensor._wrap(new_mean.astype(target)))
            Assign()(self.moving_variance, Tensor._wrap(new_var.astype(target)))
        else:
            mean = self.moving_mean._read().astype(work)
            var = self.moving_variance._read().astype(work)
        scale = self.gamma._read().astype(work) / xp.sqrt(var + self.eps)
        shift = self.beta._read().astype(work) - mean * scale
        out = wide * scale.reshape(view) + shift.reshape(view)
        return Tensor._wrap(out.astype(array.dtype, copy=False))

    def extend_repr(self) -> str:
        return (f"num_features={self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"gamma={self.gamma}, beta={self.beta}, moving_mean={self.moving_mean}, "
                f"moving_variance={self.moving_variance}")


_BN_ARGS = """
    Args:
        num_features: The number of channels ``C``.
        eps: Added to the variance (default 1e-5).
        momentum: Weight of the old moving statistics: ``moving = momentum * moving +
            (1 - momentum) * batch`` (default 0.9, MindSpore's; PyTorch's 0.1 is 0.9 here).
        affine: Whether ``gamma`` and ``beta`` are trained (``requires_grad``).
        gamma_init, beta_init, moving_mean_init, moving_var_init: Initializers (a name,
            an Initializer, a Tensor of shape ``(C,)`` or a number); defaults ``'ones'``,
            ``'zeros'``, ``'zeros'``, ``'ones'``.
        use_batch_statistics: ``None`` (default): batch statistics when training
            (``set_train()``), the moving ones otherwise; ``True``/``False``: always /
            never the batch statistics.
        data_format: ``'NCHW'``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    When batch statistics are used, the batch is normalized with its biased variance
    and the moving variance is updated with the unbiased one (``n / (n - 1)``).
"""


class BatchNorm1d(_BatchNorm):
    __doc__ = """Batch normalization over ``(N, C)`` or ``(N, C, L)`` inputs, per channel.
    """ + _BN_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.BatchNorm1d(num_features=4)
        >>> x = Tensor(np.array([[0.7, 0.5, 0.5, 0.6], [0.5, 0.4, 0.6, 0.9]]).astype(np.float32))
        >>> print(net(x))
        [[0.6999965  0.4999975  0.4999975  0.59999704]
         [0.4999975  0.399998   0.59999704 0.89999545]]
    """

    _ranks = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    __doc__ = """Batch normalization over ``(N, C, H, W)`` inputs, per channel.
    """ + _BN_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.BatchNorm2d(num_features=3)
        >>> print(net.moving_mean)
        Parameter (name=mean, shape=(3,), dtype=Float32, requires_grad=False)
        >>> net(Tensor(np.ones([1, 3, 2, 2]).astype(np.float32))).asnumpy()[0, 0]
        array([[0.999995, 0.999995],
               [0.999995, 0.999995]], dtype=float32)
    """


class LayerNorm(Cell[Tensor]):
    """Layer normalization: ``(x - mean) / sqrt(var + epsilon) * gamma + beta``.

    Mean and (biased) variance are taken over the axes from ``begin_norm_axis`` to the
    last; ``gamma`` and ``beta`` have the shape ``normalized_shape`` and apply to the
    axes from ``begin_params_axis`` on.

    Args:
        normalized_shape: A tuple/list of ints: ``x.shape[begin_params_axis:]``.
        begin_norm_axis: First axis normalized (default -1).
        begin_params_axis: First axis ``gamma``/``beta`` cover (default -1).
        gamma_init, beta_init: Initializers; defaults ``'ones'`` and ``'zeros'``.
        epsilon: Added to the variance (default 1e-7, MindSpore's).
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import nn, Tensor
        >>> x = Tensor(np.ones([20, 5, 10, 10]), gpuparam.float32)
        >>> m = nn.LayerNorm(x.shape[1:], begin_norm_axis=1, begin_params_axis=1)
        >>> m(x).shape
        (20, 5, 10, 10)
    """

    def __init__(self, normalized_shape: Any, begin_norm_axis: int = -1,
                 begin_params_axis: int = -1, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 epsilon: float = 1e-7, dtype: Any = float32) -> None:
        super().__init__()
        where = "LayerNorm"
        if not isinstance(normalized_shape, (tuple, list)):
            raise type_error(where, "normalized_shape", normalized_shape,
                             "a tuple or list of ints")
        self.normalized_shape = tuple(check_int(where, "normalized_shape", n, minimum=1)
                                      for n in normalized_shape)
        self.begin_norm_axis = check_int(where, "begin_norm_axis", begin_norm_axis)
        self.begin_params_axis = check_int(where, "begin_params_axis", begin_params_axis)
        self.epsilon = check_real(where, "epsilon", epsilon, positive=True)
        self.dtype = layer_dtype(where, dtype)
        self.gamma = make_parameter(where, "gamma_init", gamma_init, None,
                                    self.normalized_shape, self.dtype, name="gamma")
        self.beta = make_parameter(where, "beta_init", beta_init, None,
                                   self.normalized_shape, self.dtype, name="beta")

    def construct(self, x: Tensor) -> Tensor:
        where = "LayerNorm"
        array = layer_input(where, x, self.gamma.dtype)
        ndim = array.ndim
        for arg, axis in (("begin_norm_axis", self.begin_norm_axis),
                          ("begin_params_axis", self.begin_params_axis)):
            if not -ndim <= axis < ndim:
                raise value_error(where, arg, axis, f"an axis of the {ndim}-d input")
        params_axis = self.begin_params_axis % ndim
        if tuple(array.shape[params_axis:]) != self.normalized_shape:
            raise value_error(where, "x", tuple(array.shape),
                              f"a shape ending in normalized_shape {self.normalized_shape} "
                              f"from axis begin_params_axis={self.begin_params_axis}")
        xp = _backend.get_array_module(array)
        work = _work_dtype(array)
        wide = array.astype(work, copy=False)
        axes = tuple(range(self.begin_norm_axis % ndim, ndim))
        mean = wide.mean(axis=axes, keepdims=True)
        var = wide.var(axis=axes, keepdims=True)
        out = (wide - mean) / xp.sqrt(var + self.epsilon)
        out = out * self.gamma._read().astype(work) + self.beta._read().astype(work)
        return Tensor._wrap(out.astype(array.dtype, copy=False))

    def extend_repr(self) -> str:
        return (f"normalized_shape={self.normalized_shape}, begin_norm_axis="
                f"{self.begin_norm_axis}, begin_params_axis={self.begin_params_axis}, "
                f"gamma={self.gamma}, beta={self.beta}")


__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]
