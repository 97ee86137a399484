"""The process group as gpuparam's own packages use it: the named seam through which
``gpuparam.parallel`` moves data and keeps ranks in step (not MindSpore API).

- ``current(where)``: the group ``init()`` joined, with ``rank``, ``size`` and
  ``broadcast(array, shape, dtype, root)`` (raw NumPy or CuPy arrays; ``array`` is
  read on ``root`` only, which may get it back as is; the other ranks pass ``None``,
  or a contiguous array of that shape and dtype to receive into, and get the result:
  that array when the engine could fill it in place, else a new one);
  ``RuntimeError`` naming ``where`` before ``init()`` or after ``release()``.
- ``agree(where, group, error, info)``: every rank sends its error (or ``None``) and a
  small picklable ``info``; if any rank failed, every rank raises (the failing rank its
  own error, the others the same type naming that rank), so a bad input on one rank
  never leaves the others waiting in a collective; else every rank's ``info``, in rank
  order.

Example:
    >>> from gpuparam import communication as comm
    >>> from gpuparam.communication import process_group
    >>> comm.init()
    >>> group = process_group.current("example")
    >>> process_group.agree("example", group, None, {"rows": 3})
    [{'rows': 3}]
    >>> comm.release()
"""

from __future__ import annotations

from typing import Any

from ._world import current as current

_ERROR_TYPES = {"TypeError": TypeError, "ValueError": ValueError,
                "NotImplementedError": NotImplementedError}


def agree(where: str, group: Any, error: Exception | None, info: Any) -> list[Any]:
    """Exchange (error, info) between all ranks; raise on every rank if any rank failed.

    Returns every rank's ``info``, in rank order.
    """
    sent = None if error is None else (type(error).__name__, str(error))
    reports = group.exchange((sent, info))
    failed = [(rank, report[0]) for rank, report in enumerate(reports) if report[0] is not None]
    if failed:
        if error is not None:
            raise error
        rank, (kind, message) = failed[0]
        raise _ERROR_TYPES.get(kind, RuntimeError)(
            f"{where}: rank {rank} failed, so every rank stops here: {message}")
    return [report[1] for report in reports]


__all__ = ["agree", "current"]
