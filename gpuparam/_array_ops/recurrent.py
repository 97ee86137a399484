"""LSTM recurrences over whole sequences, for ``ops.LSTM`` and ``ops.DynamicRNN``.

A loop over the time steps, each one batched matrix product (``xp.matmul``: cuBLAS on
the GPU) and elementwise gates, in float32 (float64 for float64 inputs). Gate orders
are the operators': ``ops.LSTM`` (PyTorch's, oneDNN's) stacks ``[i, f, g, o]``;
``ops.DynamicRNN`` (TensorFlow's) ``[i, j, f, o]`` with ``forget_bias`` added to ``f``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._backend import Array, get_array_module
from .activations import sigmoid


def _work(x: Array) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


def lstm_direction(x: Array, h: Array, c: Array, w_ih: Array, w_hh: Array, bias: Array | None,
                   reverse: bool) -> tuple[Array, Array, Array]:
    """One layer, one direction: ``(outputs (T, N, H), h_T, c_T)`` with gates ``[i, f, g, o]``."""
    xp = get_array_module(x)
    hidden = w_hh.shape[1]
    projected = xp.matmul(x, w_ih.T) if bias is None else xp.matmul(x, w_ih.T) + bias
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outputs = [None] * x.shape[0]
    for t in steps:
        gates = projected[t] + xp.matmul(h, w_hh.T)
        i, f = sigmoid(gates[:, :hidden]), sigmoid(gates[:, hidden:2 * hidden])
        g, o = xp.tanh(gates[:, 2 * hidden:3 * hidden]), sigmoid(gates[:, 3 * hidden:])
        c = f * c + i * g
        h = o * xp.tanh(c)
        outputs[t] = h
    return xp.stack(outputs), h, c


def lstm(x: Array, h0: Array, c0: Array, weights: Sequence[tuple[Array, Array, Array | None]],
         bidirectional: bool) -> tuple[Array, Array, Array]:
    """A stacked (optionally bidirectional) LSTM over ``x`` ``(T, N, in)``.

    ``weights`` holds ``(w_ih (4H, in_l), w_hh (4H, H), bias (4H,) or None)`` for each
    layer and direction, in the order ``(layer 0, forward), (layer 0, reverse), ...``;
    ``h0``/``c0`` are ``(layers * directions, N, H)``. Returns ``(output (T, N, D * H),
    h_n, c_n)``, the reverse direction in the last ``H`` features, in ``x``'s dtype.
    """
    xp = get_array_module(x)
    work = _work(x)
    directions = 2 if bidirectional else 1
    layer_input = x.astype(work)
    h_n, c_n = [], []
    for k, (w_ih, w_hh, bias) in enumerate(weights):
        if k % directions == 0:
            outputs = []
        out, h, c = lstm_direction(layer_input, h0[k].astype(work), c0[k].astype(work),
                                   w_ih.astype(work), w_hh.astype(work),
                                   None if bias is None else bias.astype(work),
                                   reverse=k % directions == 1)
        outputs.append(out)
        h_n.append(h)
        c_n.append(c)
        if k % directions == directions - 1:
            layer_input = xp.concatenate(outputs, axis=-1)
    return (layer_input.astype(x.dtype), xp.stack(h_n).astype(x.dtype),
            xp.stack(c_n).astype(x.dtype))


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


__all__ = ["dynamic_rnn", "lstm", "lstm_direction"]
