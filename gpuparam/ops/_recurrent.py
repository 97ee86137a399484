"""Recurrent primitives of ``mindspore.ops``: ``LSTM`` (flat weights) and ``DynamicRNN``
(TensorFlow's LSTM block); fronts over ``_array_ops.recurrent``.
"""

from __future__ import annotations

from typing import Any

from .._array_ops import recurrent as _recurrent
from .._errors import check_bool, check_choice, check_int, check_real, type_error, value_error
from .._tensor import Tensor
from ._checks import float_input, same_dtype
from .primitive import Primitive


class LSTM(Primitive):
    """``LSTM(input_size, hidden_size, num_layers, has_bias, bidirectional, dropout,
    proj_size=0)(x, h, c, w)``: ``(output, h_n, c_n, reserve, state)`` of a stacked LSTM
    over ``x`` ``(T, N, input_size)``, gates ``[i, f, g, o]``.

    ``w`` holds every weight flat (its shape does not matter, its size does), laid out as
    MindSpore's CPU kernel reads it: all ``w_ih`` ``(4H, in_l)`` for (layer, direction)
    in order, then all ``w_hh`` ``(4H, H)``, then (``has_bias``) one bias ``(4H,)`` each.
    The layout with two biases per (layer, direction), ``b_ih`` blocks then ``b_hh``
    blocks (the GPU's, as in MindSpore's documented example), is accepted too, the two
    summed. ``reserve`` and ``state`` (a training workspace) are empty ``(0, 1)``
    tensors; ``dropout`` is kept as an attribute and not applied, as on MindSpore's CPU.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> net = ops.LSTM(10, 2, 1, True, False, 0.0)
        >>> x = Tensor(np.ones([5, 2, 10], np.float32))
        >>> h0 = Tensor(np.ones([1, 2, 2], np.float32))
        >>> output, hn, cn, _, _ = net(x, h0, h0, Tensor(np.ones([112, 1, 1], np.float32)))
        >>> output.asnumpy()[:2, 0]
        array([[0.9640267, 0.9640267],
               [0.9950539, 0.9950539]], dtype=float32)
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int, has_bias: bool,
                 bidirectional: bool, dropout: float, proj_size: int = 0) -> None:
        super().__init__("LSTM")
        where = self.name
        self.add_prim_attr("input_size", check_int(where, "input_size", input_size, minimum=1))
        self.add_prim_attr("hidden_size", check_int(where, "hidden_size", hidden_size, minimum=1))
        self.add_prim_attr("num_layers", check_int(where, "num_layers", num_layers, minimum=1))
        self.add_prim_attr("has_bias", check_bool(where, "has_bias", has_bias))
        self.add_prim_attr("bidirectional", check_bool(where, "bidirectional", bidirectional))
        if not isinstance(dropout, float):
            raise type_error(where, "dropout", dropout, "a float")
        if not 0.0 <= dropout <= 1.0:
            raise value_error(where, "dropout", dropout, "a float in [0, 1]")
        self.add_prim_attr("dropout", dropout)
        if check_int(where, "proj_size", proj_size, minimum=0):
            raise NotImplementedError(f"{where}: proj_size > 0 (an LSTM with projections) is "
                                      "not supported.")
        self.add_prim_attr("proj_size", 0)
        self.num_directions = 2 if bidirectional else 1

    def _blocks(self) -> list[tuple[int, int]]:
        """``(layer, input size)`` of each (layer, direction), in the weights' order."""
        hidden, directions = self.hidden_size, self.num_directions
        return [(layer, self.input_size if layer == 0 else hidden * directions)
                for layer in range(self.num_layers) for _ in range(directions)]

    def _split(self, flat: Any) -> list[tuple[Any, Any, Any]]:
        gates, hidden = 4 * self.hidden_size, self.hidden_size
        blocks = self._blocks()
        weights = sum(gates * n for _, n in blocks) + len(blocks) * gates * hidden
        biases = len(blocks) * gates
        sizes = [weights] + ([weights + biases, weights + 2 * biases] if self.has_bias else [])
        if flat.size not in sizes:
            raise value_error(self.name, "w", flat.size,
                              f"one of {sorted(set(sizes))} weights for this LSTM")
        offset, w_ih, w_hh = 0, [], []
        for _, n in blocks:
            w_ih.append(flat[offset:offset + gates * n].reshape(gates, n))
            offset += gates * n
        for _ in blocks:
            w_hh.append(flat[offset:offset + gates * hidden].reshape(gates, hidden))
            offset += gates * hidden
        bias: list[Any] = [None] * len(blocks)
        if self.has_bias:
            bias = [flat[offset + k * gates:offset + (k + 1) * gates] for k in range(len(blocks))]
            if flat.size == weights + 2 * biases:  # b_ih blocks, then b_hh blocks
                tail = offset + biases
                bias = [b + flat[tail + k * gates:tail + (k + 1) * gates] for k, b in enumerate(bias)]
        return list(zip(w_ih, w_hh, bias))

    def __call__(self, x: Any, h: Any, c: Any, w: Any) -> tuple[Tensor, ...]:
        where = self.name
        xa, ha, ca, wa = (float_input(where, arg, v) for arg, v in
                          (("x", x), ("h", h), ("c", c), ("w", w)))
        if xa.ndim != 3 or xa.shape[2] != self.input_size:
            raise value_error(where, "x", tuple(xa.shape), f"(T, N, input_size={self.input_size})")
        state = (self.num_layers * self.num_directions, xa.shape[1], self.hidden_size)
        for arg, array in (("h", ha), ("c", ca)):
            if tuple(array.shape) != state:
                raise value_error(where, arg, tuple(array.shape), f"the state shape {state}")
        output, h_n, c_n = _recurrent.lstm(xa, ha, ca, self._split(wa.reshape(-1)),
                                           self.bidirectional)
        empty = Tensor._wrap(xa[:0, :0, 0].reshape(0, 1))
        return Tensor._wrap(output), Tensor._wrap(h_n), Tensor._wrap(c_n), empty, empty


class DynamicRNN(Primitive):
    """``DynamicRNN(...)(x, w, b, seq_length, init_h, init_c)``: TensorFlow's LSTM block
    over ``x`` ``(T, N, in)`` with ``w`` ``(in + H, 4H)`` (gates ``[i, j, f, o]``) and
    ``b`` ``(4H,)``; returns ``(y, output_h, output_c, i, j, f, o, tanhc)``, each
    ``(T, N, H)``.

    As MindSpore (an Ascend operator there), only ``cell_type='LSTM'``, one
    ``'UNIDIRECTIONAL'`` layer, time-major input, ``activation='tanh'``, no peephole,
    projection, clipping or dropout (``keep_prob=1``), and ``seq_length=None``.
    ``x``, ``w`` and the states are float16 (float32 too); ``b`` float16 or float32.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> x = Tensor(np.ones((2, 1, 3), np.float16))
        >>> w = Tensor(np.zeros((3 + 2, 8), np.float16))
        >>> b = Tensor(np.zeros(8, np.float16))
        >>> h0 = Tensor(np.zeros((1, 1, 2), np.float16))
        >>> y = ops.DynamicRNN()(x, w, b, None, h0, h0)[0]
        >>> y.shape, y.asnumpy()[0, 0]
        ((2, 1, 2), array([0., 0.], dtype=float16))
    """

    def __init__(self, cell_type: str = "LSTM", direction: str = "UNIDIRECTIONAL",
                 cell_depth: int = 1, use_peephole: bool = False, keep_prob: float = 1.0,
                 cell_clip: float = -1.0, num_proj: int = 0, time_major: bool = True,
                 activation: str = "tanh", forget_bias: float = 0.0, is_training: bool = True) -> None:
        super().__init__("DynamicRNN")
        where = self.name
        self.add_prim_attr("cell_type", check_choice(where, "cell_type", cell_type, ("LSTM",)))
        self.add_prim_attr("direction", check_choice(where, "direction", direction,
                                                     ("UNIDIRECTIONAL",)))
        self.add_prim_attr("activation", check_choice(where, "activation", activation, ("tanh",)))
        self.add_prim_attr("cell_depth", check_int(where, "cell_depth", cell_depth))
        self.add_prim_attr("use_peephole", check_bool(where, "use_peephole", use_peephole))
        self.add_prim_attr("keep_prob", check_real(where, "keep_prob", keep_prob))
        self.add_prim_attr("cell_clip", check_real(where, "cell_clip", cell_clip))
        self.add_prim_attr("num_proj", check_int(where, "num_proj", num_proj, minimum=0))
        self.add_prim_attr("time_major", check_bool(where, "time_major", time_major))
        self.add_prim_attr("forget_bias", check_real(where, "forget_bias", forget_bias))
        self.add_prim_attr("is_training", check_bool(where, "is_training", is_training))
        unsupported = [name for name, value, default in (
            ("cell_depth", self.cell_depth, 1), ("use_peephole", use_peephole, False),
            ("keep_prob", self.keep_prob, 1.0), ("cell_clip", self.cell_clip, -1.0),
            ("num_proj", num_proj, 0), ("time_major", time_major, True)) if value != default]
        if unsupported:
            raise NotImplementedError(f"{where}: {unsupported} other than MindSpore's defaults "
                                      "are not supported (MindSpore supports none of them).")

    def __call__(self, x: Any, w: Any, b: Any, seq_length: Any, init_h: Any,
                 init_c: Any) -> tuple[Tensor, ...]:
        where = self.name
        floats = ("Float16", "Float32")
        xa, wa = float_input(where, "x", x, floats), float_input(where, "w", w, floats)
        ba = float_input(where, "b", b, floats)
        ha, ca = float_input(where, "init_h", init_h, floats), float_input(where, "init_c", init_c, floats)
        same_dtype(where, ("x", xa), ("w", wa), ("init_h", ha), ("init_c", ca))
        if seq_length is not None:
            raise NotImplementedError(f"{where}: `seq_length` must be None (as in MindSpore).")
        if xa.ndim != 3:
            raise value_error(where, "x", tuple(xa.shape), "a (T, N, input_size) tensor")
        hidden = wa.shape[1] // 4 if wa.ndim == 2 else 0
        if wa.ndim != 2 or wa.shape[1] % 4 or wa.shape[0] != xa.shape[2] + hidden:
            raise value_error(where, "w", tuple(wa.shape), f"(input_size + H, 4 H) with "
                              f"input_size={xa.shape[2]}")
        if tuple(ba.shape) != (4 * hidden,):
            raise value_error(where, "b", tuple(ba.shape), f"({4 * hidden},)")
        for arg, array in (("init_h", ha), ("init_c", ca)):
            if tuple(array.shape) != (1, xa.shape[1], hidden):
                raise value_error(where, arg, tuple(array.shape), f"(1, {xa.shape[1]}, {hidden})")
        outputs = _recurrent.dynamic_rnn(xa, wa, ba, ha, ca, self.forget_bias)
        return tuple(Tensor._wrap(a) for a in outputs)


__all__ = ["DynamicRNN", "LSTM"]
