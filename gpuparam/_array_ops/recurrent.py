"""Recurrences over whole sequences: LSTM, GRU and Elman RNN (``nn.LSTM``/``GRU``/``RNN``,
their ``*Cell`` steps, ``ops.LSTM``) and TensorFlow's LSTM block (``ops.DynamicRNN``).

A loop over the time steps, the input projection of all steps first as one matrix
product (``xp.matmul``: cuBLAS on the GPU), then per step one product with the state
and elementwise gates, in float32 (float64 for float64 inputs; float16 is computed in
float32 and rounded once). Gate orders are MindSpore's (and PyTorch's): LSTM
``[i, f, g, o]``, GRU ``[r, z, n]`` with ``n = tanh(x_n + r * (W_hn h + b_hn))``;
``ops.DynamicRNN`` (TensorFlow's) ``[i, j, f, o]`` with ``forget_bias`` added to ``f``.

Valid lengths (``nn.LSTM(x, hx, seq_length)``) follow MindSpore's CPU recurrence: past
its length a sequence keeps its state and outputs zeros, so ``h_n`` is the state at the
last valid step. MindSpore runs the reverse direction over the sequence reversed within
its length and reverses the outputs back; that is the same as stepping from ``T - 1``
down to 0 with the steps at or past the length masked out, which is what is done here
(no reversed copies). The masks are computed on the device: no host synchronization.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .._backend import Array, get_array_module
from .activations import relu, sigmoid

#: rows per hidden unit in ``w_ih``/``w_hh`` for each mode
GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}

Weights = tuple[Array, Array, "Array | None", "Array | None"]


def _work(x: Array) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


def _step(mode: str, gi: Array, h: Array, c: Array | None, w_hh: Array,
          b_hh: Array | None) -> tuple[Array, Array | None]:
    """One step from the projected input ``gi = x_t @ w_ih.T + b_ih``: ``(h', c')``."""
    xp = get_array_module(gi)
    gh = xp.matmul(h, w_hh.T)
    if b_hh is not None:
        gh = gh + b_hh
    hidden = h.shape[-1]
    if mode == "LSTM":
        gates = gi + gh
        i, f = sigmoid(gates[:, :hidden]), sigmoid(gates[:, hidden:2 * hidden])
        g, o = xp.tanh(gates[:, 2 * hidden:3 * hidden]), sigmoid(gates[:, 3 * hidden:])
        c = f * c + i * g
        return o * xp.tanh(c), c
    if mode == "GRU":
        r = sigmoid(gi[:, :hidden] + gh[:, :hidden])
        z = sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
        n = xp.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
        return n + z * (h - n), None  # MindSpore's form of (1 - z) * n + z * h
    pre = gi + gh
    return (xp.tanh(pre) if mode == "RNN_TANH" else relu(pre)), None


def _project(x: Array, w_ih: Array, b_ih: Array | None) -> Array:
    xp = get_array_module(x)
    projected = xp.matmul(x, w_ih.T)
    return projected if b_ih is None else projected + b_ih


def recurrence(mode: str, x: Array, h0: Array, c0: Array | None, w_ih: Array, w_hh: Array,
               b_ih: Array | None, b_hh: Array | None, *, reverse: bool = False,
               lengths: Array | None = None) -> tuple[Array, Array, Array | None]:
    """One layer, one direction, in ``x``'s dtype (the caller casts): ``(outputs (T, N,
    H), h_n, c_n)`` (``c_n`` None but for LSTM) over ``x`` ``(T, N, in)``.

    ``lengths`` (``(N,)`` integers, or None for all ``T``): steps at or past a
    sequence's length keep its state and output zeros. ``reverse`` steps from ``T - 1``
    down to 0.

    Example:
        >>> import numpy as np
        >>> x = np.ones((3, 1, 1))
        >>> w = np.ones((1, 1))
        >>> out, h, _ = recurrence("RNN_RELU", x, np.zeros((1, 1)), None, w, w, None, None,
        ...                        lengths=np.array([2]))
        >>> out[:, 0, 0], h
        (array([1., 2., 0.]), array([[2.]]))
    """
    xp = get_array_module(x)
    projected = _project(x, w_ih, b_ih)
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outputs: list[Array] = [None] * x.shape[0]  # type: ignore[list-item]
    h, c = h0, c0
    zero = xp.zeros_like(h0)
    for t in steps:
        h_new, c_new = _step(mode, projected[t], h, c, w_hh, b_hh)
        if lengths is None:
            h, c, outputs[t] = h_new, c_new, h_new
            continue
        valid = (lengths > t)[:, None]  # (N, 1), on the device
        h = xp.where(valid, h_new, h)
        c = None if c is None else xp.where(valid, c_new, c)
        outputs[t] = xp.where(valid, h_new, zero)
    return xp.stack(outputs), h, c


def stacked(mode: str, x: Array, h0: Array, c0: Array | None, weights: Sequence[Weights],
            bidirectional: bool, lengths: Array | None = None,
            between: Callable[[Array], Array] | None = None
            ) -> tuple[Array, Array, Array | None]:
    """A stacked (optionally bidirectional) recurrence over ``x`` ``(T, N, in)``.

    ``weights`` holds ``(w_ih (G*H, in_l), w_hh (G*H, H), b_ih, b_hh)`` (biases ``(G*H,)``
    or None) for each layer and direction, in the order ``(layer 0, forward), (layer 0,
    reverse), ...``; ``h0``/``c0`` are ``(layers * directions, N, H)`` (``c0`` only for
    LSTM). ``between`` (dropout) is applied to each layer's output but the last's.
    Returns ``(output (T, N, D * H), h_n, c_n)``, the reverse direction in the last
    ``H`` features, in ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> w = [(np.ones((3, 1)), np.ones((3, 1)), None, None)]
        >>> out, h, _ = stacked("GRU", np.zeros((2, 1, 1)), np.zeros((1, 1, 1)), None, w, False)
        >>> out.shape, h.shape
        ((2, 1, 1), (1, 1, 1))
    """
    xp = get_array_module(x)
    work = _work(x)
    directions = 2 if bidirectional else 1
    layer_input = x.astype(work, copy=False)
    h_n: list[Array] = []
    c_n: list[Array] = []
    outputs: list[Array] = []
    for k, block in enumerate(weights):
        w_ih, w_hh, b_ih, b_hh = (None if a is None else a.astype(work, copy=False) for a in block)
        out, h, c = recurrence(mode, layer_input, h0[k].astype(work, copy=False),
                               None if c0 is None else c0[k].astype(work, copy=False),
                               w_ih, w_hh, b_ih, b_hh, reverse=k % directions == 1,
                               lengths=lengths)
        outputs.append(out)
        h_n.append(h)
        if c is not None:
            c_n.append(c)
        if k % directions == directions - 1:
            layer_input = outputs[0] if directions == 1 else xp.concatenate(outputs, axis=-1)
            outputs = []
            if between is not None and k < len(weights) - 1:
                layer_input = between(layer_input)
    return (layer_input.astype(x.dtype), xp.stack(h_n).astype(x.dtype),
            xp.stack(c_n).astype(x.dtype) if c_n else None)


def cell(mode: str, x: Array, h: Array, c: Array | None, w_ih: Array, w_hh: Array,
         b_ih: Array | None, b_hh: Array | None) -> tuple[Array, Array | None]:
    """One step of ``nn.LSTMCell``/``GRUCell``/``RNNCell``: ``(h', c')`` (``c'`` None
    but for LSTM) from ``x`` ``(N, in)`` and ``h``, ``c`` ``(N, H)``, in ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> h, _ = cell("RNN_TANH", np.ones((1, 2)), np.zeros((1, 1)), None,
        ...             np.ones((1, 2)), np.ones((1, 1)), None, None)
        >>> h.round(6)
        array([[0.964028]])
    """
    work = _work(x)
    w_ih, w_hh, b_ih, b_hh = (None if a is None else a.astype(work, copy=False)
                              for a in (w_ih, w_hh, b_ih, b_hh))
    h_new, c_new = _step(mode, _project(x.astype(work, copy=False), w_ih, b_ih),
                         h.astype(work, copy=False),
                         None if c is None else c.astype(work, copy=False), w_hh, b_hh)
    return h_new.astype(x.dtype), None if c_new is None else c_new.astype(x.dtype)


def lstm(x: Array, h0: Array, c0: Array, weights: Sequence[tuple[Array, Array, Array | None]],
         bidirectional: bool) -> tuple[Array, Array, Array]:
    """``ops.LSTM``'s stacked LSTM: ``weights`` holds ``(w_ih (4H, in_l), w_hh (4H, H),
    bias (4H,) or None)`` (one bias, ``b_ih + b_hh``) per layer and direction, ordered as
    in ``stacked``; returns ``(output (T, N, D * H), h_n, c_n)`` in ``x``'s dtype."""
    output, h_n, c_n = stacked("LSTM", x, h0, c0, [(w_ih, w_hh, b, None) for w_ih, w_hh, b in weights],
                               bidirectional)
    assert c_n is not None
    return output, h_n, c_n


def dynamic_rnn(x: Array, w: Array, b: Array, h0: Array, c0: Array,
                forget_bias: float) -> tuple[Array, ...]:
    """TensorFlow's LSTM block (``ops.DynamicRNN``): ``[x_t, h] @ w + b`` split into
    ``[i, j, f, o]``; returns ``(y, output_h, output_c, i, j, f, o, tanhc)``, each
    ``(T, N, H)``, in ``b``'s dtype (``output_h`` in ``x``'s)."""
    xp = get_array_module(x)
    work = np.dtype(np.float32)
    hidden = w.shape[1] // 4
    h, c = h0[0].astype(work), c0[0].astype(work)
    wx, wh, bias = w[:x.shape[2]].astype(work), w[x.shape[2]:].astype(work), b.astype(work)
    projected = xp.matmul(x.astype(work), wx) + bias
    records: list[list[Array]] = [[] for _ in range(7)]
    for t in range(x.shape[0]):
        gates = projected[t] + xp.matmul(h, wh)
        i, j = sigmoid(gates[:, :hidden]), xp.tanh(gates[:, hidden:2 * hidden])
        f = sigmoid(gates[:, 2 * hidden:3 * hidden] + work.type(forget_bias))
        o = sigmoid(gates[:, 3 * hidden:])
        c = f * c + i * j
        tanh_c = xp.tanh(c)
        h = o * tanh_c
        for record, value in zip(records, (h, c, i, j, f, o, tanh_c)):
            record.append(value)
    h_seq, c_seq, i_seq, j_seq, f_seq, o_seq, tanh_seq = (xp.stack(r) for r in records)
    out = b.dtype
    return (h_seq.astype(out), h_seq.astype(x.dtype), c_seq.astype(out), i_seq.astype(out),
            j_seq.astype(out), f_seq.astype(out), o_seq.astype(out), tanh_seq.astype(out))


__all__ = ["GATES", "cell", "dynamic_rnn", "lstm", "recurrence", "stacked"]
