"""``BatchNorm1d/2d/3d``, ``SyncBatchNorm`` and ``LayerNorm``, with MindSpore's parameters.

Batch normalization owns four parameters named and registered as MindSpore's: the moving
statistics ``mean`` and ``variance`` (attributes ``moving_mean`` / ``moving_variance``,
``requires_grad=False``) first, then ``gamma`` and ``beta`` (trained when ``affine``).
Statistics are computed in float32 at least (float64 for a float64 layer).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from .._array_ops import normalization
from .._backend import Array
from .._dtype import float32
from .._errors import check_bool, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ..ops import Assign, LayerNorm as _LayerNormPrim
from ._cell import Cell
from ._inputs import layer_dtype, layer_input
from ._weights import make_parameter


def _work_dtype(array: Array) -> np.dtype:
    return np.dtype(np.float64) if array.dtype == np.float64 else np.dtype(np.float32)


class _BatchNorm(Cell[Tensor]):
    _ranks: tuple[int, ...] = (4,)
    _layout = "(N, C, H, W)"
    _format = "NCHW"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 moving_mean_init: Any = "zeros", moving_var_init: Any = "ones",
                 use_batch_statistics: bool | None = None, data_format: str = "NCHW",
                 dtype: Any = float32) -> None:
        super().__init__()
        where = type(self).__name__
        num_features = check_int(where, "num_features", num_features, minimum=1)
        eps = check_real(where, "eps", eps, positive=True)
        momentum = check_real(where, "momentum", momentum)
        if not 0.0 <= momentum <= 1.0:
            raise value_error(where, "momentum", momentum, "a number in [0, 1]")
        check_bool(where, "affine", affine)
        if use_batch_statistics is not None:
            check_bool(where, "use_batch_statistics", use_batch_statistics)
        if data_format != self._format:
            if data_format == "NHWC" and self._format == "NCHW":
                raise NotImplementedError(f"{where}: data_format 'NHWC' is not supported; "
                                          "gpuparam computes in NCHW only.")
            raise value_error(where, "data_format", data_format, repr(self._format))
        layer_type = layer_dtype(where, dtype)
        shape = (num_features,)
        # MindSpore's registration order (and so its checkpoints' order): the moving
        # statistics first, then gamma and beta; each is named as MindSpore names it.
        moving_mean = make_parameter(where, "moving_mean_init", moving_mean_init, None, shape,
                                     layer_type, name="mean", requires_grad=False)
        moving_variance = make_parameter(where, "moving_var_init", moving_var_init, None, shape,
                                         layer_type, name="variance", requires_grad=False)
        gamma = make_parameter(where, "gamma_init", gamma_init, None, shape, layer_type,
                               name="gamma", requires_grad=affine)
        beta = make_parameter(where, "beta_init", beta_init, None, shape, layer_type,
                              name="beta", requires_grad=affine)
        self.num_features = num_features
        self.eps = eps
        # MindSpore keeps the weight of the *new* batch: moving = (1 - self.momentum) *
        # moving + self.momentum * batch, with self.momentum = 1 - momentum.
        self.momentum = 1.0 - momentum
        self.affine = affine
        self.use_batch_statistics = use_batch_statistics
        self.format = data_format
        self.parallel_mode = "stand_alone"
        self.moving_mean_init, self.moving_var_init = moving_mean_init, moving_var_init
        self.gamma_init, self.beta_init = gamma_init, beta_init
        self.dtype = layer_type
        self.moving_mean = moving_mean
        self.moving_variance = moving_variance
        self.gamma = gamma
        self.beta = beta

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
        if not self._uses_batch_statistics():
            return Tensor._wrap(normalization.batch_norm(
                array, self.moving_mean._read(), self.moving_variance._read(),
                self.gamma._read(), self.beta._read(), self.eps))
        return Tensor._wrap(batch_norm_training(where, array, self.moving_mean,
                                                self.moving_variance, self.gamma._read(),
                                                self.beta._read(), self.momentum, self.eps))

    def extend_repr(self) -> str:
        return (f"num_features={self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"gamma={self.gamma}, beta={self.beta}, moving_mean={self.moving_mean}, "
                f"moving_variance={self.moving_variance}")


def batch_norm_training(where: str, array: Array, moving_mean: Tensor, moving_variance: Tensor,
                        gamma: Array, beta: Array, momentum: float, eps: float) -> Array:
    """Normalize ``array`` with its batch statistics and update the moving ones in place
    (``normalization.batch_norm_training``'s rule)."""
    if array.size // array.shape[1] < 2:
        raise ValueError(f"{where}: training needs more than one value per channel to "
                         f"compute a variance; got an input of shape {tuple(array.shape)}.")
    out, new_mean, new_var = normalization.batch_norm_training(
        array, moving_mean._read(), moving_variance._read(), gamma, beta, momentum, eps)
    Assign()(moving_mean, Tensor._wrap(new_mean))
    Assign()(moving_variance, Tensor._wrap(new_var))
    return out


_BN_ARGS = """
    Args:
        num_features: The number of channels ``C``.
        eps: Added to the variance (default 1e-5).
        momentum: Weight of the old moving statistics: ``moving = momentum * moving +
            (1 - momentum) * batch`` (default 0.9, MindSpore's; PyTorch's 0.1 is 0.9 here).
            As in MindSpore, the attribute ``momentum`` keeps ``1 - momentum``.
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


class BatchNorm3d(Cell[Tensor]):
    __doc__ = """Batch normalization over ``(N, C, D, H, W)`` inputs, per channel.

    As MindSpore's, it owns a ``BatchNorm2d`` child named ``bn2d`` (so its parameters are
    ``bn2d.moving_mean``, ``bn2d.moving_variance``, ``bn2d.gamma``, ``bn2d.beta``) and
    normalizes the input viewed as ``(N, C, D * H, W)``.
    """ + _BN_ARGS.replace("        data_format: ``'NCHW'``.\n", "") + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.BatchNorm3d(num_features=3)
        >>> [name for name, _ in net.parameters_and_names()]
        ['bn2d.moving_mean', 'bn2d.moving_variance', 'bn2d.gamma', 'bn2d.beta']
        >>> net(Tensor(np.ones([2, 3, 2, 2, 2], np.float32))).shape
        (2, 3, 2, 2, 2)
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 moving_mean_init: Any = "zeros", moving_var_init: Any = "ones",
                 use_batch_statistics: bool | None = None, dtype: Any = float32) -> None:
        super().__init__()
        self.bn2d = BatchNorm2d(num_features, eps, momentum, affine, gamma_init, beta_init,
                                moving_mean_init, moving_var_init, use_batch_statistics,
                                dtype=dtype)

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("BatchNorm3d", "x", x, "a Tensor")
        if x.ndim != 5:
            raise value_error("BatchNorm3d", "x", tuple(x.shape), "an (N, C, D, H, W) input")
        n, c, d, h, w = x.shape
        return self.bn2d(x.reshape((n, c, d * h, w))).reshape((n, c, d, h, w))


class SyncBatchNorm(_BatchNorm):
    __doc__ = """Batch normalization over ``(N, C, H, W)`` (or ``(N, C)``) inputs whose
    training statistics MindSpore averages across the processes of ``process_groups``.

    gpuparam never reduces statistics across processes: in one process it is exactly
    ``BatchNorm2d`` (MindSpore's single-process behaviour); run in several processes,
    each one normalizes with the statistics of its own batch and updates its own moving
    statistics, as a ``BatchNorm2d`` per process would (the replicas' moving statistics
    then drift apart; average them, e.g. with ``communication.comm_func.all_reduce``,
    where that matters). So ``rank_id`` and ``rank_size`` describe the group the
    statistics cover: always 0 and 1. ``process_groups`` other than None raises
    NotImplementedError.
    """ + _BN_ARGS.replace("        data_format: ``'NCHW'``.\n", "        process_groups: Must be None (see above).\n") + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.SyncBatchNorm(num_features=2)
        >>> net.rank_size, net.is_global
        (1, False)
        >>> net(Tensor(np.zeros([1, 2, 1, 1], np.float32))).shape
        (1, 2, 1, 1)
    """

    _ranks = (2, 4)
    _layout = "(N, C) or (N, C, H, W)"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.9,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 moving_mean_init: Any = "zeros", moving_var_init: Any = "ones",
                 use_batch_statistics: bool | None = None, process_groups: Any = None,
                 dtype: Any = float32) -> None:
        if process_groups is not None:
            raise NotImplementedError("SyncBatchNorm: process_groups is not supported; "
                                      "gpuparam does not reduce batch statistics across "
                                      "processes.")
        super().__init__(num_features, eps, momentum, affine, gamma_init, beta_init,
                         moving_mean_init, moving_var_init, use_batch_statistics, dtype=dtype)
        # The statistics cover this process only (see above), whatever the world size.
        self.rank_id, self.rank_size = 0, 1
        self.process_groups = None
        self.group_name = None
        self.is_global = False


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
        # MindSpore's attribute: subclasses in model files (mindcv's ConvNextLayerNorm) call
        # ``y, mean, var = self.layer_norm(x, self.gamma, self.beta)`` in their construct.
        self.layer_norm = _LayerNormPrim(self.begin_norm_axis, self.begin_params_axis,
                                         self.epsilon)

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


__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "SyncBatchNorm"]
