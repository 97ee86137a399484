"""Collective operations on Tensors, as ``mindspore.communication.comm_func``.

Every collective first checks its input on each rank, then all ranks exchange a small
message (the error found, if any, with the input's shape, dtype and arguments) before
any data moves. So a bad input on one rank raises on every rank, with the same error
type and a message naming that rank, instead of leaving the others waiting in a
collective that will never complete. Mismatched shapes or dtypes across ranks are
found the same way.
"""

from __future__ import annotations

from typing import Any

from .._errors import check_int, type_error, value_error
from .._tensor import Tensor
from . import _world
from .process_group import agree as _agree

class ReduceOp:
    """The reductions of ``all_reduce``, named as ``mindspore.communication.ReduceOp``."""

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    PROD = "prod"


def _check_tensor(where: str, tensor: Any) -> Exception | None:
    if not isinstance(tensor, Tensor):
        return type_error(where, "tensor", tensor, "a gpuparam Tensor")
    return None


def _describe(tensor: Any) -> Any:
    return (tuple(tensor.shape), tensor.dtype.name) if isinstance(tensor, Tensor) else None


def _differing(infos: list[Any], reference: Any) -> list[int]:
    return [rank for rank, info in enumerate(infos) if info != reference]


def broadcast(tensor: Tensor, src: int = 0) -> Tensor:
    """Return rank ``src``'s ``tensor`` on every rank.

    Every rank passes a tensor of the same shape and dtype; only ``src``'s values are
    read (the others' may be lazy and stay so).

    Args:
        tensor: The tensor to send (on ``src``) or whose shape and dtype to receive.
        src: The rank that sends, the same on every rank.

    Returns:
        A new Tensor with rank ``src``'s values (a copy on ``src`` itself).

    Raises:
        TypeError: If ``tensor`` is not a Tensor or ``src`` not an int (on any rank).
        ValueError: If ``src`` is out of range or differs between ranks, or a rank's
            shape or dtype differs from ``src``'s.
        RuntimeError: Before ``init()`` or after ``release()``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import communication as comm
        >>> from gpuparam.communication import comm_func
        >>> comm.init()
        >>> comm_func.broadcast(gpuparam.Tensor(np.arange(3, dtype=np.int32)), src=0).asnumpy()
        array([0, 1, 2], dtype=int32)
        >>> comm.release()
    """
    where = "comm_func.broadcast"
    world = _world.current(where)
    error = _check_tensor(where, tensor)
    if error is None:
        try:
            src = check_int(where, "src", src, minimum=0)
            if src >= world.size:
                raise value_error(where, "src", src, f"a rank below the world size {world.size}")
        except (TypeError, ValueError) as exc:
            error = exc
    infos = _agree(where, world, error, (_describe(tensor), src))
    sources = sorted({info[1] for info in infos})
    if len(sources) > 1:
        raise ValueError(f"{where}: `src` must be the same on every rank, got {sources}.")
    expected = infos[src][0]
    wrong = _differing([info[0] for info in infos], expected)
    if wrong:
        raise ValueError(f"{where}: rank(s) {wrong} passed a tensor whose (shape, dtype) differs "
                         f"from rank {src}'s {expected}: {[infos[r][0] for r in wrong]}.")
    shape, dtype = expected[0], tensor.dtype.numpy_dtype
    if world.rank != src:
        return Tensor._wrap(world.broadcast(None, shape, dtype, src))
    array = tensor._read()
    result = world.broadcast(array, shape, dtype, src)
    return Tensor._wrap(result.copy() if result is array else result)


def all_reduce(tensor: Tensor, op: str = ReduceOp.SUM) -> Tensor:
    """Return the element-wise reduction of every rank's ``tensor``.

    float16, bfloat16 and the float8 types are reduced in float32 and rounded once;
    complex tensors take ``"sum"`` and ``"prod"`` only; bool stays bool, with
    ``"sum"``/``"max"`` as OR and ``"prod"``/``"min"`` as AND (as NCCL and torch do);
    integers wrap as NumPy's do.

    Args:
        tensor: This rank's tensor; the same shape and dtype on every rank.
        op: ``"sum"``, ``"max"``, ``"min"`` or ``"prod"`` (``ReduceOp.SUM``, ...).

    Returns:
        A new Tensor, identical on every rank.

    Raises:
        TypeError: If ``tensor`` is not a Tensor or ``op`` not a str (on any rank).
        ValueError: For an unknown ``op``, or ranks that differ in op, shape or dtype.
        RuntimeError: Before ``init()`` or after ``release()``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import communication as comm
        >>> from gpuparam.communication import comm_func
        >>> comm.init()
        >>> comm_func.all_reduce(gpuparam.Tensor(np.array([1.5, 2.0], np.float32))).asnumpy()
        array([1.5, 2. ], dtype=float32)
        >>> comm.release()
    """
    where = "comm_func.all_reduce"
    world = _world.current(where)
    error = _check_tensor(where, tensor)
    if error is None:
        if not isinstance(op, str):
            error = type_error(where, "op", op, f"one of {list(_world.REDUCE_OPS)}")
        elif op not in _world.REDUCE_OPS:
            error = value_error(where, "op", op, f"one of {list(_world.REDUCE_OPS)}")
        elif op in ("max", "min") and tensor.dtype.numpy_dtype.kind == "c":
            error = value_error(where, "op", op, "'sum' or 'prod' for a complex tensor "
                                "(complex numbers have no order)")
    infos = _agree(where, world, error, (_describe(tensor), op))
    wrong = _differing(infos, infos[0])
    if wrong:
        raise ValueError(f"{where}: every rank must pass the same op, shape and dtype; rank 0 "
                         f"has {infos[0]}, rank(s) {wrong} have {[infos[r] for r in wrong]}.")
    return Tensor._wrap(world.all_reduce(tensor._read(), op))


def all_gather_into_tensor(tensor: Tensor) -> Tensor:
    """Return every rank's ``tensor`` concatenated along dimension 0, in rank order.

    Ranks may pass different sizes along dimension 0 (uneven shards), but the same
    other dimensions and dtype. A 0-d tensor counts as one row: the result has shape
    ``(world size,)``.

    Args:
        tensor: This rank's part.

    Returns:
        A new Tensor, identical on every rank.

    Raises:
        TypeError: If ``tensor`` is not a Tensor (on any rank).
        ValueError: If ranks differ in dtype or in dimensions other than the first.
        RuntimeError: Before ``init()`` or after ``release()``.

    Example:
        >>> import numpy as np
        >>> import gpuparam
        >>> from gpuparam import communication as comm
        >>> from gpuparam.communication import comm_func
        >>> comm.init()
        >>> comm_func.all_gather_into_tensor(gpuparam.Tensor(np.ones((2, 3), np.float32))).shape
        (2, 3)
        >>> comm.release()
    """
    where = "comm_func.all_gather_into_tensor"
    world = _world.current(where)
    infos = _agree(where, world, _check_tensor(where, tensor), _describe(tensor))
    first_shape, first_dtype = infos[0]
    wrong = [rank for rank, (shape, dtype) in enumerate(infos)
             if dtype != first_dtype or len(shape) != len(first_shape) or shape[1:] != first_shape[1:]]
    if wrong:
        raise ValueError(f"{where}: every rank must pass the same dtype and the same dimensions "
                         f"after the first; rank 0 has {infos[0]}, rank(s) {wrong} have "
                         f"{[infos[r] for r in wrong]}.")
    gathered = world.all_gather(tensor._read(), [shape for shape, _ in infos])
    return Tensor._wrap(gathered)


def barrier() -> None:
    """Wait until every rank has called ``barrier``.

    Raises:
        RuntimeError: Before ``init()`` or after ``release()``.
    """
    _world.current("comm_func.barrier").barrier()


__all__ = ["ReduceOp", "all_gather_into_tensor", "all_reduce", "barrier", "broadcast"]
