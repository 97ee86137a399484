"""MindSpore's ``parallel._utils`` helpers that model files import, over
``gpuparam.context``'s auto-parallel settings and ``gpuparam.communication``.

Example:
    >>> from gpuparam.parallel._utils import _get_device_num, _get_parallel_mode
    >>> _get_parallel_mode(), _get_device_num()
    ('stand_alone', 1)
"""

from __future__ import annotations

from .. import communication, context


def _get_parallel_mode() -> str:
    """The parallel mode (``'stand_alone'`` until set)."""
    return str(context.get_auto_parallel_context("parallel_mode"))


def _get_gradients_mean() -> bool:
    """Whether data-parallel gradients are averaged (``gradients_mean``)."""
    return bool(context.get_auto_parallel_context("gradients_mean"))


def _get_device_num() -> int:
    """1 when stand-alone; else ``device_num`` if set, else the process group's size
    (RuntimeError before ``communication.init()``, as MindSpore)."""
    if _get_parallel_mode() == context.ParallelMode.STAND_ALONE:
        return 1
    if context.is_auto_parallel_context_set("device_num"):
        return int(context.get_auto_parallel_context("device_num"))
    return communication.get_group_size()


def _get_global_rank() -> int:
    """0 when stand-alone; else ``global_rank`` if set, else this process's rank."""
    if _get_parallel_mode() == context.ParallelMode.STAND_ALONE:
        return 0
    if context.is_auto_parallel_context_set("global_rank"):
        return int(context.get_auto_parallel_context("global_rank"))
    return communication.get_rank()


def _get_full_batch() -> bool:
    return bool(context.get_auto_parallel_context("full_batch"))


def _get_enable_parallel_optimizer() -> bool:
    return bool(context.get_auto_parallel_context("enable_parallel_optimizer"))


def _get_pipeline_stages() -> int:
    return int(context.get_auto_parallel_context("pipeline_stages"))


def _get_parameter_broadcast() -> bool:
    return bool(context.get_auto_parallel_context("parameter_broadcast"))


__all__ = ["_get_device_num", "_get_enable_parallel_optimizer", "_get_full_batch",
           "_get_global_rank", "_get_gradients_mean", "_get_parallel_mode",
           "_get_parameter_broadcast", "_get_pipeline_stages"]
