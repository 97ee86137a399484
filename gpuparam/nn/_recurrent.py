"""``LSTM``, ``GRU`` and ``RNN``: stacked, optionally bidirectional recurrent layers with
MindSpore's parameters, in MindSpore's order, over ``_array_ops.recurrent``.

MindSpore keeps the weights in four ParameterTuples assigned in the order ``w_ih_list``,
``w_hh_list``, ``b_ih_list``, ``b_hh_list``, so ``parameters_and_names()`` lists every
``weight_ih_l{k}[_reverse]`` first, then every ``weight_hh_*``, then the biases (PyTorch
groups by layer instead). The names are given (``weight_ih_l0``), so a parent cell
prefixes them as any other: ``encoder.weight_ih_l0``. The values are created layer by
layer and direction by direction (``w_ih, w_hh, b_ih, b_hh``), as MindSpore draws them,
so each one's random key follows that order; all are ``Uniform(1 / sqrt(hidden_size))``.

The layer computes in its parameters' dtype (docs/layers.md, "Result dtypes"), where
MindSpore casts the weights to the input's dtype. Dropout between layers is the child
``dropout_op`` (an ``nn.Dropout``, so its masks follow gpuparam's generator), applied
only while training, as MindSpore's.
"""

from __future__ import annotations

import math
from typing import Any, Generic, TypeVar

from .._array_ops import recurrent as _recurrent
from .._backend import Array, get_array_module, is_device_array
from .._dtype import DType, float32
from .._errors import check_bool, check_choice, check_int, type_error, value_error
from .._initializer import Uniform
from .._parameter import ParameterTuple
from .._tensor import Tensor
from ..ops import ReverseSequence, ReverseV2
from ._basic import Dropout
from ._cell import Cell
from ._inputs import layer_dtype, layer_input
from ._weights import make_parameter


class _DynamicRNNBase(Cell[tuple[Array, Array, 'Array | None']]):
    """The recurrence itself, MindSpore's parameter-free child ``rnn`` (one class per mode,
    named as MindSpore's CPU/GPU ones): arrays in, arrays out."""

    _mode = ""

    def construct(self, x: Array, h: Array, c: Array | None, weights: list[Any],
                  bidirectional: bool, lengths: Array | None, between: Any
                  ) -> tuple[Array, Array, Array | None]:
        return _recurrent.stacked(self._mode, x, h, c, weights, bidirectional, lengths, between)


class _DynamicLSTMCPUGPU(_DynamicRNNBase):
    _mode = "LSTM"


class _DynamicGRUCPUGPU(_DynamicRNNBase):
    _mode = "GRU"


class _DynamicRNNTanh(_DynamicRNNBase):
    _mode = "RNN_TANH"


class _DynamicRNNRelu(_DynamicRNNBase):
    _mode = "RNN_RELU"


_RECURRENCES = {"LSTM": _DynamicLSTMCPUGPU, "GRU": _DynamicGRUCPUGPU,
                "RNN_TANH": _DynamicRNNTanh, "RNN_RELU": _DynamicRNNRelu}


_Out = TypeVar("_Out")
_LSTMOut = tuple[Tensor, tuple[Tensor, Tensor]]


class _RNNBase(Cell[_Out], Generic[_Out]):
    """What ``LSTM``, ``GRU`` and ``RNN`` share: arguments, parameters, the forward pass;
    ``_Out`` is what a call returns, for type checkers."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 has_bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = float32) -> None:
        super().__init__()
        where = type(self).__name__
        hidden_size = check_int(where, "hidden_size", hidden_size, minimum=1)
        input_size = check_int(where, "input_size", input_size, minimum=1)
        num_layers = check_int(where, "num_layers", num_layers, minimum=1)
        if not isinstance(dropout, float):  # MindSpore's check_is_float: 0 is refused too
            raise type_error(where, "dropout", dropout, "a float")
        if not 0.0 <= dropout < 1.0:
            raise value_error(where, "dropout", dropout, "a float in [0, 1) (the drop probability)")
        check_bool(where, "has_bias", has_bias)
        check_bool(where, "batch_first", batch_first)
        check_bool(where, "bidirectional", bidirectional)
        checked_dtype: DType = layer_dtype(where, dtype)
        # Children and attributes in MindSpore's order: `rnn`, then `dropout_op`, whose
        # random key is taken before the parameters' (creation order fixes the values).
        self.rnn = _RECURRENCES[mode]()
        # MindSpore's public attributes; the recurrence steps backwards for the reverse
        # direction instead of reversing copies, so these two are not called here.
        self.reverse = ReverseV2([0])
        self.reverse_sequence = ReverseSequence(0, 1)
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        self.num_layers = num_layers
        self.dropout = dropout
        self.dropout_op = Dropout(p=float(dropout))
        self.bidirectional = bidirectional
        self.has_bias = has_bias
        self.is_lstm = mode == "LSTM"
        self._mode, self._input_size = mode, input_size
        directions = 2 if bidirectional else 1
        gates = _recurrent.GATES[mode] * hidden_size
        init = Uniform(1.0 / math.sqrt(hidden_size))
        lists: tuple[list[Any], ...] = ([], [], [], [])
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"l{layer}" + ("_reverse" if direction else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [
                    ("weight_ih", (gates, layer_input)), ("weight_hh", (gates, hidden_size))]
                if has_bias:
                    shapes += [("bias_ih", (gates,)), ("bias_hh", (gates,))]
                for group, (name, shape) in zip(lists, shapes):
                    group.append(make_parameter(where, name, init, init, shape, checked_dtype,
                                                name=f"{name}_{suffix}"))
        self.w_ih_list = ParameterTuple(lists[0])
        self.w_hh_list = ParameterTuple(lists[1])
        self.b_ih_list = ParameterTuple(lists[2])
        self.b_hh_list = ParameterTuple(lists[3])

    def _state(self, where: str, arg: str, value: Any, shape: tuple[int, ...],
               dtype: DType) -> Array:
        if not isinstance(value, Tensor):
            raise type_error(where, arg, value, "a Tensor")
        if value.dtype != dtype:
            raise TypeError(f"{where}: `{arg}` is {value.dtype}, the layer's weight is {dtype}; "
                            f"give it in {dtype} (as `x`).")
        if tuple(value.shape) != shape:
            raise value_error(where, arg, tuple(value.shape),
                              f"the shape (num_layers * num_directions, batch, hidden_size) = {shape}")
        return value._read()

    def _lengths(self, where: str, seq_length: Any, batch: int, steps: int) -> Array | None:
        if seq_length is None:
            return None
        if not isinstance(seq_length, Tensor) or seq_length.dtype.name not in ("int32", "int64"):
            raise type_error(where, "seq_length", seq_length, "an Int32 or Int64 Tensor")
        if tuple(seq_length.shape) != (batch,):
            raise value_error(where, "seq_length", tuple(seq_length.shape),
                              f"one length per batch element, shape ({batch},)")
        lengths = seq_length._read()
        # Checked on NumPy only: on CuPy the check would synchronize the device (there a
        # length beyond the sequence counts as the whole sequence, a negative one as 0).
        if not is_device_array(lengths) and lengths.size and \
                (lengths.min() < 0 or lengths.max() > steps):
            raise value_error(where, "seq_length", lengths.tolist(), f"lengths in [0, {steps}]")
        return lengths

    def construct(self, x: Tensor, hx: Any = None, seq_length: Any = None) -> _Out:
        where = type(self).__name__
        dtype = self.w_ih_list[0].dtype
        xa = layer_input(where, x, dtype)
        if xa.ndim != 3 or xa.shape[2] != self._input_size:
            layout = "(batch, seq_len, input_size)" if self.batch_first else "(seq_len, batch, input_size)"
            raise value_error(where, "x", tuple(xa.shape),
                              f"a 3-d {layout} Tensor with input_size={self._input_size}")
        if self.batch_first:
            xa = xa.transpose(1, 0, 2)
        directions = 2 if self.bidirectional else 1
        shape = (self.num_layers * directions, xa.shape[1], self.hidden_size)
        xp = get_array_module(xa)
        if hx is None:
            h0 = xp.zeros(shape, xa.dtype)
            c0 = h0 if self.is_lstm else None
        elif self.is_lstm:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise type_error(where, "hx", hx, "a tuple (h_0, c_0) of two Tensors")
            h0 = self._state(where, "hx[0]", hx[0], shape, dtype)
            c0 = self._state(where, "hx[1]", hx[1], shape, dtype)
        else:
            h0, c0 = self._state(where, "hx", hx, shape, dtype), None
        lengths = self._lengths(where, seq_length, xa.shape[1], xa.shape[0])
        blocks = zip(self.w_ih_list, self.w_hh_list,
                     self.b_ih_list or [None] * len(self.w_ih_list),
                     self.b_hh_list or [None] * len(self.w_ih_list))
        weights = [tuple(None if p is None else p._read() for p in block) for block in blocks]
        between = None
        if self.dropout != 0.0 and self.training:
            def between(a: Array) -> Array:
                return self.dropout_op(Tensor._wrap(a))._read()
        output, h_n, c_n = self.rnn(xa, h0, c0, weights, self.bidirectional, lengths, between)
        if self.batch_first:
            output = output.transpose(1, 0, 2)
        result: Any = ((Tensor._wrap(output), (Tensor._wrap(h_n), Tensor._wrap(c_n)))
                       if self.is_lstm else (Tensor._wrap(output), Tensor._wrap(h_n)))
        return result


_SHARED_ARGS = """
    Args:
        input_size: Features of the input ``x``.
        hidden_size: Features of the hidden state.
        num_layers: Stacked layers (default 1).
        has_bias: Whether there are biases ``b_ih``, ``b_hh`` (default True).
        batch_first: Whether ``x`` is ``(batch, seq_len, input_size)`` (default
            ``(seq_len, batch, input_size)``); the output follows it.
        dropout: A float in ``[0, 1)``: dropout on each layer's output but the last's,
            while training (default 0.0).
        bidirectional: Whether a reverse direction runs too (its features last).
        dtype: The parameters' floating-point dtype (default ``gpuparam.float32``); ``x``
            and ``hx`` must have it (integer ``x`` is converted), and so has the output.

    Inputs: ``x``; ``hx`` (default zeros) of shape ``(num_layers * num_directions,
    batch, hidden_size)``; ``seq_length``, an Int32/Int64 ``(batch,)`` Tensor of valid
    lengths: past its length a sequence outputs zeros and keeps its state, so ``h_n`` is
    the state at its last valid step (the reverse direction starts there).
"""


class LSTM(_RNNBase[_LSTMOut]):
    __doc__ = """Stacked LSTM layers, gates ``[i, f, g, o]`` (PyTorch's order):
    ``c' = f * c + i * g``, ``h' = o * tanh(c')``. ``layer(x, hx=None, seq_length=None)``
    returns ``(output, (h_n, c_n))``; ``hx`` is a tuple ``(h_0, c_0)``.
    """ + _SHARED_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.LSTM(10, 16, 2, has_bias=True, batch_first=True, bidirectional=False)
        >>> x = Tensor(np.ones([3, 5, 10]).astype(np.float32))
        >>> h0 = Tensor(np.ones([1 * 2, 3, 16]).astype(np.float32))
        >>> output, (hn, cn) = net(x, (h0, h0))
        >>> output.shape, hn.shape
        ((3, 5, 16), (2, 3, 16))
        >>> [name for name, _ in net.parameters_and_names()][:3]
        ['weight_ih_l0', 'weight_ih_l1', 'weight_hh_l0']
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 has_bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = float32) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, has_bias, batch_first,
                         dropout, bidirectional, dtype)


class GRU(_RNNBase[tuple[Tensor, Tensor]]):
    __doc__ = """Stacked GRU layers, gates ``[r, z, n]`` (PyTorch's order):
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) * n + z * h``.
    ``layer(x, hx=None, seq_length=None)`` returns ``(output, h_n)``.
    """ + _SHARED_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.GRU(10, 16, 2, has_bias=True, batch_first=True, bidirectional=False)
        >>> x = Tensor(np.ones([3, 5, 10]).astype(np.float32))
        >>> h0 = Tensor(np.ones([1 * 2, 3, 16]).astype(np.float32))
        >>> output, hn = net(x, h0)
        >>> output.shape, hn.shape
        ((3, 5, 16), (2, 3, 16))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 has_bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = float32) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, has_bias, batch_first,
                         dropout, bidirectional, dtype)


class RNN(_RNNBase[tuple[Tensor, Tensor]]):
    __doc__ = """Stacked Elman RNN layers: ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``
    with ``act`` tanh or ReLU (``nonlinearity``, keyword-only as in MindSpore, which
    takes it from ``**kwargs``). ``layer(x, hx=None, seq_length=None)`` returns
    ``(output, h_n)``.
    """ + _SHARED_ARGS + """
    Example:
        >>> import numpy as np
        >>> from gpuparam import nn, Tensor
        >>> net = nn.RNN(10, 16, 2, has_bias=True, batch_first=True, bidirectional=False)
        >>> x = Tensor(np.ones([3, 5, 10]).astype(np.float32))
        >>> h0 = Tensor(np.ones([1 * 2, 3, 16]).astype(np.float32))
        >>> output, hn = net(x, h0)
        >>> output.shape
        (3, 5, 16)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 has_bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, dtype: Any = float32, *,
                 nonlinearity: str = "tanh") -> None:
        check_choice("RNN", "nonlinearity", nonlinearity, ("tanh", "relu"))  # first, as MindSpore
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, has_bias, batch_first, dropout,
                         bidirectional, dtype)


__all__ = ["GRU", "LSTM", "RNN"]
