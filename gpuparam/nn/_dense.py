"""``Dense``, the fully connected layer, with MindSpore's parameters and defaults.

Parameters are created lazily, so a large network can be built first and materialized
later (``init_parameters_data()``), whole or shard by shard. Defaults follow MindSpore
2.x and PyTorch: ``weight_init=None`` is ``HeUniform(negative_slope=sqrt(5))`` and
``bias_init=None`` is ``Uniform(1 / sqrt(in_channels))``. ``dtype=`` sets the parameters'
dtype, and the input follows ``_inputs.layer_input``'s rules.
"""

from __future__ import annotations

from typing import Any

from .._dtype import float32
from .._errors import type_error, value_error
from .._tensor import Tensor
from ._activation_lookup import layer_activation
from ._cell import Cell
from ._inputs import channel_args, layer_input
from ._weights import weight_and_bias


class Dense(Cell[Tensor]):
    """Fully connected layer: ``activation(x @ weight.T + bias)``, ``weight`` ``(out, in)``.

    Args:
        in_channels, out_channels: Feature counts.
        weight_init: A name, Initializer, Tensor of shape ``(out, in)`` or number;
            ``None`` is ``HeUniform(negative_slope=sqrt(5))``.
        bias_init: Likewise; ``None`` is ``Uniform(1 / sqrt(in_channels))``.
        has_bias: Whether to add a bias (default True).
        activation: ``None``, a name ``nn.get_activation`` knows (``'relu'``, ``'gelu'``,
            ``'leakyrelu'``, ...; case-sensitive, a KeyError otherwise), a Cell or a
            Primitive (``ops.ReLU()``); a name becomes the child cell ``activation``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``); the
            output has it too. Integer inputs are converted; a float input of another
            dtype is a TypeError (cast it first).

    Example:
        >>> from gpuparam import nn
        >>> print(nn.Dense(3, 4).parameters_dict()['weight'])
        Parameter (name=weight, shape=(4, 3), dtype=Float32, requires_grad=True)
    """

    def __init__(self, in_channels: int, out_channels: int, weight_init: Any = None,
                 bias_init: Any = None, has_bias: bool = True, activation: Any = None,
                 dtype: Any = float32) -> None:
        super().__init__()
        where = "Dense"
        self.dtype, self.in_channels, self.out_channels, self.has_bias = channel_args(
            where, in_channels, out_channels, has_bias, dtype)
        self.weight, self.bias = weight_and_bias(where, weight_init, bias_init,
                                                 (out_channels, in_channels), out_channels,
                                                 self.dtype, self.has_bias)
        self.activation = layer_activation(where, activation)
        self.activation_flag = self.activation is not None

    def construct(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("Dense", "x", x, "a Tensor")
        if not x.shape or x.shape[-1] != self.in_channels:
            raise value_error("Dense", "x", x.shape, f"a last dimension of in_channels={self.in_channels}")
        weight = self.weight._read()
        out = Tensor._wrap(layer_input("Dense", x, self.weight.dtype) @ weight.T)
        if self.bias is not None:
            out = out + self.bias
        return self.activation(out) if self.activation_flag else out

    def extend_repr(self) -> str:
        return (f"input_channels={self.in_channels}, output_channels={self.out_channels}, "
                f"has_bias={self.has_bias}")


__all__ = ["Dense"]
