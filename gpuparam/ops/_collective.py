"""``ops.AllReduce``: the element-wise reduction of a tensor over every process.

ops sits below ``gpuparam.communication`` and may not import it, so the process group
registers its all-reduce here when it is imported (``ops.seam.use_all_reduce``). Until
``communication.init()`` has started a group, the world is this one process and the
reduction of one tensor is a copy of it, as in a single-process MindSpore run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import check_choice, type_error
from .._tensor import Tensor
from .primitive import Primitive

REDUCE_OPS = ("sum", "max", "min", "prod")
WORLD_GROUP = "hccl_world_group"  # MindSpore's GlobalComm.WORLD_COMM_GROUP
_WORLD_GROUPS = (WORLD_GROUP, "nccl_world_group", "mccl_world_group")

# Set by gpuparam.communication: (tensor, op) -> the reduced Tensor, or None when no
# process group is running.
_all_reduce: Callable[[Tensor, str], Tensor | None] | None = None


def use_all_reduce(all_reduce: Callable[[Tensor, str], Tensor | None]) -> None:
    """Register the process group's all-reduce (called by ``gpuparam.communication``)."""
    global _all_reduce
    _all_reduce = all_reduce


class AllReduce(Primitive):
    """``AllReduce(op='sum', group=...)(x)``: ``x`` reduced element-wise over every process.

    Args:
        op: ``'sum'``, ``'max'``, ``'min'`` or ``'prod'`` (``ReduceOp.SUM``, ...).
        group: The world group (MindSpore's ``'hccl_world_group'`` or
            ``'nccl_world_group'``); other groups need ``create_group``, which gpuparam
            does not provide (NotImplementedError).

    Without ``communication.init()`` the world is this one process: the result is a copy
    of ``x``. After it, the reduction runs over the group (MPI or NCCL), on every rank.

    Example:
        >>> import numpy as np
        >>> from gpuparam import Tensor, ops
        >>> ops.AllReduce()(Tensor(np.array([1.0, 2.0], np.float32))).asnumpy()
        array([1., 2.], dtype=float32)
    """

    def __init__(self, op: str = "sum", group: str = WORLD_GROUP) -> None:
        super().__init__("AllReduce")
        self.add_prim_attr("op", check_choice("AllReduce", "op", op, REDUCE_OPS))
        if not isinstance(group, str):
            raise type_error("AllReduce", "group", group, "a str")
        if group not in _WORLD_GROUPS:
            raise NotImplementedError(f"AllReduce: `group` {group!r}: process groups other "
                                      "than the world (create_group) are not part of gpuparam.")
        self.add_prim_attr("group", group)

    def __call__(self, x: Any) -> Tensor:
        if not isinstance(x, Tensor):
            raise type_error("AllReduce", "x", x, "a Tensor")
        reduced = None if _all_reduce is None else _all_reduce(x, self.op)
        return Tensor._wrap(x._read().copy()) if reduced is None else reduced


__all__ = ["AllReduce", "REDUCE_OPS", "WORLD_GROUP", "use_all_reduce"]
