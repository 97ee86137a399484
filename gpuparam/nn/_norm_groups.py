"""``GroupNorm`` and ``InstanceNorm1d/2d/3d``: normalization over groups of channels or
over each (sample, channel) instance, with MindSpore's parameters and attributes.
"""

from __future__ import annotations

from typing import Any

from .._array_ops import normalization
from .._dtype import float32
from .._errors import check_bool, check_int, check_real, value_error
from .._tensor import Tensor
from ..ops import Assign
from ._cell import Cell
from ._inputs import layer_dtype, layer_input
from ._weights import make_parameter


class GroupNorm(Cell[Tensor]):
    """Group normalization over ``(N, C, *)`` inputs: the ``C`` channels split into
    ``num_groups`` groups, each normalized over its channels and all positions with the
    biased variance, then ``* gamma + beta`` per channel. Training and evaluation compute
    the same function.

    Args:
        num_groups: The number of groups; it must divide ``num_channels``.
        num_channels: The number of channels ``C``.
        eps: Added to the variance (default 1e-5).
        affine: Whether ``gamma`` and ``beta`` are trained (``requires_grad``).
        gamma_init, beta_init: Initializers of shape ``(C,)``; defaults ``'ones'`` and
            ``'zeros'``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.GroupNorm(2, 4)
        >>> x = Tensor(np.array([[[1.0], [3.0], [5.0], [7.0]]], np.float32))
        >>> net(x).asnumpy().ravel().round(4)
        array([-1.,  1., -1.,  1.], dtype=float32)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 dtype: Any = float32) -> None:
        super().__init__()
        where = "GroupNorm"
        num_groups = check_int(where, "num_groups", num_groups, minimum=1)
        num_channels = check_int(where, "num_channels", num_channels, minimum=1)
        if num_channels % num_groups:
            raise value_error(where, "num_channels", num_channels,
                              f"a multiple of num_groups={num_groups}")
        eps = check_real(where, "eps", eps, positive=True)
        check_bool(where, "affine", affine)
        layer_type = layer_dtype(where, dtype)
        gamma = make_parameter(where, "gamma_init", gamma_init, None, (num_channels,),
                               layer_type, name="gamma", requires_grad=affine)
        beta = make_parameter(where, "beta_init", beta_init, None, (num_channels,),
                              layer_type, name="beta", requires_grad=affine)
        self.num_groups, self.num_channels, self.eps, self.affine = (
            num_groups, num_channels, eps, affine)
        self.gamma, self.beta = gamma, beta

    def construct(self, x: Tensor) -> Tensor:
        array = layer_input("GroupNorm", x, self.gamma.dtype)
        if array.ndim < 2 or array.shape[1] != self.num_channels:
            raise value_error("GroupNorm", "x", tuple(array.shape),
                              f"(N, C, ...) with C = num_channels = {self.num_channels}")
        return Tensor._wrap(normalization.group_norm(array, self.num_groups, self.gamma._read(),
                                                     self.beta._read(), self.eps))

    def extend_repr(self) -> str:
        return f"num_groups={self.num_groups}, num_channels={self.num_channels}"


class _InstanceNorm(Cell[Tensor]):
    _rank = 4
    _layout = "(N, C, H, W)"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True, gamma_init: Any = "ones", beta_init: Any = "zeros",
                 dtype: Any = float32) -> None:
        super().__init__()
        where = type(self).__name__
        num_features = check_int(where, "num_features", num_features, minimum=1)
        eps = check_real(where, "eps", eps, positive=True)
        momentum = check_real(where, "momentum", momentum)
        if not 0.0 <= momentum <= 1.0:
            raise value_error(where, "momentum", momentum, "a number in [0, 1]")
        check_bool(where, "affine", affine)
        layer_type = layer_dtype(where, dtype)
        shape = (num_features,)
        # MindSpore's registration order: the moving statistics, then gamma and beta.
        moving_mean = make_parameter(where, "moving_mean", "zeros", None, shape, layer_type,
                                     name="mean", requires_grad=False)
        moving_variance = make_parameter(where, "moving_variance", "ones", None, shape,
                                         layer_type, name="variance", requires_grad=False)
        gamma = make_parameter(where, "gamma_init", gamma_init, None, shape, layer_type,
                               name="gamma", requires_grad=affine)
        beta = make_parameter(where, "beta_init", beta_init, None, shape, layer_type,
                              name="beta", requires_grad=affine)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.moving_mean, self.moving_variance = moving_mean, moving_variance
        self.gamma, self.beta = gamma, beta

    def construct(self, x: Tensor) -> Tensor:
        where = type(self).__name__
        array = layer_input(where, x, self.gamma.dtype)
        if array.ndim != self._rank or array.shape[1] != self.num_features:
            raise value_error(where, "x", tuple(array.shape),
                              f"{self._layout} with C = num_features = {self.num_features}")
        n, c = array.shape[:2]
        if array.size // (n * c) < 2:
            raise ValueError(f"{where}: each instance needs more than one value to compute a "
                             f"variance; got an input of shape {tuple(array.shape)}.")
        # Each (sample, channel) pair is one channel of a batch of one.
        flat = array.reshape(1, n * c, -1)
        mean, variance, count = normalization.batch_moments(flat)
        out = normalization.batch_norm(flat, mean, variance,
                                       self.gamma._read().reshape(1, c).repeat(n, axis=0).ravel(),
                                       self.beta._read().reshape(1, c).repeat(n, axis=0).ravel(),
                                       self.eps)
        unbiased = variance * (count / (count - 1))
        new_mean = normalization.moving_update(self.moving_mean._read(),
                                               mean.reshape(n, c).mean(axis=0), self.momentum)
        new_var = normalization.moving_update(self.moving_variance._read(),
                                              unbiased.reshape(n, c).mean(axis=0), self.momentum)
        Assign()(self.moving_mean, Tensor._wrap(new_mean))
        Assign()(self.moving_variance, Tensor._wrap(new_var))
        return Tensor._wrap(out.reshape(array.shape))

    def extend_repr(self) -> str:
        return (f"num_features={self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"gamma={self.gamma}, beta={self.beta}, moving_mean={self.moving_mean}, "
                f"moving_variance={self.moving_variance}")


_IN_ARGS = """
    Every call, in training and in evaluation as MindSpore's ``InstanceNorm`` kernel
    does, normalizes each (sample, channel) instance with its own mean and biased
    variance and updates the moving statistics: ``moving = (1 - momentum) * moving +
    momentum * batch``, ``batch`` the mean over the samples of the instance means (and of
    the unbiased instance variances), as MindSpore's GPU kernel, which hands ``momentum``
    to cuDNN as its exponential average factor. (MindSpore has no CPU kernel, so this
    rule is not in its recorded data.)

    Args:
        num_features: The number of channels ``C``.
        eps: Added to the variance (default 1e-5).
        momentum: Weight of the new statistics in the moving ones (default 0.1).
        affine: Whether ``gamma`` and ``beta`` are trained (``requires_grad``).
        gamma_init, beta_init: Initializers of shape ``(C,)``; defaults ``'ones'`` and
            ``'zeros'``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).
"""


class InstanceNorm1d(_InstanceNorm):
    __doc__ = """Instance normalization over ``(N, C, L)`` inputs.
    """ + _IN_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.InstanceNorm1d(3)
        >>> net(Tensor(np.ones([2, 3, 5], np.float32))).shape
        (2, 3, 5)
    """

    _rank = 3
    _layout = "(N, C, L)"


class InstanceNorm2d(_InstanceNorm):
    __doc__ = """Instance normalization over ``(N, C, H, W)`` inputs.
    """ + _IN_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.InstanceNorm2d(3)
        >>> [name for name, _ in net.parameters_and_names()]
        ['moving_mean', 'moving_variance', 'gamma', 'beta']
        >>> net(Tensor(np.ones([2, 3, 2, 2], np.float32))).shape
        (2, 3, 2, 2)
    """


class InstanceNorm3d(_InstanceNorm):
    __doc__ = """Instance normalization over ``(N, C, D, H, W)`` inputs.
    """ + _IN_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.InstanceNorm3d(2)
        >>> net(Tensor(np.ones([1, 2, 2, 2, 2], np.float32))).shape
        (1, 2, 2, 2, 2)
    """

    _rank = 5
    _layout = "(N, C, D, H, W)"


__all__ = ["GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]
