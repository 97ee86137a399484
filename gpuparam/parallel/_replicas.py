"""Replicated parameters: make every rank hold rank ``src``'s values, and check that they do.

A lazy parameter with a built-in initializer needs no communication: its values are a
function of its random key (DESIGN.md, contract 3), so every rank materializes it
alone. Only data without a key (set by the user, loaded from a file on one rank, or
from a custom ``_initialize``) is sent: a parameter of ``DIRECT_BYTES`` or more
straight from the sender's buffer into each receiver's own (no copy on either side,
as a plain MPI ``Bcast``), smaller ones packed in buckets of at most ``BUCKET_BYTES``,
so no rank ever holds a flat copy of the whole model.

Parameters with ``layerwise_parallel=True`` differ between ranks by design and are left
out, as MindSpore's ``Cell.parameters_broadcast_dict()`` leaves them out; so are sliced
parameters (``init_data(index=...)``), which hold a different shard on each rank.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from .. import _backend
from .._errors import check_int, type_error, value_error
from .._parameter import Parameter
from .._tensor import Tensor
from ..communication import process_group
from ..nn import Cell

BUCKET_BYTES = 1 << 28
# A parameter this large is sent from its own buffer into the receivers' own buffers;
# smaller ones are packed into buckets, so that many small ones make few messages.
DIRECT_BYTES = 1 << 20
_DIGEST_CHUNK = 1 << 26


def _replicated(where: str, cell: Any) -> list[Parameter]:
    """The parameters every rank should hold whole and equal (see the module docstring)."""
    if not isinstance(cell, Cell):
        raise type_error(where, "cell", cell, "a gpuparam.nn.Cell")
    # MindSpore's choice (layerwise_parallel ones stay per rank), less the sliced ones:
    # each rank holds a different shard of those.
    broadcast: dict[str, Parameter] = cell.parameters_broadcast_dict() or {}
    return [p for p in broadcast.values() if not p.sliced]


def _lazy_descriptor(param: Parameter) -> Any:
    """What fixes a lazy built-in parameter's values (None when only its data can tell)."""
    init = param.init
    if init is None or not getattr(init, "regenerable", False):
        return None
    return (type(init).__name__, repr(init), tuple(int(k) for k in param._key))


def _check_src(where: str, world: Any, src: Any) -> int:
    src = check_int(where, "src", src, minimum=0)
    if src >= world.size:
        raise value_error(where, "src", src, f"a rank below the world size {world.size}")
    return src


def _layout_mismatch(where: str, infos: list[list[tuple]], reference: int) -> None:
    """Raise ValueError if some rank's parameters (names, shapes, dtypes) differ from
    ``reference``'s; the order of declaration may differ."""
    expected = {entry[:3] for entry in infos[reference]}
    for rank, plan in enumerate(infos):
        got = {entry[:3] for entry in plan}
        if got != expected:
            diff = sorted(got ^ expected, key=str)[:4]
            raise ValueError(f"{where}: rank {rank} has other parameters than rank {reference} "
                             f"(names, shapes or dtypes differ; e.g. {diff}); every rank must "
                             "build the same network.")


def broadcast_parameters(cell: Cell, src: int = 0) -> list[str]:
    """Give every rank rank ``src``'s values of ``cell``'s replicated parameters.

    Parameters with ``layerwise_parallel=True`` and sliced ones are left out. Lazy
    parameters with a built-in initializer on every rank are materialized locally
    instead of sent: their values already agree. Call it on every rank.

    Args:
        cell: The network, built the same way on every rank.
        src: The rank whose values the others take.

    Returns:
        The names of the parameters whose data was sent from ``src``, in order.

    Raises:
        TypeError/ValueError: For a non-Cell, a bad ``src``, or ranks whose parameters
            differ in name, shape or dtype (raised on every rank).
        RuntimeError: Before ``gpuparam.communication.init()``.
    """
    where = "broadcast_parameters"
    world = process_group.current(where)
    params: list[Parameter] = []
    error: Exception | None = None
    try:
        params = _replicated(where, cell)
        src = _check_src(where, world, src)
    except (TypeError, ValueError) as exc:
        error = exc
    plan = [(p.name, tuple(p.shape), p.dtype.name, _lazy_descriptor(p) is not None) for p in params]
    infos = process_group.agree(where, world, error, (src, plan))
    sources = sorted({info[0] for info in infos})
    if len(sources) > 1:
        raise ValueError(f"{where}: `src` must be the same on every rank, got {sources}.")
    _layout_mismatch(where, [info[1] for info in infos], src)
    keyed_on = [{name: keyed for name, _, _, keyed in info[1]} for info in infos]
    by_name = {p.name: p for p in params}
    to_send = []
    for name, _, _, _ in infos[src][1]:  # src's order, so that the buckets agree
        if all(keyed[name] for keyed in keyed_on):
            by_name[name].init_data()
        else:
            to_send.append(by_name[name])
    small = [p for p in to_send if p.nbytes < DIRECT_BYTES]
    for bucket in _buckets(small):
        _send_bucket(world, bucket, src)
    for param in to_send:
        if param.nbytes >= DIRECT_BYTES:
            _send_direct(world, param, src)
    return [p.name for p in to_send]


def _buckets(params: list[Parameter]) -> list[list[Parameter]]:
    buckets: list[list[Parameter]] = [[]]
    size = 0
    for param in params:
        if buckets[-1] and size + param.nbytes > BUCKET_BYTES:
            buckets.append([])
            size = 0
        buckets[-1].append(param)
        size += param.nbytes
    return [b for b in buckets if b]


def _send_direct(world: Any, param: Parameter, src: int) -> None:
    """Broadcast one large parameter from ``src``'s buffer into the others' own buffers
    (host, materialized) or, where they have none, into a new one: no packing copy."""
    shape, dtype = tuple(param.shape), param.dtype.numpy_dtype
    if world.rank == src:
        world.broadcast(param._read(), shape, dtype, src)
        return
    current = None if param.has_init else param._read()
    if current is None or _backend.is_device_array(current) or not current.flags.c_contiguous:
        received = world.broadcast(None, shape, dtype, src)
        param.set_data(Tensor._wrap(received))
        return
    with param._writing() as array:  # waits for every queued access of the old values
        received = world.broadcast(array, shape, dtype, src)
    if received is not array:  # an engine that could not receive in place
        param.set_data(Tensor._wrap(received))


def _send_bucket(world: Any, bucket: list[Parameter], src: int) -> None:
    total = sum(p.nbytes for p in bucket)
    packed = None
    if world.rank == src:
        arrays = [p._read() for p in bucket]
        xp = _backend.get_array_module(*arrays)
        packed = xp.concatenate([xp.ascontiguousarray(a).reshape(-1).view(np.uint8)
                                 for a in arrays]) if arrays else xp.empty(0, np.uint8)
    received = world.broadcast(packed, (total,), np.dtype(np.uint8), src)
    if world.rank == src:
        return
    offset = 0
    for param in bucket:
        part = received[offset:offset + param.nbytes]
        offset += param.nbytes
        values = part.view(param.dtype.numpy_dtype).reshape(param.shape)
        param.set_data(Tensor._wrap(values))


def _digest(param: Parameter) -> int:
    """A 64-bit BLAKE2b digest of the parameter's dtype, shape and bytes."""
    array = param._read()
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{param.dtype.name}{tuple(param.shape)}".encode())
    flat = array.reshape(-1)
    step = max(1, _DIGEST_CHUNK // max(1, array.itemsize))
    for start in range(0, flat.size, step):
        chunk = _backend.to_host(flat[start:start + step])
        h.update(np.ascontiguousarray(chunk).view(np.uint8).data)
    return int.from_bytes(h.digest(), "little")


def verify_replicas(cell: Cell) -> None:
    """Check that every rank holds the same values of ``cell``'s replicated parameters.

    Ranks compare one 64-bit digest per parameter (all-gathered; no parameter is ever
    sent). Lazy parameters with a built-in initializer are compared by initializer and
    random key, without materializing them, when they are lazy on every rank. This
    catches ranks that built their parameters in a different order (their random keys
    differ) or that loaded different data. ``layerwise_parallel`` and sliced parameters
    are left out.

    Args:
        cell: The network, on every rank.

    Raises:
        ValueError: Naming every parameter that differs, with the ranks that agree on
            each value (raised on every rank).
        TypeError: For a non-Cell (on any rank).
        RuntimeError: Before ``gpuparam.communication.init()``.
    """
    where = "verify_replicas"
    world = process_group.current(where)
    params: list[Parameter] = []
    error: Exception | None = None
    try:
        params = _replicated(where, cell)
    except TypeError as exc:
        error = exc
    described = [(p.name, tuple(p.shape), p.dtype.name, _lazy_descriptor(p)) for p in params]
    infos = process_group.agree(where, world, error, described)
    problems = []
    tables = [{entry[0]: entry for entry in info} for info in infos]
    names = list(dict.fromkeys(name for table in tables for name in table))
    needs_digest = []
    for name in names:
        missing = [r for r, table in enumerate(tables) if name not in table]
        if missing:
            problems.append(f"{name}: missing on rank(s) {missing}")
            continue
        entries = [table[name] for table in tables]
        if all(e[3] is not None for e in entries):
            if len({e for e in entries}) > 1:
                problems.append(f"{name}: ranks hold different lazy values (keys or "
                                f"initializers), groups {_groups(entries)}")
        elif len({e[:3] for e in entries}) > 1:
            problems.append(f"{name}: shapes or dtypes differ, groups {_groups([e[:3] for e in entries])}")
        else:
            needs_digest.append(name)
    by_name = {p.name: p for p in params}
    digests, error = [], None
    try:
        digests = [_digest(by_name[name]) for name in needs_digest]
    except Exception as exc:  # a rank that cannot materialize must not leave others waiting
        error = RuntimeError(f"{where}: computing digests failed: {exc}")
    all_digests = process_group.agree(where, world, error, digests)
    for i, name in enumerate(needs_digest):
        values = [d[i] for d in all_digests]
        if len(set(values)) > 1:
            problems.append(f"{name}: values differ, groups {_groups(values)}")
    if problems:
        raise ValueError(f"{where}: {len(problems)} parameter(s) differ between ranks "
                         "(groups list the ranks that agree):\n  " + "\n  ".join(problems))


def _groups(values: list[Any]) -> list[list[int]]:
    """Ranks grouped by equal value, in order of first appearance."""
    groups: dict[Any, list[int]] = {}
    for rank, value in enumerate(values):
        groups.setdefault(value, []).append(rank)
    return list(groups.values())
