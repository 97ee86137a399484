"""MindSpore's ``parallel._auto_parallel_context`` path, which model files import.

``auto_parallel_context()`` returns the object whose ``get_<key>()`` methods read
``gpuparam.context.get_auto_parallel_context(<key>)`` (and ``get_<key>_is_set()``
whether the key was set), as MindSpore's.

Example:
    >>> from gpuparam.parallel._auto_parallel_context import auto_parallel_context
    >>> auto_parallel_context().get_parallel_mode(), auto_parallel_context().get_device_num_is_set()
    ('stand_alone', False)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import context


class _AutoParallelContext:
    """Read access to the auto-parallel settings, one ``get_<key>`` method per key."""

    def __getattr__(self, name: str) -> Callable[[], Any]:
        if name.startswith("get_") and name.endswith("_is_set"):
            key = name[4:-7]
            return lambda: context.is_auto_parallel_context_set(key)
        if name.startswith("get_"):
            key = name[4:]
            return lambda: context.get_auto_parallel_context(key)
        raise AttributeError(f"'auto_parallel_context' has no attribute {name!r}")

    def set_parallel_mode(self, parallel_mode: str) -> None:
        context.set_auto_parallel_context(parallel_mode=parallel_mode)

    def reset(self) -> None:
        context.reset_auto_parallel_context()


_CONTEXT = _AutoParallelContext()


def auto_parallel_context() -> _AutoParallelContext:
    """The process's auto-parallel context (one shared object)."""
    return _CONTEXT


__all__ = ["auto_parallel_context"]
