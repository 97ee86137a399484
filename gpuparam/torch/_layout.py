"""Where a local tensor sits in its global tensor: from a DTensor's placements, or given.

A ``Box`` is the global shape, the offset of the local part and its shape. For a
DTensor it is computed from the public placement API with DTensor's own rule (each
``Shard(d)`` of a mesh dimension of size ``n`` splits the part of dimension ``d`` left by
the earlier mesh dimensions into ``ceil(size / n)``-long pieces, in mesh-coordinate order;
trailing pieces may be short or empty), then checked against the local tensor's shape,
so that a torch whose layout rule changed is refused instead of filled wrongly.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import torch
from torch.distributed.tensor import DTensor, Replicate, Shard

from .._errors import type_error, value_error


@dataclass(frozen=True)
class Box:
    """A local part of a global tensor: ``whole[offset[i]:offset[i] + local_shape[i], ...]``."""

    global_shape: tuple[int, ...]
    offset: tuple[int, ...]
    local_shape: tuple[int, ...]

    @property
    def is_whole(self) -> bool:
        return self.local_shape == self.global_shape

    @property
    def numel(self) -> int:
        return math.prod(self.local_shape)

    def global_index(self) -> tuple[slice, ...]:
        return tuple(slice(o, o + n, 1) for o, n in zip(self.offset, self.local_shape))


def _shard_dim(placement: Shard, ndim: int) -> int:
    return placement.dim % ndim if ndim else placement.dim


def dtensor_box(where: str, what: str, tensor: DTensor) -> Box:
    """Return the Box of this rank's local part of ``tensor`` (``what`` names it in errors).

    Raises:
        ValueError: For a ``Partial`` placement (its local values are summands, not a
            slice), a ``_StridedShard`` or any other placement but ``Shard`` and
            ``Replicate``.
        RuntimeError: If the local tensor's shape is not the one DTensor's rule gives.
    """
    global_shape = tuple(int(n) for n in tensor.shape)
    mesh = tensor.device_mesh
    placements = tuple(tensor.placements)
    for mesh_dim, placement in enumerate(placements):
        if isinstance(placement, (Shard, Replicate)):
            continue
        name = type(placement).__name__
        if placement.is_partial():
            raise ValueError(
                f"{where}: {what} has a {name} placement on mesh dimension {mesh_dim} "
                f"({placement}): its local values are partial sums, not a slice of the "
                "tensor. Fill it before it becomes partial, or redistribute it first: "
                "`t.redistribute(placements=[Replicate()])` (or a Shard placement).")
        if name == "_StridedShard":
            raise ValueError(
                f"{where}: {what} has a _StridedShard placement on mesh dimension {mesh_dim} "
                f"({placement}), which gpuparam.torch does not support yet (it appears when "
                "FSDP shards a dimension that tensor parallelism already sharded). Fill the "
                "parameters before fully_shard (after parallelize_module), or redistribute "
                "the tensor to Shard/Replicate placements first.")
        raise ValueError(f"{where}: {what} has a placement gpuparam.torch does not know on "
                         f"mesh dimension {mesh_dim}: {placement!r}; only Shard(dim) and "
                         "Replicate() are supported: redistribute the tensor to them first.")
    local = tensor.to_local()
    local_shape = tuple(int(n) for n in local.shape)
    coordinate = mesh.get_coordinate()
    if coordinate is None:  # this rank is outside the mesh: it holds nothing
        return Box(global_shape, (0,) * len(global_shape), local_shape)
    shape, offset = list(global_shape), [0] * len(global_shape)
    for mesh_dim, placement in enumerate(placements):
        if not isinstance(placement, Shard):
            continue
        dim = _shard_dim(placement, len(global_shape))
        size, pieces = shape[dim], int(mesh.size(mesh_dim))
        chunk = -(-size // pieces)
        start = min(chunk * int(coordinate[mesh_dim]), size)
        shape[dim] = min(size, start + chunk) - start
        offset[dim] += start
    if tuple(shape) != local_shape:
        raise RuntimeError(
            f"{where}: {what}'s local tensor has shape {local_shape}, but its placements "
            f"{placements} on a mesh of shape {tuple(mesh.shape)} give {tuple(shape)} at "
            f"coordinate {tuple(coordinate)}: this torch ({torch.__version__}) lays out "
            "shards in a way gpuparam.torch does not know, so nothing was filled.")
    return Box(global_shape, tuple(offset), local_shape)


def _int_tuple(where: str, arg: str, value: Any, accepted: str) -> tuple[int, ...]:
    if isinstance(value, torch.Size):
        value = tuple(value)
    if (not isinstance(value, (tuple, list))
            or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0
                   for v in value)):
        raise type_error(where, arg, value, accepted)
    return tuple(int(v) for v in value)


def given_box(where: str, local_shape: tuple[int, ...], global_shape: Any,
              global_offset: Any) -> Box:
    """Return the Box of a plain local tensor from ``global_shape``/``global_offset``.

    Both ``None``: the tensor is the whole. Otherwise both are needed, with one entry
    per dimension, and the local part must lie inside the global shape.
    """
    if global_shape is None and global_offset is None:
        return Box(local_shape, (0,) * len(local_shape), local_shape)
    if global_shape is None or global_offset is None:
        missing = "global_shape" if global_shape is None else "global_offset"
        raise ValueError(f"{where}: `global_shape` and `global_offset` go together; "
                         f"`{missing}` is missing (pass both, or neither for a whole tensor).")
    shape = _int_tuple(where, "global_shape", global_shape, "a tuple of ints >= 0")
    offset = _int_tuple(where, "global_offset", global_offset, "a tuple of ints >= 0")
    ndim = len(local_shape)
    if len(shape) != ndim or len(offset) != ndim:
        raise value_error(where, "global_shape", (shape, offset),
                          f"a global shape and an offset of {ndim} entries each, as the "
                          f"local tensor has {ndim} dimensions")
    outside = [d for d in range(ndim) if offset[d] + local_shape[d] > shape[d]]
    if outside:
        raise value_error(where, "global_offset", offset,
                          f"an offset that keeps the local shape {local_shape} inside the "
                          f"global shape {shape} (dimension(s) {outside} reach past it)")
    return Box(shape, offset, local_shape)


__all__ = ["Box", "dtensor_box", "given_box"]
