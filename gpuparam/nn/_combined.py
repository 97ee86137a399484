"""``Conv2dBnAct`` and ``DenseBnAct``: a convolution or dense layer, an optional batch
normalization and an optional activation, as MindSpore's ``nn.layer.combined``.
"""

from __future__ import annotations

from typing import Any

from .._errors import check_bool, check_real, type_error
from .._tensor import Tensor
from ._activation import LeakyReLU
from ._activation_lookup import lookup
from ._cell import Cell
from ._conv import Conv2d
from ._dense import Dense
from ._normalization import BatchNorm1d, BatchNorm2d


def _activation(where: str, activation: Any, alpha: Any) -> Cell | None:
    # As MindSpore's combined layers: a name from nn.get_activation's table ('leakyrelu'
    # built with ``alpha``; every other name ignores it), a Cell, or None.
    check_real(where, "alpha", alpha)
    if activation == "leakyrelu":
        return LeakyReLU(alpha)
    if activation is not None and not isinstance(activation, (str, Cell)):
        raise type_error(where, "activation", activation, "None, a name or a Cell")
    return lookup(where, "activation", activation) if isinstance(activation, str) else activation


class Conv2dBnAct(Cell[Tensor]):
    """``Conv2d``, then (``has_bn``) ``BatchNorm2d``, then (``activation``) an activation.

    Children are named as MindSpore's: ``conv``, ``batchnorm``, ``activation``, so the
    parameters are ``conv.weight`` (``conv.bias``), ``batchnorm.moving_mean``, ... .

    Args:
        in_channels, out_channels, kernel_size, stride, pad_mode, padding, dilation,
            group, has_bias: As ``Conv2d``.
        weight_init, bias_init: Defaults ``'normal'`` and ``'zeros'`` (MindSpore's).
        has_bn: Whether to add the batch normalization (default False).
        momentum, eps: The batch normalization's (defaults 0.997 and 1e-5).
        activation: None, a name (``'relu'``, ...) or a Cell.
        alpha: The slope of ``'leakyrelu'`` (default 0.2).
        after_fake: Kept for MindSpore's quantization-aware training; no effect here.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.Conv2dBnAct(3, 4, 3, has_bn=True, activation='relu')
        >>> [name for name, _ in net.parameters_and_names()][:2]
        ['conv.weight', 'batchnorm.moving_mean']
        >>> net(Tensor(np.ones([1, 3, 5, 5], np.float32))).shape
        (1, 4, 5, 5)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 pad_mode: str = "same", padding: Any = 0, dilation: Any = 1, group: int = 1,
                 has_bias: bool = False, weight_init: Any = "normal", bias_init: Any = "zeros",
                 has_bn: bool = False, momentum: float = 0.997, eps: float = 1e-5,
                 activation: Any = None, alpha: float = 0.2, after_fake: bool = True) -> None:
        super().__init__()
        where = "Conv2dBnAct"
        has_bn = check_bool(where, "has_bn", has_bn)
        after_fake = check_bool(where, "after_fake", after_fake)
        act = _activation(where, activation, alpha)
        conv = Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride,
                      pad_mode=pad_mode, padding=padding, dilation=dilation, group=group,
                      has_bias=has_bias, weight_init=weight_init, bias_init=bias_init)
        batchnorm = BatchNorm2d(out_channels, eps=eps, momentum=momentum) if has_bn else None
        self.conv = conv
        self.has_bn = has_bn
        self.has_act = act is not None
        self.after_fake = after_fake
        if batchnorm is not None:
            self.batchnorm = batchnorm
        self.activation = act

    def construct(self, x: Tensor) -> Tensor:
        x = self.conv(x)
        if self.has_bn:
            x = self.batchnorm(x)
        return self.activation(x) if self.has_act else x


class DenseBnAct(Cell[Tensor]):
    """``Dense``, then (``has_bn``) ``BatchNorm1d``, then (``activation``) an activation.

    Children are named as MindSpore's: ``dense``, ``batchnorm``, ``activation``.

    Args:
        in_channels, out_channels, has_bias: As ``Dense``.
        weight_init, bias_init: Defaults ``'normal'`` and ``'zeros'`` (MindSpore's).
        has_bn: Whether to add the batch normalization (default False).
        momentum, eps: The batch normalization's (defaults 0.9 and 1e-5).
        activation: None, a name (``'relu'``, ...) or a Cell.
        alpha: The slope of ``'leakyrelu'`` (default 0.2).
        after_fake: Kept for MindSpore's quantization-aware training; no effect here.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.DenseBnAct(5, 3, has_bn=True, activation='relu')
        >>> [name for name, _ in net.parameters_and_names()][:3]
        ['dense.weight', 'dense.bias', 'batchnorm.moving_mean']
        >>> net(Tensor(np.ones([4, 5], np.float32))).shape
        (4, 3)
    """

    def __init__(self, in_channels: int, out_channels: int, weight_init: Any = "normal",
                 bias_init: Any = "zeros", has_bias: bool = True, has_bn: bool = False,
                 momentum: float = 0.9, eps: float = 1e-5, activation: Any = None,
                 alpha: float = 0.2, after_fake: bool = True) -> None:
        super().__init__()
        where = "DenseBnAct"
        has_bn = check_bool(where, "has_bn", has_bn)
        after_fake = check_bool(where, "after_fake", after_fake)
        act = _activation(where, activation, alpha)
        dense = Dense(in_channels, out_channels, weight_init, bias_init, has_bias)
        batchnorm = BatchNorm1d(out_channels, eps=eps, momentum=momentum) if has_bn else None
        self.dense = dense
        self.has_bn = has_bn
        self.has_act = act is not None
        self.after_fake = after_fake
        if batchnorm is not None:
            self.batchnorm = batchnorm
        self.activation = act

    def construct(self, x: Tensor) -> Tensor:
        x = self.dense(x)
        if self.has_bn:
            x = self.batchnorm(x)
        return self.activation(x) if self.has_act else x


__all__ = ["Conv2dBnAct", "DenseBnAct"]
