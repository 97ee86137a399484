"""MindSpore's ``communication.management`` path: ``init``, ``release``, ``get_rank``,
``get_group_size``, ``get_local_rank`` and ``GlobalComm`` over gpuparam's process group.

MindSpore's functions take a ``group``; gpuparam has the world group only (a
``create_group``-made group raises ``NotImplementedError``).

Example:
    >>> from gpuparam.communication.management import init, get_rank, get_group_size, release
    >>> init()
    >>> get_rank(), get_group_size()
    (0, 1)
    >>> release()
"""

from __future__ import annotations

from . import get_group_size as _group_size, get_local_rank as _local_rank, get_rank as _rank
from . import init as init, release as release
from .._errors import type_error

_WORLD_GROUPS = ("hccl_world_group", "nccl_world_group", "mccl_world_group")


class GlobalComm:
    """MindSpore's world-group names; ``WORLD_COMM_GROUP`` is the default ``group``."""

    WORLD_COMM_GROUP = "hccl_world_group"
    BACKEND = "nccl"
    INITED = False


def _world(where: str, group: str) -> None:
    if not isinstance(group, str):
        raise type_error(where, "group", group, "a str")
    if group not in _WORLD_GROUPS:
        raise NotImplementedError(f"{where}: group {group!r}: process groups other than the "
                                  "world (create_group) are not part of gpuparam.")


def get_rank(group: str = GlobalComm.WORLD_COMM_GROUP) -> int:
    """This process's rank in the world (RuntimeError before ``init()``)."""
    _world("get_rank", group)
    return _rank()


def get_group_size(group: str = GlobalComm.WORLD_COMM_GROUP) -> int:
    """The number of processes in the world (RuntimeError before ``init()``)."""
    _world("get_group_size", group)
    return _group_size()


def get_local_rank(group: str = GlobalComm.WORLD_COMM_GROUP) -> int:
    """This process's rank among those on its host (RuntimeError before ``init()``)."""
    _world("get_local_rank", group)
    return _local_rank()


__all__ = ["GlobalComm", "get_group_size", "get_local_rank", "get_rank", "init", "release"]
