"""MindSpore's parallel layout tuple, turned into the slices ``init_data(index=...)`` takes.

A layout is ``(dev_mat, tensor_map, slice_shape, field_size, uniform_split,
opt_shard_group)``. The ranks form a device matrix ``dev_mat`` (row-major: the last axis
varies fastest with the rank); ``tensor_map[i] = k`` says that tensor dimension ``i`` is
split evenly over device-matrix axis ``len(dev_mat) - 1 - k`` (counted from the right),
and ``-1`` that it is not split. This is the rule of MindSpore's
``mindspore/parallel/_tensor.py`` (``_rank_to_coordinate``, ``_get_tensor_strategy``).

Unlike MindSpore, whose shards are drawn with a per-shard seed, the shard's values are
then exactly that slice of the whole tensor, at any world size.
"""

from __future__ import annotations

import numbers
from typing import Any

from ._errors import type_error, value_error

# This process's rank in the communication world: set by gpuparam.communication
# (init and release) through set_process_rank, since this layer sits below it and must
# not import it; read by Parameter.init_data(layout=...) through process_rank().
_process_rank: int | None = None


def set_process_rank(rank: int | None) -> None:
    """Record this process's rank (``None``: no communication world is up)."""
    global _process_rank
    _process_rank = rank


def process_rank() -> int | None:
    """This process's rank, or ``None`` before ``gpuparam.communication.init()``."""
    return _process_rank

_WHERE = "Parameter.init_data"


def _int_list(arg: str, value: Any, minimum: int) -> list[int]:
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise type_error(_WHERE, f"layout {arg}", value, "a list/tuple of ints")
    if any(int(v) < minimum for v in value):
        raise value_error(_WHERE, f"layout {arg}", value, f"ints >= {minimum}")
    return [int(v) for v in value]


def layout_index(shape: tuple[int, ...], layout: Any, rank: int | None) -> tuple[slice, ...]:
    """Return this rank's slices of a tensor of ``shape`` under MindSpore's ``layout``.

    Raises:
        TypeError/ValueError: For a malformed layout, or one that does not fit ``shape``.
        NotImplementedError: For the fields gpuparam does not support (``field_size``,
            a non-uniform split, an optimizer-shard group).
        RuntimeError: Before ``gpuparam.communication.init()`` (the rank is unknown).
    """
    if not isinstance(layout, (tuple, list)) or len(layout) < 6:
        raise type_error(_WHERE, "layout", layout,
                         "MindSpore's layout tuple (dev_mat, tensor_map, slice_shape, field_size, "
                         "uniform_split, opt_shard_group)")
    dev_mat = _int_list("dev_mat", layout[0], 1)
    tensor_map = _int_list("tensor_map", layout[1], -1)
    slice_shape = _int_list("slice_shape", layout[2], 0)
    field_size, uniform_split, opt_shard_group = layout[3], layout[4], layout[5]
    unsupported = [name for name, bad in (("field_size", bool(field_size)),
                                          ("uniform_split=False", not uniform_split),
                                          ("opt_shard_group", bool(opt_shard_group))) if bad]
    if unsupported:
        raise NotImplementedError(f"{_WHERE}: the layout field(s) {', '.join(unsupported)} "
                                  "are not supported; only even splits by dev_mat and tensor_map.")
    if len(tensor_map) != len(shape):
        raise value_error(_WHERE, "layout tensor_map", tensor_map,
                          f"one entry per dimension of the shape {shape}")
    if any(k >= len(dev_mat) for k in tensor_map):
        raise value_error(_WHERE, "layout tensor_map", tensor_map,
                          f"entries below len(dev_mat) = {len(dev_mat)}, or -1")
    if rank is None:
        raise RuntimeError(f"{_WHERE}: a layout maps a rank to its slice; call "
                           "gpuparam.communication.init() first.")
    devices = 1
    for size in dev_mat:
        devices *= size
    if rank >= devices:
        raise ValueError(f"{_WHERE}: rank {rank} is outside the device matrix {dev_mat} "
                         f"({devices} devices).")
    coordinate, rest = [0] * len(dev_mat), rank
    for axis in reversed(range(len(dev_mat))):
        coordinate[axis], rest = rest % dev_mat[axis], rest // dev_mat[axis]
    index = []
    for dim, k in enumerate(tensor_map):
        parts = 1 if k == -1 else dev_mat[len(dev_mat) - 1 - k]
        part = 0 if k == -1 else coordinate[len(dev_mat) - 1 - k]
        if shape[dim] % parts:
            raise value_error(_WHERE, "layout", layout,
                              f"a split that divides dimension {dim} (size {shape[dim]}) evenly")
        step = shape[dim] // parts
        index.append(slice(part * step, (part + 1) * step, 1))
    got = [s.stop - s.start for s in index]
    if slice_shape != got:
        raise value_error(_WHERE, "layout slice_shape", slice_shape,
                          f"the shape {got} that dev_mat and tensor_map give for {shape}")
    return tuple(index)
