"""``LSTMCell``, ``GRUCell`` and ``RNNCell``: one time step, with MindSpore's parameters
``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` (``None`` without bias), all
``Uniform(1 / sqrt(hidden_size))`` (MindSpore's ``reset_parameters``), created in that
order. The step is ``_array_ops.recurrent.cell``, the one the layers run each step.
"""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from .._array_ops import recurrent as _recurrent
from .._backend import Array
from .._dtype import float32
from .._errors import check_bool, check_choice, check_int, type_error, value_error
from .._initializer import Uniform
from .._tensor import Tensor
from ._cell import Cell
from ._inputs import layer_dtype, layer_input
from ._weights import make_parameter


_Out = TypeVar("_Out")


class _RNNCellBase(Cell[_Out], Generic[_Out]):
    """What the three cells share: arguments, parameters, input checks."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, has_bias: bool,
                 dtype: Any) -> None:
        super().__init__()
        where = type(self).__name__
        has_bias = check_bool(where, "has_bias", has_bias)
        hidden_size = check_int(where, "hidden_size", hidden_size, minimum=1)
        input_size = check_int(where, "input_size", input_size, minimum=1)
        checked = layer_dtype(where, dtype)
        self.input_size, self.hidden_size, self.has_bias = input_size, hidden_size, has_bias
        self._mode = mode
        gates = _recurrent.GATES[mode] * hidden_size
        init = Uniform(1.0 / math.sqrt(hidden_size))
        self.weight_ih = make_parameter(where, "weight_ih", init, init, (gates, input_size), checked)
        self.weight_hh = make_parameter(where, "weight_hh", init, init, (gates, hidden_size), checked)
        self.bias_ih = make_parameter(where, "bias_ih", init, init, (gates,), checked) \
            if has_bias else None
        self.bias_hh = make_parameter(where, "bias_hh", init, init, (gates,), checked) \
            if has_bias else None

    def _inputs(self, x: Any, states: list[tuple[str, Any]]) -> tuple[Array, list[Array]]:
        where = type(self).__name__
        dtype = self.weight_ih.dtype
        xa = layer_input(where, x, dtype)
        if xa.ndim != 2 or xa.shape[1] != self.input_size:
            raise value_error(where, "x", tuple(xa.shape),
                              f"a (batch, input_size={self.input_size}) Tensor")
        shape = (xa.shape[0], self.hidden_size)
        arrays = []
        for arg, value in states:
            if not isinstance(value, Tensor):
                raise type_error(where, arg, value, "a Tensor")
            if value.dtype != dtype:
                raise TypeError(f"{where}: `{arg}` is {value.dtype}, the cell's weight is "
                                f"{dtype}; give it in {dtype} (as `x`).")
            if tuple(value.shape) != shape:
                raise value_error(where, arg, tuple(value.shape), f"the shape (batch, hidden_size) = {shape}")
            arrays.append(value._read())
        return xa, arrays

    def _step(self, x: Array, h: Array, c: Array | None) -> tuple[Array, Array | None]:
        bias_ih = None if self.bias_ih is None else self.bias_ih._read()
        bias_hh = None if self.bias_hh is None else self.bias_hh._read()
        return _recurrent.cell(self._mode, x, h, c, self.weight_ih._read(), self.weight_hh._read(),
                               bias_ih, bias_hh)


class LSTMCell(_RNNCellBase[tuple[Tensor, Tensor]]):
    """One LSTM step, gates ``[i, f, g, o]``: ``cell(x, (h, c))`` returns ``(h', c')``,
    ``x`` ``(batch, input_size)``, ``h``, ``c`` ``(batch, hidden_size)``.

    Args:
        input_size, hidden_size: Feature counts of the input and the state.
        has_bias: Whether there are ``bias_ih``, ``bias_hh`` (default True).
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``); the
            inputs must have it, and so do the outputs.

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.LSTMCell(10, 16)
        >>> x = Tensor(np.ones([5, 3, 10]).astype(np.float32))
        >>> h = Tensor(np.ones([3, 16]).astype(np.float32))
        >>> c = Tensor(np.ones([3, 16]).astype(np.float32))
        >>> hx = net(x[0], (h, c))
        >>> hx[0].shape, hx[1].shape
        ((3, 16), (3, 16))
    """

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True,
                 dtype: Any = float32) -> None:
        super().__init__("LSTM", input_size, hidden_size, has_bias, dtype)
        self.support_non_tensor_inputs = True  # MindSpore's attribute

    def construct(self, x: Tensor, hx: Any) -> tuple[Tensor, Tensor]:
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise type_error("LSTMCell", "hx", hx, "a tuple (h, c) of two Tensors")
        xa, (h, c) = self._inputs(x, [("hx[0]", hx[0]), ("hx[1]", hx[1])])
        h_new, c_new = self._step(xa, h, c)
        assert c_new is not None
        return Tensor._wrap(h_new), Tensor._wrap(c_new)


class GRUCell(_RNNCellBase[Tensor]):
    """One GRU step, gates ``[r, z, n]``: ``cell(x, hx)`` returns ``h'``, with
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))`` and ``h' = (1 - z) * n + z * h``.

    Args:
        input_size, hidden_size: Feature counts of the input and the state.
        has_bias: Whether there are ``bias_ih``, ``bias_hh`` (default True).
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.GRUCell(10, 16)
        >>> hx = Tensor(np.ones([3, 16]).astype(np.float32))
        >>> net(Tensor(np.ones([3, 10]).astype(np.float32)), hx).shape
        (3, 16)
    """

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True,
                 dtype: Any = float32) -> None:
        super().__init__("GRU", input_size, hidden_size, has_bias, dtype)

    def construct(self, x: Tensor, hx: Any) -> Tensor:
        xa, (h,) = self._inputs(x, [("hx", hx)])
        return Tensor._wrap(self._step(xa, h, None)[0])


class RNNCell(_RNNCellBase[Tensor]):
    """One Elman RNN step: ``cell(x, hx)`` returns ``act(W_ih x + b_ih + W_hh h + b_hh)``,
    ``act`` tanh or ReLU (``nonlinearity``).

    Args:
        input_size, hidden_size: Feature counts of the input and the state.
        has_bias: Whether there are ``bias_ih``, ``bias_hh`` (default True).
        nonlinearity: ``'tanh'`` (default) or ``'relu'``.
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``).

    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.RNNCell(10, 16, nonlinearity='relu')
        >>> hx = Tensor(np.ones([3, 16]).astype(np.float32))
        >>> out = net(Tensor(np.ones([3, 10]).astype(np.float32)), hx)
        >>> out.shape, bool((out.asnumpy() >= 0).all())
        ((3, 16), True)
    """

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True,
                 nonlinearity: str = "tanh", dtype: Any = float32) -> None:
        check_choice("RNNCell", "nonlinearity", nonlinearity, ("tanh", "relu"))
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, has_bias, dtype)
        self.nonlinearity = nonlinearity

    def construct(self, x: Tensor, hx: Any) -> Tensor:
        xa, (h,) = self._inputs(x, [("hx", hx)])
        return Tensor._wrap(self._step(xa, h, None)[0])


__all__ = ["GRUCell", "LSTMCell", "RNNCell"]
